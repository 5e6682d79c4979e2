"""The mock model's script: main thread delegates to one subagent, the subagent calls one MCP tool.

Decisions are stateless (read from the request body), as in shared/reference/claude-code.md §7.3:
1. a subagent request (its system prompt holds `recognise`): call `mcp_tool` once if it is offered, then
   answer with `final_text` plus what the tool returned;
2. a main-thread request (the `Agent` tool is offered) with no earlier Agent call: call Agent;
3. a main-thread request after that call: a final text. Anything else gets a short text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from e2e_harness.mock_api import Reply

MAIN_DONE = "MAIN THREAD DONE"
# Claude Code 2.1.330 calls the subagent tool `Agent`; older builds and stream-json call it `Task`.
AGENT_TOOL_NAMES = ("Agent", "Task")


@dataclass(frozen=True)
class TeamScript:
    agent_type: str
    recognise: str
    final_text: str
    mcp_tool: str = ""
    mcp_input: dict[str, Any] = field(default_factory=dict)

    def __call__(self, body: dict[str, Any]) -> Reply:
        if self.recognise in system_text(body):
            return self._subagent(body)
        offered = [name for name in AGENT_TOOL_NAMES if name in tool_names(body)]
        if offered:
            if any(use["name"] in AGENT_TOOL_NAMES for use in tool_uses(body)):
                return Reply(text=MAIN_DONE)
            return self.delegation(offered[0])
        return Reply(text="ok")

    def delegation(self, tool: str) -> Reply:
        """The main thread's call of `tool` (Agent) that starts this agent."""
        return Reply(
            tool_name=tool,
            tool_input={
                "subagent_type": self.agent_type,
                "description": "e2e delegation",
                "prompt": "Review this project and report one finding.",
            },
        )

    def _subagent(self, body: dict[str, Any]) -> Reply:
        results = list(tool_results(body))
        if results:
            return Reply(text=f"{self.final_text}\nTOOL RESULT: {result_text(results[-1])}")
        if self.mcp_tool and self.mcp_tool in tool_names(body):
            return Reply(tool_name=self.mcp_tool, tool_input=self.mcp_input)
        if self.mcp_tool:
            return Reply(text=f"{self.final_text}\nMCP TOOL NOT OFFERED: {self.mcp_tool}")
        return Reply(text=self.final_text)


@dataclass(frozen=True)
class Delegations:
    """The main thread hands work to each agent in turn, one Agent call per turn; each agent then acts
    as its own TeamScript says."""

    agents: tuple[TeamScript, ...]

    def __call__(self, body: dict[str, Any]) -> Reply:
        for agent in self.agents:
            if agent.recognise in system_text(body):
                return agent(body)
        offered = [name for name in AGENT_TOOL_NAMES if name in tool_names(body)]
        if not offered:
            return Reply(text="ok")
        done = sum(1 for use in tool_uses(body) if use["name"] in AGENT_TOOL_NAMES)
        return self.agents[done].delegation(offered[0]) if done < len(self.agents) else Reply(text=MAIN_DONE)


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system", "")
    if isinstance(system, str):
        return system
    return "\n".join(block.get("text", "") for block in system if isinstance(block, dict))


def tool_names(body: dict[str, Any]) -> list[str]:
    return [tool.get("name", "") for tool in body.get("tools") or []]


def _blocks(body: dict[str, Any], role: str) -> Iterator[dict[str, Any]]:
    for message in body.get("messages") or []:
        content = message.get("content")
        if message.get("role") == role and isinstance(content, list):
            yield from (block for block in content if isinstance(block, dict))


def tool_uses(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in _blocks(body, "assistant") if block.get("type") == "tool_use"]


def tool_results(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (block for block in _blocks(body, "user") if block.get("type") == "tool_result")


def result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    prefix = "ERROR " if block.get("is_error") else ""
    return prefix + (content if isinstance(content, str) else json.dumps(content))


def all_text(body: dict[str, Any]) -> str:
    """Every string in the request, for "was X shown to the model" checks."""
    return json.dumps(body, ensure_ascii=False)
