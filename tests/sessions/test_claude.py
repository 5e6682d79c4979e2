"""Sessions without setup: reports made while no session is active go to their Claude Code session's log."""

import json
import multiprocessing
import os
from dataclasses import replace

import pytest

from llmeng.sessions import claude
from llmeng.sessions.append import append_entry
from llmeng.sessions.claude import Tie, record, resolve, tie_of
from llmeng.sessions.hook import session_start
from llmeng.sessions.listing import latest_started
from llmeng.sessions.names import TIED_ID_RE, slugify
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import current_session, end_session, list_sessions, start_session

from .conftest import CONTEXT, NOW

A = "11111111-2222-4333-8444-555555555555"
B = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def fake_proc(root, *procs):
    """A /proc with a `stat` file for each (pid, parent, name, start); see tests/test_procs.py."""
    for pid, ppid, name, start in procs:
        (root / str(pid)).mkdir(parents=True)
        fields = ["S", str(ppid), *["0"] * 17, str(start), "0"]
        (root / str(pid) / "stat").write_text(f"{pid} ({name}) {' '.join(fields)}")
    return root


@pytest.fixture
def links(tmp_path):
    return tmp_path / "state" / "claude-sessions"


def tied_files(root):
    return sorted(p.name for p in (root / ".claude/sessions/active").glob("*-claude-code-*.md"))


def test_with_no_session_a_report_goes_to_its_claude_code_sessions_log_created_on_first_use(tmp_path):
    first = append_entry(tmp_path, "llm-architect", b"one", source="mcp", now=NOW, tie=Tie(env_session=A))
    second = append_entry(tmp_path, "llm-ml-engineer", b"two", source="hook", now=NOW, tie=Tie(session=A))
    assert first.path == second.path and not first.standalone
    assert first.session_id == f"20261122-030405-claude-code-{A}" and TIED_ID_RE.fullmatch(first.session_id)
    log = read_session(first.path)
    assert (log.title, log.fields["claude"], log.fields["directory"]) == (
        "Claude Code session 11111111",
        A,
        str(tmp_path),
    )
    assert [(e.agent, e.body) for e in log.entries] == [("llm-architect", "one"), ("llm-ml-engineer", "two")]


def test_two_claude_code_sessions_get_a_log_each(tmp_path):
    a = append_entry(tmp_path, "x", b"from a", source="mcp", now=NOW, tie=Tie(session=A))
    b = append_entry(tmp_path, "x", b"from b", source="mcp", now=NOW, tie=Tie(session=B))
    assert a.path != b.path
    assert tied_files(tmp_path) == [f"20261122-030405-claude-code-{s}.md" for s in sorted((A, B))]
    assert [e.body for e in read_session(b.path).entries] == ["from b"]


def test_a_started_session_wins_and_a_tied_one_is_never_current(tmp_path):
    tied = append_entry(tmp_path, "x", b"early", source="mcp", now=NOW, tie=Tie(session=A))
    assert current_session(tmp_path) is None  # the tied log does not capture other writers
    assert append_entry(tmp_path, "x", b"plain", source="cli", now=NOW).standalone
    started = start_session(tmp_path, "Named", now=NOW, context=CONTEXT)
    assert current_session(tmp_path) == started.id
    later = append_entry(tmp_path, "x", b"late", source="mcp", now=NOW, tie=Tie(session=A))
    assert later.path == started.path
    assert [e.body for e in read_session(tied.path).entries] == ["early"]
    assert {i.id for i in list_sessions(tmp_path)} == {started.id, tied.session_id}


def test_an_ended_tied_session_is_followed_by_a_new_one(tmp_path):
    first = append_entry(tmp_path, "x", b"one", source="mcp", now=NOW, tie=Tie(session=A))
    end_session(tmp_path, first.session_id, now=NOW)
    later = NOW.replace(minute=10)
    second = append_entry(tmp_path, "x", b"two", source="mcp", now=later, tie=Tie(session=A))
    assert second.session_id == f"20261122-031005-claude-code-{A}"


def test_no_title_a_user_gives_makes_a_tied_id():
    title = f"claude code {A}"
    assert not TIED_ID_RE.fullmatch(f"20261122-030405-{slugify(title)}")


def _append_at_once(barrier, root, n):
    barrier.wait()
    append_entry(root, "agent", f"report {n}".encode(), source="mcp", now=NOW, tie=Tie(env_session=A))


def test_subagents_reporting_at_once_find_one_log(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(8)
    workers = [context.Process(target=_append_at_once, args=(barrier, tmp_path, n)) for n in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 8
    [name] = tied_files(tmp_path)
    log = read_session(tmp_path / ".claude/sessions/active" / name)
    assert sorted(e.body for e in log.entries) == [f"report {n}" for n in range(8)] and not log.problems


# Which Claude Code session: a hook's payload, else a record for an ancestor, else the environment,
# else (inside Claude Code) the project's latest record.


def test_a_record_for_the_nearest_ancestor_wins_over_the_environment(tmp_path, links):
    record(Tie(links=links, claude_process="10-7"), A, tmp_path)
    record(Tie(links=links, claude_process="5-3"), B, tmp_path)
    tie = Tie(links=links, ancestors=("20-8", "10-7", "5-3"), env_session=B)
    assert resolve(tie, tmp_path) == A
    assert resolve(replace(tie, ancestors=("20-8",)), tmp_path) == B  # no record: the environment
    assert resolve(replace(tie, session=B), tmp_path) == B  # a hook is told


def test_inside_claude_code_the_projects_latest_record_is_the_last_resort(tmp_path, links):
    other = tmp_path / "other"
    record(Tie(links=links, claude_process="10-7"), A, tmp_path)
    record(Tie(links=links, claude_process="11-7"), B, other)
    os.utime(links / "10-7", ns=(1, 1))  # A's is the older record, yet the only one of this project
    assert resolve(Tie(links=links, in_claude=True), tmp_path) == A
    assert resolve(Tie(links=links, in_claude=True), other) == B
    assert resolve(Tie(links=links), tmp_path) is None  # outside Claude Code: standalone, as before
    assert resolve(Tie(), tmp_path) is None


def test_a_record_is_written_once_and_replaced_when_the_session_changes(tmp_path, links):
    tie = Tie(links=links, claude_process="10-7")
    assert record(tie, A, tmp_path) is True
    assert record(tie, A, tmp_path) is False  # unchanged: no write
    assert record(tie, B, tmp_path) is True  # /clear gave the process a new session
    assert (links / "10-7").read_text() == f"{B}\n{tmp_path}\n"
    assert not record(Tie(links=links), A, tmp_path) and not record(Tie(claude_process="1-1"), A, tmp_path)
    assert not record(Tie(links=links, claude_process="../x"), A, tmp_path)


def test_old_records_are_pruned(tmp_path, links):
    for n in range(claude.KEEP_RECORDS + 5):
        record(Tie(links=links, claude_process=f"{n}-1"), A, tmp_path)
        os.utime(links / f"{n}-1", ns=(n, n))
    kept = sorted(int(p.name.split("-")[0]) for p in links.iterdir())
    assert len(kept) == claude.KEEP_RECORDS and kept[0] > 0


@pytest.mark.parametrize("text", ["not a session\n/x\n", f"{A}\n/x\ny\n", b"\xff\n"])
def test_a_record_that_is_not_ours_is_ignored(tmp_path, links, text):
    links.mkdir(parents=True)
    (links / "10-7").write_bytes(text if isinstance(text, bytes) else text.encode())
    assert resolve(Tie(links=links, ancestors=("10-7",)), tmp_path) is None


def test_tie_of_reads_the_environment_and_the_process_tree(tmp_path):
    proc = fake_proc(tmp_path / "proc", (30, 20, "python3", 9), (20, 10, "bash", 8), (10, 1, "claude", 7))
    env = {"CLAUDE_CODE_SESSION_ID": A.upper(), "CLAUDECODE": "1", "XDG_STATE_HOME": str(tmp_path / "st")}
    tie = tie_of(env, pid=30, home=tmp_path, proc=proc)
    assert tie == Tie(tmp_path / "st/llmeng/claude-sessions", ("20-8", "10-7"), "10-7", A, True)
    named = tie_of({"CLAUDE_PID": "20"}, pid=30, home=tmp_path, proc=proc)
    assert (named.claude_process, named.env_session, named.in_claude) == ("20-8", None, False)
    assert named.links == tmp_path / ".local/state/llmeng/claude-sessions"


def test_session_start_records_the_session_for_the_claude_code_process(tmp_path, links):
    tie = Tie(links=links, claude_process="10-7")

    def payload(**fields):
        return json.dumps({"hook_event_name": "SessionStart", "cwd": str(tmp_path), **fields}).encode()

    assert session_start(payload(session_id=A, source="startup"), env={}, tie=tie).status == "recorded"
    assert session_start(payload(session_id=A, source="compact"), env={}, tie=tie).status == "unchanged"
    assert resolve(Tie(links=links, ancestors=("10-7",)), tmp_path) == A
    assert session_start(payload(), env={}, tie=tie).status == "ignored"
    assert session_start(payload(session_id=A), env={}, tie=Tie(links=links)).status == "ignored"
    stop = json.dumps({"hook_event_name": "Stop", "session_id": A}).encode()
    assert session_start(stop, env={}, tie=tie).status == "ignored"
    assert not (tmp_path / ".claude").exists()  # no project gets a file before a report is made


def test_latest_started_skips_tied_sessions(tmp_path):
    append_entry(tmp_path, "x", b"t", source="mcp", now=NOW.replace(hour=9), tie=Tie(session=A))
    started = start_session(tmp_path, "Named", now=NOW, context=CONTEXT)
    assert latest_started(tmp_path / ".claude/sessions/active") == started.id
