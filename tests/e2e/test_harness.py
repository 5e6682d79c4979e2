"""Self-test of the end-to-end harness with a toy plugin that depends on nothing of ours.

If these fail, the harness or the pinned Claude Code changed; if only the llmeng tests fail, our plugin did.
"""

from __future__ import annotations

import json
from pathlib import Path

from e2e_harness import FIXTURES
from e2e_harness.claude_cli import CLAUDE_CODE_VERSION
from e2e_harness.evidence import offered_agents, requests_with, tool_results_of
from e2e_harness.mock_api import MockApi
from e2e_harness.plugins import checked, copy_tree, install_from_marketplace
from e2e_harness.runner import Sandbox, run, run_print
from e2e_harness.script import MAIN_DONE, TeamScript, result_text, tool_names

MARKER = "TOY-AGENT-MARKER-5c1e"
ECHO_TOOL = "mcp__plugin_toy_toysrv__echo"


def _toy_script() -> TeamScript:
    return TeamScript(
        agent_type="toy:echoer",
        recognise=MARKER,
        final_text="TOY FINDING 1",
        mcp_tool=ECHO_TOOL,
        mcp_input={"text": "hello from the subagent"},
    )


def test_cli_is_the_pinned_version(claude_bin: Path, sandbox: Sandbox) -> None:
    result = checked(
        run(claude_bin, ["--version"], cwd=sandbox.project, env=sandbox.env(base_url="http://127.0.0.1:9"))
    )
    assert result.stdout.startswith(f"{CLAUDE_CODE_VERSION} ")


def test_toy_plugin_full_cycle_through_the_real_cli(claude_bin: Path, sandbox: Sandbox) -> None:
    sandbox.link_tool("python3", Path("/usr/bin/python3"))
    plugin = copy_tree(FIXTURES / "toyplugin", sandbox.root / "toyplugin")
    with MockApi(_toy_script()) as api:
        env = sandbox.env(base_url=api.url)
        checked(
            run(claude_bin, ["plugin", "validate", str(plugin), "--strict"], cwd=sandbox.project, env=env)
        )
        install_from_marketplace(claude_bin, sandbox, env, folder=plugin, plugin_id="toy@toy-market")
        sandbox.write_settings(
            ".claude/settings.local.json", {"permissions": {"allow": ["mcp__plugin_toy_toysrv"]}}
        )
        result = run_print(claude_bin, sandbox, env=env)
        requests = api.messages_requests()

    assert result.returncode == 0, result.describe()
    init = result.inits()[0]
    assert init["claude_code_version"] == CLAUDE_CODE_VERSION
    assert "toy:echoer" in init["agents"]
    assert {"name": "plugin:toy:toysrv", "status": "connected", "source": "plugin"} in init["mcp_servers"]
    assert "toy:echoer" in offered_agents(requests[0])

    subagent = requests_with(requests, MARKER)
    assert subagent, "no request carried the toy agent's body"
    assert ECHO_TOOL in tool_names(subagent[0])
    results = tool_results_of(subagent)
    assert [result_text(block) for block in results] == ["ECHO: hello from the subagent"]

    hook_files = list((sandbox.project / "toy-hook").glob("*.json"))
    assert len(hook_files) == 1, "the SubagentStop hook did not run exactly once"
    payload = json.loads(hook_files[0].read_text())
    assert payload["agent_type"] == "toy:echoer"
    assert payload["last_assistant_message"] == "TOY FINDING 1\nTOOL RESULT: ECHO: hello from the subagent"
    assert MAIN_DONE in result.stdout
    # The install copy ran in place; the fixture in the repository stayed clean.
    assert not (FIXTURES / "toyplugin" / "toy-hook").exists()
