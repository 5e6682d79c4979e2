"""Append one entry: prepare it once (check, redact, render), then write it under the session's lock.

The two steps are apart so that a writer that finds the lock busy can wait and write the same
prepared entry again, without checking and redacting the request twice.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.fsutil import atomic_create, confine, confine_dir
from llmeng.sessions import names
from llmeng.sessions.claude import Tie, resolve
from llmeng.sessions.entries import (
    DEFAULT_MAX_ENTRY_BYTES,
    SESSION_MARK,
    EntryMeta,
    check_report,
    format_time,
    render_entry,
)
from llmeng.sessions.listing import latest_started
from llmeng.sessions.lock import DEFAULT_LOCK_TIMEOUT_S, FileMoved
from llmeng.sessions.redact import redact
from llmeng.sessions.store import open_tied_session
from llmeng.sessions.writer import locked_append

_RETRIES = 5
# Entry ids end in 8 hex digits that differ between processes (random start) and between the
# entries of one process (counting up): one getrandom per process rather than per entry.
_ID_SUFFIXES = itertools.count(int.from_bytes(os.urandom(4)))
_ID_DROP = str.maketrans("", "", "-:.")  # 2026-11-22T03:04:05.123456 -> 20261122T030405123456


@dataclass(frozen=True)
class AppendResult:
    path: Path
    session_id: str | None
    entry_id: str
    redacted: int
    standalone: bool
    appended: bool  # False when the entry was already logged (hook dedup)


@dataclass(frozen=True)
class PreparedEntry:
    """An entry checked, redacted and rendered, ready to write (as often as a busy lock needs)."""

    meta: EntryMeta
    data: bytes
    session_id: str | None  # the session it is pinned to; None: the current one
    tie: Tie | None = None  # with no session active: how to find the Claude Code session's one


def prepare_entry(
    agent: str,
    body: bytes | str,
    *,
    source: str,
    now: datetime,
    agent_id: str | None = None,
    session_id: str | None = None,
    max_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
    tie: Tie | None = None,
) -> PreparedEntry:
    """Check, redact and render one entry; raises LlmengError on a bad request. Writes nothing."""
    names.check_agent(agent)
    names.check_source(source)
    if agent_id is not None:
        names.check_agent_id(agent_id)
    if session_id is not None:
        names.check_session_id(session_id)  # ids from the listing are valid already
    # surrogatepass: a str with lone surrogates then fails check_report's UTF-8 test, with its fix.
    raw = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    red = redact(check_report(raw, max_bytes=max_bytes))
    now = now.astimezone(UTC)
    entry_id = f"{format_time(now)[:-1].translate(_ID_DROP)}-{next(_ID_SUFFIXES) & 0xFFFFFFFF:08x}"
    meta = EntryMeta(entry_id, agent, source, now, agent_id, red.count)
    return PreparedEntry(meta, render_entry(meta, red.text).encode("utf-8"), session_id, tie)


def write_entry(
    root: Path,
    entry: PreparedEntry,
    *,
    lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S,
    skip_if_logged: bool = False,
) -> AppendResult:
    """Append a prepared entry under the session's lock. With no session active it goes to the
    session of the entry's Claude Code session (created on first use), or else is written standalone.

    Raises LockBusy (an LlmengError) when the lock stayed busy for `lock_timeout_s`; nothing is
    written then, so the same entry can be written again.
    """
    meta, data, session_id = entry.meta, entry.data, entry.session_id
    skip = _logged_check(meta.agent_id) if skip_if_logged and meta.agent_id else None
    active = confine_dir(root, f"{names.SESSIONS_DIR}/{names.ACTIVE}")
    for _ in range(_RETRIES):
        sid = session_id if session_id is not None else latest_started(active)
        if sid is None:
            claude = resolve(entry.tie, root) if entry.tie is not None else None
            if claude is None:
                return _standalone(root, meta, data)
            sid = open_tied_session(root, claude, now=meta.time, lock_timeout_s=lock_timeout_s)
        path = active / f"{sid}.md"
        try:
            appended = locked_append(path, data, timeout_s=lock_timeout_s, skip_if=skip)
        except FileMoved:
            if session_id is not None:
                raise LlmengError(
                    f"session {session_id!r} is not active (ended or never started)",
                    "Append to the current session (omit --session) or start one.",
                ) from None
            continue  # ended while we waited: pick the next current session
        return AppendResult(path, sid, meta.id, meta.redacted, False, appended)
    raise LlmengError(
        "the active session kept changing while appending",
        "Retry once `llmeng session start`/`end` calls have finished.",
    )


def append_entry(
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
    skip_if_logged: bool = False,
    tie: Tie | None = None,
) -> AppendResult:
    """Append one entry to the session (or, with none active, as `write_entry` says)."""
    entry = prepare_entry(
        agent,
        body,
        source=source,
        now=now,
        agent_id=agent_id,
        session_id=session_id,
        max_bytes=max_bytes,
        tie=tie,
    )
    return write_entry(root, entry, lock_timeout_s=lock_timeout_s, skip_if_logged=skip_if_logged)


def _logged_check(agent_id: str) -> Callable[[bytes], bool]:
    """Whether a log already has an entry for `agent_id` (bodies are escaped, so markers are real)."""
    needle = f" agent_id={agent_id} ".encode()

    def logged(contents: bytes) -> bool:
        # bytes.find, not a regex: the hook runs this over the whole log on every call.
        at = contents.find(needle)
        while at != -1:
            line_start = contents.rfind(b"\n", 0, at) + 1
            if contents.startswith(b"<!-- llmeng:entry ", line_start):
                return True
            at = contents.find(needle, at + 1)
        return False

    return logged


def _standalone(root: Path, meta: EntryMeta, data: bytes) -> AppendResult:
    names.sessions_dir(root, names.STANDALONE)
    stem = f"{meta.time.strftime('%Y%m%d-%H%M%S')}-{meta.agent.replace(':', '_')}-{meta.id[-8:]}"
    path = confine(root, f"{names.SESSIONS_DIR}/{names.STANDALONE}/{stem}.md")
    header = f"# Standalone report: {meta.agent}\n\n- Created: {format_time(meta.time)}\n\n{SESSION_MARK}\n\n"
    atomic_create(path, header.encode("utf-8") + data)
    return AppendResult(path, None, meta.id, meta.redacted, True, True)
