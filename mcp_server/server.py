"""The llmeng MCP server: a thin adapter that exposes the core's tools to any MCP client.

`create_server(root)` wires the tools (mcp_server/tools.py) into an MCPServer: names, titles,
hints, resources, and the guard that makes an unknown tool a protocol error. The cores load
inside the tool bodies, so start-up pays only for the SDK.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from mcp import MCPError
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool as SdkTool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp.types import ToolAnnotations
from pydantic import ConfigDict

from llmeng import __version__
from mcp_server.outputs import json_safe
from mcp_server.selection import select_model_tool
from mcp_server.tools import LlmengTools

SERVER_NAME = "llmeng"
INVALID_PARAMS = -32602  # JSON-RPC "invalid params": what the spec says an unknown tool is
INSTRUCTIONS = (
    "llmeng checks LLM-engineering work: audit LLM call sites, pick a model from real prices, validate "
    "Claude Code agent files, and keep the team's session log. Paths are relative to the project root "
    "the server was started in. A tool error says what to change: fix the input and call again."
)


class Tool(StrEnum):
    # Agents grant these as mcp__llmeng__<tool> (project) and mcp__plugin_llmeng_llmeng__<tool>
    # (plugin): renaming one silently drops it from every installed agent.
    AUDIT = "audit"
    SELECT_MODEL = "select_model"
    SESSION_APPEND = "session_append"
    VALIDATE_AGENTS = "validate_agents"


READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
# Appending adds an entry and never rewrites one: not destructive, but twice means two entries.
APPEND_ONLY = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)

TITLES: dict[Tool, tuple[str, ToolAnnotations]] = {
    Tool.AUDIT: ("Audit LLM integration code", READ_ONLY),
    Tool.SELECT_MODEL: ("Select a model", READ_ONLY),  # bundled price data: no network, so closed-world
    Tool.SESSION_APPEND: ("Append a report to the session log", APPEND_ONLY),
    Tool.VALIDATE_AGENTS: ("Validate agent definitions", READ_ONLY),
}
RESOURCES: tuple[tuple[str, str, str, str], ...] = (
    (
        "llmeng://models/sources",
        "model_sources",
        "Model catalog sources",
        "Where the model catalog's limits, prices and quality ratings come from, and how old each is.",
    ),
    (
        "llmeng://session/active",
        "active_session",
        "Active session log",
        "Entries of the active session log (agent, time, report), oldest first.",
    ),
)


def unknown_tool_guard(server: MCPServer) -> Any:
    """Middleware: an unknown tool is a protocol error (-32602), not a tool result."""

    known: list[str] = []  # filled on the first call: listing tools per call cost a tenth of a round trip

    async def guard(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/call" and ctx.params is not None:
            if not known:
                known.extend(sorted(t.name for t in await server.list_tools()))
            name = ctx.params.get("name")
            if isinstance(name, str) and name not in known:
                raise MCPError(INVALID_PARAMS, f"Unknown tool: {name}. Known tools: {', '.join(known)}.")
        return await call_next(ctx)

    return guard


def strict_tool(fn: Callable[..., Any], name: Tool) -> SdkTool:
    """The SDK's tool for `fn`, except that an unknown argument is an error instead of being dropped,
    and that a result always encodes as JSON (`json_safe`).

    Dropping is what the SDK does by default; a misspelt `budget_per_day` would then silently give a
    recommendation without the budget. The schema says so too (additionalProperties: false).
    """
    title, hints = TITLES[name]
    tool = SdkTool.from_function(
        _json_safe_result(fn),
        name=name.value,
        title=title,
        annotations=hints,
        description=inspect.cleandoc(fn.__doc__ or ""),
    )
    loose = tool.fn_metadata.arg_model
    strict: type[ArgModelBase] = type(
        loose.__name__, (loose,), {"model_config": ConfigDict(extra="forbid"), "__module__": loose.__module__}
    )
    tool.fn_metadata.arg_model = strict
    tool.parameters = strict.model_json_schema(by_alias=True)
    return tool


def _json_safe_result(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, with its result passed through `json_safe` (the SDK reads the signature through `wraps`)."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            return json_safe(await fn(*args, **kwargs))

        return run_async

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        return json_safe(fn(*args, **kwargs))

    return run


def create_server(root: Path, *, env: Mapping[str, str] | None = None) -> MCPServer:
    """Build the server for the project at `root` (every path argument is confined to it).

    `env` is the environment of a server that serves one client over stdio: with it, reports made
    while no session is active go to the client's Claude Code session (docs/sessions.md).
    """
    tools = LlmengTools(root.resolve(), env=env)
    functions: dict[Tool, Callable[..., Any]] = {
        Tool.AUDIT: tools.audit,
        Tool.SELECT_MODEL: select_model_tool(),
        Tool.SESSION_APPEND: tools.session_append,
        Tool.VALIDATE_AGENTS: tools.validate_agents,
    }
    server: MCPServer = MCPServer(
        SERVER_NAME,
        title="llmeng",
        instructions=INSTRUCTIONS,
        version=__version__,
        description="Audit LLM integration code, pick models, validate agents, keep the session log.",
        log_level="WARNING",  # hosts show stderr; INFO per call floods it
        tools=[strict_tool(functions[name], name) for name in sorted(Tool)],  # sorted: a stable tools/list
    )
    for uri, method, title, description in RESOURCES:
        server.resource(uri, name=method, title=title, description=description, mime_type="application/json")(
            getattr(tools, method)
        )
    server.middleware.append(unknown_tool_guard(server))
    return server
