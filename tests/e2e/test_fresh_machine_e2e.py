"""The plugin on a machine without the llmeng package: it builds its own venv, or fails kindly.

Both tests take the `pip` route away (no llmeng on PATH) and cut pip off from every index; the first
points pip at a local wheelhouse, as if the registry were reachable, the second gives it nothing.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

from e2e_harness import PACKAGE_BIN, REPO_ROOT
from e2e_harness.claude_cli import cache_dir
from e2e_harness.evidence import requests_with
from e2e_harness.mock_api import MockApi
from e2e_harness.plugins import copy_tree, install_from_marketplace
from e2e_harness.runner import ClaudeRun, Sandbox, run_print
from e2e_harness.script import TeamScript
from e2e_harness.team import (
    PLUGIN_ID,
    PLUGIN_MCP_PREFIX,
    PLUGIN_NAMESPACE,
    session_text,
    start_session,
    team_agents,
)
from e2e_harness.wheelhouse import ensure_wheelhouse

AGENT = team_agents(REPO_ROOT)[0]


def _offline_pip(find_links: Path) -> dict[str, str]:
    return {
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(find_links),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def _fresh_machine(claude: Path, box: Sandbox, pip_env: dict[str, str], final: str) -> ClaudeRun:
    # Whatever name the launcher looks for, it finds this interpreter, whose ABI the wheels match.
    for name in ("python3.13", "python3.12", "python3.11", "python3"):
        box.link_tool(name, Path(sys.executable).resolve())
    script = TeamScript(
        agent_type=f"{PLUGIN_NAMESPACE}:{AGENT.name}", recognise=AGENT.recognise, final_text=final
    )
    with MockApi(script) as api:
        # Claude Code's own 30 s for an MCP connection (MCP_TIMEOUT's default), not the harness's
        # longer one: the first session's build (pip installs uv, uv builds the venv) has to fit in it.
        env = box.env(base_url=api.url, extra={**pip_env, "MCP_TIMEOUT": "30000"})
        install_from_marketplace(
            claude, box, env, folder=copy_tree(REPO_ROOT, box.root / "llmeng-repo"), plugin_id=PLUGIN_ID
        )
        box.write_settings(
            ".claude/settings.local.json", {"permissions": {"allow": [PLUGIN_MCP_PREFIX.rstrip("_")]}}
        )
        # The session itself is started with the test's own llmeng; only Claude Code's side is "fresh".
        start_session(PACKAGE_BIN / "llmeng", box.project, env, "e2e fresh machine")
        result = run_print(claude, box, env=env)
        assert requests_with(api.messages_requests(), AGENT.recognise), f"{AGENT.name} never ran"
    return result


def _session_start_outputs(result: ClaudeRun) -> list[str]:
    return [
        e.get("stdout", "")
        for e in result.events
        if e.get("subtype") == "hook_response" and e.get("hook_event") == "SessionStart"
    ]


def _plugin_server(result: ClaudeRun) -> dict[str, str]:
    [server] = [s for s in result.inits()[0]["mcp_servers"] if s["name"] == "plugin:llmeng:llmeng"]
    return server


def test_on_a_fresh_machine_the_plugin_installs_its_package_and_works(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    wheels = ensure_wheelhouse(REPO_ROOT, cache_dir(os.environ, Path.home()).parent)
    final = f"E2E FRESH MACHINE FINDING {uuid.uuid4().hex}"
    result = _fresh_machine(claude_bin, sandbox, _offline_pip(wheels), final)
    assert result.returncode == 0, result.describe()
    data = sandbox.home / ".claude" / "plugins" / "data" / "llmeng-llmeng"
    [venv] = data.glob("venv-*")
    assert (venv / ".complete").exists() and (venv / "bin" / "llmeng-mcp").exists()
    assert (data / "uv-tool" / "bin" / "uv").exists(), (data / "setup.log").read_text()
    assert not list(data.glob("*.tmp.*"))
    assert _plugin_server(result)["status"] == "connected", result.describe()
    assert final in session_text(sandbox.project), result.describe()
    # The SessionStart hook builds while the MCP server, started a moment earlier, waits for it. Should
    # the server have had to build (the hook started late), the hook says so; it never reports a failure.
    messages = [json.loads(out)["systemMessage"] for out in _session_start_outputs(result) if out.strip()]
    assert all(m.startswith("llmeng plugin: another process is installing") for m in messages), messages


def test_without_the_package_claude_code_and_the_subagent_carry_on(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    empty = sandbox.root / "no-wheels"
    empty.mkdir()
    final = f"E2E UNLOGGED FINDING {uuid.uuid4().hex}"
    result = _fresh_machine(claude_bin, sandbox, _offline_pip(empty), final)
    assert result.returncode == 0, result.describe()
    messages = [json.loads(out)["systemMessage"] for out in _session_start_outputs(result) if out.strip()]
    assert len(messages) == 1, _session_start_outputs(result)
    assert messages[0].startswith("llmeng plugin: could not install its Python package")
    assert _plugin_server(result)["status"] == "failed"
    notifications = [e for e in result.events if e.get("subtype") == "task_notification"]
    assert [n.get("status") for n in notifications] == ["completed"], result.describe()
    assert final not in session_text(sandbox.project)
    assert "the llmeng package is missing, so this result was not logged" in result.debug_log
