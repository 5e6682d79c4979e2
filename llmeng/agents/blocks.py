"""Code blocks in a markdown body: fenced (``` or ~~~) and indented, as CommonMark finds them.

This is the part of a markdown parser the body checks need (markdown-it-py with only its `fence`,
`code` and `paragraph` block rules gives the same blocks; tests/agents/test_blocks.py compares
them). A line scan costs a tenth of the parser's time per body, which was the largest share of a
validation run on real collections (benchmarks/bench_validate_collections.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

FENCE_CHARS = "`~"
CODE_INDENT = 4


@dataclass(frozen=True)
class CodeBlock:
    start: int  # first line (0-based) of the block, its opening fence included
    end: int  # one past its last line, the closing fence included
    info: str  # a fence's info string ("bash"); "" for indented code
    content: str  # the code, without the fences and without the block's indentation
    fenced: bool


def code_blocks(lines: Sequence[str]) -> Iterator[CodeBlock]:
    """The code blocks of a body given as its lines (without line ends)."""
    # A body that ends with a newline splits into one more, empty, "line" that is not a line; nor is a
    # last line of only spaces and tabs (markdown-it never closes it). Either way the line before it
    # ends with a newline.
    ends_with_newline = bool(lines) and lines[-1].strip(" \t") == ""
    if ends_with_newline:
        lines = lines[:-1]
    i, n = 0, len(lines)
    while i < n:
        cols, pos = _indent(lines[i])
        if _blank(lines[i], pos):
            i += 1
        elif cols >= CODE_INDENT:
            block = _indented(lines, i)
            yield block
            i = block.end
        elif (fence := _opening(lines[i], pos)) is not None:
            block = _fenced(lines, i, cols, *fence, ends_with_newline=ends_with_newline)
            yield block
            i = block.end
        else:
            i = _paragraph_end(lines, i + 1)


def _indent(line: str) -> tuple[int, int]:
    """(columns of leading spaces and tabs, a tab reaching the next multiple of 4; index after them)."""
    pos = len(line) - len(line.lstrip(" \t"))
    if "\t" not in line[:pos]:
        return pos, pos
    cols = pos = 0
    for ch in line:
        if ch == " ":
            cols += 1
        elif ch == "\t":
            cols += 4 - cols % 4
        else:
            break
        pos += 1
    return cols, pos


def _blank(line: str, pos: int) -> bool:
    return pos >= len(line) or (line[pos] == "\r" and line[pos:].strip(" \t\r") == "")


def _opening(line: str, pos: int) -> tuple[str, int, str] | None:
    """(fence character, its count, info string) when `line` opens a fence."""
    marker = line[pos : pos + 1]
    if not marker or marker not in FENCE_CHARS:
        return None
    count = len(line) - pos - len(line[pos:].lstrip(marker))
    info = line[pos + count :].rstrip("\r")
    if count < 3 or (marker == "`" and "`" in info):
        return None
    return marker, count, info


def _fenced(
    lines: Sequence[str],
    start: int,
    indent: int,
    marker: str,
    count: int,
    info: str,
    *,
    ends_with_newline: bool,
) -> CodeBlock:
    end = start + 1
    closed = False
    while end < len(lines):
        cols, pos = _indent(lines[end])
        rest = lines[end][pos:].rstrip("\r")
        run = len(rest) - len(rest.lstrip(marker))
        if cols < CODE_INDENT and run >= count and rest[run:].strip(" \t") == "":
            closed = True
            break
        end += 1
    body = [_dedent(line, indent) for line in lines[start + 1 : end]]
    newline = "\n" if body and (closed or ends_with_newline) else ""
    return CodeBlock(start, end + closed, info, "\n".join(body) + newline, fenced=True)


def _indented(lines: Sequence[str], start: int) -> CodeBlock:
    last = start + 1
    for j in range(start + 1, len(lines)):
        cols, pos = _indent(lines[j])
        if cols >= CODE_INDENT and not _blank(lines[j], pos):
            last = j + 1
        elif not _blank(lines[j], pos):
            break
    body = [_dedent(line, CODE_INDENT) for line in lines[start:last]]
    return CodeBlock(start, last, "", "\n".join(body), fenced=False)


def _paragraph_end(lines: Sequence[str], i: int) -> int:
    """The line after a paragraph's last: a blank line or a fence ends it; indented lines continue it."""
    while i < len(lines):
        line = lines[i]
        # Most lines start with text: only a blank line or one that may open a fence needs a look.
        first = line[:1]
        if not first or first in _LOOK_CLOSER:
            cols, pos = _indent(line)
            if _blank(line, pos) or (cols < CODE_INDENT and _opening(line, pos) is not None):
                return i
        i += 1
    return i


# A line starting with anything else has no indentation, is not blank and opens no fence.
_LOOK_CLOSER = " \t\r" + FENCE_CHARS


def _dedent(line: str, columns: int) -> str:
    """`line` with up to `columns` columns of leading indentation taken off."""
    cols = pos = 0
    while pos < len(line) and cols < columns and line[pos] in " \t":
        cols += 1 if line[pos] == " " else 4 - cols % 4
        pos += 1
    return line[pos:].rstrip("\r")
