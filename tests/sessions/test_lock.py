import fcntl
import os

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions.lock import FileMoved, _check_still_there, acquire, locked, locked_append


def test_lock_timeout_is_a_clear_error_not_a_drop(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("x\n\n")
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(LlmengError) as e:
            locked_append(path, b"entry", timeout_s=0.05)
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
        with pytest.raises(LlmengError):
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
    assert locked_append(path, b"after\n\n", timeout_s=1.0)
    assert path.read_text() == "after\n\n"


def test_torn_tail_is_repaired_before_appending(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("half a line")
    locked_append(path, b"<!-- next -->\n\n", timeout_s=1.0)
    assert path.read_text() == "half a line\n\n<!-- next -->\n\n"


def test_write_failure_truncates_back(tmp_path, monkeypatch):
    path = tmp_path / "log.md"
    path.write_text("keep\n\n")
    real_write = os.write

    def half_then_fail(fd, data):
        if len(data) > 3:
            return real_write(fd, bytes(data[:3]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_fail)
    with pytest.raises(LlmengError) as e:
        locked_append(path, b"0123456789", timeout_s=1.0)
    monkeypatch.undo()
    assert "No space left" in str(e.value)
    assert path.read_text() == "keep\n\n"


def test_missing_file_raises_file_moved(tmp_path):
    with pytest.raises(FileMoved):
        locked_append(tmp_path / "log.md", b"x", timeout_s=1.0)


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
    assert locked_append(path, b"x", timeout_s=0.1)


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
    with pytest.raises(OSError) as e:
        locked_append(path, b"x", timeout_s=1.0)
    assert e.value.errno == 9


def test_unreadable_file_error_propagates(tmp_path):
    path = tmp_path / "log.md"
    path.mkdir()
    with pytest.raises(IsADirectoryError):
        locked_append(path, b"x", timeout_s=1.0)


def test_torn_entry_with_open_fence_is_closed_before_the_next_entry(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("# T\n\n<!-- llmeng:session v=1 -->\n\n<!-- llmeng:entry id=a -->\n## a\n\n```\ncode\n\n")
    locked_append(path, b"<!-- llmeng:entry id=b -->\n", timeout_s=1.0)
    assert path.read_text().endswith("```\ncode\n\n```\n\n<!-- llmeng:entry id=b -->\n")


def test_whole_log_gets_no_repair(tmp_path):
    path = tmp_path / "log.md"
    whole = "# T\n\n<!-- llmeng:session v=1 -->\n\n"
    path.write_text(whole)
    locked_append(path, b"next\n\n", timeout_s=1.0)
    assert path.read_text() == whole + "next\n\n"
