"""`llmeng rules` and `llmeng explain`: the rule reference, from the registries."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # the registries load when a rule is shown, not for `llmeng --help`
    from llmeng.agents.api import Rule

INTRO = (
    "Every rule llmeng checks, generated from its rule registries. Agent-file rules (AG) say whether "
    "Claude Code will not load an agent (error), loads it but drops or ignores something (warning), or "
    "give advice (info). `llmeng explain <ID>` prints one rule."
)


def _all_rules() -> list[Rule]:
    from llmeng.agents import api as agents
    from llmeng.audit import api as audit

    return [*agents.rules(), *audit.rules()]


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
    help="table: one line per rule; markdown: the full reference; json.",
)
def rules(fmt: str) -> int:
    """List every rule: id, name, severity, category and what it flags.

    \b
    Example:
      llmeng rules
      llmeng rules --format json | jq '.[] | select(.severity == "error")'
      llmeng rules --format markdown > docs/rules.md
    """
    from llmeng.report.rules import render_reference, render_table

    found = _all_rules()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "name": r.name,
                        "severity": str(r.severity),
                        "category": r.category,
                        "summary": r.summary,
                        "fix": r.fix,
                        "fixable": r.fixable,
                    }
                    for r in found
                ],
                indent=2,
            )
        )
    elif fmt == "markdown":
        click.echo(render_reference("llmeng rule reference", INTRO, found), nl=False)
    else:
        click.echo(render_table(found), nl=False)
    return 0


@click.command()
@click.argument("rule_id")
def explain(rule_id: str) -> int:
    """Explain one rule: what it flags, why it matters, an example, and the fix.

    \b
    Example:
      llmeng explain AG301
    """
    from llmeng.report.rules import render_page

    for rule in _all_rules():
        if rule.id == rule_id.upper() or rule.name == rule_id.lower():
            click.echo(render_page(rule), nl=False)
            return 0
    raise click.UsageError(f"no rule {rule_id!r}; `llmeng rules` lists them all")
