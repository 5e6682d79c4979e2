"""Session results rendered as text and as JSON-ready data."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from llmeng.report import sessions as report
from llmeng.sessions.api import SessionList, SessionStream, SessionView
from llmeng.sessions.append import AppendResult
from llmeng.sessions.parse import Entry, Footer, Header, LogStream, SessionLog
from llmeng.sessions.store import SessionInfo

ROOT = Path("/proj")
ACTIVE = SessionInfo(
    "20261122-030405-a", "active", ROOT / ".claude/sessions/active/20261122-030405-a.md", "A"
)
ARCHIVED = SessionInfo(
    "20261121-000000", "archive", ROOT / ".claude/sessions/archive/20261121-000000.md", "B"
)
ENTRY = Entry("e1", "agent", "cli", "2026-11-22T03:04:05Z", "a1", 2, "hello", 10, True)
LOG = SessionLog("A", {"session": ACTIVE.id}, (ENTRY,), None, ("line 9: damaged marker",))


def _stream(log: SessionLog) -> SessionStream:
    events = iter([Header(log.title, log.fields), *log.entries, Footer(log.closed, log.problems)])
    return SessionStream(ACTIVE.id, ACTIVE.path, LogStream(events))


def _result(*, standalone: bool = False, redacted: int = 0) -> AppendResult:
    path = ROOT / ".claude/sessions" / ("standalone/x.md" if standalone else "active/20261122-030405-a.md")
    return AppendResult(path, None if standalone else ACTIVE.id, "e1", redacted, standalone, True)


def test_append_data_has_the_mcp_tools_keys_and_a_relative_path_on_request():
    data = report.append_data(_result())
    assert data == {
        "session_id": ACTIVE.id,
        "entry_id": "e1",
        "path": "/proj/.claude/sessions/active/20261122-030405-a.md",
        "standalone": False,
        "redacted": 0,
    }
    relative = report.append_data(_result(), root_prefix="/proj/")
    assert relative["path"] == ".claude/sessions/active/20261122-030405-a.md"


def test_append_text_says_where_it_went_and_counts_secrets():
    assert report.append_text(_result()).startswith("✅ Findings appended to: /proj/")
    assert "No active session - created standalone artifact" in report.append_text(_result(standalone=True))
    assert report.append_text(_result(redacted=1)).endswith("(1 secret redacted)")
    assert report.append_text(_result(redacted=3)).endswith("(3 secrets redacted)")


def test_session_data_and_list_use_session_id():
    listing = SessionList((ACTIVE, ARCHIVED), ACTIVE.id)
    assert [(r["session_id"], r["state"], r["current"]) for r in report.list_data(listing)] == [
        (ACTIVE.id, "active", True),
        (ARCHIVED.id, "archive", False),
    ]
    assert report.list_text(listing).splitlines() == [
        f"* {ACTIVE.id}  active   A",
        f"  {ARCHIVED.id}  archive  B",
    ]
    assert report.list_text(SessionList((), None)) == "no sessions"
    assert report.session_data(ACTIVE) == {
        "session_id": ACTIVE.id,
        "state": "active",
        "title": "A",
        "path": str(ACTIVE.path),
    }


def test_one_line_messages():
    assert report.started_text(ACTIVE) == f"Started session {ACTIVE.id}: {ACTIVE.path}"
    assert report.ended_text(ARCHIVED) == f"Ended session {ARCHIVED.id}: {ARCHIVED.path}"
    assert report.current_text(ACTIVE) == f"{ACTIVE.id}  {ACTIVE.path}"


def test_entry_and_show_text():
    assert (
        report.entry_text(ENTRY)
        == "── agent · 2026-11-22T03:04:05Z · cli · agent id a1 · 2 redacted\nhello\n"
    )
    text = "".join(report.show_text(_stream(LOG)))
    assert text.startswith(f"# A\nsession: {ACTIVE.id}\n\n── agent")
    assert text.endswith("\nproblem: line 9: damaged marker\n")


def test_show_text_comes_a_piece_per_entry_and_reads_the_log_once():
    log = SessionLog("A", {}, (ENTRY, ENTRY), "2026-11-22T04:00:00Z", ())
    pieces = list(report.show_text(_stream(log)))
    assert pieces == ["# A\n\n", report.entry_text(ENTRY) + "\n", report.entry_text(ENTRY) + "\n"]


def _dumped_whole(log: SessionLog) -> str:
    """`show --format json` as it was before it streamed: the whole object in one json.dumps."""
    data = {"session_id": ACTIVE.id, "path": str(ACTIVE.path), **asdict(log)}
    return json.dumps(data, indent=2, default=str) + "\n"


def test_show_json_streams_the_same_bytes_as_dumping_the_whole_session():
    closed = "2026-11-22T04:00:00Z"
    logs = (
        LOG,
        SessionLog("", {}, (), None, ()),
        SessionLog('T "q" ✓', {"a": "1", "b": "x\ny"}, (ENTRY, ENTRY), closed, ("p1", "p2")),
        SessionLog("A", {}, (Entry("e2", "b", "hook", "t", None, 0, "x\n  ```\n{", 3, False),), None, ()),
    )
    for log in logs:
        pieces = list(report.show_json(_stream(log)))
        assert "".join(pieces) == _dumped_whole(log)
        assert len(pieces) == len(log.entries) + 2  # head, one per entry, tail


def test_active_session_data_with_and_without_a_session():
    empty = report.active_session_data(None)
    assert empty["session_id"] is None and "llmeng session start" in empty["problems"][0]
    data = report.active_session_data(SessionView(ACTIVE.id, ACTIVE.path, LOG))
    assert data["session_id"] == ACTIVE.id and data["entries"] == [
        {"id": "e1", "agent": "agent", "source": "cli", "time": ENTRY.time, "body": "hello", "intact": True}
    ]
