"""Rule metadata, shared by the agent linter and the audit, and the docs rendered from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from llmeng.findings import Severity


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: Severity
    category: str
    summary: str
    why: str
    fix: str
    bad: str
    good: str
    since: str = "0.1.0"
    sources: tuple[str, ...] = ()
    fixable: bool = False
    removed_in: str | None = None

    @property
    def active(self) -> bool:
        return self.removed_in is None


def render_table(rules: Iterable[Rule]) -> str:
    """A markdown table of the rules, one row each."""
    lines = ["| id | name | severity | category | summary |", "|---|---|---|---|---|"]
    for r in rules:
        name = f"{r.name} (removed in {r.removed_in})" if r.removed_in else r.name
        lines.append(f"| {r.id} | {name} | {r.severity} | {r.category} | {r.summary} |")
    return "\n".join(lines) + "\n"


def render_page(rule: Rule) -> str:
    """The markdown reference page of one rule."""
    parts = [
        f"### {rule.id} {rule.name}",
        "",
        f"*Severity:* {rule.severity} · *Category:* {rule.category} · *Since:* {rule.since}"
        + (" · *Autofix:* yes" if rule.fixable else ""),
        "",
        rule.summary,
        "",
        "**Why it matters.** " + rule.why,
        "",
        "**Example that fires:**",
        "",
        _fence(rule.bad),
        "**Instead:**",
        "",
        _fence(rule.good),
        "**Fix.** " + rule.fix,
        "",
    ]
    if rule.sources:
        parts += ["**Sources:** " + "; ".join(rule.sources), ""]
    return "\n".join(parts)


def _fence(text: str) -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}\n{text.rstrip()}\n{fence}\n"
