"""Report sections, relative imports, match statements and weak signals."""

from __future__ import annotations

from llmeng.audit import AuditConfig, audit_paths, audit_source
from llmeng.audit.model import AuditResult, Skipped
from llmeng.audit.render import render_markdown
from llmeng.findings import Severity

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


def test_relative_imports_resolve_inside_a_package(tmp_path):
    pkg = tmp_path / "app"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "clients.py").write_text("from openai import OpenAI\nclient = OpenAI(timeout=None)\n")
    (pkg / "use.py").write_text(
        "from .clients import client\n\n\ndef ask(q):\n"
        "    return client.chat.completions.create(model='m', messages=q)\n"
    )
    found = audit_paths([tmp_path]).findings
    assert [f for f in found if f.location.path.endswith("use.py") and f.rule_id == "LLM105"]


def test_bindings_inside_match_and_try_blocks_are_seen():
    code = (
        "from openai import OpenAI\n\n\ndef f(kind, q):\n    match kind:\n        case 'a':\n"
        "            client = OpenAI(timeout=None)\n    return client.chat.completions.create(model='m', messages=q)\n"
    )
    assert "LLM101" in {f.rule_id for f in audit_source(code, "m.py").findings}


def test_a_semaphore_counts_as_a_limiter_only_next_to_llm_calls(tmp_path):
    (tmp_path / "app.py").write_text(CALL)
    (tmp_path / "pool.py").write_text("import asyncio\nsem = asyncio.Semaphore(4)\n")
    assert "LLM108" in {f.rule_id for f in audit_paths([tmp_path]).findings}
    (tmp_path / "app.py").write_text("import asyncio\nsem = asyncio.Semaphore(4)\n" + CALL)
    assert "LLM108" not in {f.rule_id for f in audit_paths([tmp_path]).findings}


def test_severity_override_reaches_the_report():
    result = audit_source(CALL, "a.py", config=AuditConfig(severity={"LLM102": Severity.CRITICAL}))
    assert "## Critical issues" in render_markdown(result)
