"""Split an agent file into frontmatter and body, and parse the frontmatter twice:
strictly (as other tools do), then leniently (as Claude Code retries), keeping line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from llmeng.agents.spec import Spec

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Expanded node count beyond which aliases are treated as a bomb rather than data.
MAX_YAML_NODES = 20_000
MAX_C_NESTING = 500
# Claude Code 2.1.330's retry, ported from its bundled code: a top-level `key: value` line (key of
# letters, `_` and `-` only) whose value has one of the special characters or `: ` is double-quoted,
# unless the value is already quoted at both ends or is a flow sequence that parses as one. JavaScript's
# `.` stops at \r, so a CRLF line is never rewritten; after the rewrite, leading tabs become two spaces.
_KEY_LINE = re.compile(r"([a-zA-Z_-]+):\s+(\S[^\n\r\u2028\u2029]*)\Z")
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)


@dataclass(frozen=True)
class YamlProblem:
    message: str
    line: int
    col: int


@dataclass(frozen=True)
class ParsedAgent:
    has_frontmatter: bool
    frontmatter_text: str = ""
    fm_line: int = 1
    data: dict[str, Any] | None = None
    strict_error: YamlProblem | None = None
    lenient_ok: bool = False
    not_mapping: bool = False
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    close_mid_line: bool = False

    @property
    def strict_ok(self) -> bool:
        return self.strict_error is None and self.data is not None


def split_frontmatter(text: str, spec: Spec) -> tuple[str, int, str, int, bool] | None:
    """(frontmatter, its first line, body, its first line, closed mid-line) or None."""
    m = spec.frontmatter_pattern.match(text)
    if m is None:
        return None
    fm = m.group(1)
    fm_line = 1 + text.count("\n", 0, m.start(1))
    close_mid_line = bool(fm) and not fm.endswith("\n")
    body = text[m.end() :]
    body_line = 1 + text.count("\n", 0, m.end())
    return fm, fm_line, body, body_line, close_mid_line


def parse_agent(text: str, spec: Spec) -> ParsedAgent:
    parts = split_frontmatter(text, spec)
    if parts is None:
        return ParsedAgent(has_frontmatter=False, body=text)
    fm, fm_line, body, body_line, mid = parts
    common: dict[str, Any] = {
        "has_frontmatter": True,
        "frontmatter_text": fm,
        "fm_line": fm_line,
        "body": body,
        "body_line": body_line,
        "close_mid_line": mid,
    }
    data, positions, problem = _load(fm, fm_line)
    if problem is None:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return ParsedAgent(**common, not_mapping=True)
        return ParsedAgent(**common, data=data, positions=positions)
    lenient_data, lenient_pos, lenient_problem = _load(lenient_text(fm, spec), fm_line)
    if lenient_problem is None and isinstance(lenient_data, dict):
        return ParsedAgent(
            **common,
            data=lenient_data,
            positions=lenient_pos,
            strict_error=problem,
            lenient_ok=True,
        )
    return ParsedAgent(**common, strict_error=problem)


def lenient_text(fm: str, spec: Spec) -> str:
    """The frontmatter as Claude Code rewrites it before its second parse attempt."""
    out = []
    for line in fm.split("\n"):
        m = _KEY_LINE.match(line)
        if m and _needs_quotes(m.group(2), spec):
            value = m.group(2).replace("\\", "\\\\").replace('"', '\\"')
            line = f'{m.group(1)}: "{value}"'
        out.append(line)
    return _LEADING_TABS.sub(lambda t: "  " * len(t.group(0)), "\n".join(out))


def _needs_quotes(value: str, spec: Spec) -> bool:
    if (value.startswith('"') and value.endswith('"')) or (value.startswith("'") and value.endswith("'")):
        return False
    if value.startswith("[") and value.endswith("]") and _is_flow_sequence(value):
        return False
    return ": " in value or any(c in value for c in spec.lenient_quote_chars)


def _is_flow_sequence(value: str) -> bool:
    try:
        return isinstance(yaml.load(value, Loader=_Loader), list)
    except (yaml.YAMLError, ValueError, RecursionError):
        return False


def _load(fm: str, fm_line: int) -> tuple[Any, dict[str, tuple[int, int]], YamlProblem | None]:
    # libyaml's C parser recurses per nesting level and overflows the C stack (the process dies) at
    # about 30,000 levels; the pure-Python loader turns deep nesting into a RecursionError instead.
    loader = _Loader if _nesting_hint(fm) < MAX_C_NESTING else yaml.SafeLoader
    # One loader composes the node graph (for positions and the alias check) and then builds the data
    # from it: parsing the text a second time cost as much again.
    try:
        # The pure-Python loader checks the characters as it is made (`\x1f` is refused there).
        reader = loader(fm)
    except yaml.YAMLError as e:
        return None, {}, YamlProblem(f"invalid YAML: {e}".splitlines()[0], fm_line, 1)
    try:
        return _read(reader, fm_line)
    finally:
        reader.dispose()


def _read(reader: Any, fm_line: int) -> tuple[Any, dict[str, tuple[int, int]], YamlProblem | None]:
    try:
        node = reader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line, mark.column) if mark else (0, 0)
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        return None, {}, YamlProblem(msg or "invalid YAML", fm_line + line, col + 1)
    except (yaml.YAMLError, ValueError, RecursionError) as e:
        return None, {}, YamlProblem(f"invalid YAML: {type(e).__name__}", fm_line, 1)
    if node is None:
        return None, {}, None
    if _alias_expansion(node, MAX_YAML_NODES) > MAX_YAML_NODES:
        return (
            None,
            {},
            YamlProblem(
                f"the frontmatter expands to more than {MAX_YAML_NODES} YAML nodes through aliases",
                fm_line,
                1,
            ),
        )
    try:
        data = reader.construct_document(node)
    except (yaml.YAMLError, ValueError, RecursionError, TypeError) as e:
        return None, {}, YamlProblem(f"invalid YAML: {e}".splitlines()[0], fm_line, 1)
    except (KeyError, IndexError, AttributeError) as e:
        # PyYAML's constructors fail this way on a tagged value they cannot build (`!!bool maybe`,
        # `!!int ''`, `!!timestamp x`): the YAML is invalid, as any other parse error.
        return (
            None,
            {},
            YamlProblem(f"invalid YAML: a tagged value cannot be built ({type(e).__name__})", fm_line, 1),
        )
    positions: dict[str, tuple[int, int]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key = str(key_node.value)
            positions.setdefault(key, (fm_line + key_node.start_mark.line, key_node.start_mark.column + 1))
    return data, positions, None


def _alias_expansion(node: yaml.Node, budget: int) -> int:
    """Nodes visited a second time or more (through aliases), stopping early once over budget.
    A large document without aliases costs nothing here; only repetition counts."""
    seen: set[int] = set()
    repeats, stack = 0, [node]
    while stack and repeats <= budget:
        n = stack.pop()
        if id(n) in seen:
            repeats += 1
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack += (k, v)
        elif isinstance(n, yaml.SequenceNode):
            stack += n.value
    return repeats


def _nesting_hint(fm: str) -> int:
    """An upper bound on flow nesting and on `- - -` block nesting, cheap to compute."""
    flow = max(fm.count("["), fm.count("{"))
    block = max((len(line) - len(line.lstrip("- ")) for line in fm.split("\n")), default=0) // 2
    return max(flow, block)
