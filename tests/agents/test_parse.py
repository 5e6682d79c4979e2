"""Splitting and parsing frontmatter: strict, then lenient as Claude Code retries, with line numbers."""

from __future__ import annotations

import pytest

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


def test_lenient_text_leaves_quoted_values_alone_and_quotes_block_indicators_as_claude_code_does() -> None:
    # Claude Code quotes `|` too, so a block scalar in a file that needs the retry breaks the retry.
    fm = "a: 'x: y'\nb: |\n  c: d\ne: f & g\n\tt: 1"
    assert lenient_text(fm, SPEC) == 'a: \'x: y\'\nb: "|"\n  c: d\ne: "f & g"\n  t: 1'


@pytest.mark.parametrize(
    ("line", "loads_as"),
    [
        ('tools: ["Read", "Grep"]', ["Read", "Grep"]),
        ("tools: [Read, Grep]", ["Read", "Grep"]),
        ("tools: ['Read', 'Grep']", ["Read", "Grep"]),
        ('tools: [Read, "Bash(git status:*)"]', ["Read", "Bash(git status:*)"]),
        ('tools: "Read, Grep"', "Read, Grep"),
        ("tools: [Read, Grep", "[Read, Grep"),
        ("tools: Read # and: more", "Read # and: more"),
        ('description: "Quoted" then: more', '"Quoted" then: more'),
        ("description: a\tb: c", "a\tb: c"),
        ("description: Use when: x   ", "Use when: x   "),
    ],
)
def test_lenient_retry_gives_what_claude_code_loads(line: str, loads_as: object) -> None:
    # Each case was loaded by Claude Code 2.1.330 (tests/e2e/test_loader_facts_e2e.py): the first line
    # needs the retry, the second is the line under test.
    parsed = parse_agent(f"---\nname: x\nnote: Use when: asked\n{line}\n---\nBody.\n", SPEC)
    key = line.split(":", 1)[0]
    assert parsed.lenient_ok and parsed.data is not None and parsed.data[key] == loads_as


@pytest.mark.parametrize(
    "lines",
    [
        "tools: 'Read', 'Grep'",
        'tools: "Read", "Grep"',
        "description: |\n  Block text",
        "x1: Use when: x",
        "description: Use when: x\n  continued",
    ],
)
def test_lenient_retry_fails_where_claude_code_fails(lines: str) -> None:
    parsed = parse_agent(f"---\nname: x\nnote: Use when: asked\n{lines}\n---\nBody.\n", SPEC)
    assert parsed.data is None and not parsed.lenient_ok


def test_a_crlf_line_is_never_rewritten() -> None:
    crlf = "---\r\nname: x\r\ndescription: Use when: x\r\n---\r\nBody.\r\n"
    assert parse_agent(crlf, SPEC).data is None
    assert parse_agent(crlf.replace("\r\n", "\n"), SPEC).lenient_ok


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


def test_a_control_character_with_the_pure_python_loader_is_invalid_yaml() -> None:
    # Deep nesting switches to the pure-Python loader, which refuses `\x1f` when it is made.
    parsed = parse_agent("---\nname: \x1f\nname: " + "[" * 600 + "\n---\nBody.\n", SPEC)
    assert parsed.data is None and parsed.strict_error is not None
