"""Clients followed across modules (flow.py): tests/fixtures/audit/flow is audited as one project."""

from __future__ import annotations

import re

import pytest

from llmeng.audit import audit_paths

from .support import FIXTURES

PROJECT = FIXTURES / "flow"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def _expected(rule: str) -> set[tuple[str, int]]:
    out = set()
    for path in PROJECT.rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            m = _EXPECT.search(line)
            if m and rule in {i.strip() for i in m.group(1).split(",")}:
                out.add((path.relative_to(PROJECT).as_posix(), number))
    return out


@pytest.fixture(scope="module")
def findings():
    return audit_paths([PROJECT]).findings


@pytest.mark.parametrize("rule", ["LLM101", "LLM102", "LLM103"])
def test_clients_built_in_one_module_are_judged_where_they_are_called(findings, rule):
    fired = {
        (str(f.location.path).removeprefix(str(PROJECT) + "/"), f.location.line)
        for f in findings
        if f.rule_id == rule
    }
    assert fired == _expected(rule)


def test_calls_on_objects_that_hold_no_client_are_not_sites(findings):
    sites = {(f.location.path.rsplit("/", 1)[-1], f.location.line) for f in findings if f.rule_id == "LLM106"}
    assert ("main.py", 16) in sites and not {("main.py", 21), ("agents.py", 25)} & sites


def test_evidence_names_the_path_the_client_took(findings):
    [f] = [f for f in findings if f.rule_id == "LLM101" and f.location.path.endswith("agents.py")]
    assert "ChatOpenAI() at line 12, passed to Service(model)" in f.evidence["client"]
    assert "held by Service.model" in f.evidence["client"]


def test_a_file_naming_no_sdk_is_read_when_it_uses_a_client_factory(tmp_path):
    (tmp_path / "factory.py").write_text(
        "from langchain_ollama import ChatOllama\n\n\nclass Holder:\n    def __init__(self):\n"
        "        self.llm = ChatOllama(model='llama3')\n\n\ndef make_holder():\n    return Holder()\n"
    )
    (tmp_path / "use.py").write_text(
        "from factory import make_holder\n\n\ndef ask(q):\n    return make_holder().llm.invoke(q)\n"
    )
    found = {
        (f.location.path.rsplit("/", 1)[-1], f.location.line, f.rule_id)
        for f in audit_paths([tmp_path]).findings
    }
    assert ("use.py", 5, "LLM101") in found
