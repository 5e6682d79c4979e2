"""The plugin on a machine without the llmeng package, where nobody has started a session log.

The first `claude -p` session builds the plugin's venv and everything works in it: the MCP server
connects, a subagent's session_append succeeds, the hook logs another subagent's final message, and both
land in the log of that Claude Code session. pip is cut off from every index and pointed at a local
wheelhouse, which plays the package registry (reachable); uv's cache is the sandbox's own, empty. uv is
on PATH in one variant and installed by pip from its wheel in the other. The last test gives pip nothing
to install from.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import REPO_ROOT
from e2e_harness.claude_cli import cache_dir
from e2e_harness.evidence import requests_with
from e2e_harness.mock_api import MockApi
from e2e_harness.plugins import copy_tree, install_from_marketplace
from e2e_harness.proofs import check_mcp_append
from e2e_harness.runner import ClaudeRun, Sandbox, run_print
from e2e_harness.script import Delegations, TeamScript
from e2e_harness.team import (
    PLUGIN_ID,
    PLUGIN_MCP_PREFIX,
    PLUGIN_NAMESPACE,
    active_logs,
    team_agents,
    tied_log,
)
from e2e_harness.wheelhouse import ensure_uv, ensure_wheelhouse

AGENTS = team_agents(REPO_ROOT)
# Claude Code gives an MCP server 30 s to connect: the first session's build has to fit in it, and with
# MCP_CONNECTION_NONBLOCKING=false the first model request waits for the server.
FIRST_REQUEST_LIMIT_S = 30.0


def _offline_pip(find_links: Path) -> dict[str, str]:
    return {
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(find_links),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def _wheelhouse() -> Path:
    return ensure_wheelhouse(REPO_ROOT, cache_dir(os.environ, Path.home()).parent)


def _fresh_machine(
    claude: Path, box: Sandbox, pip_env: dict[str, str], script: Any
) -> tuple[ClaudeRun, list[dict[str, Any]], float | None]:
    """One `claude -p` run after installing the plugin: the run, its Messages-API requests, and how long
    after its start the first of them came (None: none did)."""
    # Whatever name the launcher looks for, it finds this interpreter, whose ABI the wheels match.
    for name in ("python3.13", "python3.12", "python3.11", "python3"):
        box.link_tool(name, Path(sys.executable).resolve())
    with MockApi(script) as api:
        # Claude Code's own 30 s for an MCP connection (MCP_TIMEOUT's default), not the harness's longer one.
        extra = {**pip_env, "MCP_TIMEOUT": "30000", "UV_CACHE_DIR": str(box.root / "uv-cache")}
        env = box.env(base_url=api.url, extra=extra)
        assert not any(Path(d, "llmeng").exists() for d in env["PATH"].split(os.pathsep))
        install_from_marketplace(
            claude, box, env, folder=copy_tree(REPO_ROOT, box.root / "llmeng-repo"), plugin_id=PLUGIN_ID
        )
        box.write_settings(
            ".claude/settings.local.json", {"permissions": {"allow": [PLUGIN_MCP_PREFIX.rstrip("_")]}}
        )
        result = run_print(claude, box, env=env)
        first = api.first_messages_request_at()
        return result, api.messages_requests(), None if first is None else first - result.started_at


def _session_start_messages(result: ClaudeRun) -> list[str]:
    outputs = [
        e.get("stdout", "")
        for e in result.events
        if e.get("subtype") == "hook_response" and e.get("hook_event") == "SessionStart"
    ]
    return [json.loads(out)["systemMessage"] for out in outputs if out.strip()]


def _plugin_server(result: ClaudeRun) -> dict[str, str]:
    [server] = [s for s in result.inits()[0]["mcp_servers"] if s["name"] == "plugin:llmeng:llmeng"]
    return server


@pytest.mark.parametrize("route", ["uv-on-path", "uv-from-pip"])
def test_the_first_session_on_a_fresh_machine_logs_every_report_without_setup(
    claude_bin: Path, sandbox: Sandbox, route: str
) -> None:
    wheels = _wheelhouse()
    if route == "uv-on-path":
        sandbox.link_tool("uv", ensure_uv(wheels) / "uv")
    appender, finisher = AGENTS[0], AGENTS[1]
    report = f"E2E FRESH MACHINE REPORT {uuid.uuid4().hex}"
    final = f"E2E FRESH MACHINE FINDING {uuid.uuid4().hex}"
    script = Delegations(
        (
            TeamScript(
                agent_type=f"{PLUGIN_NAMESPACE}:{appender.name}",
                recognise=appender.recognise,
                final_text="E2E APPENDED",
                mcp_tool=PLUGIN_MCP_PREFIX + "session_append",
                mcp_input={"agent": appender.name, "report": report},
            ),
            TeamScript(
                agent_type=f"{PLUGIN_NAMESPACE}:{finisher.name}",
                recognise=finisher.recognise,
                final_text=final,
            ),
        )
    )
    result, requests, first_request_s = _fresh_machine(claude_bin, sandbox, _offline_pip(wheels), script)
    data = sandbox.home / ".claude" / "plugins" / "data" / "llmeng-llmeng"
    setup_log = (data / "setup.log").read_text()
    print(
        f"\n{route}: first model request {first_request_s:.1f} s after `claude -p` started "
        f"(limit {FIRST_REQUEST_LIMIT_S:.0f} s); whole run {result.duration_s:.1f} s; "
        f"setup.log: {' | '.join(line for line in setup_log.splitlines() if line.startswith(('built', 'installed')))}"
    )
    assert result.returncode == 0, result.describe()
    assert first_request_s is not None and first_request_s < FIRST_REQUEST_LIMIT_S, result.describe()
    [venv] = data.glob("venv-*")
    assert (venv / ".complete").exists() and "built with uv" in setup_log, setup_log
    assert (data / "uv-tool" / "bin" / "uv").exists() == (route == "uv-from-pip"), setup_log
    assert not list(data.glob("*.tmp.*"))
    assert _plugin_server(result)["status"] == "connected", result.describe()
    # The subagent's session_append succeeded, and the hook logged the other one's final message: both in
    # the log of this Claude Code session, made on first use, the only log there is.
    check_mcp_append(requests, appender, prefix=PLUGIN_MCP_PREFIX, report=report, project=sandbox.project)
    assert requests_with(requests, finisher.recognise), f"{finisher.name} never ran"
    log = tied_log(sandbox.project, result.session_id)
    assert report in log.read_text() and final in log.read_text(), result.describe()
    assert active_logs(sandbox.project) == [log]
    assert not (sandbox.project / ".claude" / "sessions" / "standalone").exists()
    # The SessionStart hook builds while the MCP server, started a moment earlier, waits for it. Should
    # the server have had to build (the hook started late), the hook says so; it never reports a failure.
    messages = _session_start_messages(result)
    assert all(m.startswith("llmeng plugin: another process is installing") for m in messages), messages


def test_without_the_package_claude_code_and_the_subagent_carry_on(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    empty = sandbox.root / "no-wheels"
    empty.mkdir()
    agent = AGENTS[0]
    final = f"E2E UNLOGGED FINDING {uuid.uuid4().hex}"
    script = TeamScript(
        agent_type=f"{PLUGIN_NAMESPACE}:{agent.name}", recognise=agent.recognise, final_text=final
    )
    result, requests, _ = _fresh_machine(claude_bin, sandbox, _offline_pip(empty), script)
    assert result.returncode == 0, result.describe()
    assert requests_with(requests, agent.recognise), f"{agent.name} never ran"
    messages = _session_start_messages(result)
    assert len(messages) == 1, messages
    assert messages[0].startswith("llmeng plugin: could not install its Python package")
    assert _plugin_server(result)["status"] == "failed"
    notifications = [e for e in result.events if e.get("subtype") == "task_notification"]
    assert [n.get("status") for n in notifications] == ["completed"], result.describe()
    assert active_logs(sandbox.project) == []
    assert "the llmeng package is missing, so this result was not logged" in result.debug_log
