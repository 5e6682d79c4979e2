"""The install commands through main([...]): exit codes, text and JSON output, dry-run writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmeng.cli import main
from llmeng.install.sources import Linter

from .support import Env, snapshot

DEADLINE_S = 120.0  # how long to wait for the watch on a busy machine; never how long it takes


@pytest.fixture
def cli(env: Env, lint: Linter, monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setenv("HOME", str(env.home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(env.project)
    monkeypatch.setattr("llmeng.install.api.default_linter", lambda **kw: lint)
    # Whether this test run's llmeng is on PATH must not change the output (test_launch.py covers it).
    monkeypatch.setattr("llmeng.install.api.running_programs", lambda *a, **kw: None)
    return env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_dry_run_writes_nothing_and_prints_the_plan(cli: Env, team: Path, capsys) -> None:
    before = snapshot(cli.project, cli.home)
    code, out = run(capsys, "install", "--from", str(team), "--all", "--dry-run")
    assert code == 0
    assert snapshot(cli.project, cli.home) == before
    assert "dry run, nothing written" in out
    assert "create   agent    .claude/agents/code-reviewer.md" in out


def test_dry_run_json_matches_what_install_then_does(cli: Env, team: Path, capsys) -> None:
    _, dry = run(capsys, "install", "--from", str(team), "--all", "--dry-run", "--json")
    _, real = run(capsys, "install", "--from", str(team), "--all", "--json")
    planned, done = json.loads(dry), json.loads(real)
    assert planned["dry_run"] and not planned["applied"]
    assert done["applied"] and done["changed"]
    assert planned["entries"] == done["entries"]


def test_second_install_says_nothing_changed(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    code, out = run(capsys, "install", "--from", str(team), "--all")
    assert code == 0
    assert "Nothing changed" in out


def test_conflict_exits_1_and_names_the_fix(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    (cli.project / ".claude/agents/test-writer.md").write_text("mine")
    code, out = run(capsys, "install", "--from", str(team), "--all")
    assert code == 1
    assert "--force" in out


def test_from_without_names_is_a_usage_error(cli: Env, team: Path, capsys) -> None:
    code, out = run(capsys, "install", "--from", str(team))
    assert code == 2
    assert "--all" in out


def test_target_with_user_scope_is_a_usage_error(cli: Env, team: Path, capsys) -> None:
    code, _ = run(capsys, "install", "--from", str(team), "--all", "--scope", "user", "--target", ".")
    assert code == 2


def test_invalid_settings_json_exits_2_with_fix(cli: Env, team: Path, capsys) -> None:
    (cli.project / ".claude").mkdir()
    (cli.project / ".claude/settings.json").write_text("{oops")
    code, out = run(capsys, "install", "--from", str(team), "--all")
    assert code == 2
    assert "not valid JSON" in out and "fix:" in out
    assert not (cli.project / ".claude/agents").exists()


def test_list_shows_every_scope_and_shadowing(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    run(capsys, "install", "--from", str(team), "code-reviewer", "--scope", "user")
    (cli.project / ".claude/agents/test-writer.md").write_text(
        (cli.project / ".claude/agents/test-writer.md").read_text() + "edit\n"
    )
    code, out = run(capsys, "list", "--json")
    rows = {(r["scope"], r["name"]): r for r in json.loads(out)}
    assert code == 0
    assert rows[("project", "test-writer")]["changed"] is True
    assert rows[("project", "code-reviewer")]["origin"] == "llmeng"
    assert rows[("user", "code-reviewer")]["shadowed_by"].endswith(".claude/agents/code-reviewer.md")
    assert rows[("project", "code-reviewer")]["shadowed_by"] == ""
    _, text = run(capsys, "list")
    assert "shadowed by .claude/agents/code-reviewer.md" in text


def test_diff_then_update(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    (team / "code-reviewer.md").write_text((team / "code-reviewer.md").read_text() + "Upstream line.\n")
    code, out = run(capsys, "diff", "--from", str(team))
    assert code == 0
    assert "+Upstream line." in out
    code, out = run(capsys, "update", "--from", str(team))
    assert code == 0 and "1 updated" in out
    _, out = run(capsys, "diff", "--from", str(team))
    assert "No differences" in out


def test_uninstall_keeps_changed_files_and_lists_them(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    edited = cli.project / ".claude/agents/test-writer.md"
    edited.write_text(edited.read_text() + "mine\n")
    code, out = run(capsys, "uninstall")
    assert code == 0
    assert "keep     agent    .claude/agents/test-writer.md: changed since install" in out
    assert edited.exists() and not (cli.project / ".claude/agents/code-reviewer.md").exists()


def test_uninstall_dry_run_writes_nothing(cli: Env, team: Path, capsys) -> None:
    run(capsys, "install", "--from", str(team), "--all")
    before = snapshot(cli.project, cli.home)
    code, out = run(capsys, "uninstall", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"]
    assert snapshot(cli.project, cli.home) == before


@pytest.mark.parametrize("command", ["install", "uninstall", "list", "diff", "update"])
def test_every_command_has_help_with_an_example(command: str, capsys) -> None:
    code, out = run(capsys, command, "--help")
    assert code == 0 and "Example:" in out


def test_missing_validator_is_an_error_with_a_fix(
    cli: Env, team: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_validator(**kw: object) -> None:
        raise ImportError("llmeng.agents.lint")

    monkeypatch.setattr("llmeng.install.api.default_linter", no_validator)
    code, out = run(capsys, "install", "--from", str(team), "--all")
    assert code == 2 and "validator is not available" in out


def test_watch_flag_runs_until_interrupted(
    cli: Env, team: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("llmeng.install.watch.watch_dir", interrupted)
    code, out = run(capsys, "install", "--from", str(team), "--all", "--watch")
    assert code == 0 and "stopped watching" in out
    assert (cli.project / ".claude/agents/code-reviewer.md").exists()


def test_watch_without_from_is_a_usage_error(cli: Env, capsys) -> None:
    code, out = run(capsys, "install", "--watch")
    assert code == 2 and "--watch needs --from" in out


def test_default_source_is_the_bundled_team(cli: Env, capsys) -> None:
    code, out = run(capsys, "install", "--all", "--json")
    names = sorted(e["name"] for e in json.loads(out)["entries"] if e["kind"] == "agent")
    assert code == 0
    assert names == [
        "llm-architect",
        "llm-cost-optimizer",
        "llm-ml-engineer",
        "llm-prompt-engineer",
        "vector-search-engineer",
    ]
    assert sorted(p.name for p in (cli.project / ".claude/agents").iterdir()) == [f"{n}.md" for n in names]


def test_missing_target_or_source_folder_is_a_usage_error(cli: Env, team: Path, capsys) -> None:
    code, out = run(capsys, "install", "--target", str(cli.project / "nope"))
    assert code == 2 and "does not exist" in out
    code, out = run(capsys, "install", "--from", str(cli.project / "nope"), "--all")
    assert code == 2 and "does not exist" in out
    assert not (cli.project / "nope").exists()


def test_bundled_install_sets_up_the_session_script_and_hook(cli: Env, capsys) -> None:
    code, _ = run(capsys, "install", "--no-mcp")
    script = cli.project / ".claude/scripts/update-active-session.sh"
    assert code == 0 and script.stat().st_mode & 0o777 == 0o755
    assert script.read_bytes().startswith(b"#!/usr/bin/env bash")
    settings = json.loads((cli.project / ".claude/settings.json").read_text())
    assert settings["hooks"]["SubagentStop"][0]["matcher"].startswith("^(llm-architect|")


def test_watch_with_dry_run_is_refused_before_writing(cli: Env, team: Path, capsys) -> None:
    code, out = run(capsys, "install", "--from", str(team), "--all", "--watch", "--dry-run")
    assert code == 2 and "cannot be a --dry-run" in out and "fix:" in out
    assert not (cli.project / ".claude").exists()


def test_watch_prints_a_failed_run_and_goes_on(
    cli: Env, team: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = cli.project / ".claude/settings.json"

    def two_saves(directory: Path, on_change, *, stop: object) -> None:
        settings.write_text("{broken")
        on_change()  # fails: printed, not raised
        settings.unlink()
        on_change()

    monkeypatch.setattr("llmeng.install.watch.watch_dir", two_saves)
    code, out = run(capsys, "install", "--from", str(team), "--all", "--watch")
    assert code == 0
    assert "error: " in out and "not valid JSON" in out and "fix:" in out
    assert out.count("Install (project scope") == 2
