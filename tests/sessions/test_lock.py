import fcntl
import os

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions.lock import FileMoved, LockBusy, _check_still_there, acquire, locked


def test_lock_timeout_is_a_clear_error_not_a_drop(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("x\n\n")
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(LockBusy) as e, locked(path, timeout_s=0.05):
            pass
        assert isinstance(e.value, LlmengError)
        assert "could not lock" in str(e.value) and "--lock-timeout" in e.value.fix
    finally:
        os.close(holder)
    assert path.read_text() == "x\n\n"


def test_acquire_waits_with_backoff_until_deadline(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("")
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    fd = os.open(path, os.O_RDWR)
    clock = iter([0.0, 0.5, 1.0, 2.5])
    sleeps = []
    try:
        with pytest.raises(LockBusy):
            acquire(fd, path, timeout_s=2.0, clock=lambda: next(clock), sleep=sleeps.append)
    finally:
        os.close(fd)
        os.close(holder)
    assert sleeps == [0.002, 0.004]


def test_lock_of_dead_process_is_released_by_kernel(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("")
    pid = os.fork()
    if pid == 0:  # child: take the lock and die without releasing it
        fd = os.open(path, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os._exit(0)
    os.waitpid(pid, 0)
    with locked(path, timeout_s=1.0) as (_, size):
        assert size == 0


def test_locked_yields_the_size_of_the_file_it_locked(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("12345")
    with locked(path, timeout_s=1.0) as (fd, size):
        assert size == 5 and os.pread(fd, 5, 0) == b"12345"


def test_missing_file_raises_file_moved(tmp_path):
    with pytest.raises(FileMoved), locked(tmp_path / "log.md", timeout_s=1.0):
        pass


def test_symlinked_file_is_refused(tmp_path):
    (tmp_path / "target.md").write_text("")
    (tmp_path / "log.md").symlink_to(tmp_path / "target.md")
    with pytest.raises(LlmengError) as e, locked(tmp_path / "log.md", timeout_s=1.0):
        pass
    assert "symlink" in str(e.value)


def test_file_replaced_after_open_raises_file_moved(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("")
    with open(path) as old:
        os.rename(path, tmp_path / "archived.md")
        path.write_text("a new session with the same name")
        with pytest.raises(FileMoved):
            _check_still_there(old.fileno(), path)


def test_locked_holds_the_flock_until_exit(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("")
    with locked(path, timeout_s=1.0):
        probe = os.open(path, os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(probe)
    with locked(path, timeout_s=0.1):
        pass


def test_file_removed_after_open_raises_file_moved(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("")
    with open(path) as old:
        path.unlink()
        with pytest.raises(FileMoved):
            _check_still_there(old.fileno(), path)


def test_unexpected_flock_errors_propagate(tmp_path, monkeypatch):
    path = tmp_path / "log.md"
    path.write_text("")

    def broken(fd, op):
        raise OSError(9, "Bad file descriptor")

    monkeypatch.setattr(fcntl, "flock", broken)
    with pytest.raises(OSError) as e, locked(path, timeout_s=1.0):
        pass
    assert e.value.errno == 9


def test_unreadable_file_error_propagates(tmp_path):
    path = tmp_path / "log.md"
    path.mkdir()
    with pytest.raises(IsADirectoryError), locked(path, timeout_s=1.0):
        pass
