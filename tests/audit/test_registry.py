"""The rule catalogue is data: unique ids matching the contract, every field filled, docs that execute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llmeng.audit import AuditConfig, audit_source
from llmeng.audit.registry import CATALOG_RULES, CHECKS, RULES, get_rule

REPO = Path(__file__).resolve().parents[2]
# The audit's rule contract, copied into the repository so that every clone can check against it.
CONTRACT = REPO / "tests" / "data" / "audit-rules.md"


def test_registry_lists_exactly_the_contract_ids_names_and_severities():
    text = CONTRACT.read_text("utf-8")
    rows = re.findall(r"^\| (LLM\d{3}) \| ([a-z-]+) \| [a-z ]+ \| (\w+) \|", text, re.MULTILINE)
    # Every table row must parse: a row the pattern skips would silently drop a rule from the check.
    assert rows and len(rows) == text.count("\n| LLM"), "rule rows in tests/data/audit-rules.md"
    assert [(r.id, r.name, str(r.severity)) for r in RULES] == [(i, n, s) for i, n, s in rows]


def test_ids_are_unique_and_well_formed():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"LLM[1-4]\d\d", i) for i in ids)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_field_is_filled(rule):
    for field in ("name", "summary", "why", "fix", "bad", "good", "category"):
        assert getattr(rule, field).strip(), field
    assert rule.sources


def _fires(code: str, rule_id: str) -> bool:
    catalog = _doc_catalog if rule_id in CATALOG_RULES else None
    result = audit_source(code, "example.py", config=AuditConfig(), catalog=catalog)
    assert not result.parse_errors, result.parse_errors
    return any(f.rule_id == rule_id for f in result.findings)


def _doc_catalog(model: str, provider: str | None):
    # The docs' examples name real models; this fake catalog knows the ones they use.
    from datetime import date

    from .support import FakeFacts

    facts = {
        "gpt-4o": FakeFacts(True, 16384),
        "gpt-4o-mini": FakeFacts(True, 16384),
        "gpt-4-0314": FakeFacts(True, 8192, date(2024, 6, 13)),
    }
    return facts.get(model)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_bad_example_fires_and_good_example_does_not(rule):
    assert _fires(rule.bad, rule.id), "the documented bad example must fire"
    assert not _fires(rule.good, rule.id), "the documented good example must not fire"


def test_rule_by_id_is_case_insensitive_and_checks_have_scopes():
    assert get_rule("llm101") is RULES[0]
    assert get_rule("LLM999") is None
    assert {c.scope for c in CHECKS} == {"call", "project", "file"}


def test_docs_page_lists_every_rule_as_the_registry_renders_it():
    from llmeng.report.rules import render_table

    page = (REPO / "docs" / "audit.md").read_text()
    assert render_table(RULES).strip() in page
