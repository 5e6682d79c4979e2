"""The llmeng MCP server: a thin adapter that exposes the core's tools to any MCP client.

Each tool parses its input, makes one core call and returns a pydantic model (the outputSchema).
The cores are imported inside the tool bodies: start-up pays only for the SDK, so a host's first
`tools/list` is as fast as a hello-world server's.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from mcp import MCPError
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from llmeng import __version__
from llmeng.errors import LlmengError
from mcp_server.outputs import AppendOutput, SessionOutput, ValidateOutput, session_output

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
        fn = getattr(tools, name)
        server.add_tool(fn, name=name, title=title, description=inspect.cleandoc(fn.__doc__),
                        annotations=hints)
    for uri, method, title, description in RESOURCE_TABLE:
        server.resource(uri, name=method, title=title, description=description,
                        mime_type="application/json")(getattr(tools, method))
    server.middleware.append(unknown_tool_guard(server))
    return server


INSTRUCTIONS = (
    "llmeng checks LLM-engineering work. Paths are relative to the project root the server was "
    "started in. Tool errors say what to change; fix the input and call again."
)

AGENT_DIRS = (".claude/agents", "agents")  # where the CLI looks by default, too
TEXT_MAX_CHARS = 262_144  # the session log's per-entry cap is 256 KiB; a longer string cannot fit


class LlmengTools:
    """The tools, bound to one project root. Each method's docstring is its MCP description."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def session_append(
        self,
        agent: Annotated[str, Field(description="Your agent name, e.g. 'llm-architect' (1-64 characters: "
                                                "letters, digits, '.', '_', ':' or '-').", max_length=64)],
        report: Annotated[str, Field(description="The report, as markdown. Secrets are masked before it "
                                                 "is written.", max_length=TEXT_MAX_CHARS)],
        session_id: Annotated[str, Field(description="Append to this session instead of the active one "
                                                     "(an id like 20261122-031500-title); empty: the active "
                                                     "session.", max_length=80)] = "",
    ) -> AppendOutput:
        """Append your report to the team's shared session log, as one entry.

        Call this once at the end of your task with what you found, decided and changed, so the
        other agents and the user can read it. The entry is kept in
        .claude/sessions/active/<session>.md under the project root, with your agent name and the
        time; likely secrets (API keys, tokens) are masked first. With no active session the report
        is kept as a standalone file under .claude/sessions/standalone/. Each call adds a new entry.
        """
        from llmeng.sessions.store import append_entry

        with core_errors():
            result = append_entry(self.root, agent, report.encode("utf-8"), source="mcp",
                                  now=datetime.now(UTC), session_id=session_id or None)
        return AppendOutput(entry_id=result.entry_id, session_id=result.session_id,
                            path=result.path.relative_to(self.root).as_posix(),
                            standalone=result.standalone, redacted=result.redacted)

    def validate_agents(
        self,
        path: Annotated[str, Field(description="An agent definition file or a folder of them (searched "
                                               "recursively), relative to the project root; empty: "
                                               ".claude/agents and agents/.", max_length=4096)] = "",
        ignore: Annotated[list[str], Field(description="Rule ids to skip, e.g. ['AG205'].",
                                           max_length=100)] = [],  # noqa: B006 (pydantic copies it)
    ) -> ValidateOutput:
        """Check Claude Code subagent definition files (*.md with YAML frontmatter) for mistakes.

        Use it after creating or editing an agent file, before relying on the agent: it reports what
        would stop Claude Code from loading the agent (errors), what it would silently ignore
        (warnings) and advice (info), each with the line and the fix. Read-only.
        """
        from llmeng.agents.lint import lint_paths
        from llmeng.agents.render import render_json

        with core_errors():
            targets = [confine(self.root, path)] if path else self._default_agent_dirs()
            result = lint_paths(targets, env=os.environ, cwd=self.root, home=Path.home(), ignore=ignore)
            if not result.files:
                raise LlmengError(f"no agent files (*.md) under {path or 'the project root'}.",
                                  fix="Pass an agent file or a folder that holds them, e.g. '.claude/agents'.")
        return ValidateOutput.model_validate(render_json(result))

    def _default_agent_dirs(self) -> list[Path]:
        found = [self.root / d for d in AGENT_DIRS if (self.root / d).is_dir()]
        if not found:
            raise LlmengError(f"neither {' nor '.join(AGENT_DIRS)} exists under {self.root}.",
                              fix="Pass `path`: an agent file or a folder of them, relative to the project root.")
        return found

    def active_session(self) -> str:
        """The active session's entries, as JSON."""
        from llmeng.sessions.parse import read_session
        from llmeng.sessions.store import current_session, session_path

        session_id = current_session(self.root)
        if session_id is None:
            return SessionOutput(session_id=None, title="", entries=[], problems=[
                "No active session. Start one with `llmeng session start \"<title>\"`."]).model_dump_json()
        return session_output(session_id, read_session(session_path(self.root, session_id))).model_dump_json()


TOOL_TABLE: tuple[tuple[str, str, ToolAnnotations], ...] = (
    (Tool.SESSION_APPEND, "Append a report to the session log", APPEND_ONLY),
    (Tool.VALIDATE_AGENTS, "Validate agent definitions", READ_ONLY),
)
RESOURCE_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("llmeng://session/active", "active_session", "Active session log",
     "Entries of the active session log (agent, time, report), oldest first."),
)
