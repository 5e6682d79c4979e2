"""Text renderings of an AuditResult: the llm-ml-engineer's markdown report, and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from llmeng.audit.model import AuditResult
from llmeng.findings import Finding, Severity

_SECTIONS = (
    ("Critical issues (fix before production)", (Severity.CRITICAL,)),
    ("High priority", (Severity.HIGH,)),
    ("Medium priority", (Severity.MEDIUM,)),
    ("Low priority", (Severity.LOW,)),
)


def render_markdown(result: AuditResult, findings: Sequence[Finding] | None = None) -> str:
    """The audit report: findings grouped by severity, each with file:line, evidence and the fix."""
    shown = result.findings if findings is None else findings
    out = [
        "# LLM integration audit",
        "",
        (
            f"Scanned {_count(result.files_scanned, 'file')} ({_count(result.lines_scanned, 'line')}): "
            f"{_count(len(shown), 'finding')}."
        ),
        "",
    ]
    for title, levels in _SECTIONS:
        group = [f for f in shown if f.severity in levels]
        if not group:
            continue
        out += [f"## {title}", ""]
        out += [_item(f) for f in group]
        out.append("")
    if not shown:
        out += ["No gaps found at or above the requested severity.", ""]
    out += _notes(result)
    return "\n".join(out).rstrip() + "\n"


def _item(f: Finding) -> str:
    ev = f.evidence
    detail = []
    for key in ("client", "timeout", "attempts", "retry_wrapper", "sink", "source", "worst_case"):
        value = ev.get(key)
        if isinstance(value, dict):
            value = f"{value.get('value')} ({value.get('origin')})"
        if value and value != "none found":
            detail.append(f"{key}: {value}")
    extra = f"\n  - evidence: {'; '.join(detail)}" if detail else ""
    return (
        f"- **{f.rule_id}** `{f.location.path}:{f.location.line}` {f.message} "
        f"(confidence {f.confidence}){extra}\n  - fix: {f.fix}"
    )


def _notes(result: AuditResult) -> list[str]:
    out = []
    if result.pins:
        out += (
            ["## SDK versions assumed", ""] + [f"- {k}=={v}" for k, v in sorted(result.pins.items())] + [""]
        )
    if result.parse_errors:
        out += ["## Files that could not be parsed", ""]
        out += [f"- `{s.path}`: {s.reason}" for s in result.parse_errors] + [""]
    if result.skipped:
        out += ["## Skipped files", ""] + [f"- `{s.path}`: {s.reason}" for s in result.skipped] + [""]
    return out


def render_json(result: AuditResult, findings: Sequence[Finding] | None = None) -> str:
    data = result.to_dict()
    if findings is not None:
        data["findings"] = [f.to_dict() for f in findings]
    return json.dumps(data, indent=2, default=str) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")
