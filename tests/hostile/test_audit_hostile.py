"""`llmeng audit` and the MCP `audit` tool on trees a hostile user built (issue 13).

Beside every hostile file sits app.py with a known finding (LLM101, line 2): it must still be
reported, each hostile file must be accounted for (scanned, skipped or a parse error, each with a
note), and nothing outside the root may be read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mcp_server.server import create_server

from .support import (
    HOSTILE,
    KNOWN_FINDING,
    call_tool,
    llmeng,
    llmeng_here,
    mcp_project,
    sparse,
    special_files,
)

LEAK = "from openai import OpenAI\nOpenAI(api_key='sk-proj-" + "Zq9" * 16 + "', timeout=None)\n"
DEEP = 50_000  # far past both the parser's and Python's recursion limits


def _tree(root: Path) -> dict[str, str]:
    """app.py and every hostile file of issue 13 under `root`; returns name -> the reason given."""
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "leak.py").write_text(LEAK)
    (root / "app.py").write_text(KNOWN_FINDING)
    expected = special_files(root, ".py", outside=outside / "leak.py")
    (root / "vendor").symlink_to(outside, target_is_directory=True)  # a folder that leads out: not walked
    sparse(root / "huge.py", 3 << 30, b"import openai\n")  # 3 GiB that take no disk
    (root / "binary.py").write_bytes(b"import openai\n\x00\x01\x02\xff" * 50)
    (root / "latin1.py").write_bytes(b"import openai\nname = 'Andr\xe9'\n")
    (root / "late_nul.py").write_bytes(b"import openai\n" + b"#" * 9000 + b"\x00\n")
    (root / "broken.py").write_text("import openai\ndef f(:\n")
    (root / "tabs.py").write_text("import openai\nif x:\n\tpass\n        pass\n")
    (root / "deep_sum.py").write_text("import openai\nx = " + "+".join(["1"] * DEEP) + "\n")
    (root / "deep_attr.py").write_text("import openai\nx = openai" + ".a" * DEEP + "\n")
    (root / "deep_unary.py").write_text("import openai\nx = " + "-" * DEEP + "1\n")
    (root / "deep_parens.py").write_text("import openai\nx = " + "(" * DEEP + ")" * DEEP + "\n")
    (root / "deep_blocks.py").write_text(
        "import openai\n" + "".join(" " * i + "if x:\n" for i in range(200)) + " " * 200 + "pass\n"
    )
    expected.update(
        {
            "escape.py": "outside",
            "zero.py": "/dev/zero",  # a link that leaves the root, to a device
            "huge.py": "too large",
            "binary.py": "binary",
            "latin1.py": "not UTF-8",
            "late_nul.py": "null bytes",
            "broken.py": "SyntaxError",
            "tabs.py": "Error",
            "deep_sum.py": "RecursionError",
            "deep_attr.py": "RecursionError",
            "deep_unary.py": "Error",
            "deep_parens.py": "too many nested parentheses",
            "deep_blocks.py": "indentation",
        }
    )
    return expected


def _check_report(data: dict[str, Any], expected: dict[str, str]) -> None:
    found = {(f["rule"], Path(f["path"]).name, f["line"]) for f in data["findings"]}
    assert ("LLM101", "app.py", 2) in found, found
    notes = {Path(s["path"]).name: s["reason"] for s in data["skipped"] + data["parse_errors"]}
    for name, why in expected.items():
        assert name in notes, f"{name} was passed over in silence: {notes}"
        assert why in notes[name], (name, notes[name])
    # Nothing from outside the root: not the linked file, not the linked folder.
    assert not any("leak" in f["path"] or "vendor" in f["path"] for f in data["findings"]), data["findings"]
    assert all("Zq9Zq9" not in json.dumps(f) for f in data["findings"])


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """One hostile tree for the module (its deep files cost a second to parse each time)."""
    root = tmp_path_factory.mktemp("audit") / "project"
    root.mkdir()
    return root, _tree(root)


def test_the_cli_reports_the_known_finding_beside_every_hostile_file(
    tree: tuple[Path, dict[str, str]],
) -> None:
    root, expected = tree
    ran = llmeng("audit", ".", "--format", "json", cwd=root).clean(frozenset({1}))
    _check_report(json.loads(ran.out), expected)
    for name in expected:
        assert f"notice: {name}: " in ran.err or f"notice: ./{name}: " in ran.err, (name, ran.err)
    text = llmeng_here("audit", ".", cwd=root).clean(frozenset({1})).out
    assert "LLM101" in text and "## Skipped files" in text and "pipe.py" in text


def test_the_mcp_tool_reports_the_known_finding_beside_every_hostile_file(
    tree: tuple[Path, dict[str, str]],
) -> None:
    root, expected = tree
    server = create_server(root)
    _check_report(call_tool(server, "audit", {"path": "."}).data, expected)
    # Named one by one: a link out of the root is refused with its fix; a special file is a note.
    for name in ("escape.py", "zero.py", "dangling.py", "vendor"):
        answer = call_tool(server, "audit", {"path": name})
        assert not answer.ok and "Fix:" in answer.text, (name, answer.text)
    for name in ("pipe.py", "sock.py"):
        data = call_tool(server, "audit", {"path": name}).data
        assert [s["path"] for s in data["skipped"]] == [name], data


def test_a_named_fifo_or_device_on_the_cli_is_a_note_not_a_hang(tree: tuple[Path, dict[str, str]]) -> None:
    root, _ = tree
    ran = llmeng_here("audit", "pipe.py", "zero.py", "sock.py", "app.py", "--format", "json", cwd=root)
    found = {(f["rule"], f["path"]) for f in json.loads(ran.clean(frozenset({1})).out)["findings"]}
    assert ("LLM101", "app.py") in found
    for name, says in (("pipe.py", "FIFO"), ("zero.py", "device"), ("sock.py", "socket")):
        assert f"notice: {name}: not a regular file (a {says})" in ran.err, ran.err
    assert "does not exist" in llmeng_here("audit", "dangling.py", cwd=root).clean(frozenset({2})).err


def test_hostile_files_among_hundreds_in_the_parallel_path(tmp_path: Path) -> None:
    # 300 files or more are summarised in worker processes; a hostile one must not break the pool.
    root = tmp_path / "project"
    root.mkdir()
    expected = _tree(root)
    for i in range(320):
        (root / f"util_{i:03}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    ran = llmeng("audit", ".", "--format", "json", "--jobs", "2", cwd=root).clean(frozenset({1}))
    data = json.loads(ran.out)
    _check_report(data, expected)
    assert data["files_scanned"] >= 321


# ---- generated sources -----------------------------------------------------------------------------

FRAGMENTS = [
    "import openai",
    "from openai import OpenAI",
    "client = OpenAI(timeout=None)",
    "client.chat.completions.create(model='gpt-4o', messages=[])",
    "def f(:",
    "class C(",
    "async def g():\n    await client.chat.completions.create(model=m, messages=msgs)",
    "try:\n    pass\nexcept* ValueError:\n    pass",
    "match x:\n    case {'a': [1, *rest]}: pass",
    "x = f'{f\"{f'{1}'}\"}'",
    "lambda: (yield)",
    "@" * 50 + "d\ndef h(): pass",
    "\tif x:\n        pass",
    "'''unterminated",
    "# llmeng: ignore[LLM101",
    "# -*- coding: latin-1 -*-",
    "\\",
    "\x0c",
    "\r",
    "\u2028",
    "\ufeff",
    "x = '\udcff'",
    "print(*" + "a," * 5000 + ")",
    "global x; nonlocal y",
    "import " + ".".join(["m"] * 500),
]
_DEEP_SHAPES = {
    "sum": lambda n: "+".join(["m"] * n),
    "attr": lambda n: "m" + ".a" * n,
    "call": lambda n: "m" + "()" * n,
    "subscript": lambda n: "m" + "[0]" * n,
    "unary": lambda n: "-" * n + "1",
    "not": lambda n: "not " * n + "m",
    "lambda": lambda n: "lambda: " * n + "1",
    "ifexp": lambda n: "1 if m else " * n + "2",
    "parens": lambda n: "(" * n + "m" + ")" * n,
    "lists": lambda n: "[" * n + "]" * n,
    "strings": lambda n: " ".join(['"s"'] * n),
}


def _deep_source(shape: str, depth: int) -> tuple[str, int]:
    """A file whose LLM call (line 3) carries a deep expression: where the file parses, LLM101 fires."""
    source = (
        "from openai import OpenAI\nclient = OpenAI(timeout=None)\n"
        f"client.chat.completions.create(model='gpt-4o', messages={_DEEP_SHAPES[shape](depth)})\n"
    )
    return source, 3


@st.composite
def _deep_call(draw: st.DrawFn) -> tuple[str, int | None]:
    shape = draw(st.sampled_from(sorted(_DEEP_SHAPES)))
    depth = draw(st.integers(min_value=1, max_value=3000) | st.sampled_from([10_000, DEEP]))
    return _deep_source(shape, depth)


def _no_finding_expected(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[Any, None]]:
    return strategy.map(lambda source: (source, None))


SOURCES = st.one_of(
    _no_finding_expected(st.binary(max_size=3000)),
    _no_finding_expected(st.text(max_size=3000)),
    _no_finding_expected(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("\n".join)),
    _deep_call(),
)


@settings(HOSTILE, max_examples=10)  # each example audits twice, deep sources included
@example(case=("import openai\nx = " + _DEEP_SHAPES["sum"](DEEP), None))
@example(case=_deep_source("attr", 2500))  # parses, and nests deeper than Python's recursion limit
@example(case=_deep_source("call", 500))  # parses; its analysis recursed past the limit and ended the run
@example(case=(b"import openai\n" + b"\xff" * 100, None))
@given(case=SOURCES)
def test_a_generated_file_never_costs_the_known_finding(case: tuple[str | bytes, int | None]) -> None:
    source, finding_line = case
    raw = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    with mcp_project() as (root, server):
        (root / "app.py").write_text(KNOWN_FINDING)
        (root / "gen.py").write_bytes(raw)
        ran = llmeng_here("audit", ".", "--format", "json", cwd=root).clean(frozenset({1}))
        for data in (json.loads(ran.out), call_tool(server, "audit", {"path": "."}).data):
            found = {(f["rule"], Path(f["path"]).name, f["line"]) for f in data["findings"]}
            assert ("LLM101", "app.py", 2) in found
            skipped = {Path(s["path"]).name for s in data["skipped"]}
            unparsed = {Path(s["path"]).name for s in data["parse_errors"]}
            assert data["files_scanned"] + len(skipped) == 2, data  # gen.py is read or noted, never lost
            if finding_line is not None and "gen.py" not in skipped | unparsed:
                assert ("LLM101", "gen.py", finding_line) in found, found  # a deep argument is still checked
        if isinstance(source, str) and source.strip() and "\x00" not in source:
            call_tool(server, "audit", {"code": source})
