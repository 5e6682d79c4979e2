"""Sessions without setup: which Claude Code session a report was made in, when nobody started one.

The rule (docs/sessions.md, "Sessions without setup"): a session someone started wins. With none
active, a report goes to the session tied to the Claude Code session it was made in,
`active/<time>-claude-code-<session_id>.md`, created on first use. Which Claude Code session that is:

1. A hook is told: `session_id` in its payload. The SessionStart and SubagentStop hooks also record
   it for the Claude Code process they run under (`$CLAUDE_PID` when it is one of their ancestors,
   else the nearest ancestor that is not a shell), keyed by its pid and start time, in a folder of
   the user's (`links_dir`), so no project gets a file before a report is made.
2. An MCP server or a script is not told. It looks for a record under each of its ancestors, nearest
   first: Claude Code starts MCP servers itself, and the shells of hooks and of its Bash tool.
3. Else `$CLAUDE_CODE_SESSION_ID`, which Claude Code 2.1.330 sets for hooks, MCP servers and its
   Bash tool. An MCP server's copy dates from when it started: after `/clear` only a record is new,
   which is why records come first.
4. Else, in a process Claude Code started (`CLAUDECODE=1`), the project's most recent record.
5. Else there is none, and the report is kept standalone as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from llmeng.fsutil import atomic_write, read_regular
from llmeng.procs import PROC, ancestors, launcher
from llmeng.sessions.names import CLAUDE_SESSION_RE

KEEP_RECORDS = 64  # enough for every Claude Code process one user runs at a time
_KEY_RE = re.compile(r"\d+-\d+")
_RECORD_MAX_BYTES = 8192


@dataclass(frozen=True)
class Tie:
    """What ties a process to the Claude Code session it runs in (see the module docstring)."""

    links: Path | None = None  # the folder of records; None: no records read or written
    ancestors: tuple[str, ...] = ()  # process keys (procs.Proc.key) of our ancestors, nearest first
    claude_process: str | None = None  # the key of the Claude Code process we run under
    env_session: str | None = None  # $CLAUDE_CODE_SESSION_ID
    in_claude: bool = False  # started by Claude Code ($CLAUDECODE=1)
    session: str | None = None  # known outright: a hook payload's session_id


def links_dir(env: Mapping[str, str], home: Path) -> Path:
    """Where hooks record which Claude Code process runs which session: a folder of the user's."""
    state = env.get("XDG_STATE_HOME", "").strip()
    return (Path(state) if state else home / ".local" / "state") / "llmeng" / "claude-sessions"


def tie_of(env: Mapping[str, str], *, pid: int, home: Path, proc: Path = PROC) -> Tie:
    """The tie of process `pid`, from its environment and its ancestors in `proc`."""
    chain = ancestors(pid, proc=proc)
    claude_pid = env.get("CLAUDE_PID", "").strip()
    claude = launcher(chain, pid=int(claude_pid) if claude_pid.isdigit() else None)
    return Tie(
        links=links_dir(env, home),
        ancestors=tuple(p.key for p in chain),
        claude_process=claude.key if claude is not None else None,
        env_session=valid_session(env.get("CLAUDE_CODE_SESSION_ID")),
        in_claude=env.get("CLAUDECODE", "").strip() == "1",
    )


def valid_session(value: object) -> str | None:
    """`value` when it is a Claude Code session id, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if CLAUDE_SESSION_RE.fullmatch(value) else None


def resolve(tie: Tie, project: Path) -> str | None:
    """The Claude Code session of the process `tie` describes, working in `project`, or None."""
    if tie.session is not None:
        return tie.session
    if tie.links is not None:
        for key in tie.ancestors:
            found = _read(tie.links / key)
            if found is not None:
                return found[0]
    if tie.env_session is not None:
        return tie.env_session
    if tie.in_claude and tie.links is not None:
        return _latest_for(tie.links, project)
    return None


def record(tie: Tie, session: str, project: Path) -> bool:
    """Record that `tie`'s Claude Code process runs `session` in `project`; False when nothing changed.

    Each record is one small file replaced atomically; the oldest beyond KEEP_RECORDS are removed.
    """
    if tie.links is None or tie.claude_process is None or not _KEY_RE.fullmatch(tie.claude_process):
        return False
    path = tie.links / tie.claude_process
    where = os.path.abspath(project)
    if _read(path) == (session, where):
        return False
    tie.links.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write(path, f"{session}\n{where}\n")
    _prune(tie.links)
    return True


def _read(path: Path) -> tuple[str, str] | None:
    """(session, project) from a record, or None when it is missing or not one of ours."""
    try:
        text = read_regular(path, max_bytes=_RECORD_MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    session, _, project = text.partition("\n")
    project = project.rstrip("\n")
    return (session, project) if CLAUDE_SESSION_RE.fullmatch(session) and "\n" not in project else None


def _records(links: Path) -> list[tuple[int, Path]]:
    """(mtime in ns, path) of every record, oldest first."""
    found = []
    try:
        with os.scandir(links) as entries:
            for e in entries:
                if _KEY_RE.fullmatch(e.name) and e.is_file(follow_symlinks=False):
                    found.append((e.stat(follow_symlinks=False).st_mtime_ns, Path(e.path)))
    except FileNotFoundError:
        return []
    return sorted(found)


def _latest_for(links: Path, project: Path) -> str | None:
    where = os.path.abspath(project)
    for _, path in reversed(_records(links)):
        found = _read(path)
        if found is not None and found[1] == where:
            return found[0]
    return None


def _prune(links: Path) -> None:
    for _, path in _records(links)[:-KEEP_RECORDS]:
        path.unlink(missing_ok=True)
