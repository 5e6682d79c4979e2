"""The audit's view of the model catalog (LLM302-LLM304), on the bundled snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from llmeng.audit.catalog import CatalogLookup
from llmeng.audit.engine import audit_paths
from llmeng.audit.model import AuditConfig


def test_known_model_carries_its_limits_and_retirement() -> None:
    facts = CatalogLookup()("gpt-4", "openai")
    assert facts is not None and facts.known
    assert facts.max_output_tokens == 4096
    assert facts.deprecation_date == date(2026, 10, 23)


def test_typo_in_a_covered_provider_is_unknown() -> None:
    assert CatalogLookup()("gtp-4o", "openai") == CatalogLookup()("gtp-4o", "openai")
    facts = CatalogLookup()("gtp-4o", "openai")
    assert facts is not None and not facts.known


def test_providers_the_catalog_does_not_cover_are_not_called_unknown() -> None:
    lookup = CatalogLookup()
    assert lookup("llama3", "ollama") is None
    assert lookup("ollama/llama3", "litellm") is None


def test_router_model_strings_name_their_provider() -> None:
    lookup = CatalogLookup()
    bare = lookup("gpt-4o", "litellm")
    prefixed = lookup("gemini/gemini-does-not-exist", "litellm")
    assert bare is not None and bare.known
    assert prefixed is not None and not prefixed.known


def test_catalog_rules_fire_through_audit_paths(tmp_path: Path) -> None:
    src = tmp_path / "app.py"
    src.write_text(
        "from openai import OpenAI\n"
        "client = OpenAI(timeout=20)\n"
        "def ask(q):\n"
        "    return client.chat.completions.create(model='gpt-4', messages=[], max_tokens=99999)\n"
        "def ask2(q):\n"
        "    return client.chat.completions.create(model='gtp-4o', messages=[], max_tokens=10)\n"
    )
    result = audit_paths([str(src)], config=AuditConfig(today=date(2026, 11, 22)), catalog=CatalogLookup())
    got = {
        (f.location.line, f.rule_id) for f in result.findings if f.rule_id in ("LLM302", "LLM303", "LLM304")
    }
    assert got == {(4, "LLM302"), (4, "LLM303"), (6, "LLM304")}
