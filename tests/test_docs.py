"""The docs are generated from the code; these tests fail when they drift apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmeng.cli import COMMANDS, cli, main

REPO = Path(__file__).resolve().parent.parent


def test_rule_reference_is_generated_from_the_registries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    generated = capsys.readouterr().out
    assert (REPO / "docs" / "rules.md").read_text("utf-8") == generated, (
        "docs/rules.md is stale: run `llmeng rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    import click

    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help, f"{name} has no help"
    assert "Example:" in command.help, f"{name}'s help has no Example: block"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_appears_in_the_readme(name: str) -> None:
    assert f"llmeng {name}" in (REPO / "README.md").read_text("utf-8")


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    from llmeng.agents.registry import RULES
    from llmeng.report.rules import render_table

    readme = (REPO / "README.md").read_text("utf-8")
    start = readme.index("<!-- rules:start")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- rules:end -->")]
    assert table == render_table(RULES), "README rule table is stale: regenerate it from `llmeng rules`"


def test_readme_audit_rule_table_is_generated_from_the_registry() -> None:
    from llmeng.audit.registry import RULES
    from llmeng.report.rules import render_table

    readme = (REPO / "README.md").read_text("utf-8")
    start = readme.index("<!-- audit-rules:start")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- audit-rules:end -->")]
    assert table == render_table(RULES), "README audit rule table is stale: regenerate it from `llmeng rules`"


def test_the_repositorys_own_claude_setup_matches_the_bundled_team() -> None:
    # .claude/ is built with `llmeng install`; after editing agents/, run `llmeng update` here.
    installed = {p.name: p.read_bytes() for p in (REPO / ".claude" / "agents").glob("*.md")}
    bundled = {p.name: p.read_bytes() for p in (REPO / "agents").glob("*.md")}
    assert installed == bundled, "run `llmeng update` in the repository root"
