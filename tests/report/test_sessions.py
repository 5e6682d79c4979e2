"""Session results rendered as text and as JSON-ready data."""

from __future__ import annotations

from pathlib import Path

from llmeng.report import sessions as report
from llmeng.sessions.api import SessionList, SessionView
from llmeng.sessions.append import AppendResult
from llmeng.sessions.parse import Entry, SessionLog
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
    text = report.show_text(SessionView(ACTIVE.id, ACTIVE.path, LOG))
    assert text.startswith(f"# A\nsession: {ACTIVE.id}\n\n── agent")
    assert text.endswith("problem: line 9: damaged marker")


def test_show_data_adds_the_session_id_and_path_to_the_log():
    data = report.show_data(SessionView(ACTIVE.id, ACTIVE.path, LOG))
    assert (data["session_id"], data["path"], data["title"]) == (ACTIVE.id, str(ACTIVE.path), "A")
    assert data["entries"][0]["id"] == "e1" and data["problems"] == ("line 9: damaged marker",)


def test_active_session_data_with_and_without_a_session():
    empty = report.active_session_data(None)
    assert empty["session_id"] is None and "llmeng session start" in empty["problems"][0]
    data = report.active_session_data(SessionView(ACTIVE.id, ACTIVE.path, LOG))
    assert data["session_id"] == ACTIVE.id and data["entries"] == [
        {"id": "e1", "agent": "agent", "source": "cli", "time": ENTRY.time, "body": "hello", "intact": True}
    ]
