"""All-or-nothing writes of several files: stage, journal, swap, and roll back on any failure.

Each file is replaced with os.replace (atomic on one filesystem), but a run of replacements is not, so
a journal lists every swap first. A failure rolls back at once; a crash leaves the journal, and the
next run rolls back from it before doing anything else. Either way the old state or the new one is on
disk, never a mix, and the manifest (the last swap) always matches the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.fsutil import NotReadable, atomic_write, read_regular
from llmeng.install.failures import hard_linked, os_failure
from llmeng.install.leftovers import OLD_MARK, STAGED_MARK, TOKEN_BYTES, side_target, sweep
from llmeng.install.manifest import sha256
from llmeng.install.scopes import PROJECT_MCP_NAME, USER_MCP_NAME

LOCK_TRIES = 200
LOCK_PAUSE_S = 0.05
JOURNAL_MAX_BYTES = 1 << 20  # a few hundred bytes per file; far more is not a journal we wrote
_BESIDE_ROOT = (PROJECT_MCP_NAME, USER_MCP_NAME)  # the MCP configs sit beside the scope folder
TARGET_MAX_BYTES = 64 << 20  # as settings.SETTINGS_MAX_BYTES: ~/.claude.json is the largest target


@dataclass(frozen=True)
class Op:
    target: Path
    content: bytes | None  # None: delete the target
    expected: str | None  # sha256 the target must still have; None: it must not exist
    mode: int | None = None


@dataclass(frozen=True)
class _Swap:
    target: Path
    staged: Path  # the new bytes, written beside the target
    old: Path  # where the target's old bytes wait until the transaction ends
    existed: bool
    delete: bool

    def to_json(self) -> dict[str, object]:
        return {
            "target": str(self.target),
            "staged": str(self.staged),
            "old": str(self.old),
            "existed": self.existed,
            "delete": self.delete,
        }

    @classmethod
    def from_json(cls, d: dict[str, object]) -> _Swap:
        return cls(
            Path(str(d["target"])),
            Path(str(d["staged"])),
            Path(str(d["old"])),
            bool(d["existed"]),
            bool(d["delete"]),
        )


def after_swap(index: int) -> None:
    """Called after each swap; tests replace it to inject a failure between two files."""


def commit(ops: Sequence[Op], journal: Path) -> None:
    """Perform `ops` as one transaction, journalled at `journal` and locked on its directory.

    An OS error (a read-only or immutable file, a full disk) is rolled back and raised as an
    LlmengError that names the file.
    """
    try:
        _commit(ops, journal)
    except OSError as e:
        raise os_failure(e, journal) from e


def _commit(ops: Sequence[Op], journal: Path) -> None:
    made = _make_dirs([journal.parent])
    with locked(journal.parent):
        # Made under the lock, so a failing twin cannot remove them between our mkdir and our writes.
        made += _make_dirs([op.target.parent for op in ops])
        try:
            _commit_locked(ops, journal)
        except BaseException:
            for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):  # no empty folders left
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise


def _make_dirs(folders: Sequence[Path]) -> list[Path]:
    """Create missing folders; returns those created."""
    made: set[Path] = set()
    for folder in folders:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        made.update(missing)
    return list(made)


def _commit_locked(ops: Sequence[Op], journal: Path) -> None:
    recover(journal)
    sweep(journal, [(op.target.parent, op.target.name) for op in ops])
    _check_unchanged(ops)
    token = secrets.token_hex(TOKEN_BYTES)
    try:
        swaps = [_stage(op, token) for op in ops]
    except BaseException:
        for op in ops:  # nothing was swapped yet: drop what was staged
            op.target.with_name(f".{op.target.name}{STAGED_MARK}{token}").unlink(missing_ok=True)
        raise
    atomic_write(journal, json.dumps([s.to_json() for s in swaps], indent=1).encode(), mode=0o644)
    try:
        for index, swap in enumerate(swaps):
            _swap(swap)
            after_swap(index)
    except BaseException:
        recover(journal)
        raise
    _sync_dirs(ops)
    journal.unlink()
    for swap in swaps:
        swap.old.unlink(missing_ok=True)


def recover(journal: Path) -> bool:
    """Undo a half-done transaction recorded in `journal`; True if there was one."""
    try:
        swaps = [_Swap.from_json(d) for d in json.loads(read_regular(journal, max_bytes=JOURNAL_MAX_BYTES))]
        if not all(_ours(swap, journal) for swap in swaps):
            raise ValueError("it names files that are not llmeng's")
    except FileNotFoundError:
        return False
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, NotReadable):
        # The journal is written atomically, so this is not ours half-written: refuse to guess.
        raise LlmengError(
            f"{journal} is unreadable or not llmeng's; an earlier install may be half done",
            "Compare the files with `llmeng list`, then delete the journal.",
        ) from None
    for swap in reversed(swaps):
        swap.staged.unlink(missing_ok=True)
        if swap.old.exists():
            os.replace(swap.old, swap.target)
        elif not swap.existed:
            swap.target.unlink(missing_ok=True)
    journal.unlink()
    return True


def _ours(swap: _Swap, journal: Path) -> bool:
    """A journal entry we could have written: its side files are named after its target, beside it,
    and the target is in the journal's folder, below it, or one level up (.mcp.json, ~/.claude.json).

    A journal committed to a repository must not make a rollback move or delete anyone's files.
    """
    root = os.path.abspath(journal.parent)
    target = os.path.abspath(swap.target)
    beside = os.path.dirname(target) == os.path.dirname(root) and swap.target.name in _BESIDE_ROOT
    near = target.startswith(root + os.sep) or beside
    beside_target = all(p.parent == swap.target.parent for p in (swap.staged, swap.old))
    return (
        near
        and beside_target
        and side_target(swap.staged.name) == side_target(swap.old.name) == swap.target.name
    )


def _check_unchanged(ops: Sequence[Op]) -> None:
    for op in ops:
        with contextlib.suppress(FileNotFoundError):
            if (links := os.lstat(op.target).st_nlink) > 1:
                raise hard_linked(op.target, links)
        current = _sha_or_none(op.target)
        if current != op.expected:
            raise LlmengError(
                f"{op.target} changed after the plan was made; nothing was written",
                "Another program (or a second llmeng run) wrote it meanwhile: run the command again.",
            )


def _stage(op: Op, token: str) -> _Swap:
    name = op.target.name
    swap = _Swap(
        op.target,
        op.target.with_name(f".{name}{STAGED_MARK}{token}"),
        op.target.with_name(f".{name}{OLD_MARK}{token}"),
        op.target.exists(),
        op.content is None,
    )
    if op.content is not None:
        _write_synced(swap.staged, op.content, op.mode if op.mode is not None else _mode_of(op.target))
    return swap


def _swap(swap: _Swap) -> None:
    if swap.existed:
        os.replace(swap.target, swap.old)
    if not swap.delete:
        os.replace(swap.staged, swap.target)


def _write_synced(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)  # umask must not loosen or tighten what we mean
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode_of(path: Path) -> int:
    # Keep a replaced file's permissions (~/.claude.json is often 0600).
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644


def _sha_or_none(path: Path) -> str | None:
    try:
        return sha256(read_regular(path, max_bytes=TARGET_MAX_BYTES))
    except FileNotFoundError:
        return None
    except NotReadable as e:
        return e.reason  # never a sha256: reported as changed since the plan


def _sync_dirs(ops: Sequence[Op]) -> None:
    for directory in {op.target.parent for op in ops}:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` itself, so no lock file is left behind.

    A run that fails or uninstalls may remove the directory while another waits on it; a lock on a
    removed directory guards nothing, so after locking we check that the path still names the
    directory we hold, and start again (re-creating it) when it does not.
    """
    import fcntl  # POSIX; flock on a directory descriptor works on Linux and macOS

    for _ in range(LOCK_TRIES):
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            time.sleep(LOCK_PAUSE_S)
            continue
        if _same_dir(fd, directory):
            try:
                yield
                return
            finally:
                os.close(fd)  # closing the descriptor releases the lock
        os.close(fd)
    raise LlmengError(
        f"another llmeng run is writing in {directory}", "Wait for it to finish, then run the command again."
    )


def _same_dir(fd: int, directory: Path) -> bool:
    try:
        now = directory.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)
