import threading
import time

from llmeng.sessions.append import append_entry
from llmeng.sessions.store import end_session
from llmeng.sessions.tail import _split_complete, follow

from .conftest import NOW


def _wait_for(predicate, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def test_follow_reports_new_entries_then_returns_when_session_ends(tmp_path, session):
    append_entry(tmp_path, "before", b"old", source="cli", now=NOW)
    seen = []
    result = []
    thread = threading.Thread(
        target=lambda: result.append(follow(session.path, seen.extend, threading.Event(), poll_s=0.2))
    )
    thread.start()
    time.sleep(0.3)
    for i in range(3):
        append_entry(tmp_path, f"agent{i}", f"body {i}".encode(), source="cli", now=NOW)
    assert _wait_for(lambda: len(seen) == 3)
    assert [e.agent for e in seen] == ["agent0", "agent1", "agent2"]
    end_session(tmp_path, now=NOW)
    thread.join(10)
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
    thread.join(10)
    assert not thread.is_alive()


def test_split_complete_keeps_partial_entry_for_later():
    done = b"<!-- llmeng:end id=a crc=0123abcd -->\n"
    assert _split_complete(done + b"<!-- llmeng:entry id=b") == (done, b"<!-- llmeng:entry id=b")
    assert _split_complete(b"partial") == (b"", b"partial")


def test_drain_of_vanished_file_keeps_state(tmp_path):
    from llmeng.sessions.tail import _drain

    assert _drain(tmp_path / "gone.md", 5, b"partial", lambda entries: None) == (5, b"partial")
