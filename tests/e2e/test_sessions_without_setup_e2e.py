"""Sessions without setup in the real Claude Code 2.1.330, with the plugin and no llmeng on PATH.

Nobody starts a session log. Each Claude Code session's reports (one subagent's session_append through the
MCP server, another's final message through the SubagentStop hook) land in one log tied to that session,
and two Claude Code sessions running at once in one project get one log each. The plugin's slash commands
reach the same logs, through the launcher's venv; one started with /llmeng:session-start wins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import REPO_ROOT
from e2e_harness.claude_cli import cache_dir
from e2e_harness.mock_api import MockApi, Reply
from e2e_harness.plugins import copy_tree, install_from_marketplace
from e2e_harness.proofs import check_mcp_append
from e2e_harness.runner import ClaudeRun, Sandbox, run_print
from e2e_harness.script import Delegations, TeamScript, all_text
from e2e_harness.team import (
    PLUGIN_ID,
    PLUGIN_MCP_PREFIX,
    PLUGIN_NAMESPACE,
    TeamAgent,
    active_logs,
    team_agents,
    tied_log,
)
from e2e_harness.wheelhouse import ensure_uv, ensure_wheelhouse

AGENTS = team_agents(REPO_ROOT)
LAUNCHER = "scripts/llmeng-plugin.sh"


class Plugin:
    """The plugin installed in a sandbox whose PATH has no llmeng; its venv built once, up front."""

    def __init__(self, claude: Path, box: Sandbox) -> None:
        self.claude, self.box = claude, box
        wheels = ensure_wheelhouse(REPO_ROOT, cache_dir(os.environ, Path.home()).parent)
        for name in ("python3.13", "python3.12", "python3.11", "python3", "uv"):
            target = ensure_uv(wheels) / "uv" if name == "uv" else Path(sys.executable).resolve()
            box.link_tool(name, target)
        self.pip = {"PIP_CONFIG_FILE": "/dev/null", "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
        env = self.env("http://127.0.0.1:9")
        assert not any(Path(d, "llmeng").exists() for d in env["PATH"].split(os.pathsep))
        self.repo = copy_tree(REPO_ROOT, box.root / "llmeng-repo")
        install_from_marketplace(claude, box, env, folder=self.repo, plugin_id=PLUGIN_ID)
        box.write_settings(
            ".claude/settings.local.json", {"permissions": {"allow": [PLUGIN_MCP_PREFIX.rstrip("_")]}}
        )
        # The first session's build is test_fresh_machine_e2e.py's subject; here it is done beforehand.
        data = box.home / ".claude" / "plugins" / "data" / "llmeng-llmeng"
        built = subprocess.run(
            ["bash", str(self.repo / LAUNCHER), "setup"],
            env=env | {"CLAUDE_PLUGIN_ROOT": str(self.repo), "CLAUDE_PLUGIN_DATA": str(data)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert (built.returncode, built.stdout) == (0, ""), built.stderr

    def env(self, base_url: str) -> dict[str, str]:
        return self.box.env(base_url=base_url, extra={**self.pip, "UV_CACHE_DIR": str(self.box.root / "uv")})

    def run(
        self, script: Any, prompt: str = "go", extra_args: tuple[str, ...] = ()
    ) -> tuple[ClaudeRun, MockApi]:
        with MockApi(script) as api:
            return run_print(
                self.claude, self.box, env=self.env(api.url), prompt=prompt, extra_args=extra_args
            ), api


@pytest.fixture(scope="module")
def plugin(claude_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Plugin:
    return Plugin(claude_bin, Sandbox.create(tmp_path_factory.mktemp("sessions")))


def _team(appender: TeamAgent, finisher: TeamAgent, report: str, final: str) -> Delegations:
    """One subagent appends `report` through the MCP server; the other just answers `final`."""
    return Delegations(
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


def _answer(_: dict[str, Any]) -> Reply:
    return Reply(text="E2E NOTED")


def _command_output(api: MockApi) -> str:
    """Everything the model was sent for a slash command: its text holds the `!` command's output."""
    return "\n".join(all_text(body) for body in api.messages_requests())


def test_two_claude_code_sessions_at_once_each_log_their_reports_in_their_own_log(plugin: Plugin) -> None:
    report, final = f"E2E TIED REPORT {uuid.uuid4().hex}", f"E2E TIED FINDING {uuid.uuid4().hex}"
    script = _team(AGENTS[0], AGENTS[1], report, final)
    with MockApi(script) as api:
        runs: list[ClaudeRun] = []

        def one() -> None:
            runs.append(run_print(plugin.claude, plugin.box, env=plugin.env(api.url)))

        threads = [threading.Thread(target=one) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        requests = api.messages_requests()
    assert [r.returncode for r in runs] == [0, 0], "\n".join(r.describe() for r in runs)
    check_mcp_append(requests, AGENTS[0], prefix=PLUGIN_MCP_PREFIX, report=report, project=plugin.box.project)
    logs = [tied_log(plugin.box.project, r.session_id) for r in runs]
    assert sorted(logs) == active_logs(plugin.box.project) and logs[0] != logs[1]
    for run, log in zip(runs, logs, strict=True):
        text = log.read_text()
        assert f"- Claude: {run.session_id}" in text
        # Each session's two reports, and only its own: one from the MCP server, one from the hook.
        assert text.count(report) == 1 and text.count(final) == 1, text
        assert " source=mcp " in text and " source=hook " in text
    assert not (plugin.box.project / ".claude" / "sessions" / "standalone").exists()


def test_session_show_in_a_resumed_claude_code_session_shows_its_log(plugin: Plugin) -> None:
    report, final = f"E2E RESUMED REPORT {uuid.uuid4().hex}", f"E2E RESUMED FINDING {uuid.uuid4().hex}"
    first, _ = plugin.run(_team(AGENTS[2], AGENTS[3], report, final))
    assert first.returncode == 0, first.describe()
    assert report in tied_log(plugin.box.project, first.session_id).read_text()
    shown, api = plugin.run(_answer, "/llmeng:session-show", ("--resume", first.session_id))
    assert shown.returncode == 0, shown.describe()
    assert shown.session_id == first.session_id  # --resume goes on with the same session_id
    output = _command_output(api)
    assert report in output and final in output, shown.describe()


def test_a_log_started_with_the_slash_command_wins_until_it_is_ended(plugin: Plugin) -> None:
    title = f"E2E named {uuid.uuid4().hex[:8]}"
    started, api = plugin.run(_answer, f"/llmeng:session-start {title}")
    assert started.returncode == 0 and "Started session " in _command_output(api), started.describe()
    [named] = [p for p in active_logs(plugin.box.project) if p.read_text().startswith(f"# {title}\n")]
    report, final = f"E2E NAMED REPORT {uuid.uuid4().hex}", f"E2E NAMED FINDING {uuid.uuid4().hex}"
    run, _ = plugin.run(_team(AGENTS[4], AGENTS[0], report, final))
    assert run.returncode == 0, run.describe()
    assert report in named.read_text() and final in named.read_text()
    assert not any(p.name.endswith(f"{run.session_id}.md") for p in active_logs(plugin.box.project))
    ended, api = plugin.run(_answer, "/llmeng:session-end")
    assert ended.returncode == 0 and f"Ended session {named.stem}" in _command_output(api), ended.describe()
    assert (plugin.box.project / ".claude" / "sessions" / "archive" / named.name).exists()


def test_audit_runs_through_the_launcher(plugin: Plugin) -> None:
    source = plugin.box.project / "src" / "app.py"
    source.parent.mkdir(exist_ok=True)
    source.write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        "reply = client.chat.completions.create(model='gpt-4o', messages=[])\n"
    )
    run, api = plugin.run(_answer, "/llmeng:audit src")
    assert run.returncode == 0, run.describe()
    output = _command_output(api)
    assert "# LLM integration audit" in output and "src/app.py:3" in output, run.describe()
