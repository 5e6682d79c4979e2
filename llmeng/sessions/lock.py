"""Locking only: an exclusive flock with a bounded wait, on a session file that is still there.

flock is released by the kernel when its holder dies, so a crashed writer never blocks others;
a live holder is never overridden (cc-sessions steals locks after 1 s; see prior-art.md row 7).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from llmeng.errors import LlmengError

DEFAULT_LOCK_TIMEOUT_S = 10.0
_POLL_S = 0.002
_POLL_MAX_S = 0.05


class FileMoved(Exception):
    """The session file was ended (renamed) while we waited for the lock."""


class LockBusy(LlmengError):
    """Another writer held the lock for the whole wait; nothing was written."""


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
            raise LockBusy(
                f"could not lock {path} within {timeout_s:g} s: another writer holds it",
                "Retry; if it persists, find the holder with `fuser -v` on that file, "
                "or raise the wait with --lock-timeout.",
            )
        sleep(delay)
        delay = min(delay * 2, _POLL_MAX_S)


def open_locked(path: Path, *, timeout_s: float) -> tuple[int, int]:
    """`path` opened for appending with its flock held: (fd, size); FileMoved if it was ended.

    The caller closes the fd, which releases the flock. (A plain function rather than only the
    `locked` context manager: the MCP server appends on its event loop, where each microsecond shows.)
    """
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
def locked(path: Path, *, timeout_s: float) -> Iterator[tuple[int, int]]:
    """`open_locked` as a context manager: the flock is held until the block ends."""
    fd, size = open_locked(path, timeout_s=timeout_s)
    try:
        yield fd, size
    finally:
        os.close(fd)  # closing releases the flock


def _check_still_there(fd: int, path: Path) -> int:
    """The locked file's size, once we know `path` still names it (an ended session was renamed)."""
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        raise FileMoved(str(path)) from None
    mine = os.fstat(fd)
    if (st.st_dev, st.st_ino) != (mine.st_dev, mine.st_ino):
        raise FileMoved(str(path))
    if not stat.S_ISREG(mine.st_mode):
        raise LlmengError(f"{path} is not a regular file", "Move it away; a session log is a plain file.")
    if mine.st_nlink > 1:
        # Another name for the same bytes may sit outside the project: appending would write there too.
        raise LlmengError(
            f"{path} has {mine.st_nlink} hard links; an append would change every one of them",
            f"Give the log its own copy: cp {path} {path}.tmp && mv {path}.tmp {path}",
        )
    return mine.st_size


@contextmanager
def locked_dir(path: Path, *, timeout_s: float) -> Iterator[None]:
    """An exclusive flock on the directory `path` itself, for steps that must not run twice at once."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        acquire(fd, path, timeout_s=timeout_s)
        yield
    finally:
        os.close(fd)  # closing releases the flock
