"""In-place JSON edits: the result always parses to the new value, and untouched text stays byte-identical."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.install.jsonedit import parse, splice

scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
objects = st.dictionaries(st.text(max_size=6), values, max_size=5)
STYLES = [{"indent": 2}, {"indent": 4}, {"indent": "\t"}, {"separators": (",", ":")}, {}]


def edit(data: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        containers = [out] + [v for v in _walk(out) if isinstance(v, (dict, list))]
        target = draw(st.sampled_from(containers))
        op = draw(st.sampled_from(["add", "remove", "replace"]))
        if isinstance(target, dict):
            if op == "add" or not target:
                target[draw(st.text(max_size=6))] = draw(values)
            elif op == "remove":
                del target[draw(st.sampled_from(sorted(target)))]
            else:
                target[draw(st.sampled_from(sorted(target)))] = draw(values)
        elif op == "add" or not target:
            target.append(draw(values))
        elif op == "remove":
            del target[draw(st.integers(0, len(target) - 1))]
        else:
            target[draw(st.integers(0, len(target) - 1))] = draw(values)
    return out


def _walk(value: Any) -> list[Any]:
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [x for c in children for x in (c, *_walk(c))]


@settings(max_examples=300, deadline=None)
@given(objects, st.sampled_from(STYLES), st.data())
def test_splice_always_yields_the_new_value(
    old: dict[str, Any], style: dict[str, Any], data: st.DataObject
) -> None:
    new = data.draw(st.composite(lambda draw: edit(old, draw))())
    text = json.dumps(old, **style)
    indent = style.get("indent")
    result = splice(
        text, old, new, indent=indent if isinstance(indent, str) else " " * indent if indent else None
    )
    assert json.loads(result) == new


@given(objects, st.sampled_from(STYLES))
def test_no_change_is_no_edit(old: dict[str, Any], style: dict[str, Any]) -> None:
    text = json.dumps(old, **style)
    assert splice(text, old, copy.deepcopy(old), indent="  ") == text


def test_parse_records_spans() -> None:
    text = '{"a": [1, {"b": null}], "c": "x"}'
    root = parse(text)
    (a, _, a_node), (c, _, c_node) = root.members
    assert (a, c) == ("a", "c")
    assert text[a_node.start : a_node.end] == '[1, {"b": null}]'
    assert text[c_node.start : c_node.end] == '"x"'


def test_nan_is_left_to_a_full_rewrite() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        parse('{"a": NaN}')


def test_appending_to_a_one_item_inline_array_keeps_the_files_spacing() -> None:
    text = '{\n    "permissions": {"allow": ["Bash(ls)"]},\n    "model": "sonnet"\n}\n'
    old = json.loads(text)
    new = copy.deepcopy(old)
    new["permissions"]["allow"].append("mcp__x")
    assert splice(text, old, new, indent="    ") == text.replace('["Bash(ls)"]', '["Bash(ls)", "mcp__x"]')
    compact = '{"a":["x"]}'
    assert splice(compact, {"a": ["x"]}, {"a": ["x", "y"]}, indent=None) == '{"a":["x","y"]}'
