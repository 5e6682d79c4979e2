"""AG219-AG223: which keys the frontmatter holds (unknown, plugin-ignored, `allowed-tools`) and their types."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import SRC_REF, doc_finding
from llmeng.agents.rules.fields import CAT, FM, SOURCES, spec_values
from llmeng.findings import Finding, Severity
from llmeng.rules import Rule

UNKNOWN_KEY = Rule(
    id="AG219",
    name="unknown-key",
    severity=Severity.WARNING,
    category=CAT,
    summary="A frontmatter key Claude Code does not know; it is ignored.",
    why="Claude Code ignores unknown keys (2.1.330 mentions them only in its debug log), so a typo such as "
    "`tool:` silently loses the setting.",
    bad=FM.format("tool: Read\n"),
    good=FM.format("tools: Read\n"),
    fix="Fix the key's spelling or remove it.",
    sources=SOURCES,
)
ALLOWED_TOOLS = Rule(
    id="AG220",
    name="allowed-tools-in-agent",
    severity=Severity.ERROR,
    category=CAT,
    summary="`allowed-tools` does nothing in an agent: the agent gets every tool.",
    why="`allowed-tools` is a skill and command field. In an agent Claude Code ignores it, "
    "so the restriction you wrote does not hold and the agent inherits every tool (anthropics/claude-code"
    "#27099).",
    bad=FM.format("allowed-tools: Read, Grep\n"),
    good=FM.format("tools: Read, Grep\n"),
    fix="Rename `allowed-tools` to `tools`.",
    fixable=True,
    sources=SOURCES,
)
PLUGIN_IGNORED = Rule(
    id="AG221",
    name="ignored-in-plugin",
    severity=Severity.WARNING,
    category=CAT,
    summary="Claude Code ignores this field in plugin agents.",
    why="Plugin agents cannot set `permissionMode`, `hooks`, `mcpServers` or `initialPrompt`; Claude Code "
    "drops them with a warning in its debug log.",
    bad=FM.format("permissionMode: acceptEdits\n"),
    good=FM.format(""),
    fix="Remove the field, or install the agent into .claude/agents/ where it applies.",
    sources=(SRC_REF + " §1.8",),
)
INVALID_MCP_SERVERS = Rule(
    id="AG222",
    name="invalid-mcp-servers",
    severity=Severity.WARNING,
    category=CAT,
    summary="`mcpServers` is not a list of server names or inline configurations; Claude Code drops the bad entries.",
    why="Each item must be a configured server's name or a one-key mapping `{name: config}`.",
    bad=FM.format("mcpServers: github\n"),
    good=FM.format("mcpServers:\n  - github\n"),
    fix="Write `mcpServers` as a YAML list.",
    sources=SOURCES,
)
FIELD_TYPE = Rule(
    id="AG223",
    name="wrong-field-type",
    severity=Severity.WARNING,
    category=CAT,
    summary="A field has the wrong type; Claude Code ignores it.",
    why="Claude Code reads each field with a fixed type; a value of another type is dropped.",
    bad=FM.format("omitClaudeMd: maybe\n"),
    good=FM.format("omitClaudeMd: true\n"),
    fix="Give the field a value of the documented type.",
    sources=SOURCES,
)


def key_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    fields = ctx.spec.fields
    for raw_key in data:
        key = str(raw_key)
        if key == "allowed-tools" and "tools" not in data:
            yield doc_finding(
                ALLOWED_TOOLS,
                doc,
                "`allowed-tools` is ignored in agents: this agent gets every tool",
                key=key,
            )
        elif key == "allowed-tools":
            yield doc_finding(
                UNKNOWN_KEY,
                doc,
                "`allowed-tools` is ignored in agents; `tools` is what applies",
                key=key,
                fix="Remove `allowed-tools`; keep the list in `tools`.",
            )
        elif key not in fields or (fields[key].plugin_only and doc.plugin is None):
            close = difflib.get_close_matches(key, [k for k in fields if not fields[k].plugin_only], n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            yield doc_finding(
                UNKNOWN_KEY,
                doc,
                f"unknown key `{key}`{hint}; Claude Code ignores it",
                key=key,
                fix=f"Rename it to `{close[0]}`." if close else UNKNOWN_KEY.fix,
            )
        elif doc.plugin is not None and fields[key].plugin_ignored:
            yield doc_finding(PLUGIN_IGNORED, doc, f"`{key}` is ignored for plugin agents", key=key)


def type_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    if "mcpServers" in data and doc.plugin is None and not _valid_mcp_servers(data["mcpServers"]):
        yield doc_finding(
            INVALID_MCP_SERVERS,
            doc,
            "`mcpServers` must be a list of names or `{name: config}` items",
            key="mcpServers",
        )
    checked = {
        "skills": "str_or_list",
        "initialPrompt": "str",
        "autoCompactWindow": "int",
        "omitClaudeMd": "bool",
        "observerMessage": "str",
        "experimental": "mapping",
    }
    for key, kind in checked.items():
        if key in data and not _has_type(data[key], kind):
            yield doc_finding(
                FIELD_TYPE, doc, f"`{key}` should be {_KIND_WORDS[kind]}; Claude Code ignores it", key=key
            )
    experimental = data.get("experimental")
    if (
        isinstance(experimental, dict)
        and "cacheTtl" in experimental
        and experimental["cacheTtl"] not in spec_values(ctx, "experimental_cache_ttl")
    ):
        yield doc_finding(FIELD_TYPE, doc, "`experimental.cacheTtl` should be 5m or 1h", key="experimental")


_KIND_WORDS = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "mapping": "a mapping",
    "str_or_list": "a string or a list of strings",
}


def _has_type(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "mapping":
        return isinstance(value, dict)
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _valid_mcp_servers(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    return all(isinstance(v, str) or (isinstance(v, dict) and len(v) == 1) for v in value)


FILE_CHECKS = (
    (UNKNOWN_KEY, key_checks),
    (ALLOWED_TOOLS, key_checks),
    (PLUGIN_IGNORED, key_checks),
    (INVALID_MCP_SERVERS, type_checks),
    (FIELD_TYPE, type_checks),
)
