"""scripts/llmeng-plugin.sh: how the plugin finds the llmeng package, and how kindly it fails without it.

These run the launcher with bash directly (no Claude Code needed). The end-to-end tests run it inside
Claude Code.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from e2e_harness import REPO_ROOT

LAUNCHER = REPO_ROOT / "scripts" / "llmeng-plugin.sh"
PAYLOAD = json.dumps(
    {
        "hook_event_name": "SubagentStop",
        "agent_type": "llmeng:llm-architect",
        "last_assistant_message": "FINDING",
    }
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No llmeng anywhere, and pip cut off from every index, as on an offline fresh machine."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "wheels").mkdir()
    return {
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "CLAUDE_PLUGIN_ROOT": str(REPO_ROOT),
        "CLAUDE_PLUGIN_DATA": str(tmp_path / "data"),
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(tmp_path / "wheels"),
    }


def _launch(args: list[str], env: Mapping[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(LAUNCHER), *args],
        input=stdin,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _fake(env: Mapping[str, str], name: str, body: str) -> None:
    program = Path(env["PATH"].split(":")[0]) / name
    program.write_text(f"#!/usr/bin/env bash\n{body}\n")
    program.chmod(0o755)


def test_hook_without_the_package_says_one_line_and_never_blocks(env: dict[str, str]) -> None:
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert done.returncode == 0
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("llmeng plugin: the llmeng package is missing, so this result was not logged")
    assert f"pipx install '{REPO_ROOT}' (or python3 -m pip install --user '{REPO_ROOT}'" in line


def test_failed_setup_shows_the_user_one_message_and_leaves_nothing_half_built(env: dict[str, str]) -> None:
    done = _launch(["setup"], env)
    assert done.returncode == 0
    [line] = done.stdout.splitlines()
    message = json.loads(line)["systemMessage"]
    assert message.startswith("llmeng plugin: could not install its Python package")
    assert "setup.log" in message and "pip install --user" in message
    data = Path(env["CLAUDE_PLUGIN_DATA"])
    assert (data / "setup.log").read_text()  # pip's own words, for whoever wants the detail
    [mark] = data.glob("venv-*.failed")
    assert sorted(p.name for p in data.iterdir()) == sorted(["setup.log", mark.name])  # no venv, no lock


def test_after_a_failure_setup_waits_before_trying_again_but_still_says_so(env: dict[str, str]) -> None:
    first = _launch(["setup"], env)
    log_size = (Path(env["CLAUDE_PLUGIN_DATA"]) / "setup.log").stat().st_size
    again = _launch(["setup"], env)
    assert again.returncode == 0
    assert again.stdout == first.stdout  # the same one message
    assert (Path(env["CLAUDE_PLUGIN_DATA"]) / "setup.log").stat().st_size == log_size  # pip did not run


def test_mcp_without_the_package_keeps_stdout_clean_for_the_protocol(env: dict[str, str]) -> None:
    done = _launch(["mcp"], env)
    assert done.returncode == 0
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("llmeng plugin: the llmeng package is missing, so its MCP server cannot start")


def test_hook_passes_arguments_and_payload_to_llmeng_on_path(env: dict[str, str], tmp_path: Path) -> None:
    _fake(env, "llmeng", f'printf "%s " "$@" > {tmp_path}/args; cat > {tmp_path}/stdin')
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "args").read_text() == "hook subagent-stop "
    assert (tmp_path / "stdin").read_text() == PAYLOAD


def test_a_failing_llmeng_hook_is_reported_but_never_exits_2(env: dict[str, str]) -> None:
    # Exit 2 from a SubagentStop hook would feed stderr back to the subagent and keep it running.
    _fake(env, "llmeng", "cat >/dev/null; echo broken >&2; exit 2")
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "broken",
        "llmeng plugin: 'llmeng hook subagent-stop' exited with 2; the result may not be logged",
    ]


def test_setup_does_nothing_when_llmeng_is_on_path(env: dict[str, str]) -> None:
    _fake(env, "llmeng", "exit 0")
    _fake(env, "llmeng-mcp", "exit 0")
    done = _launch(["setup"], env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not Path(env["CLAUDE_PLUGIN_DATA"]).exists()


def test_mcp_runs_llmeng_mcp_from_path_with_stdio_attached(env: dict[str, str]) -> None:
    _fake(env, "llmeng", "exit 0")
    _fake(env, "llmeng-mcp", 'read -r line; echo "served $line $*"')
    done = _launch(["mcp", "--flag"], env, stdin="ping\n")
    assert (done.returncode, done.stdout) == (0, "served ping --flag\n")


def test_unknown_subcommand_is_a_usage_error(env: dict[str, str]) -> None:
    done = _launch(["nonsense"], env)
    assert done.returncode == 2
    assert "usage: llmeng-plugin.sh setup | hook <event> | mcp" in done.stderr


def test_the_user_message_stays_valid_json_whatever_the_paths(env: dict[str, str], tmp_path: Path) -> None:
    env["CLAUDE_PLUGIN_DATA"] = str(tmp_path / 'odd "quoted" \\ data')
    done = _launch(["setup"], env)
    message = json.loads(done.stdout)["systemMessage"]
    assert 'odd "quoted" \\ data' in message
