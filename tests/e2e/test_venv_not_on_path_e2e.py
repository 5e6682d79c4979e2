"""`llmeng install` from a venv that is not on PATH, then the real Claude Code with that PATH.

This is the README quickstart (`.venv/bin/llmeng install`, no activated venv): the hook and the MCP
server must still find llmeng. From a venv inside the project they are named relative to it; from any
other folder, by its absolute path.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from e2e_harness import PACKAGE_BIN, REPO_ROOT
from e2e_harness.proofs import check_hook_logged, check_mcp_append
from e2e_harness.runner import InstalledTeam, Sandbox
from e2e_harness.script import TeamScript
from e2e_harness.team import PROJECT_MCP_PREFIX, session_text, start_session, team_agents

AGENTS = team_agents(REPO_ROOT)


@pytest.fixture(scope="module", params=["project-venv", "venv-elsewhere"])
def installed(
    request: pytest.FixtureRequest, claude_bin: Path, tmp_path_factory: pytest.TempPathFactory
) -> InstalledTeam:
    box = Sandbox.create(tmp_path_factory.mktemp("project"))
    env = box.env(base_url="http://127.0.0.1:9")
    assert "llmeng" not in {
        p.name for d in env["PATH"].split(":") if Path(d).is_dir() for p in Path(d).iterdir()
    }
    if request.param == "project-venv":
        (box.project / ".venv").symlink_to(Path(sys.prefix))  # this run's venv, as if made in the project
        llmeng = box.project / ".venv" / "bin" / "llmeng"
    else:
        llmeng = PACKAGE_BIN / "llmeng"
    done = subprocess.run(
        [str(llmeng), "install"],
        cwd=box.project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"llmeng install failed:\n{done.stdout}\n{done.stderr}"
    box.write_settings(".claude/settings.local.json", {"enabledMcpjsonServers": ["llmeng"]})
    box.trust_project()
    start_session(llmeng, box.project, env, f"e2e {request.param}")
    return InstalledTeam(claude_bin, box, path_dirs=())  # Claude Code runs with no llmeng on PATH either


def test_the_commands_name_the_installing_llmeng(installed: InstalledTeam) -> None:
    project = installed.box.project
    command = json.loads((project / ".claude/settings.json").read_text())["hooks"]["SubagentStop"][0][
        "hooks"
    ][0]["command"]
    server = json.loads((project / ".mcp.json").read_text())["mcpServers"]["llmeng"]["command"]
    if (installed.box.project / ".venv").exists():
        assert (command, server) == (
            '"$CLAUDE_PROJECT_DIR"/.venv/bin/llmeng hook subagent-stop',
            ".venv/bin/llmeng-mcp",
        )
    else:
        assert (command, server) == (f"{PACKAGE_BIN}/llmeng hook subagent-stop", f"{PACKAGE_BIN}/llmeng-mcp")


def test_the_session_script_runs_the_installing_llmeng_too(installed: InstalledTeam) -> None:
    # What an agent's Bash tool runs, with the same PATH as Claude Code: no llmeng on it.
    box = installed.box
    report = f"E2E NO-PATH SCRIPT REPORT {uuid.uuid4().hex}"
    done = subprocess.run(
        ["bash", ".claude/scripts/update-active-session.sh", "llm-architect", "-"],
        cwd=box.project,
        input=report,
        env=box.env(base_url="http://127.0.0.1:9"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and "Findings appended to" in done.stdout, done.stderr
    assert report in session_text(box.project)


def test_a_subagent_appends_through_the_mcp_server(installed: InstalledTeam) -> None:
    agent = AGENTS[0]
    report = f"E2E NO-PATH MCP REPORT {uuid.uuid4().hex}"
    script = TeamScript(
        agent_type=agent.name,
        recognise=agent.recognise,
        final_text="E2E SUBAGENT DONE",
        mcp_tool=PROJECT_MCP_PREFIX + "session_append",
        mcp_input={"agent": agent.name, "report": report},
    )
    result, requests = installed.run_team(script)
    assert result.returncode == 0, result.describe()
    assert {"name": "llmeng", "status": "connected"}.items() <= next(
        s for s in result.inits()[0]["mcp_servers"] if s["name"] == "llmeng"
    ).items()
    check_mcp_append(requests, agent, prefix=PROJECT_MCP_PREFIX, report=report, project=installed.box.project)


def test_the_hook_logs_the_final_message(installed: InstalledTeam) -> None:
    # A separate run: the hook leaves out a subagent that already appended through the MCP server.
    agent = AGENTS[-1]
    final = f"E2E NO-PATH HOOK FINDING {uuid.uuid4().hex}"
    result, requests = installed.run_team(
        TeamScript(agent_type=agent.name, recognise=agent.recognise, final_text=final)
    )
    check_hook_logged(result, requests, agent, final=final, project=installed.box.project)
