import fcntl
import os

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions.lock import FileMoved, LockBusy
from llmeng.sessions.writer import locked_append, repair


def test_torn_tail_is_repaired_before_appending(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("half a line")
    locked_append(path, b"<!-- next -->\n\n", timeout_s=1.0)
    assert path.read_text() == "half a line\n\n<!-- next -->\n\n"


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


@pytest.mark.parametrize(
    ("contents", "closer"),
    [
        (b"", b""),
        (b"# T\n\n<!-- llmeng:session v=1 -->\n\n", b""),
        (b"x\n\n<!-- llmeng:end id=a crc=0123abcd -->\n\n", b""),
        (b"x\n\n<!-- llmeng:end id=a crc=0123abcd -->\n", b"\n"),
        (b"<!-- llmeng:entry id=a -->\n~~~~\nopen", b"\n~~~~\n\n"),
    ],
)
def test_repair_returns_only_what_closes_a_torn_tail(tmp_path, contents, closer):
    path = tmp_path / "log.md"
    path.write_bytes(contents)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert repair(fd, len(contents)) == closer
    finally:
        os.close(fd)


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


def test_skip_if_sees_the_contents_under_the_lock_and_writes_nothing(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("already here\n\n")
    assert locked_append(path, b"x", timeout_s=1.0, skip_if=lambda contents: b"already" in contents) is False
    assert path.read_text() == "already here\n\n"


def test_busy_lock_writes_nothing(tmp_path):
    path = tmp_path / "log.md"
    path.write_text("x\n\n")
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(LockBusy):
            locked_append(path, b"entry", timeout_s=0)
    finally:
        os.close(holder)
    assert path.read_text() == "x\n\n"


def test_missing_file_raises_file_moved(tmp_path):
    with pytest.raises(FileMoved):
        locked_append(tmp_path / "log.md", b"x", timeout_s=1.0)
