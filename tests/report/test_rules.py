"""llmeng.report.rules: the markdown rule reference."""

from __future__ import annotations

from llmeng.findings import Severity
from llmeng.report.rules import render_page, render_reference, render_table
from llmeng.rules import Rule

RULE = Rule(
    id="XX101",
    name="some-thing",
    severity=Severity.HIGH,
    category="demo",
    summary="Flags a thing.",
    why="Because.",
    fix="Do the other thing.",
    bad="x = ```fenced```",
    good="y = 1",
    sources=("a source", "another"),
    fixable=True,
)
REMOVED = Rule(
    id="XX102",
    name="old-thing",
    severity=Severity.LOW,
    category="demo",
    summary="Gone.",
    why="w",
    fix="f",
    bad="b",
    good="g",
    removed_in="0.2.0",
)


def test_table_has_one_row_per_rule_and_marks_removed_ones() -> None:
    lines = render_table([RULE, REMOVED]).splitlines()
    assert lines[2] == "| XX101 | some-thing | high | demo | Flags a thing. |"
    assert lines[3] == "| XX102 | old-thing (removed in 0.2.0) | low | demo | Gone. |"
    assert len(lines) == 4


def test_page_fences_examples_that_hold_backticks_with_a_longer_fence() -> None:
    page = render_page(RULE)
    assert page.startswith("### XX101 some-thing\n")
    assert "*Autofix:* yes" in page
    assert "````\nx = ```fenced```\n````\n" in page
    assert "```\ny = 1\n```\n" in page
    assert "**Sources:** a source; another" in page


def test_page_without_sources_or_autofix_says_neither() -> None:
    page = render_page(REMOVED)
    assert "Sources" not in page and "Autofix" not in page


def test_reference_is_the_table_then_one_page_per_rule() -> None:
    ref = render_reference("Title", "Intro.", iter([RULE, REMOVED]))
    assert ref.startswith("# Title\n\nIntro.\n")
    assert ref.index(render_table([RULE, REMOVED])) < ref.index("## Rules") < ref.index("### XX101")
    assert ref.index("### XX101") < ref.index("### XX102")
    assert ref.endswith("\n") and not ref.endswith("\n\n")
