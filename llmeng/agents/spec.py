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
    tools: frozenset[str]  # given to a subagent under this name
    tool_aliases: dict[str, str]
    session_only_tools: frozenset[str]
    main_thread_only_tools: frozenset[str]
    retired_tools: frozenset[str]
    hook_events: frozenset[str]
    hook_types: frozenset[str]
    builtin_agents: frozenset[str]

    @property
    def builtin_tools(self) -> frozenset[str]:
        """Every current tool name, whether or not a subagent gets it."""
        return self.tools | self.session_only_tools | self.main_thread_only_tools

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
        tools=frozenset(tools["offered"]),
        tool_aliases=dict(tools["aliases"]),
        session_only_tools=frozenset(tools["session_only"]),
        main_thread_only_tools=frozenset(tools["main_thread_only"]),
        retired_tools=frozenset(tools["retired_binary"]) | frozenset(tools["retired"]),
        hook_events=frozenset(raw["hooks"]["events"]),
        hook_types=frozenset(raw["hooks"]["types"]),
        builtin_agents=frozenset(raw["agents"]["builtin"]),
    )
