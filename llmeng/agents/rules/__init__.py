"""Agent-file rule families. Each module exports FILE_CHECKS and/or SET_CHECKS: (Rule, check) pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.rules import Rule

FileCheck = Callable[[AgentDoc, LintContext], Iterable[Finding]]
SetCheck = Callable[[LintContext], Iterable[Finding]]
SRC_REF = "project reference claude-code.md (Claude Code 2.1.330, run offline)"


def rule_factory(category: str, sources: tuple[str, ...]) -> Callable[..., Rule]:
    """A Rule constructor for one family: its category and default sources filled in."""

    def make(
        id: str,
        name: str,
        severity: Severity,
        summary: str,
        why: str,
        bad: str,
        good: str,
        fix: str,
        **kw: Any,
    ) -> Rule:
        return Rule(
            id=id,
            name=name,
            severity=severity,
            category=category,
            summary=summary,
            why=why,
            bad=bad,
            good=good,
            fix=fix,
            sources=kw.pop("sources", sources),
            **kw,
        )

    return make


def finding(
    rule: Rule,
    doc: AgentDoc,
    message: str,
    *,
    line: int | None = None,
    col: int = 1,
    key: str | None = None,
    fix: str | None = None,
    confidence: Confidence = Confidence.HIGH,
    evidence: Mapping[str, Any] | None = None,
) -> Finding:
    """A finding of `rule` in `doc`, anchored at `line`, or at `key` in the frontmatter."""
    if line is None:
        line, col = _key_position(doc, key)
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=Location(doc.display, line, col),
        fix=fix or rule.fix,
        category=rule.category,
        confidence=confidence,
        evidence=evidence or {},
    )


def _key_position(doc: AgentDoc, key: str | None) -> tuple[int, int]:
    parsed = doc.parsed
    if parsed is None:
        return 1, 1
    if key is not None and key in parsed.positions:
        return parsed.positions[key]
    return (parsed.fm_line, 1) if parsed.has_frontmatter else (1, 1)
