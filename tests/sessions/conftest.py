from datetime import UTC, datetime

import pytest

from llmeng.sessions.store import SessionContext, start_session

NOW = datetime(2026, 11, 22, 3, 4, 5, 123456, tzinfo=UTC)
CONTEXT = SessionContext("/home/me/proj", "main")


@pytest.fixture
def session(tmp_path):
    """A project with one active session; returns its SessionInfo."""
    return start_session(tmp_path, "Harden retries", now=NOW, context=CONTEXT)
