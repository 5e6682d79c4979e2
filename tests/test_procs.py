import os
from pathlib import Path

import pytest

from llmeng.procs import Proc, ancestors, launcher, parse_stat, read_proc

# Field 22 (start time) is the 20th field after the `comm` parentheses.
STAT = "{pid} ({comm}) S {ppid} 1 1 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 {start} 1000 100"


def fake_proc(root: Path, *procs: tuple[int, int, str, int]) -> Path:
    """A /proc with one `stat` file per (pid, parent, comm, start)."""
    for pid, ppid, comm, start in procs:
        (root / str(pid)).mkdir(parents=True)
        (root / str(pid) / "stat").write_text(STAT.format(pid=pid, comm=comm, ppid=ppid, start=start))
    return root


@pytest.mark.parametrize(
    "comm",
    ["claude", "sh", "a b", "x) S 7 (y", "(((", ""],
    ids=["plain", "shell", "space", "paren", "open", "empty"],
)
def test_parse_stat_reads_parent_and_start_whatever_the_program_name(comm):
    assert parse_stat(42, STAT.format(pid=42, comm=comm, ppid=7, start=123456)) == Proc(42, 7, 123456, comm)


@pytest.mark.parametrize("text", ["", "42 claude S 7", "42 (claude) S 7 1 2", "42 (c) S x" + " 0" * 20])
def test_parse_stat_refuses_malformed_text(text):
    assert parse_stat(42, text) is None


def test_ancestors_are_listed_nearest_first_up_to_init(tmp_path):
    proc = fake_proc(
        tmp_path, (30, 20, "python3", 9), (20, 10, "sh", 8), (10, 1, "claude", 7), (1, 0, "init", 1)
    )
    chain = ancestors(30, proc=proc)
    assert [(p.pid, p.name) for p in chain] == [(20, "sh"), (10, "claude")]
    assert chain[1].key == "10-7"


def test_ancestors_stop_where_a_process_is_gone(tmp_path):
    proc = fake_proc(tmp_path, (30, 20, "python3", 9), (20, 10, "sh", 8))
    assert [p.pid for p in ancestors(30, proc=proc)] == [20]
    assert ancestors(99, proc=proc) == ()


def test_ancestors_of_a_loop_end(tmp_path):
    proc = fake_proc(tmp_path, (30, 20, "a", 1), (20, 30, "b", 1))
    assert len(ancestors(30, proc=proc)) == 64


def test_the_real_parent_is_the_first_ancestor():
    parent = read_proc(os.getppid())
    assert parent is not None
    assert ancestors(os.getpid())[0] == parent


def test_the_launcher_is_the_named_process_else_the_nearest_that_is_not_a_shell():
    chain = (Proc(3, 2, 1, "bash"), Proc(2, 1, 1, "sh"), Proc(1, 0, 1, "claude"), Proc(0, 0, 1, "zsh"))
    assert launcher(chain).pid == 1
    assert launcher(chain, pid=2).pid == 2  # Claude Code said which (CLAUDE_PID)
    assert launcher(chain, pid=99).pid == 1  # a pid that is not an ancestor is not believed
    assert launcher(chain[:2]) is None
