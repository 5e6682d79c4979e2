import os
from datetime import timedelta

import pytest

from llmeng.errors import LlmengError
from llmeng.sessions import store
from llmeng.sessions.append import append_entry
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import (
    current_session,
    end_session,
    list_sessions,
    session_path,
    start_session,
)

from .conftest import CONTEXT, NOW


def test_start_writes_header_with_title_time_directory_and_branch(session):
    log = read_session(session.path)
    assert log.title == "Harden retries"
    assert log.fields == {
        "session": "20261122-030405-harden-retries",
        "started": "2026-11-22T03:04:05.123456Z",
        "directory": "/home/me/proj",
        "branch": "main",
    }
    assert log.entries == ()


def test_start_without_branch_omits_it_and_defaults_title(tmp_path):
    info = start_session(tmp_path, "  ", now=NOW, context=store.SessionContext("/p", None))
    assert info.id == "20261122-030405-session" and info.title == "Session"
    assert "branch" not in read_session(info.path).fields


def test_start_twice_in_the_same_second_gets_distinct_ids(tmp_path):
    a = start_session(tmp_path, "x", now=NOW, context=CONTEXT)
    b = start_session(tmp_path, "x", now=NOW, context=CONTEXT)
    assert (a.id, b.id) == ("20261122-030405-x", "20261122-030405-x-2")
    assert a.path.read_text() != "" and b.path.exists()


def test_start_folds_whitespace_in_title_to_one_line(tmp_path):
    assert start_session(tmp_path, "a\n  b\t", now=NOW, context=CONTEXT).title == "a b"


@pytest.mark.parametrize("title", ["x" * 201, "bell\x07"])
def test_start_refuses_bad_titles(tmp_path, title):
    with pytest.raises(LlmengError):
        start_session(tmp_path, title, now=NOW, context=CONTEXT)


def test_newest_started_session_is_current_regardless_of_mtime(tmp_path):
    old = start_session(tmp_path, "old", now=NOW, context=CONTEXT)
    new = start_session(tmp_path, "new", now=NOW + timedelta(seconds=1), context=CONTEXT)
    os.utime(old.path, (2_000_000_000, 2_000_000_000))  # a later append must not change which is current
    assert current_session(tmp_path) == new.id


def test_invalid_names_and_symlinks_in_active_are_not_sessions(tmp_path, session):
    active = session.path.parent
    (active / "notes.md").write_text("x")
    (active / "29991231-235959.md").symlink_to(session.path)
    assert current_session(tmp_path) == session.id


def test_no_sessions_dir_means_no_current_session(tmp_path):
    assert current_session(tmp_path) is None
    assert list_sessions(tmp_path) == []


def test_end_moves_to_archive_and_appends_go_standalone(tmp_path, session):
    append_entry(tmp_path, "a", b"x", source="cli", now=NOW)
    info = end_session(tmp_path, now=NOW)
    assert info.path == (tmp_path / ".claude/sessions/archive" / f"{session.id}.md").resolve()
    assert not session.path.exists()
    log = read_session(info.path)
    assert log.closed == "2026-11-22T03:04:05.123456Z" and len(log.entries) == 1 and not log.problems
    assert current_session(tmp_path) is None
    assert append_entry(tmp_path, "a", b"y", source="cli", now=NOW).standalone


def test_end_without_session_and_twice_are_errors(tmp_path, session):
    end_session(tmp_path, now=NOW)
    with pytest.raises(LlmengError) as e:
        end_session(tmp_path, now=NOW)
    assert "session start" in e.value.fix
    with pytest.raises(LlmengError):
        end_session(tmp_path, session.id, now=NOW)


def test_end_refuses_to_overwrite_an_archive(tmp_path, session):
    archive = tmp_path / ".claude/sessions/archive"
    archive.mkdir(parents=True)
    (archive / f"{session.id}.md").write_text("keep me")
    with pytest.raises(LlmengError):
        end_session(tmp_path, now=NOW)
    assert (archive / f"{session.id}.md").read_text() == "keep me"
    assert session.path.exists()


def test_list_and_session_path(tmp_path, session):
    other = start_session(tmp_path, "second", now=NOW + timedelta(seconds=1), context=CONTEXT)
    end_session(tmp_path, session.id, now=NOW)
    rows = [(i.id, i.state, i.title) for i in list_sessions(tmp_path)]
    assert rows == [(other.id, "active", "second"), (session.id, "archive", "Harden retries")]
    assert session_path(tmp_path, None) == other.path
    assert session_path(tmp_path, session.id).parent.name == "archive"
    with pytest.raises(LlmengError):
        session_path(tmp_path, "20200101-000000")


def test_session_path_without_active_session_says_how_to_start(tmp_path):
    with pytest.raises(LlmengError) as e:
        session_path(tmp_path, None)
    assert "session start" in e.value.fix


def test_start_skips_ids_already_archived(tmp_path):
    first = start_session(tmp_path, "x", now=NOW, context=CONTEXT)
    end_session(tmp_path, now=NOW)
    assert start_session(tmp_path, "x", now=NOW, context=CONTEXT).id == first.id + "-2"


def test_start_gives_up_after_many_collisions(tmp_path, monkeypatch):
    def always_exists(path, data):
        raise FileExistsError(path)

    monkeypatch.setattr(store, "atomic_create", always_exists)
    with pytest.raises(LlmengError) as e:
        start_session(tmp_path, "x", now=NOW, context=CONTEXT)
    assert "too many sessions" in str(e.value)


def test_session_info_reads_the_title(tmp_path, session):
    assert store.session_info(tmp_path, "active", session.id) == session
