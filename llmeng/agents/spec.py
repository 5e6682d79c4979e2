"""The Claude Code agent-file spec, loaded from llmeng/data/claude_code.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    plugin_ignored: bool = False
    plugin_only: bool = False
    since: str | None = None


@dataclass(frozen=True)
class Spec:
    claude_code_version: str
    as_of: str
    sources: tuple[str, ...]
    fields: dict[str, FieldSpec]
    values: dict[str, Any]
    limits: dict[str, int]
    frontmatter_pattern: re.Pattern[str]
    lenient_quote_chars: str
    tools: frozenset[str]
    tool_aliases: dict[str, str]
    retired_tools: frozenset[str]
    hook_events: frozenset[str]
    hook_types: frozenset[str]
    builtin_agents: frozenset[str]

    @property
    def model_id_pattern(self) -> re.Pattern[str]:
        return re.compile(self.values["model_id_pattern"])


@cache
def load_spec() -> Spec:
    """The bundled spec (parsed once per process)."""
    raw = tomllib.loads(resources.files("llmeng.data").joinpath("claude_code.toml").read_text("utf-8"))
    return spec_from_dict(raw)


def spec_from_dict(raw: dict[str, Any]) -> Spec:
    meta, tools = raw["meta"], raw["tools"]
    fields = {name: FieldSpec(name=name, **attrs) for name, attrs in raw["fields"].items()}
    return Spec(
        claude_code_version=meta["claude_code_version"],
        as_of=meta["as_of"],
        sources=tuple(meta["sources"]),
        fields=fields,
        values=raw["values"],
        limits=raw["limits"],
        frontmatter_pattern=re.compile(raw["frontmatter"]["pattern"]),
        lenient_quote_chars=raw["frontmatter"]["lenient_quote_chars"],
        tools=frozenset(tools["known"]),
        tool_aliases=dict(tools["aliases"]),
        retired_tools=frozenset(tools["retired"]),
        hook_events=frozenset(raw["hooks"]["events"]),
        hook_types=frozenset(raw["hooks"]["types"]),
        builtin_agents=frozenset(raw["agents"]["builtin"]),
    )
