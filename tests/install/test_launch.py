"""Where Claude Code finds llmeng: PATH, a venv inside the project, or an absolute folder."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from llmeng.install.apply import apply
from llmeng.install.components import HOOK_COMMAND, MCP_ENTRY, Components, Launch, Want, choose_launch
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.sources import Linter

from .support import Env, request


def test_a_venv_inside_the_project_is_named_relative_to_it_even_when_on_path(tmp_path: Path) -> None:
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    assert choose_launch(venv_bin, None, tmp_path) == Launch(".venv/bin")
    assert choose_launch(venv_bin, venv_bin, tmp_path) == Launch(".venv/bin")


def test_llmeng_on_path_is_named_by_its_name(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "bin")
    assert choose_launch(tmp_path / "bin", tmp_path / "link", tmp_path / "project") == Launch()
    assert choose_launch(tmp_path / "bin", tmp_path / "bin", None) == Launch()


def test_elsewhere_and_not_on_path_is_named_by_its_absolute_folder(tmp_path: Path) -> None:
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    assert choose_launch(tmp_path / "venv" / "bin", other, tmp_path / "project") == Launch(
        str(tmp_path / "venv" / "bin")
    )
    assert choose_launch(tmp_path / "venv" / "bin", None, None) == Launch(str(tmp_path / "venv" / "bin"))


def test_path_launch_keeps_the_plain_commands() -> None:
    assert Launch().hook_command() == HOOK_COMMAND
    assert Launch().mcp_entry() == MCP_ENTRY
    assert Launch().note() is None


@pytest.mark.parametrize("folder", ["/opt/my tools/bin", ".venv/bin", "my venv/bin"])
def test_the_hook_command_runs_that_llmeng_whatever_the_spaces(tmp_path: Path, folder: str) -> None:
    project = tmp_path / "a project"
    programs = Path(folder) if os.path.isabs(folder) else project / folder
    if os.path.isabs(folder):  # keep the test inside tmp_path
        programs = tmp_path / folder.lstrip("/")
        folder = str(programs)
    programs.mkdir(parents=True)
    fake = programs / "llmeng"
    fake.write_text('#!/bin/sh\nprintf "%s|" "$0" "$@"\n')
    fake.chmod(0o755)
    command = Launch(folder).hook_command()
    done = subprocess.run(
        ["bash", "-c", command],
        env={"CLAUDE_PROJECT_DIR": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split("|")[1:3] == ["hook", "subagent-stop"]
    assert Path(done.stdout.split("|")[0]).resolve() == fake.resolve()
    entry = Launch(folder).mcp_entry()
    assert entry["command"] == f"{folder}/llmeng-mcp" and entry["args"] == [] and entry["type"] == "stdio"


def test_notes_say_where_llmeng_runs_from() -> None:
    assert "without activating" in (Launch(".venv/bin").note() or "")
    assert "this machine only" in (Launch("/opt/venv/bin").note() or "")


def _installed(env: Env) -> tuple[str, str]:
    settings = json.loads(env.dirs().settings.read_text())
    mcp = json.loads((env.project / ".mcp.json").read_text())
    return settings["hooks"]["SubagentStop"][0]["hooks"][0]["command"], mcp["mcpServers"]["llmeng"]["command"]


def _all(launch: Launch | None) -> Components:
    return Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT, launch)


def test_install_writes_the_launch_and_a_later_install_replaces_it(
    env: Env, lint: Linter, team: Path
) -> None:
    plan = plan_install(request(env.dirs(), team, components=_all(Launch(".venv/bin"))), lint=lint)
    assert any("without activating" in n for n in plan.notes)
    apply(plan)
    assert _installed(env) == (
        '"$CLAUDE_PROJECT_DIR"/.venv/bin/llmeng hook subagent-stop',
        ".venv/bin/llmeng-mcp",
    )
    apply(plan_install(request(env.dirs(), team, components=_all(Launch())), lint=lint))
    assert _installed(env) == (HOOK_COMMAND, "llmeng-mcp")
    apply(plan_uninstall(env.dirs()))
    assert not env.dirs().settings.exists() and not (env.project / ".mcp.json").exists()


def test_uninstalling_one_agent_keeps_the_hooks_command(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team, components=_all(Launch("/opt/venv/bin"))), lint=lint))
    name = "code-reviewer"
    apply(plan_uninstall(env.dirs(), [name]))
    command, _ = _installed(env)
    assert command == "/opt/venv/bin/llmeng hook subagent-stop"
    matcher = json.loads(env.dirs().settings.read_text())["hooks"]["SubagentStop"][0]["matcher"]
    assert name not in matcher


def test_install_from_a_project_venv_writes_relative_commands_with_or_without_path(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    (project / ".venv").symlink_to(Path(sys.prefix))  # this test run's venv, as if made in the project
    llmeng = project / ".venv" / "bin" / "llmeng"
    base = {"HOME": str(tmp_path), "LANG": "C.UTF-8"}
    first = subprocess.run(
        [str(llmeng), "install"],
        cwd=project,
        env={**base, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert "without activating" in first.stdout
    settings = json.loads((project / ".claude" / "settings.json").read_text())
    hook = settings["hooks"]["SubagentStop"][0]["hooks"][0]["command"]
    assert hook == '"$CLAUDE_PROJECT_DIR"/.venv/bin/llmeng hook subagent-stop'
    assert (
        json.loads((project / ".mcp.json").read_text())["mcpServers"]["llmeng"]["command"]
        == ".venv/bin/llmeng-mcp"
    )
    activated = {**base, "PATH": f"{project / '.venv' / 'bin'}:/usr/bin:/bin"}
    again = subprocess.run(
        ["llmeng", "install"],
        cwd=project,
        env=activated,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0 and "Nothing changed" in again.stdout, again.stdout + again.stderr
    assert shlex.split(hook)[0] == "$CLAUDE_PROJECT_DIR/.venv/bin/llmeng"
    appended = subprocess.run(
        ["bash", ".claude/scripts/update-active-session.sh", "llm-architect", "-"],
        cwd=project,
        input="found with llmeng off PATH",
        env={**base, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert appended.returncode == 0 and "standalone artifact" in appended.stdout, appended.stderr


def test_without_a_launch_a_reinstall_keeps_the_recorded_commands(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team, components=_all(Launch(".venv/bin"))), lint=lint))
    before = _installed(env)
    apply(plan_install(request(env.dirs(), team, components=_all(None)), lint=lint))
    assert _installed(env) == before


@pytest.mark.parametrize("folder", ["/opt/my tools/bin", ".venv/bin", "my venv/bin", "it's/bin"])
def test_the_session_script_runs_the_llmeng_install_ran_from_with_no_llmeng_on_path(
    tmp_path: Path, folder: str
) -> None:
    from llmeng.install import bundle

    project = tmp_path / "a project"
    programs = tmp_path / folder.lstrip("/") if os.path.isabs(folder) else project / folder
    folder = str(programs) if os.path.isabs(folder) else folder
    programs.mkdir(parents=True)
    (programs / "llmeng").write_text('#!/bin/sh\nprintf "%s|" "$0" "$@"\n')
    (programs / "llmeng").chmod(0o755)
    script = Launch(folder).session_script(bundle.session_script() or b"")
    assert script != bundle.session_script()  # the folder is recorded in it
    installed = project / ".claude" / "scripts" / "update-active-session.sh"
    installed.parent.mkdir(parents=True)
    installed.write_bytes(script)
    done = subprocess.run(
        ["bash", str(installed), "llm-architect", "-"],
        cwd=tmp_path,  # anywhere: a relative folder is the project's, where the script is installed
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ran, *args = done.stdout.split("|")[:-1]
    assert Path(ran).resolve() == (programs / "llmeng").resolve()
    assert args == ["session", "append", "--root", str(project), "--agent", "llm-architect"] + [
        "--source",
        "script",
        "--",
        "-",
    ]


def test_a_recorded_llmeng_that_is_gone_is_named_in_the_error(tmp_path: Path) -> None:
    from llmeng.install import bundle

    script = tmp_path / ".claude" / "scripts" / "update-active-session.sh"
    script.parent.mkdir(parents=True)
    script.write_bytes(Launch("/gone/bin").session_script(bundle.session_script() or b""))
    done = subprocess.run(
        ["bash", str(script), "me", "-"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "llmeng install recorded /gone/bin/llmeng, which is not there any more" in done.stderr


def test_path_launch_leaves_the_session_script_as_shipped() -> None:
    from llmeng.install import bundle

    shipped = bundle.session_script() or b""
    assert b'installed_bin=""\n' in shipped
    assert Launch().session_script(shipped) == shipped
