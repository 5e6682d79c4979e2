"""Follow a session file live: call back with each entry once it is complete.

watchdog tells us when the file changes; a short poll backs it up, because inotify events can
be coalesced or missed on some filesystems.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from llmeng.fsutil import open_regular
from llmeng.sessions.entries import END_RE
from llmeng.sessions.parse import Entry, parse_session

POLL_S = 1.0


class _Wake(FileSystemEventHandler):
    def __init__(self, path: Path, changed: threading.Event) -> None:
        self._path = str(path)
        self._changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if self._path in (event.src_path, getattr(event, "dest_path", "")):
            self._changed.set()


def follow(
    path: Path,
    on_entries: Callable[[list[Entry]], None],
    stop: threading.Event,
    *,
    from_start: bool = False,
    poll_s: float = POLL_S,
) -> bool:
    """Report new entries until `stop` is set (returns True) or the session ends (returns False)."""
    changed = threading.Event()
    observer = Observer()
    observer.schedule(_Wake(path, changed), str(path.parent))
    observer.start()
    offset = 0 if from_start else path.stat().st_size
    pending = b""
    try:
        while not stop.is_set():
            offset, pending = _drain(path, offset, pending, on_entries)
            if not path.exists():
                return False
            changed.wait(poll_s)
            changed.clear()
        return True
    finally:
        observer.stop()
        observer.join()


def _drain(
    path: Path, offset: int, pending: bytes, on_entries: Callable[[list[Entry]], None]
) -> tuple[int, bytes]:
    try:
        with open_regular(path, follow=False) as f:
            f.seek(offset)
            chunk = f.read()
    except FileNotFoundError:
        return offset, pending
    offset += len(chunk)
    # Split as bytes: a read can end inside a multi-byte character of an entry being written.
    complete, rest = _split_complete(pending + chunk)
    if complete:
        entries = list(parse_session(complete.decode("utf-8", errors="replace")).entries)
        if entries:
            on_entries(entries)
    return offset, rest


def _split_complete(data: bytes) -> tuple[bytes, bytes]:
    """Cut `data` after its last complete end marker line: (complete entries, the partial rest)."""
    lines = data.split(b"\n")
    for i in range(len(lines) - 2, -1, -1):  # the last piece has no newline yet
        if lines[i].startswith(b"<!-- llmeng:end ") and END_RE.fullmatch(lines[i].decode("utf-8", "replace")):
            return b"\n".join(lines[: i + 1]) + b"\n", b"\n".join(lines[i + 1 :])
    return b"", data
