import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.fsutil import (
    NotReadable,
    atomic_create,
    atomic_write,
    confine,
    confine_dir,
    read_regular,
    special_file_reason,
)


def test_atomic_write_replaces_content_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old")
    atomic_write(target, "new")
    atomic_write(target, b"newer")
    assert target.read_bytes() == b"newer"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_atomic_write_failure_keeps_old_file_and_removes_temp(tmp_path, monkeypatch):
    target = tmp_path / "f.txt"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_atomic_create_refuses_existing_file(tmp_path):
    target = tmp_path / "f.txt"
    atomic_create(target, "first")
    with pytest.raises(FileExistsError):
        atomic_create(target, "second")
    assert target.read_text() == "first"
    assert os.listdir(tmp_path) == ["f.txt"]


def test_confine_resolves_inside_root(tmp_path):
    (tmp_path / "a").mkdir()
    assert confine(tmp_path, "a/b.md") == tmp_path.resolve() / "a" / "b.md"
    assert confine(tmp_path, ".") == tmp_path.resolve()


@pytest.mark.parametrize("relative", ["..", "../x", "a/../../x", "/etc/passwd"])
def test_confine_refuses_paths_that_resolve_outside(tmp_path, relative):
    (tmp_path / "root").mkdir()
    with pytest.raises(LlmengError) as e:
        confine(tmp_path / "root", relative)
    assert "outside" in str(e.value) and "relative to it" in e.value.fix


def test_confine_accepts_dots_and_absolute_paths_that_stay_inside(tmp_path):
    (tmp_path / "src").mkdir()
    root = tmp_path.resolve()
    assert confine(tmp_path, "src/../src") == root / "src"
    assert confine(tmp_path, str(root / "src")) == root / "src"
    assert confine(tmp_path, "") == root


def test_confine_refuses_nul_bytes_and_with_must_exist_missing_paths(tmp_path):
    with pytest.raises(LlmengError, match="NUL byte"):
        confine(tmp_path, "a\x00b")
    assert confine(tmp_path, "later.md") == tmp_path.resolve() / "later.md"
    with pytest.raises(LlmengError, match="does not exist"):
        confine(tmp_path, "later.md", must_exist=True)


def test_confine_refuses_symlink_leading_out(tmp_path):
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    outside.mkdir()
    root.mkdir()
    (root / "link").symlink_to(outside)
    with pytest.raises(LlmengError) as e:
        confine(root, "link/file.md")
    assert "symlink" in str(e.value)


def test_confine_allows_symlink_that_stays_inside(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert confine(tmp_path, "alias/x") == tmp_path.resolve() / "real" / "x"


def test_failed_temp_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def no_fsync(fd):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "fsync", no_fsync)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "f.txt", "x")
    assert os.listdir(tmp_path) == []


def test_confine_dir_answers_as_confine_and_again_from_memory(tmp_path, monkeypatch):
    (tmp_path / "a" / "b").mkdir(parents=True)
    first = confine_dir(tmp_path, "a/b")
    assert first == confine(tmp_path, "a/b")
    walks = []
    monkeypatch.setattr(os.path, "realpath", lambda p: walks.append(p) or p)
    assert confine_dir(tmp_path, "a/b") == first
    assert walks == []  # remembered: no realpath walk


def test_confine_dir_sees_a_directory_swapped_for_a_symlink_out(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "logs").mkdir(parents=True)
    outside.mkdir()
    confine_dir(root, "logs")
    (root / "logs").rename(root / "old")
    (root / "logs").symlink_to(outside)
    with pytest.raises(LlmengError, match="symlink"):
        confine_dir(root, "logs")


def test_confine_dir_sees_a_parent_swapped_for_a_symlink_out(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "a" / "logs").mkdir(parents=True)
    (outside / "logs").mkdir(parents=True)
    confine_dir(root, "a/logs")
    (root / "a").rename(root / "old")
    (root / "a").symlink_to(outside)
    with pytest.raises(LlmengError, match="symlink"):
        confine_dir(root, "a/logs")


def test_confine_dir_follows_a_root_symlink_when_it_is_re_pointed(tmp_path):
    for project in ("one", "two"):
        (tmp_path / project / "logs").mkdir(parents=True)
    link = tmp_path / "project"
    link.symlink_to(tmp_path / "one")
    assert confine_dir(link, "logs") == (tmp_path / "one" / "logs").resolve()
    link.unlink()
    link.symlink_to(tmp_path / "two")
    assert confine_dir(link, "logs") == (tmp_path / "two" / "logs").resolve()


def test_confine_dir_does_not_remember_a_missing_directory(tmp_path):
    assert confine_dir(tmp_path, "later") == tmp_path.resolve() / "later"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "later").symlink_to(tmp_path.parent)
    with pytest.raises(LlmengError, match="symlink"):
        confine_dir(tmp_path, "later")


def test_confine_dir_relative_root_follows_the_working_directory(tmp_path, monkeypatch):
    for project in ("one", "two"):
        (tmp_path / project / "logs").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "one")
    assert confine_dir(Path("."), "logs") == (tmp_path / "one" / "logs").resolve()
    monkeypatch.chdir(tmp_path / "two")
    assert confine_dir(Path("."), "logs") == (tmp_path / "two" / "logs").resolve()


def test_read_regular_reads_a_file_within_its_cap(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert read_regular(tmp_path / "a.txt", max_bytes=5) == b"hello"
    assert read_regular(tmp_path / "a.txt", max_bytes=3, cut=True) == b"hel"
    with pytest.raises(NotReadable, match="too large"):
        read_regular(tmp_path / "a.txt", max_bytes=4)


def test_read_regular_refuses_a_fifo_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(NotReadable, match="a FIFO"):
        read_regular(tmp_path / "pipe.py", max_bytes=100)


@pytest.mark.parametrize("cut", [False, True])
def test_read_regular_refuses_a_link_to_a_device(tmp_path, cut):
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    with pytest.raises(NotReadable, match="a device") as e:
        read_regular(tmp_path / "zero.py", max_bytes=100, cut=cut)
    assert isinstance(e.value, OSError) and e.value.filename == str(tmp_path / "zero.py")


def test_read_regular_names_a_socket_instead_of_the_open_error(tmp_path):
    # Bound from its folder: AF_UNIX paths are short, and tmp_path may be long.
    subprocess.run(
        [sys.executable, "-c", "import socket; socket.socket(socket.AF_UNIX).bind('sock.py')"],
        cwd=tmp_path,
        check=True,
    )
    with pytest.raises(NotReadable, match=r"not a regular file \(a socket\)"):
        read_regular(tmp_path / "sock.py", max_bytes=100)


def test_read_regular_without_follow_refuses_any_symlink(tmp_path):
    (tmp_path / "real.md").write_text("x")
    (tmp_path / "link.md").symlink_to(tmp_path / "real.md")
    assert read_regular(tmp_path / "link.md", max_bytes=10) == b"x"
    with pytest.raises(NotReadable, match="symlink"):
        read_regular(tmp_path / "link.md", max_bytes=10, follow=False)


def test_special_file_reason_keeps_a_walk_inside_its_root(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.py").write_text("x")
    (tmp_path / "secret.py").write_text("x")
    (root / "inside.py").symlink_to(root / "ok.py")
    (root / "out.py").symlink_to(tmp_path / "secret.py")
    (root / "dangling.py").symlink_to(root / "nope.py")
    os.mkfifo(root / "pipe.py")
    (root / "zero.py").symlink_to("/dev/zero")
    assert special_file_reason(root / "ok.py", root) is None
    assert special_file_reason(root / "inside.py", root) is None
    assert "outside" in (special_file_reason(root / "out.py", root) or "")
    assert special_file_reason(root / "dangling.py", root) == "a dangling symlink"
    assert "FIFO" in (special_file_reason(root / "pipe.py", root) or "")
    assert "outside" in (special_file_reason(root / "zero.py", root) or "")
