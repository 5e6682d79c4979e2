"""One log entry: check the report, encode its body so it cannot break the log, render the markers.

Layout of an entry (every marker is a whole line, and no body can contain one):

    <!-- llmeng:entry id=... agent=... source=... time=... [agent_id=...] redacted=N [fence=1] -->
    ## agent · time · source ...

    <body: ATX headings shifted down two levels, `<!-- llmeng` escaped, an open fence closed>

    <!-- llmeng:end id=... crc=<CRC-32 of heading + body, 8 hex> -->

Every transformation is reversible, so readers get the report back byte for byte.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime

from llmeng.errors import LlmengError

DEFAULT_MAX_ENTRY_BYTES = 256 * 1024

BEGIN_RE = re.compile(r"<!-- llmeng:entry ((?:[a-z_]+=[^\s=]+ )+)-->")
END_RE = re.compile(r"<!-- llmeng:end id=(\S+) crc=([0-9a-f]{8}) -->")
SESSION_MARK = "<!-- llmeng:session v=1 -->"
CLOSED_RE = re.compile(r"<!-- llmeng:closed time=(\S+) -->")

_ESCAPE_RE = re.compile(r"<!-- llmeng((?:-esc)*)")
_UNESCAPE_RE = re.compile(r"<!-- llmeng-esc((?:-esc)*)")
_FENCE_OPEN_RE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_HEADING_RE = re.compile(r"^( {0,3})#")
_HEADINGS_RE = re.compile(r"^( {0,3})#", re.MULTILINE)
_DEMOTED_RE = re.compile(r"^( {0,3})##")
_DEMOTEDS_RE = re.compile(r"^( {0,3})##", re.MULTILINE)
# C0 controls except tab, newline, form feed and carriage return, plus DEL: binary or terminal noise.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class EntryMeta:
    id: str
    agent: str
    source: str
    time: datetime
    agent_id: str | None
    redacted: int


def check_report(data: bytes, *, max_bytes: int = DEFAULT_MAX_ENTRY_BYTES) -> str:
    """Return the report as text with `\\n` line endings, or raise before anything is written."""
    if len(data) > max_bytes:
        raise LlmengError(
            f"report is {len(data)} bytes, over the {max_bytes}-byte cap",
            "Shorten the report or link to a file; raise the cap with --max-bytes or "
            "LLMENG_SESSION_MAX_BYTES.",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise LlmengError(
            f"report is not valid UTF-8 (byte {e.start})",
            "Convert it first, e.g. `iconv -f latin1 -t utf-8 report.md > report.utf8.md`.",
        ) from None
    bad = _CONTROL_RE.search(text)
    if bad:
        raise LlmengError(
            f"report contains control character {bad.group()!r} at offset {bad.start()} (binary input?)",
            "Append only markdown text; strip ANSI colours with `sed 's/\\x1b\\[[0-9;]*m//g'`.",
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").rstrip()
    if not text:
        raise LlmengError("report is empty", "Write the findings into the report before appending it.")
    return text


def replace_controls(text: str) -> str:
    """`text` with the control characters `check_report` refuses replaced by U+FFFD."""
    return _CONTROL_RE.sub("\ufffd", text)


def encode_body(text: str) -> tuple[str, bool]:
    """Return the body as stored and whether a closing fence had to be added."""
    if "```" not in text and "~~~" not in text:
        # No fence can open, so no line is inside one: shift every heading in one pass.
        if "#" in text:
            text = _HEADINGS_RE.sub(r"\1###", text)
        return (_ESCAPE_RE.sub(r"<!-- llmeng-esc\1", text) if "<!-- llmeng" in text else text), False
    out: list[str] = []
    fence: tuple[str, str, int] | None = None
    for line in text.split("\n"):
        fence, is_fence_line = _step_fence(fence, line)
        if fence is None and not is_fence_line:
            line = _HEADING_RE.sub(r"\1###", line, count=1)
        out.append(line)
    if fence is not None:
        out.append(fence[0] + fence[1] * fence[2])
    return _ESCAPE_RE.sub(r"<!-- llmeng-esc\1", "\n".join(out)), fence is not None


def decode_body(stored: str, *, fence_added: bool) -> str:
    """Invert `encode_body`."""
    if not fence_added and "```" not in stored and "~~~" not in stored:
        # No fence can open, so no line is inside one: shift every heading back in one pass.
        if "##" in stored:
            stored = _DEMOTEDS_RE.sub(r"\1", stored)
        return _UNESCAPE_RE.sub(r"<!-- llmeng\1", stored) if "<!-- llmeng-esc" in stored else stored
    lines = stored.split("\n")
    if fence_added:
        lines.pop()
    out: list[str] = []
    fence: tuple[str, str, int] | None = None
    for line in lines:
        fence, is_fence_line = _step_fence(fence, line)
        if fence is None and not is_fence_line:
            line = _DEMOTED_RE.sub(r"\1", line, count=1)
        out.append(line)
    return _UNESCAPE_RE.sub(r"<!-- llmeng\1", "\n".join(out))


def _step_fence(fence: tuple[str, str, int] | None, line: str) -> tuple[tuple[str, str, int] | None, bool]:
    """CommonMark fence tracking at the top level: (state after `line`, whether it is a fence line)."""
    m = _FENCE_OPEN_RE.fullmatch(line)
    if fence is None:
        if m and not (m.group(2)[0] == "`" and "`" in m.group(3)):
            return (m.group(1), m.group(2)[0], len(m.group(2))), True
        return None, False
    char, length = fence[1], fence[2]
    if m and m.group(2)[0] == char and len(m.group(2)) >= length and not m.group(3).strip():
        return None, True
    return fence, False


def is_boundary(line: bytes) -> bool:
    """Whether a log whose last line is `line` ends between entries (nothing torn)."""
    text = line.decode("utf-8", "replace")
    return text == SESSION_MARK or END_RE.fullmatch(text) is not None


def torn_entry_closer(fragment: str) -> str:
    """Text that ends a torn entry so the next one renders: a newline, a fence it left open, a blank."""
    fence: tuple[str, str, int] | None = None
    for line in fragment.split("\n"):
        fence, _ = _step_fence(fence, line)
    closer = "" if fragment.endswith("\n") else "\n"
    if fence is not None:
        closer += fence[0] + fence[1] * fence[2] + "\n"
    return closer + "\n"


def heading(meta: EntryMeta, stamp: str) -> str:
    """The entry's visible heading; `stamp` is `format_time(meta.time)`, formatted once per entry."""
    parts = [meta.agent, f"{stamp[:10]} {stamp[11:19]} UTC", meta.source]
    if meta.agent_id:
        parts.append(f"agent id {meta.agent_id}")
    if meta.redacted:
        parts.append(f"{meta.redacted} secret{'s' if meta.redacted > 1 else ''} redacted")
    return "## " + " · ".join(parts)


def block_crc(block: str) -> str:
    # CRC-32 detects torn and edited entries, which is all it is for; zlib also loads in a fraction
    # of hashlib's time, and the hook pays every import on each run.
    return f"{zlib.crc32(block.encode('utf-8')):08x}"


def format_time(time: datetime) -> str:
    """`time` (in UTC) as 2026-11-22T03:04:05.123456Z."""
    # isoformat, not strftime: the same text for any four-digit year, in a fraction of the time.
    return time.isoformat(timespec="microseconds")[:26] + "Z"


def render_entry(meta: EntryMeta, text: str) -> str:
    """The entry as it is appended: begin marker, heading, encoded body, end marker, blank line."""
    stored, fence_added = encode_body(text)
    stamp = format_time(meta.time)
    attrs = f"id={meta.id} agent={meta.agent} source={meta.source} time={stamp} "
    if meta.agent_id:
        attrs += f"agent_id={meta.agent_id} "
    attrs += f"redacted={meta.redacted} " + ("fence=1 " if fence_added else "")
    block = f"{heading(meta, stamp)}\n\n{stored}"
    end = f"<!-- llmeng:end id={meta.id} crc={block_crc(block)} -->"
    return f"<!-- llmeng:entry {attrs}-->\n{block}\n\n{end}\n\n"
