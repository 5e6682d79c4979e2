"""LLM401: no tracing or usage logging of LLM calls anywhere in the project."""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.audit.rules import PROJECT, AuditCheck, ProjectFacts, project_finding
from llmeng.findings import Finding, Severity
from llmeng.rules import Rule

NO_OBSERVABILITY = Rule(
    id="LLM401",
    name="no-observability",
    severity=Severity.MEDIUM,
    category="observability",
    summary="No tracing or usage logging of LLM calls exists anywhere in the project.",
    why="Without traces or token counts you cannot see latency, failures, cost or quality regressions in "
    "production, nor debug a bad answer after the fact.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=9)",
    good="from langfuse.openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', "
    "messages=[], max_tokens=9)",
    fix="Trace the calls (langfuse, langsmith, OpenTelemetry/openllmetry, logfire, phoenix) or at least log "
    "response.usage per call.",
    sources=("shared/reference/llm-sdk-defaults.md section 5 (Observability row)",),
)


def no_observability(project: ProjectFacts) -> Iterator[Finding]:
    if "observability" in project.signals or "usage" in project.signals:
        return
    yield project_finding(NO_OBSERVABILITY, project, "no tracing or usage logging of LLM calls", {})


CHECKS = (AuditCheck(NO_OBSERVABILITY, PROJECT, no_observability),)
