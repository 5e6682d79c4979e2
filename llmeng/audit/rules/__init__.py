"""What every audit rule check receives, and where its findings are located (a call site or the project)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from llmeng.audit.callgraph import Mitigations
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import CallSite, ModelLookup, Secret, Setting
from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.rules import Rule, finding

CALL, PROJECT, FILE = "call", "project", "file"


@dataclass(frozen=True)
class ProjectFacts:
    knowledge: Knowledge
    signals: Mapping[str, str]
    sites: tuple[CallSite, ...]
    secrets: tuple[tuple[str, Secret], ...] = ()
    lookup: ModelLookup | None = None
    today: date | None = None
    # Breakers and limiters connected to LLM calls ("breaker", "limit" -> where), see guards.py.
    guards: Mapping[str, str] = field(default_factory=dict)

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


def call_finding(
    rule: Rule,
    site: CallSite,
    message: str,
    evidence: Mapping[str, Any],
    confidence: Confidence | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding of `rule` at an LLM call site, as sure as the site's resolution unless told otherwise."""
    return finding(
        rule,
        Location(site.path, site.line, site.col),
        message,
        evidence=evidence,
        confidence=confidence or site.confidence,
        severity=severity,
    )


def project_finding(rule: Rule, project: ProjectFacts, message: str, evidence: Mapping[str, Any]) -> Finding:
    """A finding about the whole project, anchored at its first LLM call."""
    anchor = project.anchor
    assert anchor is not None  # project rules run only when the tree has LLM calls
    return finding(
        rule,
        Location(anchor.path, anchor.line, anchor.col),
        message,
        evidence={"scope": "project", "llm_calls": len(project.sites), **evidence},
        confidence=Confidence.MEDIUM,
    )


def as_shipped(setting: Setting) -> Confidence | None:
    """Medium confidence for a setting the configuration may change (a default it ships, an opaque **kwargs)."""
    return Confidence.MEDIUM if setting.unless else None


def origin(setting: Setting) -> str:
    """Where a setting came from, and what would change it: "not set; unless `kw` sets `max_tokens`"."""
    return f"{setting.origin}; unless {setting.unless}" if setting.unless else setting.origin


def seconds(setting: Setting) -> str:
    return "none (waits forever)" if setting.value is None else f"{setting.value:g} s"
