"""AG3xx: `tools` and `disallowedTools`, and the tools the body relies on."""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from llmeng.agents.context import LintContext, mcp_server_prefix
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import SRC_REF, doc_finding
from llmeng.agents.spec import Spec
from llmeng.findings import Confidence, Finding, Severity, Verdict
from llmeng.rules import Rule

CAT = "tools"
SOURCES = (SRC_REF + " §1.5, §1.7a, §4.4",)
FM = "---\nname: reviewer\ndescription: Reviews diffs.\n{}---\nYou review diffs.\n"


TOOLS_EMPTY = Rule(
    id="AG301",
    name="tools-empty",
    severity=Severity.WARNING,
    category=CAT,
    summary="`tools` is present but empty: the agent starts with no tools at all.",
    why='An empty `tools:` (null, "" or []) gives the subagent zero tools, although Claude Code\'s agent list '
    'says "All tools"; Claude Code 2.1.330 still starts it, so it can only answer from its prompt. '
    "Omitting the key is what inherits every tool.",
    bad=FM.format("tools:\n"),
    good=FM.format("tools: Read, Grep, Glob\n"),
    fix="List the tools the agent needs, or remove the key to inherit all.",
    sources=SOURCES,
)
UNKNOWN_TOOL = Rule(
    id="AG302",
    name="unknown-tool",
    severity=Severity.WARNING,
    category=CAT,
    summary="A tool name Claude Code does not offer; it is dropped.",
    why="Claude Code drops unknown names silently, so a typo or a tool from another product (VS Code's "
    "`codebase`, `runCommands`) removes a permission the agent was meant to have.",
    bad=FM.format("tools: Read, Grepp\n"),
    good=FM.format("tools: Read, Grep\n"),
    fix="Fix the name or remove it.",
    sources=SOURCES,
)
RETIRED_TOOL = Rule(
    id="AG303",
    name="retired-tool",
    severity=Severity.WARNING,
    category=CAT,
    summary="A tool name Claude Code no longer offers; it is dropped.",
    why="`LS`, `MultiEdit`, `NotebookRead`, `BashOutput` and `TaskOutput` appear in many older agents; "
    "Claude Code 2.1.330 grants nothing for them and no longer maps them to a newer tool.",
    bad=FM.format("tools: Read, LS\n"),
    good=FM.format("tools: Read, Glob\n"),
    fix="Replace it with the current tool (LS → Glob or Bash, MultiEdit → Edit, NotebookRead → Read).",
    sources=SOURCES,
)
NO_USABLE_TOOLS = Rule(
    id="AG304",
    name="no-usable-tools",
    severity=Severity.ERROR,
    effect=Verdict.CANNOT_START,
    category=CAT,
    summary="Every name in `tools` is unknown: the agent can never start.",
    why='Claude Code lists the agent, but spawning it fails with "would be spawned with zero tools".',
    bad=FM.format("tools: codebase, runCommands\n"),
    good=FM.format("tools: Read, Bash\n"),
    fix="Use Claude Code tool names (Read, Grep, Glob, Edit, Write, Bash, ...).",
    sources=SOURCES,
)
TOOL_SYNTAX = Rule(
    id="AG305",
    name="tool-syntax",
    severity=Severity.WARNING,
    category=CAT,
    summary="A `tools` entry is malformed (unbalanced parentheses, empty argument or not a string).",
    why="Claude Code splits `tools` on commas and spaces outside parentheses; an "
    "unclosed `(` swallows the entries after it.",
    bad=FM.format("tools: Read, Bash(git status:*, Grep\n"),
    good=FM.format("tools: Read, Bash(git status:*), Grep\n"),
    fix="Close the parenthesis or quote the entry.",
    sources=SOURCES,
)
UNKNOWN_MCP_SERVER = Rule(
    id="AG306",
    name="unknown-mcp-server",
    severity=Severity.WARNING,
    category=CAT,
    summary="An MCP tool names a server that is not configured beside the agents.",
    why="Tools of servers that are not configured do not exist for the agent; the name "
    "must also match how the server is registered (`mcp__<server>__<tool>` for .mcp.json, "
    "`mcp__plugin_<plugin>_<server>__<tool>` in a plugin).",
    bad=FM.format("tools: mcp__githb__create_issue\n"),
    good=FM.format("tools: mcp__github__create_issue\n"),
    fix="Fix the server name, or register the server in .mcp.json or the plugin's mcpServers.",
    sources=SOURCES,
)
LEGACY_ALIAS = Rule(
    id="AG307",
    name="legacy-tool-alias",
    severity=Severity.INFO,
    category=CAT,
    summary="A legacy tool name that Claude Code maps to a newer one.",
    why="Claude Code 2.1.330 rewrites `Task` to `Agent`, `KillShell` and `KillBash` to `TaskStop` and "
    "`ListPeers` to `ListAgents`; the old names work today, but readers and other tools know the new ones.",
    bad=FM.format("tools: Read, Task\n"),
    good=FM.format("tools: Read, Agent\n"),
    fix="Write the current name.",
    fixable=False,
    sources=SOURCES,
)
SESSION_ONLY_TOOL = Rule(
    id="AG309",
    name="session-only-tool",
    severity=Severity.INFO,
    category=CAT,
    summary="A built-in tool that a subagent gets only in some sessions; in a default session it is dropped.",
    why="Claude Code 2.1.330 offers tools such as `TodoWrite`, `AskUserQuestion` or `TaskCreate` only with "
    "some features, platforms or sign-ins; a subagent spawned from `claude -p` gets none of them. An agent "
    "that relies on one works in one session and not in another, and one with nothing else cannot start.",
    bad=FM.format("tools: Read, TodoWrite\n"),
    good=FM.format("tools: Read\n"),
    fix="Keep the agent working without it, or accept that it is dropped where the session lacks it.",
    sources=(*SOURCES, "tests/e2e/test_loader_facts_e2e.py (one spawn per tool name)"),
)
INHERITS_ALL = Rule(
    id="AG308",
    name="inherits-all-tools",
    severity=Severity.INFO,
    category=CAT,
    summary="No `tools` key: the agent inherits every tool, MCP tools included.",
    why="Least privilege keeps a reviewer from editing and an advisor from running shell "
    "commands; an explicit list also documents what the agent does.",
    bad=FM.format(""),
    good=FM.format("tools: Read, Grep, Glob\n"),
    fix="Add `tools:` with the tools the body uses.",
    sources=SOURCES,
)
TOOL_NOT_GRANTED = Rule(
    id="AG310",
    name="tool-not-granted",
    severity=Severity.WARNING,
    category=CAT,
    summary="The body tells the agent to use a tool that `tools` does not grant.",
    why="The agent follows its instructions, finds no such tool, and improvises or fails.",
    bad=FM.format("tools: Read\n") + "Run the checks:\n```bash\npytest\n```\n",
    good=FM.format("tools: Read, Bash\n") + "Run the checks:\n```bash\npytest\n```\n",
    fix="Grant the tool in `tools:` or remove the instruction.",
    sources=SOURCES,
)


_SEPARATORS = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class ToolEntry:
    raw: str
    base: str
    balanced: bool


def split_tools(value: Any) -> list[ToolEntry] | None:
    """Entries of a `tools` value as Claude Code splits them; None when it is not a string or list."""
    if isinstance(value, list):
        items = [v if isinstance(v, str) else reprlib.repr(v) for v in value]
    elif isinstance(value, str):
        items = _split_string(value)
    else:
        return None
    return [
        ToolEntry(raw=i, base=i.split("(", 1)[0].strip(), balanced=_balanced(i)) for i in items if i.strip()
    ]


def _split_string(value: str) -> list[str]:
    if "(" not in value and ")" not in value:
        return [i for i in _SEPARATORS.split(value) if i]
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in value:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if depth == 0 and (ch == "," or ch.isspace()):
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


def _balanced(entry: str) -> bool:
    if "(" not in entry and ")" not in entry:
        return True
    return (
        entry.count("(") == 1
        and entry.endswith(")")
        and entry.count(")") == 1
        and entry.index("(") > 0
        and entry[entry.index("(") + 1 : -1].strip() != ""
    )


def tools_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    if "tools" not in data:
        if "allowed-tools" not in data:
            yield doc_finding(INHERITS_ALL, doc, "no `tools`: the agent inherits every tool", key="name")
    elif data["tools"] in (None, "", []) or (isinstance(data["tools"], str) and not data["tools"].strip()):
        yield doc_finding(
            TOOLS_EMPTY, doc, "`tools` is empty: the agent starts with no tools at all", key="tools"
        )
    else:
        yield from _entries(doc, ctx, "tools", require_usable=True)
    if data.get("disallowedTools") not in (None, "", []):
        yield from _entries(doc, ctx, "disallowedTools", require_usable=False)


def _entries(doc: AgentDoc, ctx: LintContext, key: str, *, require_usable: bool) -> Iterator[Finding]:
    assert doc.data is not None
    entries = split_tools(doc.data[key])
    if entries is None:
        yield doc_finding(TOOL_SYNTAX, doc, f"`{key}` must be a comma-separated string or a list", key=key)
        return
    spec, usable = ctx.spec, 0
    own = _own_servers(doc)
    bases = {e.base for e in entries if e.base.startswith("mcp__")}
    for e in entries:
        if not e.balanced:
            yield doc_finding(TOOL_SYNTAX, doc, f"malformed entry `{e.raw}` in `{key}`", key=key)
        if e.base == "*" or e.base in spec.tools:
            usable += 1
        elif e.base.startswith("mcp__"):
            usable += 1
            if ctx.mcp_prefixes is not None and not _configured(e.base, ctx.mcp_prefixes | own, bases):
                yield doc_finding(
                    UNKNOWN_MCP_SERVER,
                    doc,
                    f"`{e.base}` names an MCP server that is not "
                    "configured (.mcp.json, plugin mcpServers, ~/.claude.json)",
                    key=key,
                    evidence={"configured": sorted(ctx.mcp_prefixes)},
                )
        else:
            finding = _named_tool(doc, key, e.base, spec)
            usable += finding.rule_id == LEGACY_ALIAS.id
            yield finding
    if require_usable and entries and usable == 0:
        yield doc_finding(
            NO_USABLE_TOOLS,
            doc,
            "no entry in `tools` is a tool Claude Code offers: the agent can never start",
            key=key,
        )


def _named_tool(doc: AgentDoc, key: str, name: str, spec: Spec) -> Finding:
    """The finding for a tool name that is not given to a subagent as it is written."""
    version = f"Claude Code {spec.claude_code_version}"
    target = spec.tool_aliases.get(name)
    if target in spec.tools:
        return doc_finding(
            LEGACY_ALIAS, doc, f"`{name}` is a legacy name of `{target}`", key=key, fix=f"Write `{target}`."
        )
    if target is not None or name in spec.session_only_tools:
        what = f"`{name}` (a legacy name of `{target}`)" if target else f"`{name}`"
        return doc_finding(
            SESSION_ONLY_TOOL,
            doc,
            f"{what} exists in {version} only in some sessions; a subagent of a default session "
            "(e.g. `claude -p`) does not get it",
            key=key,
        )
    if name in spec.main_thread_only_tools:
        return doc_finding(
            UNKNOWN_TOOL,
            doc,
            f"`{name}` is a main-thread tool: {version} never gives it to a subagent",
            key=key,
        )
    if name in spec.retired_tools:
        return doc_finding(
            RETIRED_TOOL, doc, f"`{name}` is no longer offered by {version}; it is dropped", key=key
        )
    close = difflib.get_close_matches(name, sorted(spec.builtin_tools), n=1, cutoff=0.7)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return doc_finding(
        UNKNOWN_TOOL,
        doc,
        f"unknown tool `{name}`{hint} in `{key}` (spec of {spec.as_of}); Claude Code drops it",
        key=key,
        fix=f"Write `{close[0]}`." if close else UNKNOWN_TOOL.fix,
    )


def _own_servers(doc: AgentDoc) -> frozenset[str]:
    """Servers the agent defines inline in its own `mcpServers` (not for plugin agents: ignored there)."""
    servers = (doc.data or {}).get("mcpServers")
    if doc.plugin is not None or not isinstance(servers, list):
        return frozenset()
    return frozenset(mcp_server_prefix(str(k)) for item in servers if isinstance(item, dict) for k in item)


def _configured(tool: str, prefixes: frozenset[str], granted: set[str]) -> bool:
    """Whether the tool's server is configured, or the agent also grants the same tool under the
    server's other, configured name. One server is `mcp__<server>` from .mcp.json and
    `mcp__plugin_<plugin>_<server>` from a plugin; agents that ship both ways grant both names."""
    if _server_known(tool, prefixes):
        return True
    server, _, name = tool.removeprefix("mcp__").partition("__")
    for other in granted:
        o_server, _, o_name = other.removeprefix("mcp__").partition("__")
        if (
            other != tool
            and o_name == name
            and _server_known(other, prefixes)
            and (o_server.endswith("_" + server) or server.endswith("_" + o_server))
        ):
            return True
    return False


def _server_known(tool: str, prefixes: frozenset[str]) -> bool:
    return any(tool == p or tool.startswith(p + "__") for p in prefixes)


def grants(doc: AgentDoc, ctx: LintContext) -> tuple[set[str] | None, set[str]]:
    """(allowed tool names, or None for all; denied names), as Claude Code resolves them."""
    data = doc.data or {}
    aliases = ctx.spec.tool_aliases
    denied = {aliases.get(e.base, e.base) for e in split_tools(data.get("disallowedTools")) or []}
    entries = split_tools(data["tools"]) if "tools" in data else None
    if entries is None or any(e.base == "*" for e in entries):
        return None, denied
    return {aliases.get(e.base, e.base) for e in entries}, denied


def _usable(tool: str, allowed: set[str] | None, denied: set[str]) -> bool:
    if tool.startswith("mcp__"):
        ok = allowed is None or _server_known(tool, frozenset(a for a in allowed if a.startswith("mcp__")))
        return ok and not _server_known(tool, frozenset(d for d in denied if d.startswith("mcp__")))
    return (allowed is None or tool in allowed) and tool not in denied


def body_tools(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    if doc.data is None:
        return
    allowed, denied = grants(doc, ctx)
    if allowed is None and not denied:
        return
    reported: set[str] = set()
    for m in doc.facts.shell_blocks[:1]:
        if not _usable("Bash", allowed, denied):
            reported.add("Bash")
            yield doc_finding(
                TOOL_NOT_GRANTED,
                doc,
                "the body has shell commands for the agent to run, but the agent may not use Bash",
                line=m.line,
                confidence=Confidence.MEDIUM,
                fix="Add Bash to `tools:` (or Bash(<command>:*) to limit it), or drop the commands.",
            )
    for m in doc.facts.tool_uses:
        tool = ctx.spec.tool_aliases.get(m.text, m.text)
        if tool in ctx.spec.builtin_tools and tool not in reported and not _usable(tool, allowed, denied):
            reported.add(tool)
            yield doc_finding(
                TOOL_NOT_GRANTED,
                doc,
                f"the body says to use {tool}, which the agent may not use",
                line=m.line,
                fix=f"Add {tool} to `tools:` or remove the instruction.",
            )
    for m in doc.facts.mcp_tools:
        if m.text not in reported and not _usable(m.text, allowed, denied):
            reported.add(m.text)
            yield doc_finding(
                TOOL_NOT_GRANTED,
                doc,
                f"the body calls `{m.text}`, which the agent may not use",
                line=m.line,
                fix=f"Add {m.text} to `tools:`.",
            )


FILE_CHECKS = (
    (TOOLS_EMPTY, tools_checks),
    (UNKNOWN_TOOL, tools_checks),
    (RETIRED_TOOL, tools_checks),
    (NO_USABLE_TOOLS, tools_checks),
    (TOOL_SYNTAX, tools_checks),
    (UNKNOWN_MCP_SERVER, tools_checks),
    (LEGACY_ALIAS, tools_checks),
    (SESSION_ONLY_TOOL, tools_checks),
    (INHERITS_ALL, tools_checks),
    (TOOL_NOT_GRANTED, body_tools),
)
