"""Start, end and list sessions under <root>/.claude/sessions/ (appends: `append.py`).

Which session is active: the files `active/<id>.md` whose id is valid and which are regular
files; the one with the greatest id wins. Ids begin with the UTC start time, so that is the
session started last (within one second, the greatest name). Pass `session_id` to pin another.
Sessions tied to a Claude Code session (`open_tied_session`, see claude.py) are never the active
session: they take reports only while nobody has started one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.fsutil import atomic_create, confine_dir, open_regular
from llmeng.sessions import names
from llmeng.sessions.entries import SESSION_MARK, format_time
from llmeng.sessions.listing import latest_started, session_ids, tied_ids
from llmeng.sessions.lock import DEFAULT_LOCK_TIMEOUT_S, FileMoved, locked, locked_dir
from llmeng.sessions.redact import redact
from llmeng.sessions.writer import append_fd

TITLE_MAX_CHARS = 200
_TITLE_RE = re.compile(rb"^# (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class SessionContext:
    cwd: str
    branch: str | None
    claude_session: str | None = None  # the Claude Code session a tied session belongs to


@dataclass(frozen=True)
class SessionInfo:
    id: str
    state: str  # "active" or "archive"
    path: Path
    title: str


def start_session(root: Path, title: str, *, now: datetime, context: SessionContext) -> SessionInfo:
    """Create a new active session file; it becomes the current session."""
    title = _check_title(title)
    now = now.astimezone(UTC)  # ids and headers are in UTC whatever clock the caller passes
    active = names.sessions_dir(root, names.ACTIVE)
    slug = names.slugify(title)
    base = now.strftime("%Y%m%d-%H%M%S") + (f"-{slug}" if slug else "")
    for n in range(1, 100):
        session_id = base if n == 1 else f"{base}-{n}"
        path = names.session_file(root, names.ACTIVE, session_id)
        if names.session_file(root, names.ARCHIVE, session_id).exists():
            continue
        try:
            atomic_create(path, _header(title, session_id, now, context))
        except FileExistsError:
            continue
        return SessionInfo(session_id, names.ACTIVE, path, title)
    raise LlmengError(f"too many sessions named {base!r} in {active}", "Use a different title.")


def _check_title(title: str) -> str:
    title = " ".join(title.split()) or "Session"
    if len(title) > TITLE_MAX_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in title):
        raise LlmengError(
            "session title is too long or has control characters",
            f"Use one line of at most {TITLE_MAX_CHARS} printable characters.",
        )
    # The title names the file and heads the log: a key pasted into it is masked like one in a report.
    return redact(title).text


def _header(title: str, session_id: str, now: datetime, context: SessionContext) -> str:
    lines = [
        f"# {title}",
        "",
        f"- Session: {session_id}",
        f"- Started: {format_time(now)}",
        f"- Directory: {_one_line(context.cwd)}",
    ]
    if context.branch:
        lines.append(f"- Branch: {_one_line(context.branch)}")
    if context.claude_session:
        lines.append(f"- Claude: {context.claude_session}")
    return "\n".join(lines) + f"\n\n{SESSION_MARK}\n\n"


def _one_line(value: str) -> str:
    return value.replace("\n", "\\n").replace("\r", "\\r")


def current_session(root: Path) -> str | None:
    """The id of the active session (the greatest valid id in active/ of a started one), or None."""
    return latest_started(confine_dir(root, f"{names.SESSIONS_DIR}/{names.ACTIVE}"))


def tied_session(root: Path, claude_session: str) -> str | None:
    """The id of the active session tied to the Claude Code session `claude_session`, or None."""
    ids = tied_ids(confine_dir(root, f"{names.SESSIONS_DIR}/{names.ACTIVE}"), claude_session)
    return ids[-1] if ids else None


def open_tied_session(
    root: Path, claude_session: str, *, now: datetime, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
) -> str:
    """The id of the session tied to `claude_session`, created first if there is none.

    Creation holds a lock on active/: two subagents of one Claude Code session that report at
    once must find one file, not make two.
    """
    found = tied_session(root, claude_session)
    if found is not None:
        return found
    active = names.sessions_dir(root, names.ACTIVE)
    with locked_dir(active, timeout_s=lock_timeout_s):
        found = tied_session(root, claude_session)
        if found is not None:  # made by another writer while we waited
            return found
        now = now.astimezone(UTC)
        session_id = now.strftime("%Y%m%d-%H%M%S") + names.tied_suffix(
            names.check_claude_session(claude_session)
        )
        title = f"Claude Code session {claude_session[:8]}"
        context = SessionContext(str(root), names.git_branch(root), claude_session)
        atomic_create(
            names.session_file(root, names.ACTIVE, session_id), _header(title, session_id, now, context)
        )
        return session_id


def list_sessions(root: Path) -> list[SessionInfo]:
    """Active then archived sessions, each sorted by id (start time)."""
    return [
        session_info(root, kind, session_id)
        for kind in (names.ACTIVE, names.ARCHIVE)
        for session_id in session_ids(confine_dir(root, f"{names.SESSIONS_DIR}/{kind}"))
    ]


def session_info(root: Path, kind: str, session_id: str) -> SessionInfo:
    """The session `session_id` in `kind` (active or archive), with the title from its header."""
    path = names.session_file(root, kind, session_id)
    return SessionInfo(session_id, kind, path, _read_title(path))


def _read_title(path: Path) -> str:
    with open_regular(path, follow=False) as f:
        m = _TITLE_RE.search(f.read(4096))
    return m.group(1).decode("utf-8", "replace").strip() if m else ""


def session_path(root: Path, session_id: str | None) -> Path:
    """Path of `session_id` (active or archived), or of the current session."""
    if session_id is None:
        session_id = current_session(root)
        if session_id is None:
            raise _no_active(root)
    for kind in (names.ACTIVE, names.ARCHIVE):
        path = names.session_file(root, kind, session_id)
        if path.is_file() and not path.is_symlink():
            return path
    raise LlmengError(
        f"no session {session_id!r} under {root / names.SESSIONS_DIR}",
        "Pick an id from `llmeng session list`.",
    )


def _no_active(root: Path) -> LlmengError:
    return LlmengError(
        f"no active session under {root / names.SESSIONS_DIR / names.ACTIVE}",
        'Start one with `llmeng session start "<title>"`.',
    )


def end_session(
    root: Path,
    session_id: str | None = None,
    *,
    now: datetime,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
) -> SessionInfo:
    """Close the session and move it to archive/; appends waiting on it go to the next current one."""
    sid = session_id if session_id is not None else current_session(root)
    if sid is None:
        raise _no_active(root)
    names.sessions_dir(root, names.ARCHIVE)
    src = names.session_file(root, names.ACTIVE, sid)
    dst = names.session_file(root, names.ARCHIVE, sid)
    try:
        with locked(src, timeout_s=lock_timeout_s) as (fd, size):
            if dst.exists():
                raise LlmengError(
                    f"{dst} already exists", f"Move it away, then run `llmeng session end {sid}`."
                )
            footer = f"<!-- llmeng:closed time={format_time(now)} -->\n_Session ended {format_time(now)}._\n"
            append_fd(fd, footer.encode("utf-8"), size)
            os.rename(src, dst)  # under the lock, so no append lands after the footer unseen
    except FileMoved:
        raise LlmengError(f"session {sid!r} is not active", "See `llmeng session list`.") from None
    return SessionInfo(sid, names.ARCHIVE, dst, _read_title(dst))
