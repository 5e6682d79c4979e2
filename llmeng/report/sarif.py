"""SARIF 2.1.0 for any list of findings and the rules they come from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from llmeng import __version__
from llmeng.findings import Finding
from llmeng.rules import Rule, render_page

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/llmeng/llmeng"


def render_sarif(findings: Iterable[Finding], rules: Sequence[Rule], *, tool: str = "llmeng",
                 artifacts: Sequence[str] = ()) -> dict[str, Any]:
    """A SARIF log with one run: every rule as a reportingDescriptor, every finding as a result."""
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": tool, "version": __version__, "informationUri": INFORMATION_URI,
                "rules": [_descriptor(r) for r in rules],
            }},
            "artifacts": [{"location": {"uri": _uri(a)}} for a in artifacts],
            "results": [_result(f, index) for f in findings],
            "columnKind": "unicodeCodePoints",
        }],
    }


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.fix, "markdown": render_page(rule)},
        "defaultConfiguration": {"level": rule.severity.sarif_level},
        "properties": {"category": rule.category, "severity": str(rule.severity),
                       "tags": [rule.category]},
    }


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": f.severity.sarif_level,
        "message": {"text": f"{f.message}. Fix: {f.fix}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _uri(f.location.path)},
            "region": {"startLine": max(1, f.location.line), "startColumn": max(1, f.location.col)},
        }}],
        "properties": {"category": f.category, "severity": str(f.severity), "confidence": str(f.confidence),
                       "fix": f.fix, "evidence": _jsonable(dict(f.evidence))},
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    return result


def _uri(path: str) -> str:
    return path.replace("\\", "/")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
