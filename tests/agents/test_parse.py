"""Splitting and parsing frontmatter: strict, then lenient as Claude Code retries, with line numbers."""

from __future__ import annotations

from llmeng.agents.parse import lenient_text, parse_agent, split_frontmatter
from llmeng.agents.spec import load_spec

SPEC = load_spec()


def test_split_reports_first_lines_of_frontmatter_and_body() -> None:
    fm, fm_line, body, body_line, mid = split_frontmatter("---\nname: x\n---\nBody\n", SPEC) or ()
    assert (fm, fm_line, body, body_line, mid) == ("name: x\n", 2, "Body\n", 4, False)


def test_split_ends_at_the_first_dashes_even_mid_line() -> None:
    fm, _, body, _, mid = split_frontmatter("---\ndescription: a---b\n---\n", SPEC) or ()
    assert (fm, mid) == ("description: a", True)
    assert body.startswith("b\n")


def test_no_frontmatter_unless_the_file_starts_with_dashes() -> None:
    assert split_frontmatter("\n---\nname: x\n---\n", SPEC) is None
    assert not parse_agent("# Title\n", SPEC).has_frontmatter


def test_strict_yaml_keeps_key_positions() -> None:
    parsed = parse_agent("---\nname: x\ndescription: d\n  \ntools: Read\n---\n", SPEC)
    assert parsed.strict_ok
    assert parsed.positions == {"name": (2, 1), "description": (3, 1), "tools": (5, 1)}


def test_lenient_retry_quotes_values_with_colon_space() -> None:
    parsed = parse_agent("---\nname: x\ndescription: Use when: asked\n---\n", SPEC)
    assert parsed.strict_error is not None and parsed.strict_error.line == 3
    assert parsed.lenient_ok
    assert parsed.data == {"name": "x", "description": "Use when: asked"}


def test_lenient_text_leaves_quoted_values_and_block_scalars_alone() -> None:
    fm = "a: 'x: y'\nb: |\n  c: d\ne: f & g\n\tt: 1"
    assert lenient_text(fm, SPEC) == "a: 'x: y'\nb: |\n  c: d\ne: \"f & g\"\n  t: 1"


def test_both_parses_failing_leaves_no_data() -> None:
    parsed = parse_agent("---\nname: [x\n  y: {\n---\n", SPEC)
    assert parsed.data is None and not parsed.lenient_ok and parsed.strict_error is not None


def test_empty_frontmatter_is_an_empty_mapping() -> None:
    parsed = parse_agent("---\n---\nBody\n", SPEC)
    assert parsed.data == {} and parsed.strict_ok


def test_scalar_frontmatter_is_not_a_mapping() -> None:
    assert parse_agent("---\n42\n---\n", SPEC).not_mapping


def test_python_tags_are_refused_not_constructed() -> None:
    parsed = parse_agent("---\nname: !!python/object/apply:os.getcwd []\n---\n", SPEC)
    assert parsed.strict_error is not None
    assert "constructor" in parsed.strict_error.message
