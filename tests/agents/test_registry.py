"""Meta-tests over the registry: ids, fields, a test per rule, and every rule's own examples."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from llmeng.agents.registry import FILE_CHECKS, RULES, SET_CHECKS, get_rule
from llmeng.findings import Severity
from llmeng.rules import Rule

from .conftest import Sandbox, pairs
from .test_regressions import BROKEN_EXAMPLES

TESTS = Path(__file__).resolve().parent.parent
ID = re.compile(r"^AG\d{3}$")
# Examples write invisible characters as escapes so that docs can show them.
ESCAPES = {"\\ufeff": "\ufeff", "\\r": "\r", "\\n": "\n"}


def _plugin(sb: Sandbox) -> str:
    sb.plugin()
    return "plugins/myplug/agents/reviewer.md"


def _project(sb: Sandbox) -> str:
    sb.project()
    return ".claude/agents/reviewer.md"


def _mcp_github(sb: Sandbox) -> str:
    sb.write_json(".mcp.json", {"mcpServers": {"github": {"command": "gh-mcp"}}})
    return "reviewer.md"


# Rules whose examples only mean something in a layout: it returns where the example is written.
SETUP: dict[str, Callable[[Sandbox], str]] = {"AG221": _plugin, "AG306": _mcp_github, "AG406": _project}


def _unescape(text: str) -> str:
    for escaped, char in ESCAPES.items():
        text = text.replace(escaped, char)
    return text


def _examples() -> list[tuple[str, str, str]]:
    out = []
    for rule in RULES:
        for kind in ("bad", "good"):
            text = getattr(rule, kind)
            if not text.startswith("(") and (rule.id, kind) not in BROKEN_EXAMPLES:
                out.append((rule.id, kind, _unescape(text)))
    return out


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule: Rule) -> None:
    assert ID.match(rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    assert rule.category in ("file", "fields", "tools", "references", "content")
    assert rule.id[2] == "12345"[("file", "fields", "tools", "references", "content").index(rule.category)]
    for attr in ("summary", "why", "fix", "bad", "good"):
        assert getattr(rule, attr).strip(), f"{rule.id}.{attr} is empty"
    assert rule.bad != rule.good
    assert rule.active
    assert get_rule(rule.id.lower()) is rule


def test_rule_ids_and_names_are_unique() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert [r.id for r in RULES] == sorted(r.id for r in RULES)


def test_every_rule_has_a_check() -> None:
    from llmeng.agents.rules import content, file, references, tools
    from llmeng.agents.rules.fields import identity, keys, values

    families = (file, identity, values, keys, tools, content)
    registered = {rule.id for fam in families for rule, _ in fam.FILE_CHECKS}
    registered |= {rule.id for rule, _ in references.SET_CHECKS} | {rule.id for rule in file.GUARD_RULES}
    assert registered == {r.id for r in RULES}
    assert FILE_CHECKS and SET_CHECKS


def _test_sources() -> str:
    own = {Path(__file__).name, "test_regressions.py"}
    return "\n".join(p.read_text("utf-8") for p in TESTS.rglob("test_*.py") if p.name not in own)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_is_named_by_a_test(rule: Rule) -> None:
    assert re.search(rf"def test_{rule.id}_", _test_sources()), f"no test_{rule.id}_... function"


@pytest.mark.parametrize(("rule_id", "kind", "text"), _examples(), ids=lambda v: v if len(v) < 8 else "")
def test_rule_examples_fire_or_stay_quiet(sandbox: Sandbox, rule_id: str, kind: str, text: str) -> None:
    rel = SETUP[rule_id](sandbox) if rule_id in SETUP else "reviewer.md"
    found = {rid for _, rid in pairs(sandbox.lint(sandbox.write(rel, text)))}
    if kind == "bad":
        assert rule_id in found
    else:
        assert rule_id not in found


def test_setup_table_is_needed() -> None:
    """Each layout in SETUP is there because the bad example does not fire without it."""
    for rule_id in SETUP:
        rule = get_rule(rule_id)
        assert rule is not None and rule.bad.startswith("---")


@pytest.mark.parametrize("rule_id", sorted(SETUP))
def test_setup_layouts_matter(tmp_path: Path, rule_id: str) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    sandbox = Sandbox(tmp_path / "work", tmp_path / "home")
    rule = get_rule(rule_id)
    assert rule is not None
    found = {rid for _, rid in pairs(sandbox.lint(sandbox.write("reviewer.md", rule.bad)))}
    assert rule_id not in found
