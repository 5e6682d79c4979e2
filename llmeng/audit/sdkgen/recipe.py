"""Pins and recipes: which wheel to read, and where in it each default lives. Data, from sdk_wheels.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llmeng.errors import LlmengError

KINDS = ("timeout", "retries", "wrapper_retries", "validation_retries", "max_tokens")
UNITS = {
    "timeout": ("s", "ms"),
    "retries": ("retries", "attempts"),
    "wrapper_retries": ("retries", "attempts"),
    "validation_retries": ("retries", "attempts"),
    "max_tokens": ("tokens",),
}
ANCHORS = ("constant", "field", "param", "assign", "call")
FIX = "Fix the recipe in scripts/sdk_wheels.toml (see the header there for its keys)."


@dataclass(frozen=True)
class Pin:
    dist: str
    version: str
    file: str
    sha256: str


@dataclass(frozen=True)
class Recipe:
    """Where one default lives: an anchor in a file of the wheel, and how to read the value there."""

    key: str  # "<dist>:<name>", the entry this default belongs to
    kind: str
    unit: str
    dist: str = ""  # the wheel to read; the entry's own unless `from` names another pinned wheel
    file: str = ""
    anchor: str = ""  # constant | field | param | assign | call; "" = the library sets nothing itself
    target: str = ""  # NAME, Class.field, func.param, func.name, func:Callee
    kwarg: str = ""  # for a call anchor: the keyword argument read
    key_path: tuple[str, ...] = ()  # steps into a dict/list literal or a call's positional args ("arg0")
    unset: tuple[str, ...] = ("None",)  # expression texts that mean "not set here"
    inherit: str = ""  # when unset: the entry whose default applies instead
    assume_none: tuple[str, ...] = ()  # names an `assign` expression may treat as None
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.key} {self.kind}"


@dataclass(frozen=True)
class Entry:
    key: str
    pin: Pin
    recipes: tuple[Recipe, ...]


def parse_recipes(data: Mapping[str, Any]) -> tuple[tuple[Pin, ...], tuple[Entry, ...]]:
    """The pins and entries of a parsed sdk_wheels.toml; raises LlmengError naming a malformed one."""
    pins: list[Pin] = []
    entries: list[Entry] = []
    for raw in data.get("wheel", ()):
        pin = _pin(raw)
        pins.append(pin)
        for name, spec in sorted(raw.get("sdk", {}).items()):
            key = f"{pin.dist}:{name}"
            recipes = tuple(_recipe(key, kind, spec[kind], pin.dist) for kind in KINDS if kind in spec)
            unknown = set(spec) - set(KINDS)
            if unknown or not recipes:
                raise LlmengError(
                    f"sdk_wheels.toml: {key} has no defaults or unknown keys {sorted(unknown)}", FIX
                )
            entries.append(Entry(key, pin, recipes))
    return tuple(pins), tuple(entries)


def _pin(raw: Mapping[str, Any]) -> Pin:
    try:
        return Pin(raw["dist"], raw["version"], raw["file"], raw["sha256"])
    except KeyError as e:
        raise LlmengError(
            f"sdk_wheels.toml: a [[wheel]] lacks {e}", "Give each wheel dist, version, file and sha256."
        ) from e


def _recipe(key: str, kind: str, raw: Mapping[str, Any], dist: str) -> Recipe:
    anchors = [a for a in ANCHORS if a in raw]
    unit = raw.get("unit", "")
    problem = ""
    if unit not in UNITS[kind]:
        problem = f"unit {unit!r} is not one of {UNITS[kind]}"
    elif len(anchors) > 1 or (anchors and "file" not in raw):
        problem = "needs exactly one anchor (constant, field, param, assign or call) and a file"
    elif not anchors and "inherit" not in raw:
        problem = "names no anchor and no entry to inherit from"
    elif (anchors == ["call"]) != ("kwarg" in raw):
        problem = "a call anchor needs kwarg (and kwarg needs a call anchor)"
    if problem:
        raise LlmengError(f"sdk_wheels.toml: {key} {kind}: {problem}", FIX)
    anchor = anchors[0] if anchors else ""
    key_path = raw.get("key", "")
    return Recipe(
        key=key,
        kind=kind,
        unit=unit,
        dist=raw.get("from", dist),
        file=raw.get("file", ""),
        anchor=anchor,
        target=raw.get(anchor, ""),
        kwarg=raw.get("kwarg", ""),
        key_path=tuple(key_path.split(".")) if key_path else (),
        unset=tuple(raw.get("unset", ("None",))),
        inherit=raw.get("inherit", ""),
        assume_none=tuple(raw.get("assume_none", ())),
        note=raw.get("note", ""),
    )
