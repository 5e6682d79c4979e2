"""What every audit rule check receives, and the one way a finding is built."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from llmeng.audit.callgraph import Mitigations
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import CallSite, ModelLookup, Secret, Setting
from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.rules import Rule

CALL, PROJECT, FILE = "call", "project", "file"


@dataclass(frozen=True)
class ProjectFacts:
    knowledge: Knowledge
    signals: Mapping[str, str]
    sites: tuple[CallSite, ...]
    secrets: tuple[tuple[str, Secret], ...] = ()
    lookup: ModelLookup | None = None
    today: date | None = None

    @property
    def anchor(self) -> CallSite | None:
        """Project findings are anchored at the first LLM call (by path, then line)."""
        return min(self.sites, key=lambda s: (s.path, s.line)) if self.sites else None


@dataclass(frozen=True)
class CallView:
    site: CallSite
    mit: Mitigations
    project: ProjectFacts


@dataclass(frozen=True)
class AuditCheck:
    rule: Rule
    scope: str
    check: Callable[[Any], Iterator[Finding]]


def call_evidence(site: CallSite, **extra: Any) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "call": site.call,
        "end_line": site.end_line,
        "sdk": site.sdk,
        "provider": site.provider,
        "client": site.via,
        "timeout": site.timeout.to_dict(),
        "attempts": site.attempts.to_dict(),
    }
    if site.model:
        evidence["model"] = site.model
    evidence.update({k: v for k, v in extra.items() if v is not None})
    return evidence


def finding(
    rule: Rule,
    site: CallSite,
    message: str,
    evidence: Mapping[str, Any],
    confidence: Confidence | None = None,
    severity: Severity | None = None,
) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=severity or rule.severity,
        message=message,
        location=Location(site.path, site.line, site.col),
        fix=rule.fix,
        category=rule.category,
        confidence=confidence or site.confidence,
        evidence=dict(evidence),
    )


def project_finding(rule: Rule, project: ProjectFacts, message: str, evidence: Mapping[str, Any]) -> Finding:
    anchor = project.anchor
    assert anchor is not None  # project rules run only when the tree has LLM calls
    return Finding(
        rule_id=rule.id,
        severity=rule.severity,
        message=message,
        location=Location(anchor.path, anchor.line, anchor.col),
        fix=rule.fix,
        category=rule.category,
        confidence=Confidence.MEDIUM,
        evidence={"scope": "project", "llm_calls": len(project.sites), **evidence},
    )


def seconds(setting: Setting) -> str:
    return "none (waits forever)" if setting.value is None else f"{setting.value:g} s"
