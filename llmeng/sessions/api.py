"""The sessions domain's one door for adapters: the CLI, the hook command and the MCP server.

Adapters import this module (and `llmeng.report.sessions` to render), nothing else of the domain.
It stays light, because the hook pays every import on each run: `parse` (markdown-it) and `tail`
(watchdog) load only when a read or a follow needs them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ParamSpec, Self, TypeVar

from llmeng import claude_paths
from llmeng.errors import LlmengError
from llmeng.fsutil import NotReadable, read_regular
from llmeng.procs import PROC
from llmeng.sessions import claude, hook, names, store
from llmeng.sessions.append import AppendResult, PreparedEntry, append_entry, prepare_entry, write_entry
from llmeng.sessions.claude import Tie
from llmeng.sessions.entries import DEFAULT_MAX_ENTRY_BYTES
from llmeng.sessions.hook import HookOutcome
from llmeng.sessions.lock import DEFAULT_LOCK_TIMEOUT_S, LockBusy
from llmeng.sessions.store import SessionInfo

if TYPE_CHECKING:  # parse and tail load on first use
    import threading

    from llmeng.sessions.parse import Entry, LogStream, SessionLog

__all__ = [
    "DEFAULT_LOCK_TIMEOUT_S",
    "DEFAULT_MAX_ENTRY_BYTES",
    "HOOK_LOCK_TIMEOUT_S",
    "HOOK_PAYLOAD_MAX_BYTES",
    "SOURCES",
    "AppendResult",
    "HookOutcome",
    "LockBusy",
    "PreparedEntry",
    "SessionInfo",
    "SessionList",
    "SessionStream",
    "SessionView",
    "Tie",
    "append",
    "append_report",
    "current",
    "end",
    "follow",
    "list_sessions",
    "locate",
    "prepare_entry",
    "project_root",
    "read_active",
    "read_report",
    "run_session_start",
    "run_subagent_stop",
    "show",
    "start",
    "tie_of",
    "try_write_entry",
    "write_entry",
]

# Claude Code runs hooks with a timeout (default 60 s); stay well inside it.
HOOK_LOCK_TIMEOUT_S = 5.0
HOOK_PAYLOAD_MAX_BYTES = 16 * 1024 * 1024
SOURCES = names.SOURCES

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _fs_errors(f: Callable[_P, _R]) -> Callable[_P, _R]:
    """`f` with a filesystem failure (`.claude` is a file, a read-only disk) as an error with its fix."""

    @functools.wraps(f)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return f(*args, **kwargs)
        except OSError as e:
            where = f" ({e.filename})" if e.filename else ""
            raise LlmengError(
                f"{e.strerror or e}{where}",
                "Check that the project's .claude/sessions/ is a writable directory.",
            ) from None

    return wrapped


@dataclass(frozen=True)
class SessionList:
    sessions: tuple[SessionInfo, ...]  # active then archived, each by id (start time)
    current: str | None  # the id appends go to; None when no session is active

    def is_current(self, info: SessionInfo) -> bool:
        return info.id == self.current and info.state == names.ACTIVE


@dataclass(frozen=True)
class SessionView:
    session_id: str
    path: Path
    log: SessionLog


@dataclass(frozen=True)
class SessionStream:
    """A session read as its entries are iterated (`log.entries`); use it in a `with` to close the file."""

    session_id: str
    path: Path
    log: LogStream

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.log.close()


def project_root(given: str | Path | None, *, cwd: Path, env: Mapping[str, str], home: Path) -> Path:
    """`given` when the user named the project, else the project Claude Code is working in from `cwd`."""
    return Path(given) if given else claude_paths.project_root(cwd, env=env, home=home)


def tie_of(env: Mapping[str, str], *, pid: int, home: Path, proc: Path = PROC) -> Tie:
    """What ties process `pid` to its Claude Code session: used when no session is active."""
    return claude.tie_of(env, pid=pid, home=home, proc=proc)


@_fs_errors
def start(root: Path, title: str, *, now: datetime, cwd: Path) -> SessionInfo:
    """Start a session titled `title`; its header records `cwd` and the checked-out branch."""
    context = store.SessionContext(str(cwd), names.git_branch(root))
    return store.start_session(root, title, now=now, context=context)


def try_write_entry(root: Path, entry: PreparedEntry) -> AppendResult | None:
    """One attempt at the lock, without waiting: the result, or None when another writer holds it."""
    try:
        return write_entry(root, entry, lock_timeout_s=0)
    except LockBusy:
        return None


@_fs_errors
def append(
    root: Path,
    agent: str,
    body: bytes | str,
    *,
    source: str,
    now: datetime,
    agent_id: str | None = None,
    session_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    tie: Tie | None = None,
) -> AppendResult:
    """Prepare one entry and write it to the session; with none active, to the session of `tie`'s
    Claude Code session, else standalone."""
    return append_entry(
        root,
        agent,
        body,
        source=source,
        now=now,
        agent_id=agent_id,
        session_id=session_id,
        max_bytes=max_bytes,
        lock_timeout_s=lock_timeout_s,
        tie=tie,
    )


def read_report(report: str, *, max_bytes: int, stdin: BinaryIO) -> bytes:
    """The report file's bytes (`-`: stdin's), one byte past the cap at most."""
    # One byte past the cap: an oversized report is refused without reading it all.
    if report == "-":
        return stdin.read(max_bytes + 1)
    try:
        return read_regular(report, max_bytes=max_bytes + 1, cut=True)
    except NotReadable as e:
        # A directory, a FIFO (which would block), a device: say which, instead of reading it.
        what = "a directory" if "directory" in e.reason else e.reason
        raise LlmengError(f"{report} is {what}", "Pass the report's markdown file, or - for stdin.") from None
    except FileNotFoundError:
        raise LlmengError(
            f"report file not found: {report}", "Write the report first, or pass - to read it from stdin."
        ) from None


@_fs_errors
def append_report(
    root: Path,
    report: str,
    *,
    stdin: BinaryIO,
    agent: str,
    source: str,
    now: datetime,
    agent_id: str | None = None,
    session_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    tie: Tie | None = None,
) -> AppendResult:
    """Append the report file `report` (`-`: stdin) as one entry."""
    body = read_report(report, max_bytes=max_bytes, stdin=stdin)
    return append(
        root,
        agent,
        body,
        source=source,
        now=now,
        agent_id=agent_id,
        session_id=session_id,
        max_bytes=max_bytes,
        lock_timeout_s=lock_timeout_s,
        tie=tie,
    )


def _current_id(root: Path, tie: Tie | None) -> str | None:
    """The session appends go to now: the started one, else (with `tie`) the Claude Code session's."""
    session_id = store.current_session(root)
    if session_id is None and tie is not None:
        claude_session = claude.resolve(tie, root)
        session_id = None if claude_session is None else store.tied_session(root, claude_session)
    return session_id


@_fs_errors
def end(
    root: Path,
    session_id: str | None = None,
    *,
    now: datetime,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    tie: Tie | None = None,
) -> SessionInfo:
    """End the current (or named) session and move it to archive/."""
    session_id = session_id if session_id is not None else _current_id(root, tie)
    return store.end_session(root, session_id, now=now, lock_timeout_s=lock_timeout_s)


@_fs_errors
def list_sessions(root: Path, *, tie: Tie | None = None) -> SessionList:
    """Every session, and which one is current."""
    return SessionList(tuple(store.list_sessions(root)), _current_id(root, tie))


@_fs_errors
def current(root: Path, *, tie: Tie | None = None) -> SessionInfo | None:
    """The active session appends go to (with `tie`: or the Claude Code session's), or None."""
    session_id = _current_id(root, tie)
    return None if session_id is None else store.session_info(root, names.ACTIVE, session_id)


@_fs_errors
def locate(root: Path, session_id: str | None = None, *, tie: Tie | None = None) -> Path:
    """The file of `session_id` (active or archived), or of the current session."""
    return store.session_path(root, session_id if session_id is not None else _current_id(root, tie))


@_fs_errors
def show(root: Path, session_id: str | None = None, *, tie: Tie | None = None) -> SessionStream:
    """The current (or named) session, opened to be read back one entry at a time.

    The file is open (a link or a special file refused) when this returns; its entries are parsed
    as they are iterated, so a log of any size is shown in flat memory. With `tie` and no started
    session, the current session is the one tied to that Claude Code session.
    """
    from llmeng.sessions.parse import stream_session

    if session_id is None:
        session_id = _current_id(root, tie)
    path = store.session_path(root, session_id)  # raises, with its fix, when there is no session
    return SessionStream(path.stem, path, stream_session(path))


@_fs_errors
def read_active(root: Path, *, tie: Tie | None = None) -> SessionView | None:
    """The active session (with `tie`: or the Claude Code session's), parsed back; None if none."""
    session_id = _current_id(root, tie)
    return None if session_id is None else _view(root, session_id)


def _view(root: Path, session_id: str | None) -> SessionView:
    from llmeng.sessions.parse import read_session

    path = store.session_path(root, session_id)  # raises, with its fix, when there is no session
    return SessionView(path.stem, path, read_session(path))


@_fs_errors
def follow(
    path: Path, on_entries: Callable[[list[Entry]], None], stop: threading.Event, *, from_start: bool = False
) -> bool:
    """Report each new entry of `path` until `stop` is set (True) or the session ends (False)."""
    from llmeng.sessions import tail

    return tail.follow(path, on_entries, stop, from_start=from_start)


def run_subagent_stop(
    payload: bytes,
    *,
    env: Mapping[str, str],
    now: datetime,
    max_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    lock_timeout_s: float = HOOK_LOCK_TIMEOUT_S,
    tie: Tie | None = None,
) -> HookOutcome:
    """The SubagentStop hook: log the subagent's final message unless it is already in the session."""
    return hook.subagent_stop(
        payload, env=env, now=now, max_bytes=max_bytes, lock_timeout_s=lock_timeout_s, tie=tie
    )


@_fs_errors
def run_session_start(payload: bytes, *, env: Mapping[str, str], tie: Tie) -> HookOutcome:
    """The SessionStart hook: record the Claude Code session for the processes it starts."""
    return hook.session_start(payload, env=env, tie=tie)
