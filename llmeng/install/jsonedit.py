"""Edit JSON text in place: change only the spans whose values changed, keep every other byte.

A user's settings.json may be laid out by hand (inline arrays, odd spacing). Re-serialising the whole
file would reformat it, so `splice(text, old, new)` locates each value's span in the original text and
rewrites only what differs, in the layout of its surroundings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


@dataclass
class Node:
    start: int
    end: int
    members: list[tuple[str, int, Node]] = field(default_factory=list)  # objects: (key, key start, value)
    items: list[Node] = field(default_factory=list)  # arrays


def parse(text: str) -> Node:
    """Spans for every value in `text`, which must already be known-valid JSON."""
    node, _ = _value(text, _WS.match(text, 0).end())  # type: ignore[union-attr]
    return node


def splice(text: str, old: Any, new: Any, *, indent: str | None) -> str:
    """`text` (holding `old`) edited to hold `new`, touching only what changed."""
    edits: list[tuple[int, int, str]] = []
    _diff(text, parse(text), old, new, indent, edits)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _value(text: str, pos: int) -> tuple[Node, int]:
    ch = text[pos]
    if ch == "{":
        return _container(text, pos, "}", keyed=True)
    if ch == "[":
        return _container(text, pos, "]", keyed=False)
    match = (_STRING if ch == '"' else _SCALAR).match(text, pos)
    if match is None:  # NaN, Infinity: json.loads takes them, we leave such files to a full rewrite
        raise ValueError(f"unsupported JSON value at offset {pos}")
    return Node(pos, match.end()), match.end()


def _container(text: str, pos: int, close: str, *, keyed: bool) -> tuple[Node, int]:
    node = Node(pos, pos)
    pos = _skip(text, pos + 1)
    while text[pos] != close:
        if keyed:
            key = _STRING.match(text, pos)
            if key is None:  # pragma: no cover - json.loads accepted this text, so a key is always here
                raise ValueError(f"expected a key at offset {pos}")
            value_start = _skip(text, _skip(text, key.end()) + 1)  # past the colon
            child, pos = _value(text, value_start)
            node.members.append((json.loads(key.group()), key.start(), child))
        else:
            child, pos = _value(text, pos)
            node.items.append(child)
        pos = _skip(text, pos)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
    node.end = pos + 1
    return node, pos + 1


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _diff(
    text: str, node: Node, old: Any, new: Any, indent: str | None, edits: list[tuple[int, int, str]]
) -> None:
    """Append to `edits` the smallest splices of `text` that turn `old` (parsed as `node`) into `new`."""
    if old == new and type(old) is type(new):
        return
    if isinstance(old, dict) and isinstance(new, dict) and any(k in new for k in old):
        _diff_members(text, node, old, new, indent, edits)
    elif isinstance(old, list) and isinstance(new, list):
        _diff_items(text, node, old, new, indent, edits)
    else:
        edits.append(_replacement(text, node, new, indent))


def _diff_members(
    text: str,
    node: Node,
    old: dict[str, Any],
    new: dict[str, Any],
    indent: str | None,
    edits: list[tuple[int, int, str]],
) -> None:
    """An object edited in place: kept members diffed, removed ones cut, new ones appended."""
    slots = [(key_start, child.end) for _, key_start, child in node.members]
    kept = [i for i, (key, _, _) in enumerate(node.members) if key in new]
    for key, _, child in node.members:
        if key in new:
            _diff(text, child, old[key], new[key], indent, edits)
    added = [
        json.dumps(k, ensure_ascii=False) + _colon(text) + _layout(v, text, node, indent)
        for k, v in new.items()
        if k not in old
    ]
    _cut_and_append(text, node, slots, kept, added, edits)


def _diff_items(
    text: str,
    node: Node,
    old: list[Any],
    new: list[Any],
    indent: str | None,
    edits: list[tuple[int, int, str]],
) -> None:
    """A list edited in place when it keeps its length, or drops items and appends some; else rewritten."""
    if len(old) == len(new):
        for child, a, b in zip(node.items, old, new, strict=True):
            _diff(text, child, a, b, indent, edits)
    elif (survivors := _kept(old, new)) is not None:
        items = [(child.start, child.end) for child in node.items]
        appended = [_layout(v, text, node, indent) for v in new[len(survivors) :]]
        _cut_and_append(text, node, items, survivors, appended, edits)
    else:
        edits.append(_replacement(text, node, new, indent))


def _replacement(text: str, node: Node, new: Any, indent: str | None) -> tuple[int, int, str]:
    return node.start, node.end, _render(new, text, node, indent)


def _kept(old: list[Any], new: list[Any]) -> list[int] | None:
    """Indices of `old` that survive when `new` is `old` minus some items, plus some at the end."""
    kept: list[int] = []
    for index, item in enumerate(old):
        if len(kept) < len(new) and new[len(kept)] == item:
            kept.append(index)
    return kept if kept else None


def _cut_and_append(
    text: str,
    node: Node,
    slots: list[tuple[int, int]],
    kept: list[int],
    added: list[str],
    edits: list[tuple[int, int, str]],
) -> None:
    # A leading run of removed elements goes up to the first kept one; any later removed element
    # goes with the separator before it. The cuts never overlap, so they apply in any order.
    first = kept[0]
    if first > 0:
        edits.append((slots[0][0], slots[first][0], ""))
    edits += [(slots[i - 1][1], slots[i][1], "") for i in range(first + 1, len(slots)) if i not in kept]
    if added:
        multiline = "\n" in text[node.start : node.end]
        pad = _line_pad(text, slots[first][0])
        sep = f",\n{pad}" if multiline else (", " if _spaced(text) else ",")
        edits.append((slots[-1][1], slots[-1][1], "".join(sep + a for a in added)))


def _colon(text: str) -> str:
    return ": " if _spaced(text) else ":"


def _layout(value: Any, text: str, node: Node, indent: str | None) -> str:
    """A new element for `node`, laid out like the node: indented one level deeper, or on one line."""
    if indent is None or "\n" not in text[node.start : node.end]:
        return _inline(value, text)
    pad = _line_pad(text, node.members[0][1] if node.members else node.items[0].start)
    return _indented(value, indent, pad)


def _spaced(text: str) -> bool:
    """Whether the file puts a space after its separators (json.dumps' default, and most editors')."""
    return ", " in text or ": " in text


def _inline(value: Any, text: str) -> str:
    return json.dumps(value, separators=(", ", ": ") if _spaced(text) else (",", ":"), ensure_ascii=False)


def _line_pad(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    return re.match(r"[ \t]*", text[line_start:pos]).group()  # type: ignore[union-attr]


def _indented(value: Any, indent: str, pad: str) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False).replace("\n", "\n" + pad)


def _render(value: Any, text: str, node: Node, indent: str | None) -> str:
    """`value` in place of `node`: on one line if the node was and the value is flat, else indented."""
    nested = isinstance(value, (dict, list)) and any(
        isinstance(v, (dict, list)) for v in (value.values() if isinstance(value, dict) else value)
    )
    if indent is None or ("\n" not in text[node.start : node.end] and not nested):
        return _inline(value, text)
    return _indented(value, indent, _line_pad(text, node.start))
