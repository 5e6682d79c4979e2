"""Renderings of an AuditResult: the llm-ml-engineer's markdown report, JSON and SARIF."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmeng import __version__
from llmeng.audit.model import AuditResult
from llmeng.audit.registry import RULES
from llmeng.findings import Finding, Severity
from llmeng.report.sarif import dumps, render_sarif

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


def render(result: AuditResult, findings: Sequence[Finding], fmt: str) -> str:
    """The report in `fmt`: markdown, json or sarif."""
    if fmt == "json":
        return render_json(result, findings)
    if fmt == "sarif":
        return dumps(render_sarif(findings, RULES, tool="llmeng-audit", version=__version__))
    return render_markdown(result, findings)


def render_json(result: AuditResult, findings: Sequence[Finding] | None = None) -> str:
    return json.dumps(as_dict(result, findings), indent=2, default=str) + "\n"


def as_dict(
    result: AuditResult, findings: Sequence[Finding] | None = None, *, root: Path | None = None
) -> dict[str, Any]:
    """The result as plain data; with `root`, paths under it are made relative to it."""
    data: dict[str, Any] = result.to_dict()
    data["findings"] = [f.to_dict() for f in (result.findings if findings is None else findings)]
    if root is not None:
        for key in ("findings", "skipped", "parse_errors"):
            data[key] = [{**item, "path": _relative(item["path"], root)} for item in data[key]]
    return data


def _relative(path: str, root: Path) -> str:
    p = Path(path)
    return p.relative_to(root).as_posix() if p.is_absolute() and p.is_relative_to(root) else path


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")
