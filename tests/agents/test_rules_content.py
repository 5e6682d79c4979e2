"""AG5xx: instructions a Claude Code subagent cannot follow."""

from __future__ import annotations

import pytest

from llmeng.findings import Confidence

from .conftest import Sandbox, agent


def test_AG501_context_manager_query(sandbox: Sandbox) -> None:
    assert sandbox.check_fixture("AG501-context-manager.md") == {(8, "AG501")}


def test_AG501_protocol_json_in_a_code_block(sandbox: Sandbox) -> None:
    body = 'Send:\n\n```json\n{"requesting_agent": "reviewer", "request_type": "get_context"}\n```\n'
    assert sandbox.check(agent(body=body)) == {(9, "AG501")}


def test_AG501_reported_once_with_medium_confidence(sandbox: Sandbox) -> None:
    body = "Query the context manager.\nLater, query context manager again.\n"
    result = sandbox.lint(sandbox.write("reviewer.md", agent(body=body)))
    assert [(f.location.line, f.rule_id, f.confidence) for f in result.findings] == [
        (6, "AG501", Confidence.MEDIUM)
    ]


def test_AG501_reading_files_is_clean(sandbox: Sandbox) -> None:
    body = "First, read the README and the request you were given.\nManage context by summarising.\n"
    assert sandbox.check(agent(body=body)) == set()


def test_AG502_wait_for_confirmation(sandbox: Sandbox) -> None:
    assert sandbox.check_fixture("AG502-wait-for-confirmation.md") == {(8, "AG502")}


@pytest.mark.parametrize(
    "phrase", ["Wait for the user's approval before editing.", "wait until they reply with the answer"]
)
def test_AG502_other_ways_to_wait(sandbox: Sandbox, phrase: str) -> None:
    assert sandbox.check(agent(body=f"You review diffs.\n{phrase}\n")) == {(7, "AG502")}


@pytest.mark.parametrize(
    "phrase",
    [
        "Do not wait for confirmation; proceed.",
        "Never wait for approval from the user.",
        "State your assumptions in the report and proceed.",
        "Wait for the tests to finish.",
    ],
)
def test_AG502_negated_or_unrelated_waiting_is_clean(sandbox: Sandbox, phrase: str) -> None:
    assert sandbox.check(agent(body=f"You review diffs.\n{phrase}\n")) == set()
