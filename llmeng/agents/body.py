"""Facts about an agent's body (its system prompt), read from the markdown: which agents it hands
work to, which tools it tells the agent to use, which scripts it runs, and which habits it asks for
that a subagent cannot follow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

SHELL_FENCES = frozenset({"bash", "sh", "shell", "zsh", "console"})
_ROLES = frozenset((
    "engineer optimizer optimiser reviewer agent expert specialist developer auditor analyst architect manager "
    "writer designer scientist tester debugger assistant planner researcher coordinator orchestrator admin ops "
    "strategist consultant guardian detective").split())
# A kebab-case word ending in a role is, in an agent file, almost always another agent's name.
_KEBAB = re.compile(r"(?<![\w/.-])[a-z0-9]+(?:-[a-z0-9]+)+(?![\w/-])")
# Compounds that end in "-agent" but name no agent.
_NOT_AGENTS = frozenset({"multi-agent", "sub-agent", "single-agent", "per-agent", "non-agent", "co-agent",
                         "inter-agent", "cross-agent", "meta-agent", "super-agent", "user-agent"})
_AGENT_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)+"
_SUBAGENT_TYPE = re.compile(rf"subagent_type\W+({_AGENT_NAME}|[a-z0-9-]+)")
_MCP_TOOL = re.compile(r"\bmcp__[A-Za-z0-9_-]+?__[A-Za-z0-9_-]+\b")
_TOOL_USE = re.compile(r"(?:\b(?:use|using|with|via|call|run)\s+(?:the\s+)?`?([A-Z][A-Za-z]+)`?\s+tool\b)"
                       r"|(?:`([A-Z][A-Za-z]+)`\s+tool\b)")
_SCRIPT = re.compile(r"(?<![\w/.$-])((?:\$\{?CLAUDE_PLUGIN_ROOT\}?|\"?\$\{?CLAUDE_PROJECT_DIR\}?\"?|\.{1,2}|"
                     r"\.claude|scripts|bin|tools)(?:/[\w.-]+)+\.(?:sh|bash|py|js|mjs|ts|rb|pl))\b")
_PROTOCOL = re.compile(r"\"(?:requesting_agent|request_type)\"\s*:|\bquery (?:the )?context manager\b",
                       re.IGNORECASE)
_WAIT_CONFIRM = re.compile(r"\bwait (?:for|until)\b[^.\n]{0,40}\b(?:confirm\w*|approv\w*|repl\w*|answer)",
                           re.IGNORECASE)
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever|\bcannot|\bno)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_SCRIPT_HINT = re.compile(r"\.(?:sh|bash|py|js|mjs|ts|rb|pl)\b")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class Mention:
    text: str
    line: int


@dataclass(frozen=True)
class BodyFacts:
    agent_refs: tuple[Mention, ...] = ()
    mcp_tools: tuple[Mention, ...] = ()
    tool_uses: tuple[Mention, ...] = ()
    shell_blocks: tuple[Mention, ...] = ()
    scripts: tuple[Mention, ...] = ()
    protocol: tuple[Mention, ...] = ()
    wait_confirm: tuple[Mention, ...] = ()


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # The checks only need to tell code from prose. Fences, indented code and HTML blocks are
    # enough for that; the full CommonMark block and inline rules cost 4x more per body (measured in
    # benchmarks/bench_validate.py), and inline code spans are found within each block's text.
    return MarkdownIt("zero").enable(["fence", "code", "html_block"]).disable("inline")


def body_facts(body: str, first_line: int) -> BodyFacts:
    """Facts of `body`, whose first line is line `first_line` of the file."""
    found: dict[str, list[Mention]] = {k: [] for k in BodyFacts.__dataclass_fields__}
    for token in _markdown().parse(body):
        if token.map is None or token.type not in ("inline", "fence", "code_block", "html_block"):
            continue
        line = first_line + token.map[0]
        content = token.content
        if token.type == "fence":
            if token.info.strip().split(" ")[0].lower() in SHELL_FENCES:
                found["shell_blocks"].append(Mention(token.info.strip(), line))
            _scan_code(content, line + 1, found)
        elif token.type == "code_block":
            _scan_code(content, line, found)
        else:
            _scan_prose(content, line, found)
    return BodyFacts(**{k: tuple(v) for k, v in found.items()})


def _scan_code(content: str, line: int, found: dict[str, list[Mention]]) -> None:
    if _SCRIPT_HINT.search(content):
        _add(found["scripts"], _SCRIPT, content, line)
    _common(content, line, found)
    if "subagent_type" in content:
        _add(found["agent_refs"], _SUBAGENT_TYPE, content, line)


def _scan_prose(content: str, line: int, found: dict[str, list[Mention]]) -> None:
    # Cheap substring tests first: most blocks contain none of what the patterns look for.
    if "-" in content:
        for m in _KEBAB.finditer(content):
            word = m.group(0)
            if word.rsplit("-", 1)[1] in _ROLES and word not in _NOT_AGENTS:
                found["agent_refs"].append(Mention(word, _line_of(content, m.start(), line)))
    _common(content, line, found)
    lowered = content.lower()
    if "wait" in lowered:
        for m in _WAIT_CONFIRM.finditer(content):
            if not _NEGATED.search(content[max(0, m.start() - 40):m.start()]):
                found["wait_confirm"].append(Mention(m.group(0), _line_of(content, m.start(), line)))
    if " tool" in lowered:
        for m in _TOOL_USE.finditer(content):
            found["tool_uses"].append(Mention(m.group(1) or m.group(2), _line_of(content, m.start(), line)))
    if "`" in content and _SCRIPT_HINT.search(content):
        for m in _INLINE_CODE.finditer(content):
            for s in _SCRIPT.finditer(m.group(1)):
                found["scripts"].append(Mention(s.group(1), _line_of(content, m.start(), line)))


def _common(content: str, line: int, found: dict[str, list[Mention]]) -> None:
    if "mcp__" in content:
        _add(found["mcp_tools"], _MCP_TOOL, content, line, whole=True)
    if "request" in content or "ontext manager" in content:
        _add(found["protocol"], _PROTOCOL, content, line, whole=True)


def _add(bucket: list[Mention], pattern: re.Pattern[str], text: str, line: int, *, whole: bool = False) -> None:
    for m in pattern.finditer(text):
        bucket.append(Mention(m.group(0) if whole else m.group(1), _line_of(text, m.start(), line)))


def _line_of(text: str, offset: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, offset)
