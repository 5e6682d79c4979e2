"""Scope paths from an env mapping, and the fence: no write outside the scope or through a symlink."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install.apply import apply
from llmeng.install.model import Action
from llmeng.install.plan import plan_install
from llmeng.install.scopes import Scope, ensure_inside, plugin_agent_dirs, scope_dirs
from llmeng.install.sources import Linter

from .support import Env, request


def test_project_scope_paths(tmp_path: Path) -> None:
    dirs = scope_dirs(Scope.PROJECT, env={}, home=tmp_path / "h", project=tmp_path / "p")
    assert dirs.agents == tmp_path / "p/.claude/agents"
    assert dirs.mcp_config == tmp_path / "p/.mcp.json"
    assert dirs.manifest == tmp_path / "p/.claude/llmeng-manifest.json"


def test_user_scope_defaults_to_home(tmp_path: Path) -> None:
    dirs = scope_dirs(Scope.USER, env={}, home=tmp_path, project=tmp_path / "p")
    assert dirs.agents == tmp_path / ".claude/agents"
    assert dirs.mcp_config == tmp_path / ".claude.json"


def test_user_scope_follows_claude_config_dir(tmp_path: Path) -> None:
    dirs = scope_dirs(
        Scope.USER,
        env={"CLAUDE_CONFIG_DIR": str(tmp_path / "cfg")},
        home=tmp_path / "h",
        project=tmp_path / "p",
    )
    assert dirs.settings == tmp_path / "cfg/settings.json"
    assert dirs.mcp_config == tmp_path / "cfg/.claude.json"


def test_plugin_scope_cannot_be_installed_into(tmp_path: Path) -> None:
    with pytest.raises(LlmengError, match="managed by Claude Code"):
        scope_dirs(Scope.PLUGIN, env={}, home=tmp_path, project=tmp_path)


def test_agents_dir_symlinked_out_of_the_project_is_refused(
    env: Env, lint: Linter, team: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (env.project / ".claude").mkdir()
    (env.project / ".claude/agents").symlink_to(outside)
    plan = plan_install(request(env.dirs(), team), lint=lint)
    assert {e.action for e in plan.entries if e.kind == "agent"} == {Action.CONFLICT}
    assert "outside" in plan.entries[0].reason
    apply(plan)
    assert list(outside.iterdir()) == []


def test_an_agent_file_that_is_a_symlink_is_never_written_through(
    env: Env, lint: Linter, team: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    env.dirs().agents.mkdir(parents=True)
    (env.dirs().agents / "code-reviewer.md").symlink_to(victim)
    plan = plan_install(request(env.dirs(), team, "code-reviewer", force=True), lint=lint)
    apply(plan)
    assert [e.action for e in plan.entries if e.kind == "agent"] == [Action.CONFLICT]
    assert victim.read_text() == "precious"


def test_a_symlinked_user_config_dir_is_allowed(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles/claude"
    real.mkdir(parents=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home/.claude").symlink_to(real)
    dirs = scope_dirs(Scope.USER, env={}, home=tmp_path / "home", project=tmp_path)
    ensure_inside(dirs.agents / "x.md", dirs)  # does not raise
    ensure_inside(dirs.mcp_config, dirs)


def test_plugin_agent_dirs_come_from_installed_plugins_json(tmp_path: Path) -> None:
    plugin = tmp_path / "cache/mkt/rtplug/1.0.0"
    (plugin / "agents").mkdir(parents=True)
    registry = tmp_path / ".claude/plugins/installed_plugins.json"
    registry.parent.mkdir(parents=True)
    registry.write_text(
        json.dumps(
            {
                "version": 2,
                "plugins": {
                    "rtplug@mkt": [{"scope": "user", "installPath": str(plugin), "version": "1.0.0"}],
                    "gone@mkt": [{"scope": "user", "installPath": str(tmp_path / "missing")}],
                },
            }
        )
    )
    assert plugin_agent_dirs(env={}, home=tmp_path) == [("rtplug@mkt", plugin / "agents")]


def test_unreadable_plugin_registry_means_no_plugins(tmp_path: Path) -> None:
    registry = tmp_path / ".claude/plugins/installed_plugins.json"
    registry.parent.mkdir(parents=True)
    registry.write_text("{not json")
    assert plugin_agent_dirs(env={}, home=tmp_path) == []


def test_a_symlinked_settings_file_is_not_written_but_agents_install(
    env: Env, lint: Linter, team: Path, tmp_path: Path
) -> None:
    dotfile = tmp_path / "dotfiles-settings.json"
    dotfile.write_text('{"model": "opus"}\n')
    dirs = env.dirs(Scope.USER)
    dirs.root.mkdir()
    dirs.settings.symlink_to(dotfile)
    plan = plan_install(request(dirs, team), lint=lint)
    apply(plan)
    settings = [e for e in plan.entries if e.kind == "settings"]
    assert [e.action for e in settings] == [Action.CONFLICT] and "symlink" in settings[0].reason
    assert dotfile.read_text() == '{"model": "opus"}\n'
    assert (dirs.agents / "code-reviewer.md").is_file()
    assert not plan.ok


def test_plugin_registry_keyed_at_the_top_level_is_read_too(tmp_path: Path) -> None:
    plugin = tmp_path / "cache/p"
    (plugin / "agents").mkdir(parents=True)
    registry = tmp_path / ".claude/plugins/installed_plugins.json"
    registry.parent.mkdir(parents=True)
    registry.write_text(json.dumps({"p@m": {"scope": "user", "installPath": str(plugin)}, "version": 1}))
    assert plugin_agent_dirs(env={}, home=tmp_path) == [("p@m", plugin / "agents")]


def test_a_symlinked_mcp_json_is_a_conflict(env: Env, lint: Linter, team: Path, tmp_path: Path) -> None:
    from llmeng.install.components import Components, Want

    elsewhere = tmp_path / "shared-mcp.json"
    elsewhere.write_text("{}")
    (env.project / ".mcp.json").symlink_to(elsewhere)
    comps = Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT)
    plan = plan_install(request(env.dirs(), team, components=comps), lint=lint)
    apply(plan)
    assert [e.action for e in plan.entries if e.kind == "mcp"] == [Action.CONFLICT]
    assert elsewhere.read_text() == "{}"


def test_a_folder_symlinked_within_the_project_is_allowed(env: Env, tmp_path: Path) -> None:
    dirs = env.dirs()
    (env.project / "shared-agents").mkdir()
    dirs.root.mkdir()
    dirs.agents.symlink_to(env.project / "shared-agents")
    ensure_inside(dirs.agents / "x.md", dirs)  # does not raise: it stays in the project


def test_a_folder_symlinked_out_names_where_it_leads(env: Env, tmp_path: Path) -> None:
    dirs = env.dirs()
    (tmp_path / "elsewhere").mkdir()
    dirs.root.mkdir()
    dirs.agents.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(LlmengError, match="outside") as info:
        ensure_inside(dirs.agents / "x.md", dirs)
    assert str(tmp_path / "elsewhere") in str(info.value) and "--target" in info.value.fix


def test_a_symlinked_target_is_refused_even_when_it_points_inside(env: Env) -> None:
    dirs = env.dirs()
    dirs.agents.mkdir(parents=True)
    (dirs.agents / "real.md").write_text("x")
    (dirs.agents / "link.md").symlink_to(dirs.agents / "real.md")
    with pytest.raises(LlmengError, match="is a symlink"):
        ensure_inside(dirs.agents / "link.md", dirs)
