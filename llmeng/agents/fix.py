"""Safe, mechanical fixes for agent files: each keeps what Claude Code loads the same or makes it load."""

from __future__ import annotations

import re
from dataclasses import dataclass

from llmeng.agents.encoding import fix_mojibake
from llmeng.agents.parse import lenient_text, parse_agent, split_frontmatter
from llmeng.agents.rules.tools import split_tools
from llmeng.agents.spec import Spec

_TOOLS_LINE = re.compile(r"^tools:[ \t]+(?P<value>[^\s'\"\[{|>][^\n]*)$", re.MULTILINE)


@dataclass(frozen=True)
class FixResult:
    text: str
    applied: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def fix_text(text: str, spec: Spec) -> FixResult:
    """`text` with every safe fix applied, and the ids of the rules they address."""
    applied: list[str] = []
    steps = (
        ("AG106", _strip_bom),
        ("AG107", _lf_endings),
        ("AG108", _repair_mojibake),
        ("AG103", _quote_for_strict_yaml),
        ("AG220", _rename_allowed_tools),
        ("tools-format", _normalise_tools),
    )
    for rule_id, step in steps:
        new = step(text, spec)
        if new != text and _still_loads(text, new, spec):
            text = new
            applied.append(rule_id)
    return FixResult(text=text, applied=tuple(applied))


def _still_loads(before: str, after: str, spec: Spec) -> bool:
    """A fix may change values (mojibake repair does) but never cost the agent its frontmatter or
    a key: repairing U+0085, a YAML line break, into an ellipsis would change what the YAML means."""
    was = parse_agent(before.removeprefix("\ufeff"), spec).data
    if was is None:
        return True
    now = parse_agent(after.removeprefix("\ufeff"), spec).data
    return now is not None and len(now) == len(was)


def _strip_bom(text: str, spec: Spec) -> str:
    return text.removeprefix("\ufeff")


def _lf_endings(text: str, spec: Spec) -> str:
    return text.replace("\r\n", "\n")


def _repair_mojibake(text: str, spec: Spec) -> str:
    return fix_mojibake(text)


def _replace_frontmatter(text: str, spec: Spec, new_fm: str) -> str:
    parts = split_frontmatter(text, spec)
    assert parts is not None
    fm, _, _, _, _ = parts
    start = text.index(fm, text.index("---") + 3) if fm else 0
    return text[:start] + new_fm + text[start + len(fm) :]


def _quote_for_strict_yaml(text: str, spec: Spec) -> str:
    parsed = parse_agent(text, spec)
    if not (parsed.lenient_ok and parsed.strict_error is not None):
        return text
    candidate = _replace_frontmatter(text, spec, lenient_text(parsed.frontmatter_text, spec))
    again = parse_agent(candidate, spec)
    # Only keep the rewrite when strict YAML now reads exactly what Claude Code read before.
    return candidate if again.strict_ok and again.data == parsed.data else text


def _rename_allowed_tools(text: str, spec: Spec) -> str:
    parsed = parse_agent(text, spec)
    if parsed.data is None or "allowed-tools" not in parsed.data or "tools" in parsed.data:
        return text
    new_fm = re.sub(r"^allowed-tools:", "tools:", parsed.frontmatter_text, count=1, flags=re.MULTILINE)
    return _replace_frontmatter(text, spec, new_fm)


def _normalise_tools(text: str, spec: Spec) -> str:
    parsed = parse_agent(text, spec)
    if parsed.data is None or not isinstance(parsed.data.get("tools"), str):
        return text
    m = _TOOLS_LINE.search(parsed.frontmatter_text)
    entries = split_tools(parsed.data["tools"])
    if m is None or not entries or not all(e.balanced for e in entries):
        return text
    tidy = ", ".join(e.raw for e in entries)
    if tidy == m.group("value").strip():
        return text
    new_fm = parsed.frontmatter_text[: m.start("value")] + tidy + parsed.frontmatter_text[m.end("value") :]
    candidate = _replace_frontmatter(text, spec, new_fm)
    again = parse_agent(candidate, spec)
    # A value continued on the next line, or a second `tools:` key, means the line is not the whole
    # value: keep the file unless the rewrite reads back as exactly the same tools.
    if again.data is None or again.data.get("tools") != tidy or len(_TOOLS_LINE.findall(new_fm)) != 1:
        return text
    return candidate
