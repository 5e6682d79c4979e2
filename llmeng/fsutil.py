"""Filesystem helpers every writer shares: atomic writes and confinement under a root."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePath
from typing import BinaryIO

from llmeng.errors import LlmengError


def atomic_write(path: Path, data: bytes | str, *, mode: int | None = None) -> None:
    """Write `data` to `path` so readers see the old file or the new one, never a torn one.

    The file gets `mode` when given; else an existing file keeps its permission bits and a new one
    gets 0o644.
    """
    tmp = _write_temp(path, data)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            try:
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            except FileNotFoundError:
                pass
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_create(path: Path, data: bytes | str) -> None:
    """Like `atomic_write`, but raise FileExistsError instead of replacing an existing file."""
    tmp = _write_temp(path, data)
    try:
        # link() fails if `path` exists, where rename() would silently replace it.
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _write_temp(path: Path, data: bytes | str) -> Path:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # Not tempfile.mkstemp: tempfile pulls in shutil, random and friends, and the SubagentStop hook
    # writes through here on a start-up budget. O_EXCL plus a random name gives the same guarantee.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        # The temp file is ours; a failed write must not leave it behind.
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _fsync_dir(directory: Path) -> None:
    # The new directory entry is durable only once the directory itself is flushed.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def confine(root: Path, relative: str | PurePath, *, must_exist: bool = False) -> Path:
    """Return `root/relative` resolved; refuse a NUL byte and anything that resolves outside `root`.

    `relative` may be absolute or hold `..` as long as the result stays inside: the one rule every
    writer and every MCP path argument shares. Symlinks are followed first, so a link that leads out
    is refused, one that stays inside is fine.
    """
    raw = os.fspath(relative)
    if "\x00" in raw:
        raise LlmengError(f"the path {raw!r} contains a NUL byte", "Pass a plain path such as 'src/'.")
    # os.path.realpath, not Path.resolve: same result, a fraction of the cost on the append path.
    base = os.path.realpath(root)
    target = os.path.realpath(os.path.join(base, raw))
    if not _within(target, base):
        raise LlmengError(
            f"{raw!r} resolves to {target}, outside {base} (a '..' or a symlink leads out)",
            f"Pass a path inside {base}, relative to it.",
        )
    if must_exist and not os.path.exists(target):
        raise LlmengError(
            f"{raw!r} does not exist under {base}",
            "Check the spelling; paths are relative to the project root.",
        )
    return Path(target)


# (root, relative) -> (resolved dir, its identity, the root's identity or None when the root is
# its own real path)
_DirIdentity = tuple[int, int, int]
_confined_dirs: dict[tuple[str, str], tuple[Path, _DirIdentity, _DirIdentity | None]] = {}


def confine_dir(root: Path, relative: str) -> Path:
    """`confine` for a directory that is checked again on every call: cheaply after the first.

    The resolved directory is remembered per process with its identity: device, inode and ctime.
    A later call stats it instead of walking the realpath: while the resolved path still reaches
    the same directory, the answer stands (a directory cannot be hard-linked, so it is where it
    was); anything else, a symlink swapped in anywhere on the path included, resolves afresh. The
    ctime, which a move changes, is a further guard against a directory moved out and linked back.
    That leaves the race any check-then-open has, no wider. A root reached through a symlink is
    checked too, since the link may be re-pointed. A directory not there yet is never remembered.
    """
    key = (os.fspath(root), relative)
    hit = _confined_dirs.get(key)
    if hit is not None:
        resolved, dir_id, root_id = hit
        if _dir_identity(resolved, follow=False) == dir_id and (
            root_id is None or _dir_identity(root, follow=True) == root_id
        ):
            return resolved
    path = confine(root, relative)
    new_id = _dir_identity(path, follow=False)
    canonical = os.path.realpath(root) == key[0]  # absolute, and no symlink on the way
    fresh_root_id = None if canonical else _dir_identity(root, follow=True)
    if new_id is not None and (canonical or fresh_root_id is not None):
        _confined_dirs[key] = (path, new_id, fresh_root_id)
    else:
        _confined_dirs.pop(key, None)
    return path


def _dir_identity(path: str | Path, *, follow: bool) -> _DirIdentity | None:
    try:
        st = os.stat(path, follow_symlinks=follow)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_ctime_ns) if stat.S_ISDIR(st.st_mode) else None


class NotReadable(OSError):
    """A path the one reader refuses: not a regular file, a link where none may be, or too big."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(0, reason, os.fspath(path))
        self.reason = reason


READ_CHUNK = 1 << 16


def open_regular(path: str | os.PathLike[str], *, follow: bool = True) -> BinaryIO:
    """A binary file object for the regular file at `path`, for reading as a stream.

    The same refusals as `read_regular` (FIFO, device, socket; a symlink with `follow=False`),
    checked on the open descriptor; the caller bounds how much it reads.
    """
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if not follow and e.errno == errno.ELOOP:
            raise NotReadable(path, "a symlink, which is not followed here") from None
        if e.errno == errno.ENXIO:  # a socket cannot be opened: say what it is, not "no such device"
            raise NotReadable(path, f"not a regular file ({_kind(os.stat(path).st_mode)})") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable(path, f"not a regular file ({_kind(st.st_mode)})")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(
    path: str | os.PathLike[str], *, max_bytes: int, follow: bool = True, cut: bool = False
) -> bytes:
    """The bytes of the regular file at `path`: the one way the core reads a file it was pointed at.

    Refuses (NotReadable) a FIFO, device or socket: opening is non-blocking and the type is checked on
    the open descriptor, so a FIFO never hangs and `/dev/zero` is never read. With `follow=False` a
    symlink is refused too. More than `max_bytes` is refused, or with `cut=True` the first `max_bytes`
    are returned; either way no more than `max_bytes + 1` bytes are read, even from a file that grows.
    """
    with open_regular(path, follow=follow) as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes and not cut:
            raise NotReadable(path, f"too large ({size} bytes > {max_bytes})")
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            chunk = f.read(min(READ_CHUNK, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        if not cut:
            raise NotReadable(path, f"too large (more than {max_bytes} bytes)")
        data = data[:max_bytes]
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "a special file"


def special_file_reason(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str | None:
    """Why a folder walk must pass over `path` (found under `root`), or None to read it.

    A walk stays inside its root: a symlink whose target leaves the root, a dangling one, and any
    special file (FIFO, device, socket) are passed over, and the caller notes each one.
    """
    try:
        st = os.lstat(path)
    except OSError as e:
        return f"unreadable ({e.strerror or e})"
    if stat.S_ISLNK(st.st_mode):
        target = os.path.realpath(path)
        base = os.path.realpath(root)
        if not _within(target, base):
            return f"a symlink to {target}, outside {base}"
        try:
            st = os.stat(path)
        except OSError:
            return "a dangling symlink"
    if stat.S_ISREG(st.st_mode):
        return None
    return f"not a regular file ({_kind(st.st_mode)})"


def resolves_within(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether `path`, with every link followed, is `root` or lies under it."""
    return _within(os.path.realpath(path), os.path.realpath(root))


def _within(real: str, base: str) -> bool:
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)
