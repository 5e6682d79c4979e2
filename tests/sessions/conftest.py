from datetime import UTC, datetime

import pytest

from llmeng.sessions.store import SessionContext, start_session

NOW = datetime(2026, 11, 22, 3, 4, 5, 123456, tzinfo=UTC)
CONTEXT = SessionContext("/home/me/proj", "main")


@pytest.fixture
def session(tmp_path):
    """A project with one active session; returns its SessionInfo."""
    return start_session(tmp_path, "Harden retries", now=NOW, context=CONTEXT)


@pytest.fixture(autouse=True)
def outside_claude_code(monkeypatch, tmp_path_factory):
    """Run as if no Claude Code started the tests, even when one did: with no session active, reports
    would otherwise go to that Claude Code session's log instead of the standalone file tests expect."""
    for name in ("CLAUDE_CODE_SESSION_ID", "CLAUDE_PID", "CLAUDECODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
