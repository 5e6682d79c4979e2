"""Read what the mock saw: which agents were offered, which requests came from a subagent, tool results."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from e2e_harness.script import system_text, tool_results

# Claude Code 2.1.330 sends the agent list as a message that starts with this line (claude-code.md §1.10).
_LISTING_HEAD = "Available agent types for the Agent tool:"
_LISTING_LINE = re.compile(r"^- (?P<name>[^:\s][^\s]*?): (?P<rest>.*)$")


def _strings(body: dict[str, Any]) -> Iterator[str]:
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            yield content
        elif isinstance(content, list):
            yield from (b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str))


def offered_agents(body: dict[str, Any]) -> dict[str, str]:
    """Agent type -> its listing line, from the agent list in one main-thread request."""
    offered: dict[str, str] = {}
    for text in _strings(body):
        if _LISTING_HEAD not in text:
            continue
        for line in text.split(_LISTING_HEAD, 1)[1].splitlines()[1:]:
            match = _LISTING_LINE.match(line)
            if match is None:
                break
            offered[match["name"]] = match["rest"]
    return offered


def requests_with(requests: Sequence[dict[str, Any]], marker: str) -> list[dict[str, Any]]:
    """The requests whose system prompt holds `marker` (a subagent's body text)."""
    return [body for body in requests if marker in system_text(body)]


def tool_results_of(requests: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [block for body in requests for block in tool_results(body)]
