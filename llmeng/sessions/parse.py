"""Read a session log back: the header (with markdown-it-py), every entry, and what is damaged.

Entry markers are HTML comments on lines of their own, and a body can never hold one (the writer
escapes `<!-- llmeng`), so every marker line is found by a scan of the lines: one pass, whatever
markdown the bodies hold (an open fence, a `<pre>` block around one). Damage shows in the markers
and checksums (a writer killed mid-entry, a hand edit) and is reported under `problems` instead of
losing later entries; so is text a hand put between entries.

The scan is one generator over lines, `scan_session`, that yields each entry as soon as its end
marker is read and holds nothing but the entry it is in: a log of any size is read in flat memory
(`stream_session`), and a text already in memory (`parse_session`, `tail`'s chunks) goes through
the same scan.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Self

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


@dataclass(frozen=True)
class Header:
    title: str
    fields: dict[str, str]


@dataclass(frozen=True)
class Footer:
    closed: str | None
    problems: tuple[str, ...]


class LogStream:
    """A session log read as it is iterated: `title` and `fields` at once, then `entries` one at a time.

    `closed` and `problems` are known once `entries` is exhausted (damage anywhere can be reported
    only at the end). Use it as a context manager to close the file it reads.
    """

    def __init__(self, events: Iterator[Header | Entry | Footer], *, source: IO[str] | None = None) -> None:
        header = next(events)
        assert isinstance(header, Header), "a session scan starts with its header"
        self.title, self.fields = header.title, header.fields
        self.entries: Iterator[Entry] = self._entries(events)
        self._footer: Footer | None = None
        self._source = source

    def _entries(self, events: Iterator[Header | Entry | Footer]) -> Iterator[Entry]:
        for event in events:
            if isinstance(event, Entry):
                yield event
            elif isinstance(event, Footer):
                self._footer = event

    @property
    def closed(self) -> str | None:
        return self._ended().closed

    @property
    def problems(self) -> tuple[str, ...]:
        return self._ended().problems

    def _ended(self) -> Footer:
        if self._footer is None:
            raise RuntimeError("read every entry first: the problems are known only at the end of the log")
        return self._footer

    def close(self) -> None:
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_session(path: Path) -> SessionLog:
    """Parse the session file at `path`."""
    with stream_session(path) as log:
        return _collect(log)


def stream_session(path: Path) -> LogStream:
    """The session file at `path`, read line by line as its entries are iterated; close it when done."""
    # Universal newlines split at \n, \r\n and \r, as `parse_session` does; the incremental decoder
    # replaces bad UTF-8 exactly as decoding the whole file would.
    f = io.TextIOWrapper(open_regular(path, follow=False), encoding="utf-8", errors="replace", newline=None)
    try:
        # A whole log has its header above the session mark; without one, every line is scanned for
        # entries. Finding out reads a few lines of a real log (the whole file only when it has none).
        has_header = any(line.rstrip("\n") == SESSION_MARK for line in f)
        f.seek(0)
        return LogStream(scan_session((line.removesuffix("\n") for line in f), header=has_header), source=f)
    except BaseException:
        f.close()
        raise


def parse_session(text: str) -> SessionLog:
    """Parse a session log's text into its header fields and entries."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # A whole log has its header above the session mark; a chunk of one (`tail`) has entries only.
    return _collect(LogStream(scan_session(lines, header=SESSION_MARK in lines)))


def _collect(log: LogStream) -> SessionLog:
    entries = tuple(log.entries)
    return SessionLog(log.title, log.fields, entries, log.closed, log.problems)


def scan_session(lines: Iterable[str], *, header: bool) -> Iterator[Header | Entry | Footer]:
    """The header, then each entry as soon as its end marker is read, then the footer.

    `lines` are the log's lines without their line ends. With `header`, the lines up to the session
    mark are the header (a whole log); without it there is none (a chunk of one).
    """
    rest = iter(lines)
    head: list[str] = []
    first = 1  # line number of the first line after the header
    if header:
        for first, line in enumerate(rest, start=2):
            if line == SESSION_MARK:
                break
            head.append(line)
    yield Header(*_header(MarkdownIt("commonmark").parse("\n".join(head))))
    scan = _Scan()
    for lineno, line in enumerate(rest, start=first):
        entry = scan.line(lineno, line)
        if entry is not None:
            yield entry
    yield scan.end()


@dataclass
class _Scan:
    """The state of one pass over a log's entries: only the entry being read is held."""

    inside: bool = False  # within an entry, or past the closing marker (the footer is ours)
    begin: tuple[int, dict[str, str]] | None = None  # the open entry's begin line and attributes
    block: list[str] = field(default_factory=list)  # the open entry's lines so far
    closed: str | None = None
    # Reported in this order: damage seen line by line, then what pairing the markers found.
    line_problems: list[str] = field(default_factory=list)
    pair_problems: list[str] = field(default_factory=list)

    def line(self, lineno: int, line: str) -> Entry | None:
        """Take the next line; the entry it ends, if it ends one."""
        if not line.startswith("<!-- llmeng:"):
            if self.begin is not None:  # most lines: the body of the entry being read
                self.block.append(line)
            elif not self.inside and line.strip():
                self.line_problems.append(f"line {lineno}: text outside any entry (a hand edit?)")
            return None
        found = _marker(line)
        if found is None:
            self.line_problems.append(f"line {lineno}: damaged marker (writer killed mid-write?)")
            self._hold(line)
            return None
        kind, m = found
        self.inside = kind != "end"
        if kind == "closed":
            self.closed = m.group(1)
            self._hold(line)
        elif kind == "begin":
            self._unended()
            self.begin, self.block = (lineno, _attrs(m)), []
        else:
            return self._ended(lineno, m)
        return None

    def _hold(self, line: str) -> None:
        if self.begin is not None:
            self.block.append(line)

    def _ended(self, lineno: int, end: re.Match[str]) -> Entry | None:
        begin, block = self.begin, self.block
        self.begin, self.block = None, []  # an entry is held only while it is read
        if begin is None or begin[1]["id"] != end.group(1):
            self.pair_problems.append(f"line {lineno}: end marker without its begin marker")
            return None
        return _entry(begin, block, end.group(2), self.pair_problems)

    def end(self) -> Footer:
        self._unended()
        return Footer(self.closed, (*self.line_problems, *self.pair_problems))

    def _unended(self) -> None:
        if self.begin is not None:
            self.pair_problems.append(f"line {self.begin[0]}: entry has no end marker (writer killed?)")


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


def _attrs(m: re.Match[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in m.group(1).split())


def _entry(begin: tuple[int, dict[str, str]], block: list[str], crc: str, problems: list[str]) -> Entry:
    """The entry whose begin marker (line, attributes) is `begin` and whose lines up to its end are `block`."""
    start, attrs = begin
    # The checksum covers the heading and the body; a blank line must separate them from the end marker.
    intact = block_crc("\n".join(block[:-1])) == crc and block[-1:] == [""]
    if not intact:
        problems.append(f"line {start}: entry {attrs['id']} does not match its checksum (edited?)")
    stored = "\n".join(block[2:-1])  # drop the heading line and the blank after it
    return Entry(
        id=attrs["id"],
        agent=attrs.get("agent", ""),
        source=attrs.get("source", ""),
        time=attrs.get("time", ""),
        agent_id=attrs.get("agent_id"),
        redacted=int(attrs.get("redacted", "0")),
        body=decode_body(stored, fence_added=attrs.get("fence") == "1"),
        line=start,
        intact=intact,
    )
