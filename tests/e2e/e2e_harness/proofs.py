"""The checks shared by the plugin and project-scope proofs; each fails with what to look at."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from e2e_harness.evidence import offered_agents, requests_with, tool_results_of
from e2e_harness.runner import ClaudeRun
from e2e_harness.script import result_text, tool_names
from e2e_harness.team import MCP_TOOLS, TeamAgent, session_text


def check_agents_offered(result: ClaudeRun, requests: Sequence[dict[str, Any]], types: Iterable[str]) -> None:
    """Claude Code loaded every agent type and listed it to the model in the main thread."""
    expected = set(types)
    assert expected <= set(result.inits()[0]["agents"]), result.inits()[0]["agents"]
    offered = offered_agents(requests[0])
    assert expected <= set(offered), f"offered to the model: {sorted(offered)}"


def check_mcp_tools_registered(result: ClaudeRun, prefix: str) -> None:
    """Claude Code connected our server and registered all four of its tools under `prefix`."""
    registered = {name for name in result.inits()[0]["tools"] if name.startswith(prefix)}
    assert registered == {prefix + tool for tool in MCP_TOOLS}, sorted(registered)


def check_mcp_append(
    requests: Sequence[dict[str, Any]], agent: TeamAgent, *, prefix: str, report: str, project: Path
) -> None:
    """The subagent saw our MCP tools, its session_append call succeeded, and the report is logged."""
    subagent = requests_with(requests, agent.recognise)
    assert subagent, f"no request carried {agent.name}'s system prompt"
    offered = tool_names(subagent[0])
    tool = prefix + "session_append"
    assert tool in offered, (
        f"{agent.name} was not given {tool}; its tools were {offered}. "
        f"Grant it in agents/{agent.name}.md `tools:`."
    )
    assert {name for name in offered if name.startswith(prefix)} <= {prefix + t for t in MCP_TOOLS}
    results = tool_results_of(subagent[-1:])
    assert len(results) == 1 and not results[0].get("is_error"), [result_text(r) for r in results]
    assert report in session_text(project)


def check_hook_logged(
    result: ClaudeRun, requests: Sequence[dict[str, Any]], agent: TeamAgent, *, final: str, project: Path
) -> None:
    """The subagent ran and, once it stopped, the hook put its final message in the active session."""
    assert result.returncode == 0, result.describe()
    assert requests_with(requests, agent.recognise), f"{agent.name} never ran"
    assert final in session_text(project), result.describe()
