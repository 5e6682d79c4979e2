"""The same proof without the plugin: `llmeng install` into a scratch project, then the real Claude Code.

Project agents keep their bare names, the hook comes from .claude/settings.json and the MCP server from
the project's .mcp.json, so its tools are `mcp__llmeng__<tool>`.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from e2e_harness import PACKAGE_BIN, REPO_ROOT
from e2e_harness.proofs import (
    check_agents_offered,
    check_hook_logged,
    check_mcp_append,
    check_mcp_tools_registered,
)
from e2e_harness.runner import InstalledTeam, Sandbox
from e2e_harness.script import TeamScript
from e2e_harness.team import PROJECT_MCP_PREFIX, TeamAgent, start_session, team_agents

AGENTS = team_agents(REPO_ROOT)


@pytest.fixture(scope="module")
def installed(claude_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> InstalledTeam:
    box = Sandbox.create(tmp_path_factory.mktemp("project"))
    env = box.env(base_url="http://127.0.0.1:9", path_dirs=[PACKAGE_BIN])
    # The README's command, with its defaults: agents, hook, session script, .mcp.json, permissions.
    done = subprocess.run(
        [str(PACKAGE_BIN / "llmeng"), "install", "--json"],
        cwd=box.project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"llmeng install failed:\n{done.stdout}\n{done.stderr}"
    # A project .mcp.json server needs the user's approval once (claude-code.md §4.2); -p cannot ask.
    box.write_settings(".claude/settings.local.json", {"enabledMcpjsonServers": ["llmeng"]})
    box.trust_project()
    start_session(PACKAGE_BIN / "llmeng", box.project, env, "e2e project scope")
    return InstalledTeam(claude_bin, box)


def test_every_agent_is_offered_and_a_subagent_appends_through_mcp(installed: InstalledTeam) -> None:
    agent = AGENTS[0]
    report = f"E2E PROJECT MCP REPORT {uuid.uuid4().hex}"
    script = TeamScript(
        agent_type=agent.name,
        recognise=agent.recognise,
        final_text="E2E SUBAGENT DONE",
        mcp_tool=PROJECT_MCP_PREFIX + "session_append",
        mcp_input={"agent": agent.name, "report": report},
    )
    result, requests = installed.run_team(script)
    assert result.returncode == 0, result.describe()
    check_agents_offered(result, requests, (a.name for a in AGENTS))
    assert {"name": "llmeng", "status": "connected"}.items() <= next(
        s for s in result.inits()[0]["mcp_servers"] if s["name"] == "llmeng"
    ).items()
    check_mcp_tools_registered(result, PROJECT_MCP_PREFIX)
    check_mcp_append(requests, agent, prefix=PROJECT_MCP_PREFIX, report=report, project=installed.box.project)


@pytest.mark.parametrize("agent", AGENTS, ids=[a.name for a in AGENTS])
def test_the_hook_logs_each_agents_final_message(installed: InstalledTeam, agent: TeamAgent) -> None:
    final = f"E2E PROJECT HOOK FINDING from {agent.name} {uuid.uuid4().hex}"
    result, requests = installed.run_team(
        TeamScript(agent_type=agent.name, recognise=agent.recognise, final_text=final)
    )
    check_hook_logged(result, requests, agent, final=final, project=installed.box.project)
