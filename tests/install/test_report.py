"""llmeng.report.install: text and JSON for install reports, diffs and the inventory.

The renderers are tested here, beside the install tests whose fixtures make the plans.
"""

from __future__ import annotations

from pathlib import Path

from llmeng.install.apply import InstallReport, apply
from llmeng.install.inventory import InstalledAgent
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.sources import Linter
from llmeng.report import install as render

from .support import Env, request


def test_a_dry_run_says_would_and_writes_nothing(env: Env, lint: Linter, team: Path) -> None:
    plan = plan_install(request(env.dirs(), team, "code-reviewer"), lint=lint)
    text = render.report_text(InstallReport(plan, applied=False), env.project, verb="install")
    lines = text.splitlines()
    assert lines[0] == "Would install (project scope, .claude): dry run, nothing written"
    assert "  create   agent    .claude/agents/code-reviewer.md: new" in lines
    assert lines[-1].endswith("file(s) would change.")


def test_an_applied_report_says_what_was_done(env: Env, lint: Linter, team: Path) -> None:
    report = apply(plan_install(request(env.dirs(), team), lint=lint))
    text = render.report_text(report, env.project, verb="install")
    assert text.splitlines()[0] == "Install (project scope, .claude)"
    assert "Agents: 2 installed." in text.splitlines()[-1]


def test_nothing_to_do_is_said_both_ways(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    plan = plan_install(request(env.dirs(), team), lint=lint)
    assert render.summary(plan, dry_run=True).startswith("Nothing to do: 2 agent(s) checked")
    assert render.summary(plan, dry_run=False).startswith("Nothing changed: 2 agent(s) checked")


def test_uninstall_uses_its_verb(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    report = apply(plan_uninstall(env.dirs()))
    assert render.report_text(report, env.project, verb="uninstall").startswith("Uninstall (project scope")


def test_report_json_says_whether_it_was_applied(env: Env, lint: Linter, team: Path) -> None:
    plan = plan_install(request(env.dirs(), team, "code-reviewer"), lint=lint)
    dry = render.report_json(InstallReport(plan, applied=False))
    assert (dry["dry_run"], dry["applied"], dry["changed"], dry["ok"]) == (True, False, False, True)
    assert dry == render.plan_json(plan)
    done = render.report_json(apply(plan, recovered=True))
    assert (done["dry_run"], done["applied"], done["changed"], done["recovered"]) == (False, True, True, True)
    assert done["entries"][0] == {
        "action": "create",
        "kind": "agent",
        "name": "code-reviewer",
        "path": str(env.dirs().agents / "code-reviewer.md"),
        "reason": "new",
    }


def test_diff_text_is_a_unified_diff_against_the_source(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    (team / "code-reviewer.md").write_text((team / "code-reviewer.md").read_text() + "Upstream line.\n")
    plan = plan_install(request(env.dirs(), team, installed_only=True), lint=lint)
    text = render.diff_text(plan, env.project)
    assert "--- a/.claude/agents/code-reviewer.md" in text and "+Upstream line." in text


def test_no_differences_is_said(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    plan = plan_install(request(env.dirs(), team, installed_only=True), lint=lint)
    assert render.diff_text(plan, env.project) == "No differences: installed agents match their source."


def test_inventory_text_shows_origin_state_and_shadowing(tmp_path: Path) -> None:
    ours = InstalledAgent("user", "rev", tmp_path / "u/rev.md", "llmeng", "bundled", "0.1.0", changed=True)
    theirs = InstalledAgent("project", "rev", tmp_path / "p/rev.md", "other", loads=False)
    shadowed = InstalledAgent(
        "user", "x", tmp_path / "u/x.md", "llmeng", "/src/team", "0.1.0", shadowed_by=str(tmp_path / "p/x.md")
    )
    lines = render.inventory_text([ours, theirs, shadowed], tmp_path).splitlines()
    assert lines[0].split() == ["SCOPE", "NAME", "ORIGIN", "VERSION", "STATE"]
    assert lines[1].split() == ["user", "rev", "llmeng:bundled", "0.1.0", "changed"]
    assert lines[2].split() == ["project", "rev", "other", "-", "-,", "does", "not", "load"]
    assert lines[3].endswith("unchanged, shadowed by p/x.md") and "llmeng:team" in lines[3]


def test_inventory_json_keeps_every_field(tmp_path: Path) -> None:
    row = InstalledAgent("plugin", "p:rev", tmp_path / "rev.md", "p@m", loads=False)
    assert render.inventory_json([row]) == [
        {
            "scope": "plugin",
            "name": "p:rev",
            "path": str(tmp_path / "rev.md"),
            "origin": "p@m",
            "source": "",
            "version": "",
            "changed": False,
            "loads": False,
            "shadowed_by": "",
        }
    ]


def test_paths_outside_the_cwd_are_shown_whole(tmp_path: Path) -> None:
    assert render.show(tmp_path / "a/b", tmp_path) == "a/b"
    assert render.show(Path("/elsewhere/x"), tmp_path) == "/elsewhere/x"
