"""Read a session log back: the header (with markdown-it-py), every entry, and what is damaged.

Entry markers are HTML comments on lines of their own, and a body can never hold one (the writer
escapes `<!-- llmeng`), so every marker line is found by a scan of the lines: one pass, whatever
markdown the bodies hold (an open fence, a `<pre>` block around one). Damage shows in the markers
and checksums (a writer killed mid-entry, a hand edit) and is reported under `problems` instead of
losing later entries; so is text a hand put between entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from llmeng.fsutil import open_regular
from llmeng.sessions.entries import BEGIN_RE, CLOSED_RE, END_RE, SESSION_MARK, block_crc, decode_body

_FIELD_RE = re.compile(r"([A-Za-z]+): (.*)")


@dataclass(frozen=True)
class Entry:
    id: str
    agent: str
    source: str
    time: str
    agent_id: str | None
    redacted: int
    body: str
    line: int  # 1-based line of the begin marker
    intact: bool  # the stored checksum matches


@dataclass(frozen=True)
class SessionLog:
    title: str
    fields: dict[str, str]
    entries: tuple[Entry, ...]
    closed: str | None
    problems: tuple[str, ...]


def read_session(path: Path) -> SessionLog:
    """Parse the session file at `path`."""
    with open_regular(path, follow=False) as f:
        return parse_session(f.read().decode("utf-8", "replace"))


def parse_session(text: str) -> SessionLog:
    """Parse a session log's text into its header fields and entries."""
    # markdown-it counts \r\n and \r as line ends; normalise first so token.map indexes `lines`.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # A whole log has its header above the session mark; a chunk of one (`tail`) has entries only.
    mark = next((i for i, line in enumerate(lines) if line == SESSION_MARK), None)
    head = "\n".join(lines[:mark]) if mark is not None else ""
    title, fields = _header(MarkdownIt("commonmark").parse(head))
    markers: list[tuple[int, str, re.Match[str]]] = []
    problems: list[str] = []
    inside = False  # within an entry, or past the closing marker (the footer is ours)
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
        elif token.type == "inline" and token.level == 3:  # bullet_list > list_item > paragraph
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
    stored = "\n".join(block.split("\n")[2:])  # drop the heading line and the blank after it
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
