"""llmeng.install.api: the adapters' one door, called with env dicts and tmp_path folders."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from llmeng.errors import LlmengError
from llmeng.install import api
from llmeng.install.apply import InstallReport
from llmeng.install.model import Action

from .support import Env, snapshot

NO_MCP = api.Extras(mcp=False)


def where(env: Env, cwd: Path | None = None) -> dict[str, Any]:
    return {"env": env.env, "home": env.home, "cwd": cwd or env.project}


def actions(report: InstallReport, kind: str = "agent") -> dict[str, Action]:
    return {e.name: e.action for e in report.plan.entries if e.kind == kind}


def test_install_twice_changes_nothing_the_second_time(env: Env, team: Path) -> None:
    first = api.install(source=team, all_agents=True, extras=NO_MCP, **where(env))
    second = api.install(source=team, all_agents=True, extras=NO_MCP, **where(env))
    assert first.applied and first.changed and first.ok
    assert second.applied and not second.changed
    assert set(actions(second).values()) == {Action.SKIP}


def test_a_dry_run_plans_but_writes_nothing(env: Env, team: Path) -> None:
    before = snapshot(env.project, env.home)
    report = api.install(["code-reviewer"], source=team, dry_run=True, **where(env))
    assert not report.applied and not report.changed
    assert actions(report) == {"code-reviewer": Action.CREATE}
    assert snapshot(env.project, env.home) == before


def test_a_relative_source_and_target_are_read_from_the_cwd_given(env: Env, team: Path) -> None:
    elsewhere = env.project.parent
    report = api.install(
        source=Path(team.name),
        all_agents=True,
        target=Path(env.project.name),
        extras=NO_MCP,
        **where(env, elsewhere),
    )
    assert report.plan.dirs.root == elsewhere / env.project.name / ".claude"
    assert (env.project / ".claude/agents/code-reviewer.md").is_file()
    manifest = json.loads((env.project / ".claude/llmeng-manifest.json").read_text())
    assert {r["source"] for r in manifest["files"].values() if r["kind"] == "agent"} == {str(team)}


def test_the_project_is_the_git_root_above_the_cwd(env: Env, team: Path) -> None:
    (env.project / ".git").mkdir()
    deep = env.project / "src/pkg"
    deep.mkdir(parents=True)
    report = api.install(["code-reviewer"], source=team, extras=NO_MCP, **where(env, deep))
    assert report.plan.dirs.root == env.project / ".claude"


def test_claude_project_dir_names_the_project(env: Env, team: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    env.env["CLAUDE_PROJECT_DIR"] = str(other)
    report = api.install(["code-reviewer"], source=team, dry_run=True, **where(env))
    assert report.plan.dirs.root == other / ".claude"


def test_user_scope_writes_to_the_config_dir_from_env(env: Env, team: Path, tmp_path: Path) -> None:
    env.env["CLAUDE_CONFIG_DIR"] = str(tmp_path / "config")
    report = api.install(["code-reviewer"], source=team, scope="user", extras=NO_MCP, **where(env))
    assert (tmp_path / "config/agents/code-reviewer.md").is_file()
    assert report.plan.dirs.scope == "user"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"scope": "user", "target": Path(".")}, "does not apply to --scope user"),
        ({"scope": "plugin"}, "plugin agents are managed by Claude Code"),
        ({"scope": "nowhere"}, "unknown scope"),
    ],
)
def test_a_scope_that_cannot_be_written_is_an_error_with_a_fix(
    env: Env, team: Path, options: dict[str, Any], message: str
) -> None:
    before = snapshot(env.project, env.home)
    with pytest.raises(LlmengError, match=message) as info:
        api.install(source=team, all_agents=True, **options, **where(env))
    assert info.value.fix
    assert snapshot(env.project, env.home) == before


def test_a_source_folder_needs_names_or_all(env: Env, team: Path) -> None:
    with pytest.raises(LlmengError, match="pass --all") as info:
        api.install(source=team, **where(env))
    assert "--all" in info.value.fix


def test_the_bundled_team_needs_no_names(env: Env) -> None:
    report = api.install(dry_run=True, **where(env))
    assert "llm-architect" in actions(report)


def test_mcp_and_permissions_follow_the_extras(env: Env, team: Path) -> None:
    api.install(source=team, all_agents=True, extras=api.Extras(mcp=True), **where(env))
    settings = json.loads((env.project / ".claude/settings.json").read_text())
    assert "llmeng" in json.loads((env.project / ".mcp.json").read_text())["mcpServers"]
    assert "mcp__llmeng__audit" in settings["permissions"]["allow"]  # permissions default to --mcp


def test_no_extras_installs_only_agents(env: Env, team: Path) -> None:
    extras = api.Extras(script=False, hook=False, mcp=False, permissions=False)
    api.install(source=team, all_agents=True, extras=extras, **where(env))
    assert sorted(p.name for p in (env.project / ".claude").iterdir()) == ["agents", "llmeng-manifest.json"]


def test_update_refreshes_only_the_extras_install_added(env: Env, team: Path) -> None:
    api.install(source=team, all_agents=True, extras=api.Extras(hook=False, mcp=False), **where(env))
    (team / "code-reviewer.md").write_text((team / "code-reviewer.md").read_text() + "Upstream line.\n")
    report = api.update(source=team, **where(env))
    assert actions(report)["code-reviewer"] is Action.UPDATE
    assert not (env.project / ".claude/settings.json").exists()  # no hook: none was installed
    assert not (env.project / ".mcp.json").exists()


def test_diff_is_the_plan_update_would_apply_and_writes_nothing(env: Env, team: Path) -> None:
    api.install(source=team, all_agents=True, extras=NO_MCP, **where(env))
    (team / "code-reviewer.md").write_text((team / "code-reviewer.md").read_text() + "Upstream line.\n")
    before = snapshot(env.project, env.home)
    plan = api.diff(source=team, **where(env))
    assert {e.name: e.action for e in plan.entries if e.kind == "agent"}["code-reviewer"] is Action.UPDATE
    assert snapshot(env.project, env.home) == before


def test_uninstall_removes_what_install_wrote_and_a_dry_run_does_not(env: Env, team: Path) -> None:
    before = snapshot(env.project, env.home)
    api.install(source=team, all_agents=True, extras=NO_MCP, **where(env))
    installed = snapshot(env.project, env.home)
    dry = api.uninstall(dry_run=True, **where(env))
    assert not dry.applied and snapshot(env.project, env.home) == installed
    done = api.uninstall(**where(env))
    assert done.applied and set(actions(done).values()) == {Action.REMOVE}
    assert snapshot(env.project, env.home) == before


def test_uninstall_of_a_name_llmeng_did_not_install_is_an_error(env: Env) -> None:
    with pytest.raises(LlmengError, match="did not install nobody"):
        api.uninstall(["nobody"], **where(env))


def test_an_interrupted_run_is_rolled_back_first_and_reported(env: Env, team: Path) -> None:
    env.dirs().root.mkdir()
    env.dirs().journal.write_text("[]")
    dry = api.install(["code-reviewer"], source=team, dry_run=True, **where(env))
    assert not dry.recovered and env.dirs().journal.exists()  # a dry run touches nothing
    report = api.install(["code-reviewer"], source=team, extras=NO_MCP, **where(env))
    assert report.recovered and not env.dirs().journal.exists()


def test_list_agents_shows_what_install_wrote(env: Env, team: Path) -> None:
    api.install(["code-reviewer"], source=team, extras=NO_MCP, **where(env))
    rows = api.list_agents(**where(env))
    assert [(r.scope, r.name, r.origin) for r in rows] == [("project", "code-reviewer", "llmeng")]


def test_a_missing_validator_is_an_error_with_a_fix(
    env: Env, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_validator(**kw: object) -> None:
        raise ImportError("llmeng.agents.lint")

    monkeypatch.setattr(api, "default_linter", no_validator)
    with pytest.raises(LlmengError, match="validator is not available") as info:
        api.list_agents(**where(env))
    assert "pip install" in info.value.fix


# ---- the launch: where Claude Code finds llmeng ---------------------------------------------------


def programs(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("#!/bin/sh\n")
    return folder


def test_running_programs_is_the_console_scripts_folder(tmp_path: Path) -> None:
    venv = programs(tmp_path / "venv/bin", "llmeng", "llmeng-mcp", "python")
    assert api.running_programs(str(venv / "llmeng"), "/usr/bin/python3", cwd=tmp_path) == venv
    # `python -m llmeng`: the interpreter's folder stands in for the script's.
    assert api.running_programs("-m", str(venv / "python"), cwd=tmp_path) == venv
    assert api.running_programs("venv/bin/llmeng", "", cwd=tmp_path) == tmp_path / "venv/bin"


def test_no_running_programs_without_the_scripts(tmp_path: Path) -> None:
    bare = programs(tmp_path / "bare", "python")
    assert api.running_programs("-m", str(bare / "python"), cwd=tmp_path) is None
    assert api.running_programs("", "", cwd=tmp_path) is None


def test_a_venv_inside_the_project_is_named_relative_to_it(env: Env, team: Path) -> None:
    venv = programs(env.project / ".venv/bin", "llmeng", "llmeng-mcp")
    api.install(
        source=team,
        all_agents=True,
        extras=NO_MCP,
        argv0=str(venv / "llmeng"),
        executable=str(venv / "python"),
        **where(env),
    )
    settings = json.loads((env.project / ".claude/settings.json").read_text())
    command = settings["hooks"]["SubagentStop"][0]["hooks"][0]["command"]
    assert command == '"$CLAUDE_PROJECT_DIR"/.venv/bin/llmeng hook subagent-stop'


def test_without_a_program_the_hook_runs_llmeng_from_path(env: Env, team: Path) -> None:
    api.install(source=team, all_agents=True, extras=NO_MCP, **where(env))
    settings = json.loads((env.project / ".claude/settings.json").read_text())
    assert settings["hooks"]["SubagentStop"][0]["hooks"][0]["command"] == "llmeng hook subagent-stop"


# ---- watch ------------------------------------------------------------------------------------------


def fake_watch(edits: list[Callable[[], object]]) -> Callable[..., None]:
    """A watch_dir that makes each edit and calls back once per edit, with no observer and no sleeps."""

    def watch_dir(directory: Path, on_change: Callable[[], object], *, stop: threading.Event) -> None:
        for edit in edits:
            edit()
            on_change()

    return watch_dir


def test_watch_reinstalls_on_change_and_survives_a_bad_run(
    env: Env, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, source = env.project / ".claude/settings.json", team / "code-reviewer.md"
    installed = env.project / ".claude/agents/code-reviewer.md"
    good: list[str] = []

    def break_settings() -> None:
        good.append(settings.read_text())
        settings.write_text("{broken")
        source.write_text(source.read_text() + "First save.\n")

    def mend_settings() -> None:
        settings.write_text(good[0])
        source.write_text(source.read_text() + "Second save.\n")

    from llmeng.install import watch as watching

    monkeypatch.setattr(watching, "watch_dir", fake_watch([break_settings, mend_settings]))
    reports: list[InstallReport] = []
    errors: list[LlmengError] = []
    api.watch(
        ["code-reviewer"],
        source=team,
        extras=NO_MCP,
        on_report=reports.append,
        on_error=errors.append,
        **where(env),
    )
    assert [r.changed for r in reports] == [True, True]
    assert len(errors) == 1 and "not valid JSON" in str(errors[0])
    assert installed.read_text() == source.read_text()


@pytest.mark.parametrize(
    ("options", "message"),
    [({"source": None}, "--watch needs --from"), ({"dry_run": True}, "cannot be a --dry-run")],
)
def test_watch_refuses_options_it_cannot_honour(
    env: Env, team: Path, options: dict[str, Any], message: str
) -> None:
    kwargs: dict[str, Any] = {"source": team, **options}
    with pytest.raises(LlmengError, match=message):
        api.watch(all_agents=True, on_report=print, on_error=print, **kwargs, **where(env))
    assert not (env.project / ".claude").exists()
