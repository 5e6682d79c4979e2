"""Facts about an agent's body (its system prompt), read from the markdown: which agents it hands
work to, which tools it tells the agent to use, which scripts it runs, and which habits it asks for
that a subagent cannot follow."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from llmeng.agents.blocks import code_blocks

SHELL_FENCES = frozenset({"bash", "sh", "shell", "zsh", "console"})
_ROLES = frozenset(
    [
        "engineer",
        "optimizer",
        "optimiser",
        "reviewer",
        "agent",
        "expert",
        "specialist",
        "developer",
        "auditor",
        "analyst",
        "architect",
        "manager",
        "writer",
        "designer",
        "scientist",
        "tester",
        "debugger",
        "assistant",
        "planner",
        "researcher",
        "coordinator",
        "orchestrator",
        "admin",
        "ops",
        "strategist",
        "consultant",
        "guardian",
        "detective",
    ]
)
# A kebab-case word ending in a role is, in an agent file, almost always another agent's name.
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")
# Compounds that end in "-agent" but name no agent.
_NOT_AGENTS = frozenset(
    {
        "multi-agent",
        "sub-agent",
        "single-agent",
        "per-agent",
        "non-agent",
        "co-agent",
        "inter-agent",
        "cross-agent",
        "meta-agent",
        "super-agent",
        "user-agent",
    }
)
# Phrasings that hand work to another agent: the name that follows is an agent whatever its last word.
_HANDOFFS = (
    "coordinate with ",
    "coordinates with ",
    "partner with ",
    "partners with ",
    "collaborate with ",
    "collaborates with ",
    "work closely with ",
    "hand off to ",
    "hands off to ",
    "handoff to ",
    "hand over to ",
    "delegate to ",
    "delegates to ",
    "escalate to ",
    "defer to ",
    "consult with ",
    "route to ",
)
# After the name, these words say it is the object of the handoff, not an adjective ("coordinate with
# cross-functional teams").
_AFTER_NAME = frozenset(
    {"", "on", "for", "to", "when", "about", "if", "before", "after", "and", "or", "agent", "subagent", "as"}
)
# A kebab word right before one of these names a skill, plugin or command, not an agent.
_NOT_AGENT_KINDS = frozenset({"skill", "skills", "plugin", "plugins", "command", "commands", "mcp", "server"})
_AGENT_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)+"
_SUBAGENT_TYPE = re.compile(rf"subagent_type\W+({_AGENT_NAME}|[a-z0-9-]+)")
_MCP_TOOL = re.compile(r"mcp__[A-Za-z0-9_-]+?__[A-Za-z0-9_-]+\b")
_TOOL_BEFORE = re.compile(
    r"(?:\b(?:[Uu]se|[Uu]sing|[Ww]ith|[Vv]ia|[Cc]all|[Rr]un)\s+(?:the\s+)?`?([A-Z][A-Za-z]+)`?"
    r"|`([A-Z][A-Za-z]+)`)$"
)
_PUNCTUATION = "`*_'\"()[]{}<>.,;:!?"
_SCRIPT = re.compile(
    r"(?<![\w/.$-])((?:\$\{?CLAUDE_PLUGIN_ROOT\}?|\"?\$\{?CLAUDE_PROJECT_DIR\}?\"?|\.{1,2}|"
    r"\.claude|scripts|bin|tools)(?:/[\w.-]+)+\.(?:sh|bash|py|js|mjs|ts|rb|pl))\b"
)
_PROTOCOL = re.compile(
    r"\"(?:requesting_agent|request_type)\"\s*:|\bquery (?:the )?context manager\b", re.IGNORECASE
)
_WAIT_CONFIRM = re.compile(r"wait (?:for|until)\b[^.\n]{0,40}\b(?:confirm\w*|approv\w*|repl\w*|answer)")
_NEGATED = re.compile(r"(?:\bnot|n't|\bnever|\bcannot|\bno)\s+(?:\w+\s+){0,2}$")
_SCRIPT_HINT = re.compile(r"\.(?:sh|bash|py|js|mjs|ts|rb|pl)\b")
_NEWLINE = re.compile("\n")
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


def body_facts(body: str, first_line: int) -> BodyFacts:
    """Facts of `body`, whose first line is line `first_line` of the file."""
    found: dict[str, list[Mention]] = {k: [] for k in BodyFacts.__dataclass_fields__}
    lines = body.split("\n")
    # The checks only need to tell code from prose: fences and indented code are enough. HTML blocks
    # such as <example> are read as prose, which is what they are to the model.
    for block in list(code_blocks(lines)):
        start, end = block.start, block.end
        if block.fenced:
            info = block.info.strip()
            if info.split(" ")[0].lower() in SHELL_FENCES:
                found["shell_blocks"].append(Mention(info, first_line + start))
            _scan_code(block.content, first_line + start + 1, found)
        else:
            _scan_code(block.content, first_line + start, found)
        lines[start:end] = [""] * (end - start)  # what is left is prose, line numbers kept
    _scan_prose("\n".join(lines), first_line, found)
    for bucket in found.values():
        bucket.sort(key=lambda m: m.line)
    return BodyFacts(**{k: tuple(v) for k, v in found.items()})


def _scan_code(content: str, line: int, found: dict[str, list[Mention]]) -> None:
    if _SCRIPT_HINT.search(content):
        _add(found["scripts"], _SCRIPT, content, line)
    _common(content, line, found)
    if "subagent_type" in content:
        _add(found["agent_refs"], _SUBAGENT_TYPE, content, line)


def _scan_prose(content: str, first_line: int, found: dict[str, list[Mention]]) -> None:
    # Substring searches pick the few places worth a pattern: Python's re costs ~60 ns a character
    # when a pattern is tried at every position, which for a 7 KB body was most of the lint's time.
    seen: set[str] = set()
    words = content.split()
    for i, raw in enumerate(words):
        if "-" in raw:
            word = raw.strip(_PUNCTUATION)
            if word not in seen and _KEBAB.match(word) and word.rsplit("-", 1)[1] in _ROLES:
                seen.add(word)
                if word not in _NOT_AGENTS and _next_word(words, i) not in _NOT_AGENT_KINDS:
                    found["agent_refs"].append(
                        Mention(word, _line_of(content, content.find(word), first_line))
                    )
    lowered = content.lower()
    _scan_handoffs(content, lowered, first_line, seen, found)
    _common(content, first_line, found)
    for at in _positions(lowered, "wait "):
        m = _WAIT_CONFIRM.match(lowered, at)
        if m and not _NEGATED.search(lowered[max(0, at - 40) : at]):
            found["wait_confirm"].append(Mention(content[at : m.end()], _line_of(content, at, first_line)))
    for at in _positions(lowered, " tool"):
        m = _TOOL_BEFORE.search(content[max(0, at - 60) : at])
        if m and not lowered[at + 5 : at + 6].isalpha():
            found["tool_uses"].append(Mention(m.group(1) or m.group(2), _line_of(content, at, first_line)))
    if "`" in content and _SCRIPT_HINT.search(content):
        for m in _INLINE_CODE.finditer(content):
            line = _line_of(content, m.start(), first_line)
            found["scripts"].extend(Mention(s.group(1), line) for s in _SCRIPT.finditer(m.group(1)))


def _next_word(words: list[str], i: int) -> str:
    return words[i + 1].strip(_PUNCTUATION).lower() if i + 1 < len(words) else ""


def _scan_handoffs(
    content: str, lowered: str, first_line: int, seen: set[str], found: dict[str, list[Mention]]
) -> None:
    """Names after a handoff phrasing ("Coordinate with X on ...", "Partner with X"), whatever they end in."""
    for phrase in _HANDOFFS:
        for at in _positions(lowered, phrase):
            after = content[at + len(phrase) : at + len(phrase) + 120].split()
            if after and after[0].lower() in ("the", "a", "an", "our", "your"):
                after = after[1:]
            if not after:
                continue
            marked = after[0][:1] in "`*'\""
            word = after[0].strip(_PUNCTUATION)
            nxt = after[1].strip(_PUNCTUATION).lower() if len(after) > 1 else ""
            ends = after[0][-1:] in ".,;:!?)"
            if (
                word not in seen
                and _KEBAB.match(word)
                and word not in _NOT_AGENTS
                and nxt not in _NOT_AGENT_KINDS
                and (marked or ends or nxt in _AFTER_NAME)
            ):
                seen.add(word)
                found["agent_refs"].append(Mention(word, _line_of(content, at, first_line)))


def _positions(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at != -1:
        yield at
        at = text.find(needle, at + 1)


def _common(content: str, line: int, found: dict[str, list[Mention]]) -> None:
    for at in _positions(content, "mcp__"):
        m = _MCP_TOOL.match(content, at)
        if m and (at == 0 or not (content[at - 1].isalnum() or content[at - 1] == "_")):
            found["mcp_tools"].append(Mention(m.group(0), _line_of(content, at, line)))
    if "requesting_agent" in content or "request_type" in content or "ontext manager" in content:
        _add(found["protocol"], _PROTOCOL, content, line, whole=True)


def _add(
    bucket: list[Mention], pattern: re.Pattern[str], text: str, line: int, *, whole: bool = False
) -> None:
    for m in pattern.finditer(text):
        bucket.append(Mention(m.group(0) if whole else m.group(1), _line_of(text, m.start(), line)))


def _line_of(text: str, offset: int, first_line: int) -> int:
    return first_line + bisect.bisect_right(_newlines(text), offset - 1)


@lru_cache(maxsize=4)
def _newlines(text: str) -> list[int]:
    """Offsets of the newlines in `text`, computed once per text being scanned (counting from the
    start for each mention instead was quadratic on large bodies)."""
    return [m.start() for m in _NEWLINE.finditer(text)]
