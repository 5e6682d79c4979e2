"""The SARIF renderer: generic over findings and rules, shaped as SARIF 2.1.0 requires."""

from __future__ import annotations

import json

import jsonschema

from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.report.sarif import dumps, render_sarif
from llmeng.rules import Rule

RULE = Rule(
    id="XX101",
    name="some-thing",
    severity=Severity.HIGH,
    category="demo",
    summary="s",
    why="w",
    fix="f",
    bad="b",
    good="g",
)
OTHER = Rule(
    id="XX201",
    name="other",
    severity=Severity.LOW,
    category="demo",
    summary="s2",
    why="w2",
    fix="f2",
    bad="b",
    good="g",
    removed_in="0.2.0",
)

# The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) this renderer must satisfy,
# restated here because tests run offline.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {
                                                            "enum": ["none", "note", "warning", "error"]
                                                        }
                                                    },
                                                }
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "message": {"type": "object", "required": ["text"]},
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "properties": {"uri": {"type": "string"}},
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1},
                                                            "startColumn": {"type": "integer", "minimum": 1},
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def _finding(rule_id: str, severity: Severity, line: int = 3) -> Finding:
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message="m",
        location=Location("src/a b.py", line, 5),
        fix="do x",
        category="demo",
        confidence=Confidence.MEDIUM,
        evidence={"k": {"v": 1}},
    )


def test_log_validates_and_round_trips_through_json():
    log = render_sarif(
        [_finding("XX101", Severity.HIGH), _finding("XX201", Severity.LOW, 0)],
        [RULE, OTHER],
        tool="t",
        version="1.2.3",
        information_uri="https://example.invalid/t",
    )
    jsonschema.validate(json.loads(dumps(log)), SARIF_SUBSET)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "t" and driver["version"] == "1.2.3" and driver["informationUri"]


def test_results_point_at_their_rule_and_carry_level_location_and_evidence():
    log = render_sarif([_finding("XX201", Severity.LOW), _finding("XX101", Severity.HIGH)], [RULE, OTHER])
    first, second = log["runs"][0]["results"]
    assert first["ruleIndex"] == 1 and first["level"] == "note"
    assert second["ruleIndex"] == 0 and second["level"] == "error"
    loc = second["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/a%20b.py"
    assert loc["region"] == {"startLine": 3, "startColumn": 5}
    assert second["properties"]["evidence"] == {"k": {"v": 1}} and "do x" in second["message"]["text"]


def test_rule_descriptors_carry_docs_and_status():
    rules = render_sarif([], [RULE, OTHER])["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["name"] == "someThing" and rules[0]["defaultConfiguration"] == {
        "level": "error",
        "enabled": True,
    }
    assert rules[1]["defaultConfiguration"]["enabled"] is False
    assert "XX101" in rules[0]["help"]["markdown"]


def test_unknown_rule_ids_have_no_rule_index_and_line_zero_is_clamped():
    result = render_sarif([_finding("ZZ999", Severity.MEDIUM, 0)], [RULE])["runs"][0]["results"][0]
    assert "ruleIndex" not in result
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
