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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.install.manifest import sha256

LOCK_TRIES = 200
LOCK_PAUSE_S = 0.05
STAGED_MARK = ".llmeng-new-"
OLD_MARK = ".llmeng-old-"


@dataclass(frozen=True)
class Op:
    target: Path
    content: bytes | None  # None: delete the target
    expected: str | None  # sha256 the target must still have; None: it must not exist
    mode: int | None = None


def after_swap(index: int) -> None:
    """Called after each swap; tests replace it to inject a failure between two files."""


def commit(ops: Sequence[Op], journal: Path) -> None:
    """Perform `ops` as one transaction, journalled at `journal` and locked on its directory."""
    for op in ops:
        op.target.parent.mkdir(parents=True, exist_ok=True)
    journal.parent.mkdir(parents=True, exist_ok=True)
    with locked(journal.parent):
        recover(journal)
        sweep({op.target.parent for op in ops})
        _check_unchanged(ops)
        token = secrets.token_hex(4)
        swaps = [_stage(op, token) for op in ops]
        _write_atomic(journal, json.dumps(swaps, indent=1).encode())
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
            Path(swap["old"]).unlink(missing_ok=True)


def recover(journal: Path) -> bool:
    """Undo a half-done transaction recorded in `journal`; True if there was one."""
    try:
        swaps = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return False
    except ValueError:
        # The journal itself was cut short, so no swap had started: only staged files remain.
        swaps = []
    for swap in reversed(swaps):
        target, staged, old = Path(swap["target"]), Path(swap["staged"]), Path(swap["old"])
        staged.unlink(missing_ok=True)
        if old.exists():
            os.replace(old, target)
        elif not swap["existed"]:
            target.unlink(missing_ok=True)
    journal.unlink()
    return True


def sweep(directories: Iterable[Path]) -> None:
    """Delete leftovers of a run killed outside its journal: staged files before it, old ones after."""
    for directory in directories:
        for mark in (STAGED_MARK, OLD_MARK):
            for stray in directory.glob(f".*{mark}*") if directory.is_dir() else ():
                stray.unlink(missing_ok=True)


def _check_unchanged(ops: Sequence[Op]) -> None:
    for op in ops:
        current = _sha_or_none(op.target)
        if current != op.expected:
            raise LlmengError(f"{op.target} changed after the plan was made; nothing was written",
                              "Another program (or a second llmeng run) wrote it meanwhile: run the "
                              "command again.")


def _stage(op: Op, token: str) -> dict[str, object]:
    name = op.target.name
    staged = op.target.with_name(f".{name}{STAGED_MARK}{token}")
    old = op.target.with_name(f".{name}{OLD_MARK}{token}")
    if op.content is not None:
        mode = op.mode if op.mode is not None else _mode_of(op.target)
        _write_synced(staged, op.content, mode)
    return {"target": str(op.target), "staged": str(staged), "old": str(old),
            "existed": op.target.exists(), "delete": op.content is None}


def _swap(swap: dict[str, object]) -> None:
    target, staged, old = Path(str(swap["target"])), Path(str(swap["staged"])), Path(str(swap["old"]))
    if swap["existed"]:
        os.replace(target, old)
    if not swap["delete"]:
        os.replace(staged, target)


def _write_atomic(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}{STAGED_MARK}{secrets.token_hex(4)}")
    _write_synced(temp, data, 0o644)
    os.replace(temp, path)


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
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def _sync_dirs(ops: Sequence[Op]) -> None:
    for directory in {op.target.parent for op in ops}:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on `directory` itself, so no lock file is left behind."""
    import fcntl  # POSIX; flock on a directory descriptor works on Linux and macOS

    fd = os.open(directory, os.O_RDONLY)
    try:
        for _ in range(LOCK_TRIES):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(LOCK_PAUSE_S)
        else:
            raise LlmengError(f"another llmeng run is writing in {directory}",
                              "Wait for it to finish, then run the command again.")
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
