"""The linter's renderings: text, JSON, and SARIF written by the same writer as the audit's."""

from __future__ import annotations

import json
from pathlib import Path

from llmeng.agents.lint import lint_paths
from llmeng.report import agents, audit
from llmeng.report.sarif import dumps

BROKEN = "---\nname: broken\ndescription: Reviews diffs.\ntools: Read\nhooks: []\n---\nBody.\n"


def _result(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "broken.md").write_text(BROKEN)
    return lint_paths([tmp_path], env={}, cwd=tmp_path, home=tmp_path / "home")


def test_each_format_renders_the_same_result(tmp_path: Path) -> None:
    result = _result(tmp_path)
    assert "broken.md: not loaded\n" in agents.render(result, "text")
    data = json.loads(agents.render(result, "json"))
    assert data["summary"]["errors"] == 1 and data["files"][0]["verdict"] == "not loaded"
    sarif = json.loads(agents.render(result, "sarif"))
    assert sarif["runs"][0]["artifacts"] == [
        {"location": {"uri": "broken.md"}, "properties": {"verdict": "not loaded"}}
    ]
    assert sarif["runs"][0]["results"][0]["properties"]["effect"] == "not loaded"


def test_linter_and_audit_sarif_come_out_of_one_writer(tmp_path: Path) -> None:
    from llmeng.audit import audit_source

    lint_text = agents.render(_result(tmp_path), "sarif")
    found = audit_source(
        "from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n"
    )
    audit_text = audit.render(found, found.findings, "sarif")
    for text in (lint_text, audit_text):
        assert text == dumps(json.loads(text))
