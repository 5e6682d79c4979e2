"""One locked write per entry: flock with a bounded wait, then a single O_APPEND write.

flock is released by the kernel when its holder dies, so a crashed writer never blocks others;
a live holder is never overridden (cc-sessions steals locks after 1 s; see prior-art.md row 7).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.sessions.entries import is_boundary, torn_entry_closer

DEFAULT_LOCK_TIMEOUT_S = 10.0
_POLL_S = 0.002
_POLL_MAX_S = 0.05
_TAIL_BYTES = 512  # more than the longest end marker line


class FileMoved(Exception):
    """The session file was ended (renamed) while we waited for the lock."""


def acquire(
    fd: int,
    path: Path,
    *,
    timeout_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Take an exclusive flock on `fd`, polling until `timeout_s` has passed."""
    # The clock is injected for tests; a lock wait has no pure equivalent.
    deadline = clock() + timeout_s
    delay = _POLL_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
        if clock() >= deadline:
            raise LlmengError(
                f"could not lock {path} within {timeout_s:g} s: another writer holds it",
                "Retry; if it persists, find the holder with `fuser -v` on that file, "
                "or raise the wait with --lock-timeout.",
            )
        sleep(delay)
        delay = min(delay * 2, _POLL_MAX_S)


def _open_locked(path: Path, *, timeout_s: float) -> tuple[int, int]:
    """`path` opened for appending with its flock held, and its size; FileMoved if it was ended."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileMoved(str(path)) from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise LlmengError(f"{path} is a symlink", "Replace it with a regular file.") from None
        raise
    try:
        acquire(fd, path, timeout_s=timeout_s)
        return fd, _check_still_there(fd, path)
    except BaseException:
        os.close(fd)
        raise


@contextmanager
def locked(path: Path, *, timeout_s: float) -> Iterator[int]:
    """Open `path` for appending and hold its flock; raises FileMoved if it was ended meanwhile."""
    fd, _ = _open_locked(path, timeout_s=timeout_s)
    try:
        yield fd
    finally:
        os.close(fd)  # closing releases the flock


def locked_append(
    path: Path, data: bytes, *, timeout_s: float, skip_if: Callable[[bytes], bool] | None = None
) -> bool:
    """Append `data` to `path` in one locked write; False when `skip_if(contents)` says it is there.

    `skip_if` runs while the lock is held, so its check and our write cannot race another writer.
    """
    fd, size = _open_locked(path, timeout_s=timeout_s)
    try:
        if skip_if is not None and skip_if(os.pread(fd, size, 0)):
            return False
        append_fd(fd, data, size)
        return True
    finally:
        os.close(fd)  # closing releases the flock


def append_fd(fd: int, data: bytes, size: int) -> None:
    """Write `data` at the end of a locked file of `size` bytes, in one write."""
    _write_all(fd, _repair(fd, size) + data, size)


def _repair(fd: int, size: int) -> bytes:
    """What closes a torn entry left by a writer killed mid-write; b"" when the log is whole."""
    tail = os.pread(fd, min(size, _TAIL_BYTES), max(size - _TAIL_BYTES, 0))
    if not size or (tail.endswith(b"\n\n") and is_boundary(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1])):
        return b""
    # Rare, so reading the whole file is fine: the torn entry may be up to the size cap long.
    contents = os.pread(fd, size, 0)
    fragment = contents[contents.rfind(b"\n<!-- llmeng:entry ") + 1 :]
    return torn_entry_closer(fragment.decode("utf-8", "replace")).encode("utf-8")


def _check_still_there(fd: int, path: Path) -> int:
    """The locked file's size, once we know `path` still names it (an ended session was renamed)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        raise FileMoved(str(path)) from None
    mine = os.fstat(fd)
    if (st.st_dev, st.st_ino) != (mine.st_dev, mine.st_ino):
        raise FileMoved(str(path))
    return mine.st_size


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
