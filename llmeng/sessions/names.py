"""Where session files live and which names are allowed, so every path stays under .claude/sessions/."""

from __future__ import annotations

import re
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.fsutil import confine, confine_dir, read_regular

SESSIONS_DIR = ".claude/sessions"
ACTIVE = "active"
ARCHIVE = "archive"
STANDALONE = "standalone"

# Ids start with the UTC start time, so sorting ids sorts sessions by start: the newest wins.
SESSION_ID_RE = re.compile(r"\d{8}-\d{6}(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?")
SESSION_ID_MAX_CHARS = 80
SLUG_MAX_CHARS = 40
# Plugin agents are named `plugin:agent` (claude-code.md 3.1), so ':' is allowed.
AGENT_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
AGENT_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
SOURCES = ("script", "cli", "mcp", "hook")
# A Claude Code session id, as hook payloads and CLAUDE_CODE_SESSION_ID carry it.
CLAUDE_SESSION_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The session tied to a Claude Code session (sessions/claude.py) is `<time>-claude-code-<its id>`.
# `session start` cannot make such an id: its slug stops at SLUG_MAX_CHARS, shorter than this tail.
TIED_MARK = "claude-code"
TIED_ID_RE = re.compile(rf"\d{{8}}-\d{{6}}-{TIED_MARK}-{CLAUDE_SESSION_RE.pattern}")


def check_session_id(session_id: str) -> str:
    if len(session_id) > SESSION_ID_MAX_CHARS or not SESSION_ID_RE.fullmatch(session_id):
        raise LlmengError(
            f"invalid session id {session_id!r}",
            "Use an id printed by `llmeng session list` (YYYYMMDD-HHMMSS[-slug]).",
        )
    return session_id


def is_tied(session_id: str) -> bool:
    """Whether `session_id` names a session tied to a Claude Code session (not one a user started)."""
    return TIED_ID_RE.fullmatch(session_id) is not None


def tied_suffix(claude_session: str) -> str:
    """How the ids of the sessions tied to `claude_session` end."""
    return f"-{TIED_MARK}-{claude_session}"


def check_claude_session(claude_session: str) -> str:
    if not CLAUDE_SESSION_RE.fullmatch(claude_session):
        raise LlmengError(
            f"invalid Claude Code session id {claude_session!r}",
            "Pass the session_id of a Claude Code hook payload (a lower-case UUID).",
        )
    return claude_session


def check_agent(agent: str) -> str:
    if not AGENT_RE.fullmatch(agent):
        raise LlmengError(
            f"invalid agent name {agent!r}",
            "Use 1-64 characters: letters, digits, '.', '_', ':' or '-', starting with a letter or digit.",
        )
    return agent


def check_agent_id(agent_id: str) -> str:
    if not AGENT_ID_RE.fullmatch(agent_id):
        raise LlmengError(
            f"invalid agent id {agent_id!r}",
            "Pass the Claude Code agent id as printed in hook payloads (letters, digits, '_', '-').",
        )
    return agent_id


def check_source(source: str) -> str:
    if source not in SOURCES:
        raise LlmengError(f"invalid source {source!r}", f"Use one of: {', '.join(SOURCES)}.")
    return source


def slugify(title: str) -> str:
    """Lower-case ASCII slug of `title` for the session id; empty when nothing is left."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)[:SLUG_MAX_CHARS].strip("-")


def sessions_dir(root: Path, kind: str) -> Path:
    """`root/.claude/sessions/<kind>`, created if missing, refused if a symlink leads out."""
    path = confine(root, f"{SESSIONS_DIR}/{kind}")
    path.mkdir(parents=True, exist_ok=True)
    # mkdir may have followed a symlink created meanwhile; check again now that it exists.
    return confine(root, f"{SESSIONS_DIR}/{kind}")


def session_file(root: Path, kind: str, session_id: str) -> Path:
    """The session's path; its directory is resolved, its own name is not.

    Leaving the last component unresolved lets O_NOFOLLOW refuse a session file that is a
    symlink, even one pointing inside the project (it could aim at README.md).
    """
    return confine_dir(root, f"{SESSIONS_DIR}/{kind}") / f"{check_session_id(session_id)}.md"


def git_branch(root: Path) -> str | None:
    """The checked-out branch (or short commit when detached), read from .git without running git."""
    git = root / ".git"
    try:
        if git.is_file():  # a worktree: `.git` holds "gitdir: <path>"
            git = (root / read_regular(git, max_bytes=4096).decode().split(":", 1)[1].strip()).resolve()
        head = read_regular(git / "HEAD", max_bytes=4096).decode().strip()
    except (OSError, IndexError, UnicodeDecodeError):
        return None
    if head.startswith("ref: refs/heads/"):
        return head.removeprefix("ref: refs/heads/")
    return head[:12] or None
