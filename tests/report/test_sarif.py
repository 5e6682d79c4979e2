"""SARIF 2.1.0 rendering of hand-made findings and rules."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from llmeng import __version__
from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.report.sarif import render_sarif
from llmeng.rules import Rule

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json").read_text())


def _rule(rule_id: str, severity: Severity, category: str = "fields") -> Rule:
    return Rule(
        id=rule_id,
        name=f"rule-{rule_id.lower()}",
        severity=severity,
        category=category,
        summary=f"{rule_id} summary",
        why=f"{rule_id} why",
        fix=f"{rule_id} fix",
        bad="---\nbad: ```x```\n---\n",
        good="---\ngood\n---\n",
        sources=("a source",),
    )


RULES = [
    _rule("AG001", Severity.ERROR),
    _rule("AG002", Severity.WARNING, "tools"),
    _rule("AG003", Severity.INFO, "content"),
]


def _finding(
    rule_id: str,
    severity: Severity,
    *,
    path: str = "agents/a.md",
    line: int = 3,
    col: int = 2,
    evidence: dict | None = None,
    category: str = "fields",
) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=f"{rule_id} fired",
        location=Location(path, line, col),
        fix=f"do {rule_id}",
        category=category,
        confidence=Confidence.MEDIUM,
        evidence=evidence or {},
    )


def test_log_is_valid_sarif_2_1_0() -> None:
    findings = [
        _finding("AG001", Severity.ERROR),
        _finding("AG002", Severity.WARNING, category="tools"),
        _finding("AG003", Severity.INFO, category="content"),
    ]
    log = render_sarif(findings, RULES, artifacts=["agents/a.md"])
    jsonschema.validate(log, SCHEMA)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    json.dumps(log)


def test_rules_become_reporting_descriptors() -> None:
    driver = render_sarif([], RULES)["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("llmeng", __version__)
    first = driver["rules"][0]
    assert first["id"] == "AG001" and first["name"] == "ruleAg001"
    assert first["shortDescription"] == {"text": "AG001 summary"}
    assert first["fullDescription"] == {"text": "AG001 why"}
    assert first["help"]["text"] == "AG001 fix"
    assert first["help"]["markdown"].startswith("### AG001 rule-ag001")
    assert "````" in first["help"]["markdown"]  # the example holds ``` so the fence grows
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == ["error", "warning", "note"]
    assert [r["properties"]["category"] for r in driver["rules"]] == ["fields", "tools", "content"]


def test_result_fields() -> None:
    (result,) = render_sarif([_finding("AG002", Severity.WARNING, category="tools")], RULES)["runs"][0][
        "results"
    ]
    assert result["ruleId"] == "AG002"
    assert result["ruleIndex"] == 1
    assert result["level"] == "warning"
    assert result["message"]["text"] == "AG002 fired. Fix: do AG002"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "agents/a.md"
    assert location["region"] == {"startLine": 3, "startColumn": 2}
    assert result["properties"] == {
        "category": "tools",
        "severity": "warning",
        "confidence": "medium",
        "fix": "do AG002",
        "evidence": {},
    }


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
    ],
)
def test_audit_severities_map_to_sarif_levels(severity: Severity, level: str) -> None:
    log = render_sarif([_finding("LLM101", severity)], [])
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"][0]["level"] == level


def test_finding_without_a_known_rule_has_no_rule_index() -> None:
    log = render_sarif([_finding("XX999", Severity.ERROR)], RULES)
    jsonschema.validate(log, SCHEMA)
    assert "ruleIndex" not in log["runs"][0]["results"][0]


def test_lines_and_columns_below_one_are_clamped() -> None:
    log = render_sarif([_finding("AG001", Severity.ERROR, line=0, col=-4)], RULES)
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }


def test_windows_paths_become_uris_with_slashes() -> None:
    log = render_sarif(
        [_finding("AG001", Severity.ERROR, path="agents\\sub\\a.md")], RULES, artifacts=["agents\\sub\\a.md"]
    )
    run = log["runs"][0]
    assert (
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "agents/sub/a.md"
    )
    assert run["artifacts"] == [{"location": {"uri": "agents/sub/a.md"}}]


def test_evidence_is_made_json_safe() -> None:
    evidence = {
        "configured": frozenset({"mcp__a"}),
        "tokens": 12,
        "path": Path("x/y"),
        3: (1, None, 2.5),
        "nested": {"set": {"b"}},
    }
    log = render_sarif([_finding("AG001", Severity.ERROR, evidence=evidence)], RULES)
    jsonschema.validate(log, SCHEMA)
    props = log["runs"][0]["results"][0]["properties"]["evidence"]
    assert props == {
        "configured": ["mcp__a"],
        "tokens": 12,
        "path": "x/y",
        "3": [1, None, 2.5],
        "nested": {"set": ["b"]},
    }
    json.dumps(log)


def test_empty_log_is_valid() -> None:
    log = render_sarif([], [])
    jsonschema.validate(log, SCHEMA)
    assert log["runs"][0]["results"] == [] and log["runs"][0]["artifacts"] == []


def test_custom_tool_name() -> None:
    assert render_sarif([], RULES, tool="llmeng-audit")["runs"][0]["tool"]["driver"]["name"] == "llmeng-audit"
