"""The audit report: sections in severity order, assumed versions, skips and parse errors."""

from __future__ import annotations

from llmeng.audit import AuditConfig, audit_source
from llmeng.audit.model import AuditResult, Skipped
from llmeng.findings import Severity
from llmeng.report.audit import render_markdown

CALL = "from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n"


def test_markdown_lists_assumed_versions_skips_and_parse_errors():
    result = AuditResult(
        (),
        3,
        10,
        skipped=(Skipped("a.bin", "binary"),),
        parse_errors=(Skipped("b.py", "line 1: SyntaxError"),),
        pins={"openai": "1.2.3"},
    )
    text = render_markdown(result)
    assert "## SDK versions assumed\n\n- openai==1.2.3" in text
    assert "## Skipped files\n\n- `a.bin`: binary" in text
    assert "## Files that could not be parsed\n\n- `b.py`: line 1: SyntaxError" in text
    assert "No gaps found" in text


def test_markdown_sections_follow_severity_order():
    text = render_markdown(
        audit_source(
            "from openai import OpenAI\n"
            "OpenAI(api_key='sk-proj-Q8vN2mK7xR4tL9wB3cJ6hF1pZ5sD0gYe')"  # llmeng: ignore
            ".chat.completions.create(model='m', messages=[])\n",
            "x.py",
        )
    )
    order = [
        text.index(h)
        for h in (
            "## Critical issues (fix before production)",
            "## High priority",
            "## Medium priority",
            "## Low priority",
        )
    ]
    assert order == sorted(order)


def test_severity_override_reaches_the_report():
    result = audit_source(CALL, "a.py", config=AuditConfig(severity={"LLM102": Severity.CRITICAL}))
    assert "## Critical issues" in render_markdown(result)
