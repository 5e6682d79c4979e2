"""The adapter-facing door: each call as the CLI, the hook command and the MCP server make it."""

import fcntl
import io
import os
import threading
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions import api, append, hook, tail
from llmeng.sessions.parse import read_session

from .conftest import NOW


@pytest.fixture
def busy(session):
    """The session file with its flock held by another open file, released on exit."""
    holder = os.open(session.path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    yield holder
    os.close(holder)


def test_limits_are_named_constants():
    assert api.DEFAULT_MAX_ENTRY_BYTES == 256 * 1024
    assert api.DEFAULT_LOCK_TIMEOUT_S == 10.0 and api.HOOK_LOCK_TIMEOUT_S < api.DEFAULT_LOCK_TIMEOUT_S
    assert api.SOURCES == ("script", "cli", "mcp", "hook")


def test_project_root_prefers_the_given_root_then_the_environment(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "sub").mkdir()
    cwd = tmp_path / "repo" / "sub"
    assert api.project_root("given", cwd=cwd, env={"CLAUDE_PROJECT_DIR": "/x"}, home=tmp_path) == Path(
        "given"
    )
    assert api.project_root(None, cwd=cwd, env={"CLAUDE_PROJECT_DIR": "/x"}, home=tmp_path) == Path("/x")
    assert api.project_root("", cwd=cwd, env={}, home=tmp_path) == tmp_path / "repo"


def test_start_records_the_working_directory_and_branch(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/feature\n")
    info = api.start(tmp_path, "t", now=NOW, cwd=Path("/work/here"))
    fields = read_session(info.path).fields
    assert (fields["directory"], fields["branch"]) == ("/work/here", "feature")


def test_try_write_entry_makes_one_attempt_and_writes_nothing_when_busy(tmp_path, session, busy):
    entry = api.prepare_entry("a", b"x", source="mcp", now=NOW)
    assert api.try_write_entry(tmp_path, entry) is None
    assert read_session(session.path).entries == ()
    fcntl.flock(busy, fcntl.LOCK_UN)
    result = api.try_write_entry(tmp_path, entry)
    assert result is not None and result.entry_id == entry.meta.id
    assert [e.id for e in read_session(session.path).entries] == [entry.meta.id]


def test_a_busy_lock_is_waited_for_without_preparing_again(tmp_path, session, busy, monkeypatch):
    prepared = []
    real_redact = append.redact
    monkeypatch.setattr(append, "redact", lambda text: prepared.append(text) or real_redact(text))
    entry = api.prepare_entry("a", "key ghp_" + "x" * 36, source="mcp", now=NOW)
    assert api.try_write_entry(tmp_path, entry) is None
    real_flock, found_busy = fcntl.flock, threading.Event()

    def flock(fd, op):
        try:
            return real_flock(fd, op)
        except BlockingIOError:
            found_busy.set()
            raise

    monkeypatch.setattr(fcntl, "flock", flock)
    results: list[api.AppendResult] = []
    waiting = threading.Thread(target=lambda: results.append(api.write_entry(tmp_path, entry)))
    waiting.start()
    assert found_busy.wait(timeout=30)  # the writer is waiting on the lock now
    real_flock(busy, fcntl.LOCK_UN)
    waiting.join()
    assert len(prepared) == 1 and results[0].redacted == 1
    assert [e.id for e in read_session(session.path).entries] == [entry.meta.id]


def test_a_busy_lock_with_the_full_wait_is_an_error_with_its_fix(tmp_path, session, busy):
    with pytest.raises(api.LockBusy) as e:
        api.append(tmp_path, "a", b"x", source="cli", now=NOW, lock_timeout_s=0)
    assert "--lock-timeout" in e.value.fix


def test_append_report_reads_a_file_or_stdin_up_to_one_byte_past_the_cap(tmp_path, session):
    (tmp_path / "r.md").write_text("from a file")
    api.append_report(tmp_path, str(tmp_path / "r.md"), stdin=io.BytesIO(), agent="a", source="cli", now=NOW)
    api.append_report(tmp_path, "-", stdin=io.BytesIO(b"from stdin"), agent="a", source="cli", now=NOW)
    assert [e.body for e in read_session(session.path).entries] == ["from a file", "from stdin"]
    assert api.read_report("-", max_bytes=3, stdin=io.BytesIO(b"0123456789")) == b"0123"


@pytest.mark.parametrize(("name", "message"), [("nope.md", "report file not found"), (".", "is a directory")])
def test_read_report_errors_say_what_to_pass(tmp_path, monkeypatch, name, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LlmengError) as e:
        api.read_report(name, max_bytes=10, stdin=io.BytesIO())
    assert message in str(e.value) and e.value.fix


def test_list_current_show_and_end(tmp_path, session):
    api.append(tmp_path, "a", b"hello", source="cli", now=NOW)
    listing = api.list_sessions(tmp_path)
    assert listing.current == session.id and [listing.is_current(i) for i in listing.sessions] == [True]
    assert api.current(tmp_path) == session
    with api.show(tmp_path) as shown:
        assert (shown.session_id, shown.path, [e.body for e in shown.log.entries]) == (
            session.id,
            session.path,
            ["hello"],
        )
    assert shown.log.problems == () and shown.log.title == "Harden retries"
    view = api.read_active(tmp_path)
    assert view is not None and (view.session_id, view.path) == (session.id, session.path)
    assert [e.body for e in view.log.entries] == ["hello"] and api.locate(tmp_path) == session.path
    ended = api.end(tmp_path, now=NOW)
    assert ended.state == "archive" and not api.list_sessions(tmp_path).is_current(ended)
    assert api.current(tmp_path) is None and api.read_active(tmp_path) is None
    with api.show(tmp_path, session.id) as shown:
        assert shown.path == ended.path and [e.body for e in shown.log.entries] == ["hello"]
    assert shown.log.closed  # the closing line ended the archived log


def test_show_closes_the_log_when_the_with_block_ends(tmp_path, session):
    api.append(tmp_path, "a", b"hello", source="cli", now=NOW)
    with api.show(tmp_path) as shown:
        pass
    with pytest.raises(ValueError, match="closed file"):
        next(shown.log.entries)


def test_show_without_a_session_says_how_to_start_one(tmp_path):
    with pytest.raises(LlmengError) as e:
        api.show(tmp_path)
    assert "session start" in e.value.fix


def test_filesystem_failures_become_errors_with_a_fix(tmp_path):
    (tmp_path / ".claude").write_text("a file where the directory should be")
    with pytest.raises(LlmengError) as e:
        api.start(tmp_path, "x", now=NOW, cwd=tmp_path)
    assert ".claude/sessions/ is a writable directory" in e.value.fix


def test_follow_reports_entries_from_the_tail_module(tmp_path, session, monkeypatch):
    calls = []

    def fake_follow(path, on_entries, stop, *, from_start):
        calls.append((path, from_start))
        return False

    monkeypatch.setattr(tail, "follow", fake_follow)
    assert api.follow(session.path, print, threading.Event(), from_start=True) is False
    assert calls == [(session.path, True)]


def test_the_hook_waits_less_for_the_lock_than_the_cli(monkeypatch):
    seen = {}

    def fake(payload, **kwargs):
        seen.update(kwargs)
        return hook.HookOutcome("ignored", "")

    monkeypatch.setattr(hook, "subagent_stop", fake)
    assert api.run_subagent_stop(b"{}", env={}, now=NOW).status == "ignored"
    assert (seen["lock_timeout_s"], seen["max_bytes"]) == (
        api.HOOK_LOCK_TIMEOUT_S,
        api.DEFAULT_MAX_ENTRY_BYTES,
    )
