"""Relative imports, match statements and weak signals."""

from __future__ import annotations

from llmeng.audit import audit_paths, audit_source

CALL = "from openai import OpenAI\nOpenAI().chat.completions.create(model='m', messages=[])\n"


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


def test_a_semaphore_counts_as_a_limiter_only_around_llm_calls(tmp_path):
    (tmp_path / "app.py").write_text("import asyncio\nsem = asyncio.Semaphore(4)\n" + CALL)
    assert "LLM108" in {f.rule_id for f in audit_paths([tmp_path]).findings}
    (tmp_path / "app.py").write_text(
        "import asyncio\nfrom openai import AsyncOpenAI\nsem = asyncio.Semaphore(4)\n\n\n"
        "async def ask(q):\n    async with sem:\n"
        "        return await AsyncOpenAI().chat.completions.create(model='m', messages=q)\n"
    )
    assert "LLM108" not in {f.rule_id for f in audit_paths([tmp_path]).findings}
