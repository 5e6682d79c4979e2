"""What a subagent's JSONL transcript says: its final text, and whether it appended to the log itself.

Facts from claude-code.md 3.4: one JSON object per line; the final message is the last
`type == "assistant"` line that is not an API error and has text blocks; tool calls are
`tool_use` blocks, their outcomes `tool_result` blocks (with `is_error`) in later user lines.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from llmeng.fsutil import open_regular

# The final message is at the end; a long run's transcript can be large, so only its tail is read.
TAIL_MAX_BYTES = 32 * 1024 * 1024
LINE_MAX_BYTES = 4 * 1024 * 1024
# How an agent appends by itself: the seed's script, the CLI, or our MCP server's append tool.
APPEND_COMMANDS = ("update-active-session.sh", "llmeng session append")
MCP_APPEND_TOOL_RE = re.compile(r"mcp__.+__\w*(?:session_append|append_session|append_entry)\w*")


@dataclass(frozen=True)
class TranscriptFacts:
    last_text: str | None
    appended_itself: bool


def scan_transcript(path: Path) -> TranscriptFacts:
    """One pass over the transcript's tail; unreadable or overlong lines are skipped, never fatal.

    The path comes from the hook's payload, so it is opened as a regular file only (a FIFO or
    `/dev/zero` is refused at once) and read no further than TAIL_MAX_BYTES from its end.
    """
    last_text: str | None = None
    append_calls: set[str] = set()
    succeeded = False
    with open_regular(path) as f:
        for line in _tail_lines(f):
            raw = line.decode("utf-8", "replace")
            # Cheap filter first: most lines are tool output we do not need to decode.
            if '"assistant"' not in raw and '"tool_result"' not in raw:
                continue
            record = _load(raw)
            if record is None:
                continue
            if record.get("type") == "assistant":
                text = _assistant_text(record)
                last_text = text if text is not None else last_text
                append_calls.update(_append_call_ids(record))
            elif record.get("type") == "user" and append_calls:
                succeeded = succeeded or _any_success(record, append_calls)
    return TranscriptFacts(last_text, succeeded)


def _tail_lines(f: BinaryIO) -> Iterator[bytes]:
    """Whole lines of the last TAIL_MAX_BYTES of `f`, each at most LINE_MAX_BYTES (longer ones dropped)."""
    size = os.fstat(f.fileno()).st_size
    if size > TAIL_MAX_BYTES:
        f.seek(size - TAIL_MAX_BYTES)
        f.readline(LINE_MAX_BYTES)  # a partial first line is not a record
    budget = TAIL_MAX_BYTES
    while budget > 0:
        line = f.readline(LINE_MAX_BYTES + 1)
        if not line:
            return
        budget -= len(line)
        if len(line) > LINE_MAX_BYTES:
            while line and not line.endswith(b"\n"):  # skip the rest of an overlong line
                line = f.readline(LINE_MAX_BYTES)
                budget -= len(line)
            continue
        yield line


def _load(raw: str) -> dict[str, Any] | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _blocks(record: dict[str, Any]) -> list[dict[str, Any]]:
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _assistant_text(record: dict[str, Any]) -> str | None:
    message = record.get("message")
    if record.get("isApiErrorMessage") or not isinstance(message, dict) or message.get("role") != "assistant":
        return None
    texts = [b.get("text") for b in _blocks(record) if b.get("type") == "text"]
    joined = "\n\n".join(t for t in texts if isinstance(t, str) and t.strip())
    return joined or None


def _append_call_ids(record: dict[str, Any]) -> set[str]:
    ids = set()
    for block in _blocks(record):
        if block.get("type") != "tool_use" or not isinstance(block.get("id"), str):
            continue
        name = str(block.get("name", ""))
        tool_input = block.get("input")
        command = str(tool_input.get("command", "")) if isinstance(tool_input, dict) else ""
        if (name == "Bash" and any(c in command for c in APPEND_COMMANDS)) or MCP_APPEND_TOOL_RE.fullmatch(
            name
        ):
            ids.add(block["id"])
    return ids


def _any_success(record: dict[str, Any], call_ids: set[str]) -> bool:
    return any(
        b.get("type") == "tool_result" and b.get("tool_use_id") in call_ids and not b.get("is_error")
        for b in _blocks(record)
    )
