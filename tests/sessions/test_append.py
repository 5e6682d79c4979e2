from datetime import timedelta

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions import append
from llmeng.sessions.append import append_entry, prepare_entry, write_entry
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import end_session, session_path, start_session

from .conftest import CONTEXT, NOW


def test_append_reports_path_session_and_entry(tmp_path, session):
    result = append_entry(tmp_path, "llm-architect", b"# Found\nok", source="script", now=NOW)
    assert (result.path, result.session_id, result.standalone, result.appended) == (
        session.path,
        session.id,
        False,
        True,
    )
    [entry] = read_session(session.path).entries
    assert (entry.id, entry.agent, entry.source, entry.body) == (
        result.entry_id,
        "llm-architect",
        "script",
        "# Found\nok",
    )


def test_append_redacts_secrets_and_records_count(tmp_path, session):
    result = append_entry(tmp_path, "a", b"key ghp_" + b"x" * 36, source="cli", now=NOW)
    assert result.redacted == 1
    assert "ghp_" not in session.path.read_text()
    assert read_session(session.path).entries[0].redacted == 1


@pytest.mark.parametrize("body", [b"\xff\xfe", b"\x00bin", b"", b"x" * 101])
def test_bad_input_leaves_log_untouched(tmp_path, session, body):
    before = session.path.read_bytes()
    with pytest.raises(LlmengError):
        append_entry(tmp_path, "a", body, source="cli", now=NOW, max_bytes=100)
    assert session.path.read_bytes() == before


@pytest.mark.parametrize("agent", ["../x", "a b", ""])
def test_bad_agent_name_is_refused_before_writing(tmp_path, session, agent):
    before = session.path.read_bytes()
    with pytest.raises(LlmengError):
        append_entry(tmp_path, agent, b"x", source="cli", now=NOW)
    assert session.path.read_bytes() == before


def test_append_with_no_session_writes_standalone_artifact(tmp_path):
    result = append_entry(tmp_path, "plugin:agent", b"findings", source="script", now=NOW)
    assert result.standalone and result.session_id is None
    assert result.path.parent == (tmp_path / ".claude/sessions/standalone").resolve()
    assert ":" not in result.path.name
    [entry] = read_session(result.path).entries
    assert entry.body == "findings" and entry.agent == "plugin:agent"


def test_append_to_pinned_session(tmp_path, session):
    newer = start_session(tmp_path, "newer", now=NOW + timedelta(seconds=5), context=CONTEXT)
    result = append_entry(tmp_path, "a", b"x", source="cli", now=NOW, session_id=session.id)
    assert result.path == session.path
    assert read_session(newer.path).entries == ()


def test_append_to_unknown_pinned_session_is_an_error(tmp_path, session):
    with pytest.raises(LlmengError) as e:
        append_entry(tmp_path, "a", b"x", source="cli", now=NOW, session_id="20200101-000000")
    assert "not active" in str(e.value)
    with pytest.raises(LlmengError):
        append_entry(tmp_path, "a", b"x", source="cli", now=NOW, session_id="../../etc/passwd")


def test_skip_if_logged_skips_same_agent_id_only(tmp_path, session):
    append_entry(tmp_path, "a", b"one", source="script", now=NOW, agent_id="id1")
    again = append_entry(tmp_path, "a", b"two", source="hook", now=NOW, agent_id="id1", skip_if_logged=True)
    other = append_entry(
        tmp_path, "a", b"three", source="hook", now=NOW, agent_id="id12", skip_if_logged=True
    )
    assert not again.appended and other.appended
    assert [e.body for e in read_session(session.path).entries] == ["one", "three"]


def test_session_file_replaced_by_symlink_is_refused(tmp_path, session):
    outside = tmp_path.parent / (tmp_path.name + "-outside.md")
    outside.write_text("x")
    session.path.unlink()
    session.path.symlink_to(outside)
    with pytest.raises(LlmengError):
        append_entry(tmp_path, "a", b"x", source="cli", now=NOW, session_id=session.id)
    assert outside.read_text() == "x"


def test_append_follows_to_next_session_when_current_is_ended_meanwhile(tmp_path, session, monkeypatch):
    newer = start_session(tmp_path, "newer", now=NOW + timedelta(seconds=1), context=CONTEXT)
    real = append.locked_append
    calls = []

    def end_first_then_append(path, data, **kw):
        if not calls:
            calls.append(path)
            end_session(tmp_path, newer.id, now=NOW)  # the session we resolved ends under us
        return real(path, data, **kw)

    monkeypatch.setattr(append, "locked_append", end_first_then_append)
    result = append_entry(tmp_path, "a", b"x", source="cli", now=NOW)
    assert result.path == session.path
    assert len(read_session(session.path).entries) == 1


def test_session_file_symlinked_inside_project_is_refused_too(tmp_path, session):
    readme = tmp_path / "README.md"
    readme.write_text("project readme")
    session.path.unlink()
    session.path.symlink_to(readme)
    with pytest.raises(LlmengError) as e:
        append_entry(tmp_path, "a", b"x", source="cli", now=NOW, session_id=session.id)
    assert "symlink" in str(e.value)
    assert readme.read_text() == "project readme"
    with pytest.raises(LlmengError):
        session_path(tmp_path, session.id)


def test_append_gives_up_when_sessions_keep_ending(tmp_path, session, monkeypatch):
    def always_moved(path, data, **kw):
        raise append.FileMoved(str(path))

    monkeypatch.setattr(append, "locked_append", always_moved)
    with pytest.raises(LlmengError) as e:
        append_entry(tmp_path, "a", b"x", source="cli", now=NOW)
    assert "kept changing" in str(e.value)


def test_agent_id_mentioned_in_a_body_does_not_count_as_logged(tmp_path, session):
    body = b"see <!-- llmeng:entry id=x agent_id=id1 --> and agent_id=id1 here\n agent_id=id1 \n"
    append_entry(tmp_path, "a", body, source="script", now=NOW, agent_id="other")
    result = append_entry(tmp_path, "a", b"real", source="hook", now=NOW, agent_id="id1", skip_if_logged=True)
    assert result.appended


def test_append_accepts_text_as_the_mcp_server_sends_it(tmp_path, session):
    append_entry(tmp_path, "a", "héllo", source="mcp", now=NOW)
    assert read_session(session.path).entries[0].body == "héllo"
    with pytest.raises(LlmengError) as e:
        append_entry(tmp_path, "a", "lone \ud800 surrogate", source="mcp", now=NOW)
    assert "not valid UTF-8" in str(e.value)


def test_times_are_recorded_in_utc_whatever_the_callers_zone(tmp_path):
    from datetime import timezone

    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    info = start_session(tmp_path, "tz", now=paris, context=CONTEXT)
    assert info.id.startswith("20261122-030405")
    append_entry(tmp_path, "a", b"x", source="cli", now=paris)
    assert read_session(info.path).entries[0].time == "2026-11-22T03:04:05.123456Z"


def test_entries_appended_in_the_same_microsecond_get_distinct_ids(tmp_path, session):
    ids = {append_entry(tmp_path, "a", b"x", source="cli", now=NOW).entry_id for _ in range(50)}
    assert len(ids) == 50
    assert all(i.startswith("20261122T030405123456-") and len(i.split("-")[1]) == 8 for i in ids)


def test_prepare_entry_checks_redacts_and_renders_without_touching_the_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    entry = prepare_entry("a", b"key ghp_" + b"x" * 36, source="cli", now=NOW, session_id="20261122-030405")
    assert (entry.meta.agent, entry.meta.redacted, entry.session_id) == ("a", 1, "20261122-030405")
    assert (
        entry.data.startswith(f"<!-- llmeng:entry id={entry.meta.id} ".encode()) and b"ghp_" not in entry.data
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"agent": "a b"}, "invalid agent name"),
        ({"source": "mail"}, "invalid source"),
        ({"agent_id": "x y"}, "invalid agent id"),
        ({"session_id": "../../etc"}, "invalid session id"),
        ({"body": b""}, "report is empty"),
    ],
)
def test_prepare_entry_refuses_a_bad_request(args, message):
    request = {"agent": "a", "body": b"x", "source": "cli", "now": NOW, **args}
    with pytest.raises(LlmengError) as e:
        prepare_entry(request.pop("agent"), request.pop("body"), **request)
    assert message in str(e.value)


def test_write_entry_writes_a_prepared_entry_once_and_again_when_asked(tmp_path, session):
    entry = prepare_entry("a", b"x", source="cli", now=NOW)
    first = write_entry(tmp_path, entry)
    assert (first.path, first.entry_id, first.appended) == (session.path, entry.meta.id, True)
    assert [e.id for e in read_session(session.path).entries] == [entry.meta.id]


def test_write_entry_goes_to_the_session_the_entry_is_pinned_to(tmp_path, session):
    start_session(tmp_path, "newer", now=NOW + timedelta(seconds=5), context=CONTEXT)
    entry = prepare_entry("a", b"x", source="cli", now=NOW, session_id=session.id)
    assert write_entry(tmp_path, entry).path == session.path


def test_a_hard_linked_session_log_is_refused_and_the_other_name_untouched(tmp_path):
    import os

    project = tmp_path / "project"
    project.mkdir()
    info = start_session(project, "linked", now=NOW, context=CONTEXT)
    outside = tmp_path / "outside.md"
    os.link(info.path, outside)  # a second name for the log, outside the project
    before = outside.read_bytes()
    with pytest.raises(LlmengError, match="hard links") as e:
        append_entry(project, "llm-architect", b"report", source="cli", now=NOW)
    assert "cp " in e.value.fix and outside.read_bytes() == before
