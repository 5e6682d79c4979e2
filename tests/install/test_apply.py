"""Install, reinstall, conflicts, --force, uninstall: the behaviours users rely on, checked in pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmeng.install import manifest as mf
from llmeng.install.apply import apply
from llmeng.install.components import Components, Want
from llmeng.install.manifest import sha256
from llmeng.install.model import Action
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.scopes import Scope
from llmeng.install.sources import Linter

from .support import FIXTURES, SCRIPT, Env, request, snapshot


def install(env: Env, lint: Linter, source: Path, *names: str, scope: Scope = Scope.PROJECT, **kw: object):
    plan = plan_install(request(env.dirs(scope), source, *names, **kw), lint=lint)  # type: ignore[arg-type]
    return apply(plan)


def actions(report, kind: str = "agent") -> dict[str, str]:
    return {e.name: e.action.value for e in report.plan.entries if e.kind == kind}


def test_install_writes_agents_script_and_manifest_with_hashes(env: Env, lint: Linter, team: Path) -> None:
    report = install(env, lint, team)
    dirs = env.dirs()
    assert actions(report) == {"code-reviewer": "create", "test-writer": "create"}
    assert (dirs.agents / "code-reviewer.md").read_bytes() == (team / "code-reviewer.md").read_bytes()
    assert not (dirs.agents / "README.md").exists()  # no frontmatter: documentation, not an agent
    script = dirs.root / "scripts/update-active-session.sh"
    assert script.read_bytes() == SCRIPT and script.stat().st_mode & 0o777 == 0o755
    recorded = mf.load(dirs.manifest, "project")
    for rel, record in recorded.files.items():
        assert record.sha256 == sha256((dirs.root / rel).read_bytes())
        assert record.version == "0.1.0"


def test_second_install_of_same_version_changes_nothing(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    before = snapshot(env.project)
    report = install(env, lint, team)
    assert report.plan.writes == ()
    assert not report.changed
    assert set(actions(report).values()) == {"skip"}
    assert snapshot(env.project) == before


def test_install_refuses_to_overwrite_a_file_the_user_changed(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    mine = env.dirs().agents / "code-reviewer.md"
    mine.write_text(mine.read_text() + "\nMy own extra rule.\n")
    (team / "code-reviewer.md").write_text((team / "code-reviewer.md").read_text() + "\nUpstream change.\n")
    users = mine.read_bytes()
    report = install(env, lint, team)
    assert actions(report)["code-reviewer"] == "conflict"
    assert not report.ok
    assert mine.read_bytes() == users
    # The record still says what we installed, so the file keeps showing as changed.
    assert mf.load(env.dirs().manifest, "project").files["agents/code-reviewer.md"].sha256 != sha256(users)


def test_install_refuses_a_file_it_did_not_install(env: Env, lint: Linter, team: Path) -> None:
    agents = env.dirs().agents
    agents.mkdir(parents=True)
    (agents / "test-writer.md").write_text("---\nname: test-writer\ndescription: mine. Use when x.\n---\nx\n")
    report = install(env, lint, team)
    assert actions(report)["test-writer"] == "conflict"
    assert "not installed by llmeng" in next(e.reason for e in report.plan.entries if e.name == "test-writer")
    assert (agents / "test-writer.md").read_text().endswith("x\n")
    assert actions(report)["code-reviewer"] == "create"  # the rest still installs


def test_force_replaces_a_changed_file_and_keeps_a_backup(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    mine = env.dirs().agents / "code-reviewer.md"
    mine.write_text("---\nname: code-reviewer\ndescription: mine. Use when x.\n---\nmine\n")
    users = mine.read_bytes()
    report = install(env, lint, team, force=True)
    assert actions(report)["code-reviewer"] == "update"
    assert mine.read_bytes() == (team / "code-reviewer.md").read_bytes()
    backups = list(env.dirs().agents.glob("code-reviewer.md.bak-*"))
    assert [b.read_bytes() for b in backups] == [users]
    assert not backups[0].name.endswith(".md")  # Claude Code must not load the backup as an agent


def test_unchanged_installed_file_is_updated_when_the_source_changes(
    env: Env, lint: Linter, team: Path
) -> None:
    install(env, lint, team)
    src = team / "test-writer.md"
    src.write_text(src.read_text() + "\nNew guidance.\n")
    report = install(env, lint, team)
    assert actions(report) == {"code-reviewer": "skip", "test-writer": "update"}
    assert (env.dirs().agents / "test-writer.md").read_bytes() == src.read_bytes()


def test_invalid_agent_is_not_installed_and_the_reason_is_given(env: Env, lint: Linter) -> None:
    report = install(env, lint, FIXTURES / "broken")
    assert actions(report) == {"good-one": "create", "no-description": "invalid"}
    reason = next(e.reason for e in report.plan.entries if e.name == "no-description")
    assert "description" in reason
    assert not (env.dirs().agents / "no-description.md").exists()
    assert not report.ok


def test_name_clash_inside_the_source_installs_neither(env: Env, lint: Linter) -> None:
    report = install(env, lint, FIXTURES / "clash", "twin")
    entries = [e for e in report.plan.entries if e.kind == "agent"]
    assert [e.action for e in entries] == [Action.INVALID, Action.INVALID]
    assert all("also defined in" in e.reason for e in entries)
    assert not env.dirs().agents.exists()


def test_agent_names_become_safe_file_names(env: Env, lint: Linter) -> None:
    report = install(env, lint, FIXTURES / "clash", "*escape*")
    written = [e.path for e in report.plan.entries if e.action is Action.CREATE and e.kind == "agent"]
    assert written == [env.dirs().agents / "escape-me.md"]
    assert written[0].is_file()


def test_duplicate_name_already_in_the_scope_is_refused(env: Env, lint: Linter, team: Path) -> None:
    agents = env.dirs().agents
    agents.mkdir(parents=True)
    (agents / "my-reviewer.md").write_text("---\nname: code-reviewer\ndescription: mine. Use when x.\n---\n")
    report = install(env, lint, team)
    assert actions(report)["code-reviewer"] == "invalid"
    assert "already defines 'code-reviewer'" in report.plan.entries[0].reason
    assert not (agents / "code-reviewer.md").exists()


def test_shadowing_between_scopes_is_reported(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team, scope=Scope.USER)
    other = (env.dirs(Scope.USER),)
    plan = plan_install(request(env.dirs(), team, other=other), lint=lint)
    assert any("project agent 'code-reviewer' shadows the user agent" in n for n in plan.notes)


def test_uninstall_removes_only_unchanged_files_and_keeps_changed_ones(
    env: Env, lint: Linter, team: Path
) -> None:
    install(env, lint, team)
    dirs = env.dirs()
    changed = dirs.agents / "test-writer.md"
    changed.write_text(changed.read_text() + "my note\n")
    foreign = dirs.agents / "mine.md"
    foreign.write_text("---\nname: mine\ndescription: mine. Use when x.\n---\n")
    report = apply(plan_uninstall(dirs))
    assert actions(report) == {"code-reviewer": "remove", "test-writer": "keep"}
    assert not (dirs.agents / "code-reviewer.md").exists()
    assert changed.read_text().endswith("my note\n") and foreign.exists()
    assert not dirs.manifest.exists()
    assert not (dirs.root / "scripts").exists() and not dirs.settings.exists()


def test_install_then_uninstall_restores_the_tree(env: Env, lint: Linter, team: Path) -> None:
    before = snapshot(env.project)
    install(env, lint, team)
    apply(plan_uninstall(env.dirs()))
    assert snapshot(env.project) == before


def test_partial_uninstall_narrows_the_hook_matcher(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    apply(plan_uninstall(env.dirs(), ["test-writer"]))
    settings = json.loads(env.dirs().settings.read_text())
    assert [g["matcher"] for g in settings["hooks"]["SubagentStop"]] == ["^(code-reviewer)$"]


def test_uninstall_of_unknown_name_is_an_error(env: Env, lint: Linter, team: Path) -> None:
    from llmeng.errors import LlmengError

    install(env, lint, team)
    with pytest.raises(LlmengError, match="did not install nope"):
        plan_uninstall(env.dirs(), ["nope"])


def test_flags_off_leave_script_and_settings_alone(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team, components=Components(Want.LEAVE, Want.LEAVE, Want.LEAVE, Want.LEAVE))
    assert not env.dirs().settings.exists()
    assert not (env.dirs().root / "scripts").exists()


def test_user_scope_respects_claude_config_dir(env: Env, lint: Linter, team: Path, tmp_path: Path) -> None:
    env.env["CLAUDE_CONFIG_DIR"] = str(tmp_path / "cfg")
    install(env, lint, team, scope=Scope.USER)
    assert (tmp_path / "cfg/agents/code-reviewer.md").is_file()
    assert not (env.home / ".claude").exists()


def test_update_touches_only_agents_installed_from_that_source(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team, "code-reviewer")
    for f in team.glob("*.md"):
        f.write_text(f.read_text() + "\nchanged\n")
    report = apply(plan_install(request(env.dirs(), team, installed_only=True), lint=lint))
    assert actions(report) == {"code-reviewer": "update"}
    assert not (env.dirs().agents / "test-writer.md").exists()


def test_update_notes_agents_gone_from_the_source(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    (team / "test-writer.md").unlink()
    plan = plan_install(request(env.dirs(), team, installed_only=True), lint=lint)
    assert any("'test-writer' is no longer in the source" in n for n in plan.notes)
    assert (env.dirs().agents / "test-writer.md").exists()


def test_update_says_which_sources_it_did_not_compare(env: Env, lint: Linter, team: Path) -> None:
    install(env, lint, team)
    plan = plan_install(request(env.dirs(), FIXTURES / "broken", installed_only=True), lint=lint)
    assert f"agents installed from {team} were not compared; pass --from {team}" in plan.notes


def test_an_identical_file_llmeng_did_not_write_is_never_adopted(env: Env, lint: Linter, team: Path) -> None:
    agents = env.dirs().agents
    agents.mkdir(parents=True)
    (agents / "test-writer.md").write_bytes((team / "test-writer.md").read_bytes())  # copied by hand
    report = install(env, lint, team)
    assert actions(report)["test-writer"] == "skip"
    assert "agents/test-writer.md" not in mf.load(env.dirs().manifest, "project").files
    apply(plan_uninstall(env.dirs()))
    assert (agents / "test-writer.md").exists()  # uninstall removes only what llmeng wrote
