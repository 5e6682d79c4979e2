"""Code blocks are the ones markdown-it-py finds with its fence, code and paragraph rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from llmeng.agents.blocks import code_blocks

_REFERENCE = MarkdownIt("zero").enable(["fence", "code"]).disable("inline")
# Lines built from the pieces that decide a block: indentation, fences, blank lines, text.
_LINE = st.lists(
    st.sampled_from(["", " ", "  ", "    ", "\t", "```", "~~~", "````", "`", "~", "bash", "x", "-", " `x`"]),
    max_size=5,
).map("".join)


def _text(content: str) -> str:
    # Where a tab is only partly indentation, markdown-it keeps the rest as spaces; the checks read
    # words, so leading whitespace is not compared.
    return "\n".join(line.strip(" \t") for line in content.split("\n")).strip("\n")


def _reference(text: str) -> list[tuple[int, int, bool, str]]:
    return [
        (t.map[0], t.map[1], t.type == "fence", _text(t.content))
        for t in _REFERENCE.parse(text)
        if t.type in ("fence", "code_block") and t.map is not None
    ]


def _ours(text: str) -> list[tuple[int, int, bool, str]]:
    return [(b.start, b.end, b.fenced, _text(b.content)) for b in code_blocks(text.split("\n"))]


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=14), st.booleans())
def test_blocks_match_markdown_it(lines: list[str], final_newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert _ours(text) == _reference(text)


def test_fence_info_indented_code_and_paragraph_continuation() -> None:
    text = "Run:\n```bash\npytest\n```\n\n    indented code\n\ntext\n    lazy continuation\n"
    blocks = list(code_blocks(text.split("\n")))
    assert [(b.start, b.end, b.info, b.content) for b in blocks] == [
        (1, 4, "bash", "pytest\n"),
        (5, 6, "", "indented code"),
    ]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    (block,) = code_blocks(["```", "code", "more"])
    assert (block.start, block.end, block.content) == (0, 3, "code\nmore")
