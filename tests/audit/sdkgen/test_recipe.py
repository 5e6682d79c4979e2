"""sdk_wheels.toml is data: pins and recipes parse, and a malformed one is refused with the fix."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from llmeng.audit.sdkgen.recipe import parse_recipes
from llmeng.errors import LlmengError

PIN = 'dist = "toy"\nversion = "1.0"\nfile = "toy-1.0-py3-none-any.whl"\nsha256 = "ab"\n'


def _parse(sdk: str) -> Any:
    return parse_recipes(tomllib.loads(f"[[wheel]]\n{PIN}\n[wheel.sdk.Chat]\n{sdk}"))


def test_pins_and_recipes_parse_with_their_defaults() -> None:
    pins, entries = _parse(
        'timeout = { file = "toy/c.py", field = "Chat.timeout", unit = "s", unset = ["omit"] }\n'
        'retries = { inherit = "other:X", unit = "retries", note = "n" }\n'
        'max_tokens = { file = "t.py", constant = "C", key = "arg0.a.0", unit = "tokens", from = "dep" }\n'
    )
    assert [p.version for p in pins] == ["1.0"] and [e.key for e in entries] == ["toy:Chat"]
    timeout, retries, bound = entries[0].recipes
    assert (timeout.anchor, timeout.target, timeout.unset, timeout.dist) == (
        "field",
        "Chat.timeout",
        ("omit",),
        "toy",
    )
    assert (retries.anchor, retries.inherit, retries.unset, retries.name) == (
        "",
        "other:X",
        ("None",),
        "toy:Chat retries",
    )
    assert (bound.key_path, bound.dist) == (("arg0", "a", "0"), "dep")


@pytest.mark.parametrize(
    ("sdk", "message"),
    [
        ('timeout = { file = "t.py", constant = "C", unit = "min" }', "unit 'min' is not one of"),
        ('timeout = { file = "t.py", constant = "C", field = "A.b", unit = "s" }', "exactly one anchor"),
        ('timeout = { constant = "C", unit = "s" }', "exactly one anchor"),
        ('timeout = { unit = "s" }', "no anchor and no entry to inherit from"),
        ('timeout = { file = "t.py", call = "f:C", unit = "s" }', "a call anchor needs kwarg"),
        ('timeout = { file = "t.py", constant = "C", kwarg = "x", unit = "s" }', "a call anchor needs kwarg"),
        ('timeot = { file = "t.py", constant = "C", unit = "s" }', "unknown keys"),
    ],
)
def test_a_malformed_recipe_is_refused_naming_the_entry(sdk: str, message: str) -> None:
    with pytest.raises(LlmengError, match=message) as e:
        _parse(sdk)
    assert "toy:Chat" in str(e.value) and e.value.fix


def test_a_pin_without_its_sha256_is_refused() -> None:
    with pytest.raises(LlmengError, match="lacks 'sha256'"):
        parse_recipes(tomllib.loads('[[wheel]]\ndist = "toy"\nversion = "1"\nfile = "f"\n'))
