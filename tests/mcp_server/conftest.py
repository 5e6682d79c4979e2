from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from mcp_server.server import create_server


@pytest.fixture(autouse=True)
def outside_claude_code(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """As if no Claude Code started the tests, even when one did (see tests/sessions/conftest.py)."""
    for name in ("CLAUDE_CODE_SESSION_ID", "CLAUDE_PID", "CLAUDECODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return project


@pytest.fixture
def server(root: Path) -> MCPServer:
    return create_server(root)


@pytest.fixture(params=["auto", "legacy"])  # 2026-07-28 (server/discover) and 2025-11-25 (initialize)
async def client(request: pytest.FixtureRequest, server: MCPServer) -> AsyncIterator[Client]:
    # raise_exceptions only on the modern path: on a legacy in-memory connection it re-raises
    # server crashes inside the server task instead of in the test (mcp-sdk.md §5.1).
    async with Client(server, mode=request.param, raise_exceptions=request.param == "auto") as c:
        yield c
