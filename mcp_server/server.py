"""The llmeng MCP server: a thin adapter that exposes the core's tools to any MCP client.

Each tool parses its input, makes one core call and returns a pydantic model (the outputSchema).
The cores are imported inside the tool bodies: start-up pays only for the SDK, so a host's first
`tools/list` is as fast as a hello-world server's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

from mcp import MCPError
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from llmeng import __version__
from llmeng.errors import LlmengError

SERVER_NAME = "llmeng"
INVALID_PARAMS = -32602  # JSON-RPC "invalid params": what the spec says an unknown tool is

log = logging.getLogger("llmeng.mcp")


class Tool(StrEnum):
    # Agents grant these as mcp__llmeng__<tool> (project) and mcp__plugin_llmeng_llmeng__<tool>
    # (plugin): renaming one silently drops it from every installed agent.
    AUDIT = "audit"
    SELECT_MODEL = "select_model"
    SESSION_APPEND = "session_append"
    VALIDATE_AGENTS = "validate_agents"


READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)
# Appending adds an entry and never rewrites one: not destructive, but twice means two entries.
APPEND_ONLY = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                              open_world_hint=False)


@contextmanager
def core_errors() -> Iterator[None]:
    """Turn the core's LlmengError into a tool error the model can act on.

    Anything else propagates: the SDK answers "Error executing tool <name>" and logs the
    traceback to stderr, so internals never reach the client.
    """
    try:
        yield
    except LlmengError as e:
        raise ToolError(f"{e} Fix: {e.fix}") from e


def confine(root: Path, raw: str) -> Path:
    """Return `raw` resolved against `root`; refuse anything that resolves outside it."""
    if "\x00" in raw:
        raise LlmengError("The path contains a NUL byte.", fix="Pass a plain relative path such as 'src/'.")
    target = (root / raw).resolve()  # resolve() follows symlinks, so a link out of the root is caught
    if not target.is_relative_to(root):
        raise LlmengError(f"{raw!r} is outside the project root {root}.",
                          fix="Pass a path inside the project root, relative to it (for example 'src/').")
    if not target.exists():
        raise LlmengError(f"{raw!r} does not exist under the project root {root}.",
                          fix="Check the spelling; paths are relative to the project root.")
    return target


def unknown_tool_guard(server: MCPServer) -> Any:
    """Middleware: an unknown tool is a protocol error (-32602), not a tool result."""

    async def guard(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/call" and ctx.params is not None:
            name = ctx.params.get("name")
            known = sorted(t.name for t in await server.list_tools())
            if isinstance(name, str) and name not in known:
                raise MCPError(INVALID_PARAMS, f"Unknown tool: {name}. Known tools: {', '.join(known)}.")
        return await call_next(ctx)

    return guard


def create_server(root: Path) -> MCPServer:
    """Build the server for the project at `root` (every path argument is confined to it)."""
    root = root.resolve()
    server: MCPServer = MCPServer(
        SERVER_NAME,
        title="llmeng",
        description="Audit LLM integration code, pick models, validate agents, keep the session log.",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",  # hosts show stderr; INFO per call floods it
    )
    tools = LlmengTools(root)
    for name, title, hints in TOOL_TABLE:
        server.add_tool(getattr(tools, name), name=name, title=title, annotations=hints)
    server.middleware.append(unknown_tool_guard(server))
    return server


INSTRUCTIONS = (
    "llmeng checks LLM-engineering work. Paths are relative to the project root the server was "
    "started in. Tool errors say what to change; fix the input and call again."
)


class LlmengTools:
    """The tools, bound to one project root. Each method's docstring is its MCP description."""

    def __init__(self, root: Path) -> None:
        self.root = root


TOOL_TABLE: tuple[tuple[str, str, ToolAnnotations], ...] = ()
