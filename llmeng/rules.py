"""Rule metadata, and the one way a finding is made from a rule: shared by the agent linter and the audit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmeng.findings import Confidence, Finding, Location, Severity, Verdict


# kw_only: a rule reads as a form (id=..., why=..., fix=...), the same in every family.
@dataclass(frozen=True, kw_only=True)
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
    # Agent rules: what Claude Code does with a file this rule fires on (None: it loads and starts).
    effect: Verdict | None = None

    @property
    def active(self) -> bool:
        return self.removed_in is None


def finding(
    rule: Rule,
    location: Location,
    message: str,
    *,
    evidence: Mapping[str, Any] | None = None,
    fix: str | None = None,
    confidence: Confidence = Confidence.HIGH,
    severity: Severity | None = None,
    effect: Verdict | None = None,
) -> Finding:
    """A finding of `rule` at `location`; severity, category, fix and effect come from the rule unless
    given. `effect=Verdict.LOADED` says that here, unlike usually, the file still loads."""
    return Finding(
        rule_id=rule.id,
        severity=severity or rule.severity,
        message=message,
        location=location,
        fix=fix or rule.fix,
        category=rule.category,
        confidence=confidence,
        evidence=dict(evidence or {}),
        effect=_effect(effect or rule.effect),
    )


def _effect(effect: Verdict | None) -> Verdict | None:
    return None if effect is Verdict.LOADED else effect
