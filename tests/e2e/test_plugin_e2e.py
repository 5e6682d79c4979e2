"""The llmeng plugin inside the real Claude Code: validate, install from the marketplace, run the team.

One sandbox per module: the plugin is installed once from a copy of this repository, with the llmeng
package on PATH (the `pip install` route); test_fresh_machine_e2e.py covers the other routes.
"""

from __future__ import annotations

import json
import tomllib
import uuid
from pathlib import Path

import pytest
from e2e_harness import PACKAGE_BIN, REPO_ROOT
from e2e_harness.plugins import checked, copy_tree, install_from_marketplace
from e2e_harness.proofs import (
    check_agents_offered,
    check_hook_logged,
    check_mcp_append,
    check_mcp_tools_registered,
)
from e2e_harness.runner import InstalledTeam, Sandbox, run
from e2e_harness.script import TeamScript
from e2e_harness.team import (
    PLUGIN_ID,
    PLUGIN_MCP_PREFIX,
    PLUGIN_NAMESPACE,
    TeamAgent,
    start_session,
    team_agents,
)

AGENTS = team_agents(REPO_ROOT)


@pytest.fixture(scope="module")
def installed(claude_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> InstalledTeam:
    assert (PACKAGE_BIN / "llmeng").exists(), (
        f"run the tests from the project venv ({PACKAGE_BIN} has no llmeng)"
    )
    box = Sandbox.create(tmp_path_factory.mktemp("plugin"))
    env = box.env(base_url="http://127.0.0.1:9", path_dirs=[PACKAGE_BIN])
    install_from_marketplace(
        claude_bin, box, env, folder=copy_tree(REPO_ROOT, box.root / "llmeng-repo"), plugin_id=PLUGIN_ID
    )
    # What the README tells users to add, since -p mode cannot ask (claude-code.md §7.4a).
    box.write_settings(
        ".claude/settings.local.json", {"permissions": {"allow": [PLUGIN_MCP_PREFIX.rstrip("_")]}}
    )
    start_session(PACKAGE_BIN / "llmeng", box.project, env, "e2e plugin")
    return InstalledTeam(claude_bin, box)


def test_the_team_has_five_agents() -> None:
    assert len(AGENTS) == 5, [a.name for a in AGENTS]


@pytest.mark.parametrize("target", [".", ".claude-plugin/plugin.json"], ids=["marketplace", "plugin"])
def test_plugin_validate_strict_passes(claude_bin: Path, sandbox: Sandbox, target: str) -> None:
    result = run(
        claude_bin,
        ["plugin", "validate", str(REPO_ROOT / target), "--strict", "--json"],
        cwd=sandbox.project,
        env=sandbox.env(base_url="http://127.0.0.1:9"),
    )
    report = json.loads(result.stdout)
    assert (result.returncode, report["success"]) == (0, True), result.describe()
    provides = report["provides"]
    assert sorted(a if isinstance(a, str) else a.get("name", "") for a in provides["agents"]) == sorted(
        f"{PLUGIN_NAMESPACE}:{a.name}" for a in AGENTS
    ), provides["agents"]
    assert {h["event"] for h in provides["hooks"]} == {"SessionStart", "SubagentStop"}
    # The slash commands' frontmatter passes the strict check (description, argument-hint, allowed-tools).
    assert sorted(provides["commands"]) == [
        f"{PLUGIN_NAMESPACE}:{c}" for c in ("audit", "session-end", "session-show", "session-start")
    ]
    # The root .mcp.json (project scope, `.venv/bin/llmeng-mcp`) is read too; 2.1.330 merges
    # plugin.json's mcpServers over it, so the launcher entry is the one that runs.
    assert {s["name"] for s in provides["mcpServers"]} == {"llmeng"}
    assert {
        "name": "llmeng",
        "type": "stdio",
        "target": "bash",
        "args": ["${CLAUDE_PLUGIN_ROOT}/scripts/llmeng-plugin.sh", "mcp"],
    } in provides["mcpServers"]


def test_plugin_is_installed_and_enabled_at_the_package_version(installed: InstalledTeam) -> None:
    listing = checked(
        run(
            installed.claude,
            ["plugin", "list", "--json"],
            cwd=installed.box.project,
            env=installed.box.env(base_url="http://127.0.0.1:9"),
        )
    )
    [entry] = [p for p in json.loads(listing.stdout) if p["id"] == PLUGIN_ID]
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (entry["enabled"], entry["version"]) == (True, version)


def test_every_agent_is_offered_and_a_subagent_appends_through_mcp(installed: InstalledTeam) -> None:
    agent = AGENTS[0]
    report = f"E2E MCP REPORT {uuid.uuid4().hex}"
    script = TeamScript(
        agent_type=f"{PLUGIN_NAMESPACE}:{agent.name}",
        recognise=agent.recognise,
        final_text="E2E SUBAGENT DONE",
        mcp_tool=PLUGIN_MCP_PREFIX + "session_append",
        mcp_input={"agent": agent.name, "report": report},
    )
    result, requests = installed.run_team(script)
    assert result.returncode == 0, result.describe()
    check_agents_offered(result, requests, (f"{PLUGIN_NAMESPACE}:{a.name}" for a in AGENTS))
    assert {"name": "plugin:llmeng:llmeng", "status": "connected", "source": "plugin"} in (
        result.inits()[0]["mcp_servers"]
    )
    check_mcp_tools_registered(result, PLUGIN_MCP_PREFIX)
    check_mcp_append(requests, agent, prefix=PLUGIN_MCP_PREFIX, report=report, project=installed.box.project)


@pytest.mark.parametrize("agent", AGENTS, ids=[a.name for a in AGENTS])
def test_the_hook_logs_each_agents_final_message(installed: InstalledTeam, agent: TeamAgent) -> None:
    final = f"E2E HOOK FINDING from {agent.name} {uuid.uuid4().hex}"
    script = TeamScript(
        agent_type=f"{PLUGIN_NAMESPACE}:{agent.name}", recognise=agent.recognise, final_text=final
    )
    result, requests = installed.run_team(script)
    check_hook_logged(result, requests, agent, final=final, project=installed.box.project)
