"""One locked write per entry: close a torn trailing entry if there is one, then one O_APPEND write.

A writer killed mid-write leaves half an entry at the end of the log. The next writer, holding
the lock, closes it (a newline, the fence it left open, a blank line) in the same write as its own
entry, so the reader reports the torn entry and still finds every later one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.sessions.entries import is_boundary, torn_entry_closer
from llmeng.sessions.lock import open_locked

_TAIL_BYTES = 512  # more than the longest end marker line


def locked_append(
    path: Path, data: bytes, *, timeout_s: float, skip_if: Callable[[bytes], bool] | None = None
) -> bool:
    """Append `data` to `path` in one locked write; False when `skip_if(contents)` says it is there.

    `skip_if` runs while the lock is held, so its check and our write cannot race another writer.
    """
    fd, size = open_locked(path, timeout_s=timeout_s)
    try:
        if skip_if is not None and skip_if(os.pread(fd, size, 0)):
            return False
        append_fd(fd, data, size)
        return True
    finally:
        os.close(fd)  # closing releases the flock


def append_fd(fd: int, data: bytes, size: int) -> None:
    """Write `data` at the end of a locked file of `size` bytes, in one write, torn tail closed first."""
    _write_all(fd, repair(fd, size) + data, size)


def repair(fd: int, size: int) -> bytes:
    """What closes a torn entry left by a writer killed mid-write; b"" when the log is whole."""
    tail = os.pread(fd, min(size, _TAIL_BYTES), max(size - _TAIL_BYTES, 0))
    if not size or (tail.endswith(b"\n\n") and is_boundary(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1])):
        return b""
    # Rare, so reading the whole file is fine: the torn entry may be up to the size cap long.
    contents = os.pread(fd, size, 0)
    fragment = contents[contents.rfind(b"\n<!-- llmeng:entry ") + 1 :]
    return torn_entry_closer(fragment.decode("utf-8", "replace")).encode("utf-8")


def _write_all(fd: int, data: bytes, size_before: int) -> None:
    """Write everything or nothing: on failure the file is cut back to its old size."""
    view = memoryview(data)
    try:
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as e:
        os.ftruncate(fd, size_before)
        raise LlmengError(
            f"could not append to the session log: {e.strerror}",
            "Free disk space or fix permissions, then append again.",
        ) from None
