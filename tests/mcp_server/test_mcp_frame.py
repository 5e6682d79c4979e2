"""The frame every tool shares: confinement, error mapping, the unknown-tool guard, server identity."""

from __future__ import annotations

import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer

from llmeng.errors import LlmengError
from mcp_server.server import INVALID_PARAMS, SERVER_NAME, Tool
from mcp_server.tools import core_errors


def test_tool_names_are_the_granted_ones() -> None:
    # Agents grant mcp__llmeng__<tool>; a rename breaks them, so the names are pinned here.
    assert SERVER_NAME == "llmeng"
    assert [t.value for t in Tool] == [
        "audit",
        "select_model",
        "session_append",
        "usage_report",
        "validate_agents",
    ]


def _add_probe(server: MCPServer) -> None:
    """A test-only tool that fails the way a core can fail."""

    def probe(kind: str) -> str:
        with core_errors():
            if kind == "llmeng":
                raise LlmengError("the catalog is stale", fix="run `llmeng models refresh`")
            if kind == "crash":
                raise RuntimeError("secret internals at /home/me/.cache/x")
        return "fine"

    server.add_tool(probe, name="probe")


@pytest.mark.anyio
async def test_llmeng_error_becomes_a_tool_error_with_its_fix(server: MCPServer) -> None:
    _add_probe(server)
    async with Client(server) as c:
        res = await c.call_tool("probe", {"kind": "llmeng"})
    assert res.is_error is True
    assert res.content[0].text == (
        "Error executing tool probe: the catalog is stale Fix: run `llmeng models refresh`"
    )


@pytest.mark.anyio
async def test_unexpected_exception_hides_internals_and_server_survives(
    server: MCPServer, caplog: pytest.LogCaptureFixture
) -> None:
    _add_probe(server)
    async with Client(server) as c:
        res = await c.call_tool("probe", {"kind": "crash"})
        assert res.is_error is True
        assert res.content[0].text == "Error executing tool probe"
        assert "secret" not in res.content[0].text
        assert (await c.call_tool("probe", {"kind": "ok"})).is_error is False
    assert "secret internals" in caplog.text  # the traceback goes to the server's log (stderr)


@pytest.mark.anyio
async def test_unknown_tool_is_a_protocol_error(client: Client) -> None:
    with pytest.raises(MCPError) as e:
        await client.call_tool("nope", {})
    assert e.value.error.code == INVALID_PARAMS
    assert "Unknown tool: nope" in e.value.error.message


@pytest.mark.anyio
async def test_server_identifies_itself(client: Client) -> None:
    assert client.server_info.name == "llmeng"
    assert client.server_info.version
