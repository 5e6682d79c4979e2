"""The plugin's manifests agree with the package and the agents (no Claude Code needed)."""

from __future__ import annotations

import json
import os
import re
import tomllib
from typing import Any

import pytest
import yaml
from e2e_harness import REPO_ROOT
from e2e_harness.team import PLUGIN_NAMESPACE, team_agents

LAUNCHER = "${CLAUDE_PLUGIN_ROOT}/scripts/llmeng-plugin.sh"
AGENT_NAMES = [a.name for a in team_agents(REPO_ROOT)]


def _json(relative: str) -> Any:
    return json.loads((REPO_ROOT / relative).read_text())


def _version() -> str:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]


def _subagent_stop_matcher() -> re.Pattern[str]:
    [entry] = _json("hooks/hooks.json")["hooks"]["SubagentStop"]
    return re.compile(entry["matcher"])


def test_plugin_and_marketplace_carry_the_package_version() -> None:
    plugin = _json(".claude-plugin/plugin.json")
    [listed] = _json(".claude-plugin/marketplace.json")["plugins"]
    assert (plugin["name"], plugin["version"]) == (PLUGIN_NAMESPACE, _version())
    assert (listed["name"], listed["source"], listed["version"]) == (PLUGIN_NAMESPACE, "./", _version())


@pytest.mark.parametrize("name", AGENT_NAMES)
def test_subagent_stop_hook_matches_each_team_agent_as_a_plugin_agent(name: str) -> None:
    assert _subagent_stop_matcher().search(f"{PLUGIN_NAMESPACE}:{name}")


@pytest.mark.parametrize(
    "agent_type",
    [
        "general-purpose",
        "Explore",
        "llm-architect",
        "other:llm-architect",
        "llmeng:llm-architect-v2",
        "xllmeng:llm-architect",
    ],
)
def test_subagent_stop_hook_ignores_other_agents(agent_type: str) -> None:
    # Claude Code searches the matcher as a regex, so an unanchored one would match these too.
    assert not _subagent_stop_matcher().search(agent_type)


def test_subagent_stop_matcher_names_exactly_the_agents_we_ship() -> None:
    alternation = re.fullmatch(r"\^llmeng:\((?P<names>[^)]*)\)\$", _subagent_stop_matcher().pattern)
    assert alternation is not None
    assert sorted(alternation["names"].split("|")) == sorted(AGENT_NAMES)


def test_every_hook_and_the_mcp_server_go_through_the_launcher() -> None:
    commands = [
        hook["command"]
        for entries in _json("hooks/hooks.json")["hooks"].values()
        for entry in entries
        for hook in entry["hooks"]
    ]
    assert commands == [f'bash "{LAUNCHER}" session-start', f'bash "{LAUNCHER}" hook subagent-stop']
    # Every source (startup, resume, clear, compact): each may bring a new Claude Code session to record.
    assert [entry.get("matcher") for entry in _json("hooks/hooks.json")["hooks"]["SessionStart"]] == [None]
    server = _json(".claude-plugin/plugin.json")["mcpServers"]["llmeng"]
    assert server == {"command": "bash", "args": [LAUNCHER, "mcp"]}
    launcher = REPO_ROOT / "scripts" / "llmeng-plugin.sh"
    assert os.access(launcher, os.X_OK)


@pytest.mark.parametrize("command", sorted(p.name for p in (REPO_ROOT / "commands").glob("*.md")))
def test_every_slash_command_runs_one_launcher_line_it_is_allowed_to(command: str) -> None:
    text = (REPO_ROOT / "commands" / command).read_text()
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)  # strict YAML, as `claude plugin validate` parses it
    assert set(data) <= {"description", "argument-hint", "allowed-tools"} and data["description"]
    [line] = [line for line in body.splitlines() if line.startswith("!`")]
    run = line.removeprefix("!`").removesuffix("`")
    assert run.startswith(f'bash "{LAUNCHER}" ')
    # Claude Code checks the line, once $ARGUMENTS is in it, against allowed-tools: one prefix rule.
    rule = re.fullmatch(r"Bash\((?P<prefix>.+):\*\)", data["allowed-tools"])
    assert rule is not None and run.startswith(rule["prefix"]), (run, data["allowed-tools"])
    assert run.count("$ARGUMENTS") <= 1 and "'" not in run and "$(" not in run
