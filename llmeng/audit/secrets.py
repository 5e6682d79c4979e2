"""API key literals in source text (LLM201), found by pattern with placeholders filtered out."""

from __future__ import annotations

import re

from llmeng.audit.model import Secret

# Key formats (llm-sdk-defaults.md, LLM201 row). Lengths are minimums seen in real keys.
_PATTERN = re.compile(
    r"(?P<anthropic>sk-ant-[A-Za-z0-9_\-]{20,})"
    r"|(?P<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})"
    r"|(?P<google>AIza[0-9A-Za-z_\-]{35})"
    r"|(?P<aws>(?:AKIA|ASIA)[0-9A-Z]{16})"
    r"|(?P<huggingface>hf_[A-Za-z0-9]{30,})"
    r"|(?P<groq>gsk_[A-Za-z0-9]{40,})"
)
_PLACEHOLDER = re.compile(
    r"x{4,}|X{4,}|\.\.\.|your|YOUR|Your|example|EXAMPLE|dummy|DUMMY|fake|FAKE|test|"
    r"TEST|placeholder|PLACEHOLDER|<|>|\*{3,}|0{8,}|1234567|abcdef|ABCDEF"
)
_QUICK = ("sk-", "AIza", "AKIA", "ASIA", "hf_", "gsk_")


def find_secrets(text: str) -> list[Secret]:
    """Key-shaped literals with enough variety to be real keys, as (line, col, kind)."""
    if not any(q in text for q in _QUICK):
        return []
    out = []
    for m in _PATTERN.finditer(text):
        key = m.group(0)
        if _PLACEHOLDER.search(key) or len(set(key)) < 12 or not re.search(r"\d", key):
            continue
        before = text[max(0, m.start() - 1) : m.start()]
        if before.isalnum() or before in "-_":
            continue  # part of a longer identifier, e.g. task-sk-...
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append(Secret(line, col, str(m.lastgroup)))
    return out
