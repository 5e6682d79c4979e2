"""Agent-file rule families. Each module exports FILE_CHECKS and/or SET_CHECKS: (Rule, check) pairs.

Here: the check signatures, and doc_finding, which locates a finding in an agent file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.findings import Confidence, Finding, Location, Severity, Verdict
from llmeng.rules import Rule, finding

FileCheck = Callable[[AgentDoc, LintContext], Iterable[Finding]]
SetCheck = Callable[[LintContext], Iterable[Finding]]
SRC_REF = "project reference claude-code.md (Claude Code 2.1.330, run offline)"


def doc_finding(
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
    effect: Verdict | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of `rule` in `doc`, anchored at `line`, or at `key` in the frontmatter."""
    if line is None:
        line, col = _key_position(doc, key)
    return finding(
        rule,
        Location(doc.display, line, col),
        message,
        evidence=evidence,
        fix=fix,
        confidence=confidence,
        effect=effect,
        severity=severity,
    )


def _key_position(doc: AgentDoc, key: str | None) -> tuple[int, int]:
    parsed = doc.parsed
    if parsed is None:
        return 1, 1
    if key is not None and key in parsed.positions:
        return parsed.positions[key]
    return (parsed.fm_line, 1) if parsed.has_frontmatter else (1, 1)
