"""llmeng.rules: one Rule, declared by keyword, and the one way a finding is made from it."""

from __future__ import annotations

import pytest

from llmeng.agents.registry import RULES as AGENT_RULES
from llmeng.audit.registry import RULES as AUDIT_RULES
from llmeng.findings import Confidence, Location, Severity
from llmeng.rules import Rule, finding

RULE = Rule(
    id="XX101",
    name="some-thing",
    severity=Severity.WARNING,
    category="demo",
    summary="s",
    why="w",
    fix="the rule's fix",
    bad="b",
    good="g",
)


def test_rule_is_declared_by_keyword_only() -> None:
    with pytest.raises(TypeError):
        Rule("XX101", "some-thing", Severity.WARNING, "demo", "s", "w", "f", "b", "g")  # type: ignore[misc]


def test_finding_takes_severity_category_and_fix_from_the_rule() -> None:
    f = finding(RULE, Location("a.md", 3, 2), "message", evidence={"k": 1})
    assert (f.rule_id, f.severity, f.category, f.fix) == ("XX101", Severity.WARNING, "demo", "the rule's fix")
    assert (f.message, f.location, f.confidence, dict(f.evidence)) == (
        "message",
        Location("a.md", 3, 2),
        Confidence.HIGH,
        {"k": 1},
    )


def test_finding_overrides_fix_severity_and_confidence_when_given() -> None:
    f = finding(
        RULE,
        Location("a.md"),
        "m",
        fix="a fix for this case",
        severity=Severity.ERROR,
        confidence=Confidence.LOW,
    )
    assert (f.fix, f.severity, f.confidence, dict(f.evidence)) == (
        "a fix for this case",
        Severity.ERROR,
        Confidence.LOW,
        {},
    )


def test_finding_copies_its_evidence() -> None:
    evidence = {"k": 1}
    f = finding(RULE, Location("a.md"), "m", evidence=evidence)
    evidence["k"] = 2
    assert f.evidence == {"k": 1}


def test_both_families_share_the_one_rule_type() -> None:
    assert all(type(r) is Rule for r in (*AGENT_RULES, *AUDIT_RULES))
    assert not {r.id for r in AGENT_RULES} & {r.id for r in AUDIT_RULES}
