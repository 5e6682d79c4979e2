"""SDK knowledge loaded from data/sdks.toml: constructors, call shapes, defaults, overrides."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from llmeng.audit.sdk_defaults import link, parse_generated
from llmeng.errors import LlmengError


@dataclass(frozen=True)
class KwargPath:
    """Where a setting lives: kwarg name, then nested kwargs or dict keys, plus how to read it."""

    parts: tuple[str, ...]
    kind: str = "value"  # value | ms | retries | attempts | present
    present_attempts: int = 0

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Sdk:
    key: str
    provider: str
    source: str
    packages: tuple[str, ...] = ()
    timeout_s: float | None = None
    no_default_timeout: bool = False
    attempts: int | None = None
    timeout_paths: tuple[KwargPath, ...] = ()
    retry_paths: tuple[KwargPath, ...] = ()
    max_tokens_paths: tuple[KwargPath, ...] = ()
    max_tokens_required: bool = False
    constructors: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    embedding_methods: tuple[str, ...] = ()
    embedding_functions: tuple[str, ...] = ()
    constructor_globs: tuple[str, ...] = ()
    http_functions: tuple[str, ...] = ()
    url_markers: tuple[str, ...] = ()
    max_tokens_on_client: bool = False
    fallback_kwargs: tuple[str, ...] = ()
    builtin_retry_wrapper: bool = False
    service: str | None = None
    versions: tuple[Mapping[str, Any], ...] = ()
    pinned: str | None = None
    max_tokens_default: int | None = None  # an output bound the library sends when none is given
    timeout_source: str = ""  # "<dist> <version> <path>:<line>" when the default was read from a wheel
    attempts_source: str = ""
    max_tokens_source: str = ""

    @property
    def default_timeout_known(self) -> bool:
        return self.no_default_timeout or self.timeout_s is not None


@dataclass(frozen=True)
class Knowledge:
    sdks: Mapping[str, Sdk]
    shapes: Mapping[str, str]
    ctor_index: Mapping[str, str] = field(default_factory=dict)
    function_index: Mapping[str, str] = field(default_factory=dict)
    tails_by_last: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    embedding_functions: frozenset[str] = frozenset()
    ctor_globs: tuple[tuple[str, str, str], ...] = ()  # (package glob, class glob, sdk key)
    http_index: Mapping[str, str] = field(default_factory=dict)
    not_calls: tuple[tuple[str, ...], ...] = ()  # method paths that end like a shape but call no model
    wrappers: frozenset[str] = frozenset()  # functions returning the client they are given, patched

    def ctor_sdk(self, dotted: str) -> str | None:
        """The SDK a constructor's dotted import path builds a client of, exactly or by glob."""
        key = self.ctor_index.get(dotted)
        if key is not None or "." not in dotted:
            return key
        return _glob_sdk(self.ctor_globs, dotted)

    def with_pins(self, pins: Mapping[str, str]) -> Knowledge:
        """The same knowledge with each SDK's version overrides applied for the pinned versions."""
        if not pins:
            return self
        pinned = _index({k: _pin(s, pins) for k, s in self.sdks.items()}, self.shapes)
        return replace(pinned, not_calls=self.not_calls, wrappers=self.wrappers)


@lru_cache(maxsize=4096)
def _glob_sdk(globs: tuple[tuple[str, str, str], ...], dotted: str) -> str | None:
    module, cls = dotted.rsplit(".", 1)
    top = module.split(".", 1)[0]
    for pkg, glob, sdk in globs:
        if fnmatch.fnmatchcase(top, pkg) and fnmatch.fnmatchcase(cls, glob):
            return sdk
    return None


def _pin(sdk: Sdk, pins: Mapping[str, str]) -> Sdk:
    pinned = next((f"{p}=={pins[p]}" for p in sdk.packages if p in pins), None)
    out = replace(sdk, pinned=pinned)
    for override in sdk.versions:
        version = pins.get(str(override["package"]))
        if version and version_tuple(version) < version_tuple(str(override["below"])):
            changes = {k: v for k, v in override.items() if k in ("attempts", "timeout_s")}
            out = replace(out, **changes)
    return out


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:4])


_TUPLE_FIELDS = (
    "packages",
    "constructors",
    "methods",
    "functions",
    "errors",
    "fallback_kwargs",
    "embedding_methods",
    "embedding_functions",
    "constructor_globs",
    "http_functions",
    "url_markers",
)


def _sdk(key: str, raw: Mapping[str, Any]) -> Sdk:
    try:
        return Sdk(
            key=key,
            provider=raw["provider"],
            source=raw["source"],
            timeout_s=raw.get("timeout_s"),
            no_default_timeout=raw.get("no_default_timeout", False),
            attempts=raw.get("attempts"),
            timeout_paths=tuple(_path(p) for p in raw.get("timeout_kwargs", ())),
            retry_paths=tuple(_path(p) for p in raw.get("retry_kwargs", ())),
            max_tokens_paths=tuple(_path(p) for p in raw.get("max_tokens_kwargs", ())),
            max_tokens_required=raw.get("max_tokens_required", False),
            builtin_retry_wrapper=raw.get("builtin_retry_wrapper", False),
            max_tokens_on_client=raw.get("max_tokens_on_client", False),
            service=raw.get("service"),
            versions=tuple(raw.get("versions", ())),
            max_tokens_default=raw.get("max_tokens_default"),
            timeout_source=raw.get("timeout_source", ""),
            attempts_source=raw.get("attempts_source", ""),
            max_tokens_source=raw.get("max_tokens_source", ""),
            **{f: tuple(raw.get(f, ())) for f in _TUPLE_FIELDS},  # type: ignore[arg-type]
        )
    except (KeyError, TypeError) as e:
        raise LlmengError(
            f"sdks.toml: sdk.{key} is malformed ({e})",
            "Each [sdk.*] table needs provider and source; see the header of sdks.toml.",
        ) from e


def _path(spec: str) -> KwargPath:
    name, _, kind = spec.partition(":")
    kind, _, n = kind.partition("=")
    return KwargPath(tuple(name.split(".")), kind or "value", int(n or 0))


def _index(sdks: Mapping[str, Sdk], shapes: Mapping[str, str]) -> Knowledge:
    ctors = {c: s.key for s in sdks.values() for c in s.constructors}
    funcs = {f: s.key for s in sdks.values() for f in (*s.functions, *s.embedding_functions)}
    tails = {tuple(m.split(".")) for s in sdks.values() for m in (*s.methods, *s.embedding_methods)}
    # Longest tails first, so `chat.completions.create` wins over a bare `create`.
    ordered = tuple(sorted(tails, key=len, reverse=True))
    by_last: dict[str, tuple[tuple[str, ...], ...]] = {}
    for tail in ordered:
        by_last[tail[-1]] = (*by_last.get(tail[-1], ()), tail)
    embed = frozenset(f for s in sdks.values() for f in s.embedding_functions)
    globs = tuple(
        (g.split(":")[0], g.split(":")[1], s.key) for s in sdks.values() for g in s.constructor_globs
    )
    http = {f: s.key for s in sdks.values() for f in s.http_functions}
    return Knowledge(
        sdks=dict(sdks),
        shapes=dict(shapes),
        ctor_index=ctors,
        function_index=funcs,
        tails_by_last=by_last,
        embedding_functions=embed,
        ctor_globs=globs,
        http_index=http,
    )


def parse_knowledge(text: str, generated: Mapping[str, Mapping[str, Any]] | None = None) -> Knowledge:
    """Knowledge from the text of an sdks.toml file, with the generated defaults its entries link."""
    data = tomllib.loads(text)
    sdks = {k: _sdk(k, link(k, v, generated or {})) for k, v in data.get("sdk", {}).items()}
    unknown = {v for v in data.get("shapes", {}).values()} - set(sdks)
    if unknown:
        raise LlmengError(
            f"sdks.toml: [shapes] names unknown sdks {sorted(unknown)}",
            "Point each shape at a key of an [sdk.*] table.",
        )
    not_calls = tuple(tuple(m.split(".")) for m in data.get("not_calls", {}).get("methods", ()))
    wrappers = frozenset(data.get("wrappers", {}).get("functions", ()))
    return replace(_index(sdks, data.get("shapes", {})), not_calls=not_calls, wrappers=wrappers)


@cache
def load_knowledge() -> Knowledge:
    """The knowledge shipped in llmeng/data/sdks.toml and the defaults generated into sdk_defaults.toml."""
    data = resources.files("llmeng.data")
    generated = parse_generated(data.joinpath("sdk_defaults.toml").read_text(encoding="utf-8"))
    return parse_knowledge(data.joinpath("sdks.toml").read_text(encoding="utf-8"), generated)
