"""The whole-text parser `show` used before it streamed (commit 3c1cf2b), kept as the test oracle.

It decodes the whole file, splits it into a list of lines and pairs the markers afterwards; the
streaming scan in `llmeng/sessions/parse.py` must give the same `SessionLog` on any input.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from llmeng.sessions.entries import BEGIN_RE, CLOSED_RE, END_RE, SESSION_MARK, block_crc, decode_body
from llmeng.sessions.parse import Entry, SessionLog

_FIELD_RE = re.compile(r"([A-Za-z]+): (.*)")


def parse_before_streaming(text: str) -> SessionLog:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    mark = next((i for i, line in enumerate(lines) if line == SESSION_MARK), None)
    head = "\n".join(lines[:mark]) if mark is not None else ""
    title, fields = _header(MarkdownIt("commonmark").parse(head))
    markers: list[tuple[int, str, re.Match[str]]] = []
    problems: list[str] = []
    inside = False
    for lineno in range(mark + 1 if mark is not None else 0, len(lines)):
        line = lines[lineno]
        if not line.startswith("<!-- llmeng:"):
            if line.strip() and not inside:
                problems.append(f"line {lineno + 1}: text outside any entry (a hand edit?)")
            continue
        found = _marker(line)
        if found is None:
            problems.append(f"line {lineno + 1}: damaged marker (writer killed mid-write?)")
            continue
        markers.append((lineno, *found))
        inside = found[0] != "end"
    entries, closed = _pair(markers, lines, problems)
    return SessionLog(title, fields, tuple(entries), closed, tuple(problems))


def _marker(line: str) -> tuple[str, re.Match[str]] | None:
    for kind, regex in (("begin", BEGIN_RE), ("end", END_RE), ("closed", CLOSED_RE)):
        m = regex.fullmatch(line)
        if m:
            return kind, m
    return None


def _header(tokens: list) -> tuple[str, dict[str, str]]:  # type: ignore[type-arg]
    title = ""
    fields: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if token.type == "html_block" and token.content.strip() == SESSION_MARK:
            break
        if token.type == "heading_open" and token.tag == "h1" and not title:
            title = tokens[i + 1].content
        elif token.type == "inline" and token.level == 3:
            m = _FIELD_RE.fullmatch(token.content)
            if m:
                fields[m.group(1).lower()] = m.group(2)
    return title, fields


def _pair(
    markers: list[tuple[int, str, re.Match[str]]], lines: list[str], problems: list[str]
) -> tuple[list[Entry], str | None]:
    entries: list[Entry] = []
    closed = None
    open_begin: tuple[int, re.Match[str]] | None = None
    for lineno, kind, m in markers:
        if kind == "begin":
            if open_begin is not None:
                problems.append(f"line {open_begin[0] + 1}: entry has no end marker (writer killed?)")
            open_begin = (lineno, m)
        elif kind == "end":
            if open_begin is None or _attrs(open_begin[1])["id"] != m.group(1):
                problems.append(f"line {lineno + 1}: end marker without its begin marker")
                open_begin = None
                continue
            entries.append(_entry(open_begin, lineno, m.group(2), lines, problems))
            open_begin = None
        else:
            closed = m.group(1)
    if open_begin is not None:
        problems.append(f"line {open_begin[0] + 1}: entry has no end marker (writer killed?)")
    return entries, closed


def _attrs(m: re.Match[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in m.group(1).split())


def _entry(
    begin: tuple[int, re.Match[str]], end_line: int, crc: str, lines: list[str], problems: list[str]
) -> Entry:
    start, m = begin
    attrs = _attrs(m)
    block = "\n".join(lines[start + 1 : end_line - 1])
    intact = block_crc(block) == crc and lines[end_line - 1] == ""
    if not intact:
        problems.append(f"line {start + 1}: entry {attrs['id']} does not match its checksum (edited?)")
    stored = "\n".join(block.split("\n")[2:])
    return Entry(
        id=attrs["id"],
        agent=attrs.get("agent", ""),
        source=attrs.get("source", ""),
        time=attrs.get("time", ""),
        agent_id=attrs.get("agent_id"),
        redacted=int(attrs.get("redacted", "0")),
        body=decode_body(stored, fence_added=attrs.get("fence") == "1"),
        line=start + 1,
        intact=intact,
    )
