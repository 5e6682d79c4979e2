import threading
import time

from llmeng.sessions.append import append_entry
from llmeng.sessions.store import end_session
from llmeng.sessions.tail import _split_complete, follow

from .conftest import NOW

DEADLINE_S = 120.0  # how long to wait for the follower on a busy machine; never how long it takes


def _wait_for(predicate, timeout_s=DEADLINE_S):
    deadline = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def _wait_until_following(root, seen):
    """Append probe entries until the follower reports one: from then on it sees every new entry."""
    deadline = time.monotonic() + DEADLINE_S
    while not any(e.agent == "probe" for e in seen):
        assert time.monotonic() < deadline, "the follower reported nothing"
        append_entry(root, "probe", b"are you there", source="cli", now=NOW)
        _wait_for(lambda: any(e.agent == "probe" for e in seen), timeout_s=1.0)


def test_follow_reports_new_entries_then_returns_when_session_ends(tmp_path, session):
    append_entry(tmp_path, "before", b"old", source="cli", now=NOW)
    seen = []
    result = []
    thread = threading.Thread(
        target=lambda: result.append(follow(session.path, seen.extend, threading.Event(), poll_s=0.2))
    )
    thread.start()
    _wait_until_following(tmp_path, seen)
    for i in range(3):
        append_entry(tmp_path, f"agent{i}", f"body {i}".encode(), source="cli", now=NOW)
    assert _wait_for(lambda: len([e for e in seen if e.agent != "probe"]) == 3)
    assert [e.agent for e in seen if e.agent != "probe"] == ["agent0", "agent1", "agent2"]  # not "before"
    end_session(tmp_path, now=NOW)
    thread.join(DEADLINE_S)
    assert result == [False]


def test_follow_from_start_and_stop_event(tmp_path, session):
    append_entry(tmp_path, "before", b"old", source="cli", now=NOW)
    seen = []
    stop = threading.Event()
    thread = threading.Thread(
        target=lambda: follow(session.path, seen.extend, stop, from_start=True, poll_s=0.05)
    )
    thread.start()
    assert _wait_for(lambda: [e.body for e in seen] == ["old"])
    stop.set()
    thread.join(DEADLINE_S)
    assert not thread.is_alive()


def test_split_complete_keeps_partial_entry_for_later():
    done = b"<!-- llmeng:end id=a crc=0123abcd -->\n"
    assert _split_complete(done + b"<!-- llmeng:entry id=b") == (done, b"<!-- llmeng:entry id=b")
    assert _split_complete(b"partial") == (b"", b"partial")


def test_drain_of_vanished_file_keeps_state(tmp_path):
    from llmeng.sessions.tail import _drain

    assert _drain(tmp_path / "gone.md", 5, b"partial", lambda entries: None) == (5, b"partial")
