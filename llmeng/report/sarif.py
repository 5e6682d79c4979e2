"""SARIF 2.1.0 for any list of findings and the rules they come from (linter and audit alike)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from llmeng import __version__
from llmeng.findings import Finding
from llmeng.report.rules import render_page
from llmeng.rules import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_sarif(
    findings: Iterable[Finding],
    rules: Iterable[Rule],
    *,
    tool: str = "llmeng",
    version: str = __version__,
    information_uri: str | None = None,
    artifacts: Sequence[str] = (),
    artifact_properties: Sequence[Mapping[str, Any]] = (),
    run_properties: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A SARIF log with one run: the rules as the driver's reportingDescriptors, one result per finding.

    `artifact_properties`, when given, holds one property bag per artifact (the linter's verdicts).
    """
    rule_list = list(rules)
    index = {r.id: i for i, r in enumerate(rule_list)}
    driver: dict[str, Any] = {"name": tool, "version": version, "rules": [_descriptor(r) for r in rule_list]}
    if information_uri:
        driver["informationUri"] = information_uri
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "artifacts": [_artifact(a, p) for a, p in zip(artifacts, _padded(artifact_properties, artifacts))],
        "results": [_result(f, index) for f in findings],
    }
    if run_properties:
        run["properties"] = _jsonable(dict(run_properties))
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _padded(properties: Sequence[Mapping[str, Any]], artifacts: Sequence[str]) -> list[Mapping[str, Any]]:
    return [*properties, *([{}] * (len(artifacts) - len(properties)))]


def _artifact(path: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    artifact: dict[str, Any] = {"location": {"uri": _uri(path)}}
    if properties:
        artifact["properties"] = _jsonable(dict(properties))
    return artifact


def dumps(log: dict[str, Any]) -> str:
    """The one way a SARIF log is written, by the linter and the audit alike."""
    return json.dumps(log, indent=2, sort_keys=False, default=str) + "\n"


def _descriptor(rule: Rule) -> dict[str, Any]:
    level = rule.severity.sarif_level
    return {
        "id": rule.id,
        "name": _camel(rule.name),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.fix, "markdown": render_page(rule)},
        "defaultConfiguration": {"level": level, "enabled": rule.active},
        "properties": {"tags": [rule.category], "category": rule.category, "severity": str(rule.severity)},
    }


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": f.severity.sarif_level,
        "message": {"text": f"{f.message}. Fix: {f.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.location.path)},
                    "region": {"startLine": max(1, f.location.line), "startColumn": max(1, f.location.col)},
                }
            }
        ],
        "properties": {
            "severity": str(f.severity),
            "confidence": str(f.confidence),
            "category": f.category,
            "fix": f.fix,
            "evidence": _jsonable(dict(f.evidence)),
            **({"effect": str(f.effect)} if f.effect is not None else {}),
        },
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    return result


def _uri(path: str) -> str:
    # SARIF artifact URIs use forward slashes; relative paths resolve against the run's working directory.
    return path.replace("\\", "/").replace(" ", "%20")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(p.capitalize() for p in rest)
