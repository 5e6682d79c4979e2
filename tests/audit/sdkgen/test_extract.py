"""Recipes read defaults out of a wheel's source: anchors, folding, names followed through imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from llmeng.audit.sdkgen.extract import REQUIRED, UNSET, Read, RecipeError, read
from llmeng.audit.sdkgen.recipe import Recipe
from llmeng.audit.sdkgen.wheel import Source

CONSTANTS = """
import json
import httpx
DEFAULT_TIMEOUT = httpx.Timeout(timeout=10 * 60, connect=5.0)
DEFAULT_MAX_RETRIES = 2
READ_LIMIT = httpx.Timeout(5.0, read=30.0)
NO_LIMIT = httpx.Timeout(None)
SERVICE = json.dumps({"methodConfig": [{"retryPolicy": {"maxAttempts": 5}}]})
MINUS = -(2 ** 3) + 4 // 3 - 1 / 2
CONFIG = {"retryPolicy": {"maxAttempts": 4}}
WRAPPED = json.dumps(CONFIG)
try:
    from toy.fast import SPEED
except ImportError:
    SPEED = 1
if SPEED:
    GUARDED = 7
"""
CLIENT = """
import os
from pydantic import BaseModel, Field
from ._constants import DEFAULT_MAX_RETRIES as RETRIES, DEFAULT_TIMEOUT

class Base(BaseModel):
    request_timeout: float | None = Field(default=None, alias="timeout")
    max_retries: int = RETRIES
    client_kwargs: dict = {}

class Chat(Base, object):
    "A chat model."
    max_tokens: int | None = Field(512)
    model: str
    tags: list = Field(default_factory=list)
    flags = [1, 2]

    def create(self, *, max_tokens: int, temperature: float = 1.0): ...

    def create(self, prompt, n=3, *, max_tokens: int, stream=False, limit=omit):
        return self._client().send(prompt, timeout=DEFAULT_TIMEOUT, retries=n)

    def settings(self, timeout=None, retries=None, *, label=undefined_name):
        timeout_ms = self.configured_timeout
        if timeout_ms is None:
            timeout_ms = 300000
        effective = timeout if timeout is not None else float(os.environ.get("TOY_TIMEOUT", "30.0"))
        tries = retries or self.max_tries or 4
        both = retries and 9
        allset = 2 and 9
        nothing = retries or None
        same = 1 if retries == None else 2
        other = 1 if retries != None else 2
        is_none = 1 if retries is None else 2
        odd = 1 if retries < 3 else 2
        mapping = {"a": 1}
        call = compute(3)
        return effective

def build(**kw):
    registry["x"](retries=1)
    client = Transport(retries=0)
    return Client(base_url="x", **kw)
"""


@pytest.fixture
def toy(make_source: Callable[..., Source]) -> Source:
    return make_source(
        {
            "toy/__init__.py": "from toy.client import Chat\n",
            "toy/_constants.py": CONSTANTS,
            "toy/client.py": CLIENT,
        }
    )


def _read(source: Source, file: str = "toy/client.py", **kw: Any) -> Read:
    kw.setdefault("unit", "s")
    return read(source, Recipe(key="toy:Chat", kind=kw.pop("kind", "timeout"), dist="toy", file=file, **kw))


def test_a_constant_folds_an_httpx_timeout_and_its_arithmetic(toy: Source) -> None:
    got = _read(toy, "toy/_constants.py", anchor="constant", target="DEFAULT_TIMEOUT")
    assert (got.value, got.text, got.loc.text) == (
        600,
        "httpx.Timeout(timeout=10 * 60, connect=5.0)",
        "toy 1.0 toy/_constants.py:3",
    )
    assert _read(toy, "toy/_constants.py", anchor="constant", target="READ_LIMIT").value == 30.0
    assert _read(toy, "toy/_constants.py", anchor="constant", target="NO_LIMIT").value is UNSET
    assert _read(toy, "toy/_constants.py", anchor="constant", target="MINUS").value == -8 + 1 - 0.5
    assert _read(toy, "toy/_constants.py", anchor="constant", target="GUARDED").value == 7


def test_a_key_path_steps_into_a_literal_inside_a_call(toy: Source) -> None:
    path = ("arg0", "methodConfig", "0", "retryPolicy", "maxAttempts")
    got = _read(toy, "toy/_constants.py", anchor="constant", target="SERVICE", key_path=path, unit="attempts")
    assert got.value == 5
    wrapped = ("arg0", "retryPolicy", "maxAttempts")
    assert _read(toy, "toy/_constants.py", anchor="constant", target="WRAPPED", key_path=wrapped).value == 4
    with pytest.raises(RecipeError, match="no key 'nope'"):
        _read(toy, "toy/_constants.py", anchor="constant", target="SERVICE", key_path=("arg0", "nope"))
    with pytest.raises(RecipeError, match="cannot step into"):
        _read(toy, "toy/_constants.py", anchor="constant", target="SERVICE", key_path=("arg5",))


def test_a_field_is_found_in_a_base_class_and_its_name_followed_through_an_import(toy: Source) -> None:
    got = _read(toy, anchor="field", target="Chat.max_retries", unit="retries")
    assert (got.value, got.loc.text, got.value_loc) == (
        2,
        "toy 1.0 toy/client.py:7",
        toy.module("toy._constants").loc(toy.module("toy._constants").tree.body[3]),
    )
    assert _read(toy, anchor="field", target="Chat.request_timeout").value is UNSET
    assert _read(toy, anchor="field", target="Chat.max_tokens", kind="max_tokens", unit="tokens").value == 512
    assert _read(toy, anchor="field", target="Chat.model", kind="max_tokens", unit="tokens").value is REQUIRED
    unset = _read(toy, anchor="field", target="Chat.client_kwargs", unset=("{}",))
    assert (unset.value, unset.text) == (UNSET, "{}")
    assert _read(toy, anchor="field", target="Chat.flags").value == [1, 2]


def test_a_field_read_from_the_package_that_re_exports_the_class(toy: Source) -> None:
    assert _read(toy, "toy/__init__.py", anchor="field", target="Chat.max_retries").value == 2


def test_a_parameter_default_of_the_definition_that_runs(toy: Source) -> None:
    # The first `create` is an overload-style stub; the last definition is the one Python keeps.
    assert _read(toy, anchor="param", target="Chat.create.n", unit="retries").value == 3
    assert _read(toy, anchor="param", target="Chat.create.max_tokens").value is REQUIRED
    assert _read(toy, anchor="param", target="Chat.create.limit", unset=("omit",)).value is UNSET


def test_an_assignment_folds_with_the_functions_parameter_defaults(toy: Source) -> None:
    def assigned(name: str, **kw: Any) -> Any:
        return _read(toy, anchor="assign", target=f"Chat.settings.{name}", **kw).value

    assert assigned("timeout_ms", unit="ms") == 300000  # the fallback, the last assignment
    assert assigned("effective") == 30.0  # the environment variable unset: the code's own default
    assert assigned("tries", assume_none=("self.max_tries",)) == 4
    assert assigned("both") is UNSET
    assert (assigned("allset"), assigned("nothing")) == (9, UNSET)
    assert (assigned("same"), assigned("other"), assigned("is_none")) == (1, 2, 1)


def test_a_call_anchor_reads_a_keyword_or_reports_it_absent(toy: Source) -> None:
    got = _read(toy, anchor="call", target="build:Transport", kwarg="retries", unit="retries")
    assert (got.value, got.loc.line) == (0, 41)
    absent = _read(toy, anchor="call", target="build:Client", kwarg="timeout")
    assert (absent.value, absent.text) == (UNSET, "Client() without timeout=")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"file": "toy/missing.py", "anchor": "constant", "target": "X"}, "the file is not in the wheel"),
        ({"anchor": "constant", "target": "NOPE"}, "no module-level assignment to NOPE"),
        ({"anchor": "constant", "target": "Base"}, "no module-level assignment to Base"),
        ({"anchor": "field", "target": "Nope.x"}, "no class Nope"),
        ({"anchor": "field", "target": "Chat.nope"}, "define no field nope"),
        ({"anchor": "field", "target": "Chat.create"}, "define no field create"),
        ({"anchor": "field", "target": "Chat.tags"}, r"Field\(\) has no default \(default_factory\)"),
        ({"anchor": "param", "target": "Chat.nope.x"}, r"define no method nope\(\)"),
        ({"anchor": "param", "target": "nope.x"}, r"no function nope\(\)"),
        ({"anchor": "param", "target": "Chat.create.nope"}, r"create\(\) has no parameter nope"),
        ({"anchor": "assign", "target": "Chat.settings.nope"}, r"settings\(\) never assigns nope"),
        ({"anchor": "assign", "target": "Chat.settings.odd"}, "cannot fold the comparison Lt"),
        ({"anchor": "assign", "target": "Chat.settings.call"}, r"cannot fold the call compute\(3\)"),
        ({"anchor": "assign", "target": "Chat.settings.tries"}, "cannot fold self.max_tries"),
        ({"anchor": "assign", "target": "Chat.settings.mapping"}, "not a number|mapping"),
        ({"anchor": "call", "target": "build:Nope", "kwarg": "x"}, r"build\(\) never calls Nope\(\)"),
        ({"anchor": "param", "target": "Chat.settings.label"}, "cannot resolve the name undefined_name"),
    ],
)
def test_a_recipe_that_no_longer_matches_fails_naming_the_library_and_the_recipe(
    toy: Source, kw: dict[str, Any], message: str
) -> None:
    if "mapping" in kw["target"]:
        assert _read(toy, **kw).value == {"a": 1}  # folds; generate() refuses a non-number later
        return
    with pytest.raises(RecipeError, match=message) as e:
        _read(toy, **kw)
    assert str(e.value).startswith("toy:Chat timeout: ") and "toy" in str(e.value)
    assert "scripts/sdk_wheels.toml" in e.value.fix
