"""Hostile and random agent files: the linter never raises and every file gets a verdict. How long a
case takes is not checked here (the machine may be busy; timing belongs in benchmarks/). Known crashes are pinned in test_regressions.py (nesting beyond ~30,000 levels
kills libyaml; ~1,000 levels in `tools` or an enum field raise RecursionError; a list as a hook `type`
raises), so the strategies here stay below or beside them."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llmeng.agents.fix import fix_text
from llmeng.agents.lint import LintResult, lint_paths
from llmeng.agents.registry import RULES
from llmeng.agents.spec import load_spec
from llmeng.report.agents import render_json, render_text
from llmeng.report.sarif import render_sarif

RULE_IDS = frozenset(r.id for r in RULES)
# Beyond the ~30,000 levels at which libyaml's C parser would overflow the stack (see test_regressions).
MAX_DEPTH = 50_000
HUGE_LINE_CHARS = 500_000
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FRAGMENTS = [
    "name: reviewer",
    "description: Reviews diffs.",
    "tools: Read, Grep",
    "name: &a x",
    "description: *a",
    "base: &b {k: v}",
    "<<: *b",
    "ref: *missing",
    "name: !!python/object:os.system x",
    "obj: !!python/object/apply:os.system ['echo pwned']",
    "tag: !custom {a: 1}",
    "bin: !!binary aGVsbG8=",
    "set: !!set {a, b}",
    "when: 2024-01-01",
    "nan: .nan",
    "1: one",
    "null: none",
    "true: yes",
    "[a, b]: list key",
    "? {x: y}\n: complex key",
    "name: 'unclosed",
    'description: "unclosed',
    "tools: [Read, Grep",
    "hooks: {Stop: [",
    "description: a --- b",
    "---",
    "...",
    "%YAML 1.1",
    "\ttabbed: value",
    "description: Use when: the user asks",
    'description: Context: user: "help" <example>x</example>',
    "tools:",
    "tools: ''",
    "model: [a, b]",
    "name: -dash",
    "name: a:b",
    "maxTurns: -1",
    "effort: 1e999",
    "hooks: []",
    "hooks:\n  Stop:\n    - hooks:\n        - type: command",
    "mcpServers: {a: b}",
    "description: |\n  block\n  ---\n  more",
    "key: \u0000nul",
    "key: \ufeffbom",
    "key: \x85\u2028\u2029",
    "- item",
    "  - indented",
    "&anchor",
    "*alias",
    "!!str",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    "#",
    "|",
    ">",
]
BODY_FRAGMENTS = [
    "You review diffs.",
    "```bash\npytest\n```",
    "```",
    "Use the Write tool.",
    "mcp__srv__tool",
    "Hand off to security-auditor.",
    "Run `scripts/x.sh`.",
    "${CLAUDE_PLUGIN_ROOT}/bin/y.py",
    "Query the context manager.",
    "Wait for explicit confirmation.",
    "<div>\n",
    "---",
    "    indented code",
    "subagent_type: code-reviewer",
    "\u201a\u00dc\u00ed",
    "\ufffd",
    "\x00",
]


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="llmeng-hostile-") as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        yield root


def _lint(paths: list[Path], root: Path) -> LintResult:
    result = lint_paths(paths, env={}, cwd=root, home=root / "home")
    assert sorted(f.path for f in result.files) == sorted(paths), "every file gets a verdict"
    for f in result.findings:
        assert f.rule_id in RULE_IDS
        assert f.location.line >= 1 and f.location.col >= 1
        assert f.message and f.fix
    # The renderers must cope with whatever ended up in messages and evidence.
    json.dumps(render_json(result))
    json.dumps(render_sarif(result.findings, RULES))
    render_text(result)
    return result


def _lint_one(data: bytes) -> LintResult:
    with _workdir() as root:
        path = root / "agent.md"
        path.write_bytes(data)
        return _lint([path], root)


def _frontmatter(lines: list[str]) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n"


@SETTINGS
@given(st.binary(max_size=4_000), st.booleans())
def test_random_bytes_get_a_verdict(data: bytes, framed: bool) -> None:
    _lint_one(b"---\n" + data + b"\n---\n" if framed else data)


@SETTINGS
@given(
    st.integers(min_value=0, max_value=200),
    st.binary(min_size=1, max_size=4).filter(lambda b: not _decodes(b)),
)
def test_invalid_utf8_anywhere_is_AG109(offset: int, junk: bytes) -> None:
    clean = b"---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read\n---\nYou review diffs.\n"
    cut = min(offset, len(clean))
    result = _lint_one(clean[:cut] + junk + clean[cut:])
    if not _decodes(clean[:cut] + junk + clean[cut:]):
        assert {f.rule_id for f in result.findings} == {"AG109"}
        assert not result.files[0].loads


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@SETTINGS
@given(st.text(max_size=2_000), st.text(max_size=2_000))
def test_random_text_frontmatter_and_body_get_a_verdict(fm: str, body: str) -> None:
    _lint_one(("---\n" + fm + "\n---\n" + body).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25),
    st.lists(st.sampled_from(BODY_FRAGMENTS), max_size=15),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_hostile_yaml_fragments_get_a_verdict(
    fm: list[str], body: list[str], newline: str, bom: bool
) -> None:
    text = (_frontmatter(fm) + "\n".join(body)).replace("\n", newline)
    result = _lint_one((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))
    if bom:
        assert "AG106" in {f.rule_id for f in result.findings} or "AG109" in {
            f.rule_id for f in result.findings
        }


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=10))
def test_python_tags_never_execute(fm: list[str]) -> None:
    with _workdir() as root:
        marker = root / "pwned"
        evil = (
            f"x: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]"
        )
        path = root / "agent.md"
        path.write_text(_frontmatter([*fm, evil]) + "Body.\n", encoding="utf-8")
        _lint([path], root)
        assert not marker.exists()


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2, max_value=12))
def test_alias_bombs_are_refused_quickly(levels: int, width: int) -> None:
    lines = ["name: reviewer", "description: Reviews diffs.", "l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    result = _lint_one((_frontmatter(lines) + "Body.\n").encode())
    expanded = sum(width**k for k in range(levels + 2))
    if expanded > 100_000:
        # Refused, not expanded: strict parsing reports the bomb (and the lenient retry may quote it away).
        refused = [f for f in result.findings if f.rule_id in ("AG102", "AG103") and "aliases" in f.message]
        assert refused, [f.message for f in result.findings]


# Each deep case takes seconds on a busy machine, so the depths are drawn from where behaviour changes:
# shallow, past the switch to the pure-Python loader (parse.MAX_C_NESTING = 500), past Python's
# recursion limit (~1,000), and past the ~30,000 levels at which libyaml's C parser would crash.
DEPTHS = st.one_of(
    st.integers(min_value=1, max_value=1_200),
    st.sampled_from([29_999, 30_001, MAX_DEPTH]),
)


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@example(depth=MAX_DEPTH, opener="[", closed=True, key="tools")
@example(depth=MAX_DEPTH, opener="[{a: ", closed=False, key="hooks")
@given(
    DEPTHS,
    st.sampled_from(["[", "{k: ", "[{a: "]),
    st.booleans(),
    st.sampled_from(
        [
            "name",
            "description",
            "hooks",
            "model",
            "skills",
            "mcpServers",
            "x",
            "tools",
            "color",
            "effort",
            "maxTurns",
            "background",
        ]
    ),
)
def test_deeply_nested_flow_collections_get_a_verdict(
    depth: int, opener: str, closed: bool, key: str
) -> None:
    closer = "".join({"[": "]", "{": "}"}[c] for c in reversed(opener) if c in "[{")
    value = opener * depth + (closer * depth if closed else "")
    _lint_one(_frontmatter(["name: reviewer", "description: Reviews diffs.", f"{key}: {value}"]).encode())


@settings(max_examples=10, deadline=None, database=None)
@given(st.integers(min_value=1, max_value=700))
def test_deeply_nested_block_mappings_get_a_verdict(depth: int) -> None:
    lines = ["name: reviewer", "description: Reviews diffs.", "hooks:"]
    lines += [" " * (2 * (i + 1)) + f"k{i}:" for i in range(depth)]
    _lint_one(_frontmatter(lines).encode())


@settings(max_examples=30, deadline=None, database=None)
@given(
    st.sampled_from(
        ["a", "a: ", "-", "x-y ", "\u00e9", "\u201a\u00dc\u00ed", "]", "'", "`", "\t", "\x00", "[", "{"]
    ),
    st.sampled_from(["description", "body", "key"]),
)
def test_huge_single_line_gets_a_verdict(unit: str, where: str) -> None:
    line = (unit * (HUGE_LINE_CHARS // len(unit)))[:HUGE_LINE_CHARS]
    if where == "description":
        text = _frontmatter(["name: reviewer", f"description: {line}", "tools: Read"]) + "Body.\n"
    elif where == "key":
        text = _frontmatter(["name: reviewer", "description: d", f"{line}: v"]) + "Body.\n"
    else:
        text = _frontmatter(["name: reviewer", "description: d", "tools: Read"]) + line + "\n"
    result = _lint_one(text.encode())
    found = {(f.location.line, f.rule_id) for f in result.findings}
    if (1, "AG105") in found:  # a whole file of mojibake is reported once, for the file
        return
    if where == "body":
        assert result.files[0].loads, found  # a huge body never costs the frontmatter its checks
    elif where == "key" and unit == "-":
        assert result.files[0].loads, found  # a line of dashes closes the frontmatter: it is body text
    else:
        # The huge line is reported where it is, or the frontmatter is reported as unparseable.
        huge_line = 3 if where == "description" else 4
        assert any(line == huge_line for line, _ in found) or "AG102" in {r for _, r in found}, found


def test_ten_thousand_keys_get_a_verdict() -> None:
    lines = ["name: reviewer", "description: Reviews diffs.", "tools: Read"]
    lines += [f"key{i}: value {i}" for i in range(10_000)]
    _lint_one((_frontmatter(lines) + "Body.\n").encode())


def test_ten_thousand_non_string_keys_get_a_verdict() -> None:
    lines = ["name: reviewer", "description: Reviews diffs."] + [f"{i}: {i}" for i in range(10_000)]
    _lint_one((_frontmatter(lines) + "Body.\n").encode())


@SETTINGS
@given(st.lists(st.binary(max_size=600), min_size=1, max_size=6))
def test_one_hostile_file_never_costs_the_others_their_verdict(blobs: list[bytes]) -> None:
    clean = b"---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read\n---\nYou review diffs.\n"
    with _workdir() as root:
        paths = []
        for i, blob in enumerate(blobs):
            paths.append(root / f"hostile-{i}.md")
            paths[-1].write_bytes(blob)
        good = root / "reviewer.md"
        good.write_bytes(clean)
        result = _lint([*paths, good], root)
        by_path = {f.path: f for f in result.files}
        assert by_path[good].findings == ()


@SETTINGS
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=20),
    st.lists(st.sampled_from(BODY_FRAGMENTS), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
)
def test_fix_never_raises_and_keeps_the_file_parseable(fm: list[str], body: list[str], newline: str) -> None:
    spec = load_spec()
    text = (_frontmatter(fm) + "\n".join(body)).replace("\n", newline)
    fixed = fix_text(text, spec)
    assert isinstance(fixed.text, str)
    assert fixed.changed == (fixed.text != text)
    if not fixed.changed:
        return
    from llmeng.agents.parse import parse_agent

    before, after = parse_agent(text.replace("\r\n", "\n"), spec), parse_agent(fixed.text, spec)
    # A fix may make a file load; it never makes a loading file stop loading.
    assert not (before.data is not None and after.data is None)
