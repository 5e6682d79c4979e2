"""Every rule against its fixture files: (line, id) pairs must match the `# expect:` markers exactly."""

from __future__ import annotations

import pytest

from llmeng.audit.registry import CATALOG_RULES, RULES

from .support import FIXTURES, expected, fake_lookup, fired

CASES = sorted(p for p in FIXTURES.glob("LLM*.py"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_fires_exactly_on_expected_lines(path):
    rule_id = path.stem.split("_")[0]
    catalog = fake_lookup if rule_id in CATALOG_RULES else None
    assert fired(path, rule_id, catalog=catalog) == expected(path, rule_id)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_a_fixture_with_positive_and_negative_cases(rule):
    path = FIXTURES / f"{rule.id}.py"
    assert path.is_file()
    text = "\n".join(p.read_text() for p in FIXTURES.glob(f"{rule.id}*.py"))
    assert expected(path, rule.id), "the fixture must mark at least one line that fires"
    assert "# OK" in text, "the fixture must hold cases that must not fire"


@pytest.mark.parametrize("rule_id", sorted(CATALOG_RULES))
def test_catalog_rules_do_not_fire_without_a_catalog(rule_id):
    assert fired(FIXTURES / f"{rule_id}.py", rule_id) == set()
