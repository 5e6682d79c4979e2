"""The validator's facts about Claude Code's loader, checked against the real CLI (2.1.330).

Each test writes small agent files into a scratch project, lets the mock model spawn them one by
one, and compares what Claude Code did with the verdict `llmeng validate` gives the same files.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from e2e_harness.runner import Sandbox
from e2e_harness.spawn import body, probe

from llmeng.agents.lint import LintResult, lint_paths
from llmeng.agents.spec import load_spec
from llmeng.findings import Verdict

AGENTS = ".claude/agents"
SPEC = load_spec()


def load_spec_raw() -> dict[str, Any]:
    return tomllib.loads(resources.files("llmeng.data").joinpath("claude_code.toml").read_text("utf-8"))


def _agent(name: str, *, description: str = "A probe.", tools: str | None = "Read", extra: str = "") -> str:
    tools_line = "" if tools is None else f"tools: {tools}\n"
    return f"---\nname: {name}\ndescription: {description}\n{tools_line}{extra}---\n{body(name)}"


def _lint(box: Sandbox) -> LintResult:
    return lint_paths([box.project / AGENTS], env={}, cwd=box.project, home=box.home)


def _verdicts(box: Sandbox) -> dict[str, Verdict]:
    return {Path(f.display).relative_to(AGENTS).as_posix(): f.verdict for f in _lint(box).files}


def test_empty_tools_start_with_none_and_unknown_tools_are_listed_but_refused(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    files = {
        f"{AGENTS}/empty-list.md": _agent("empty-list", tools="[]"),
        f"{AGENTS}/empty-null.md": _agent("empty-null", tools=""),
        f"{AGENTS}/vscode.md": _agent("vscode", tools="codebase, runCommands"),
    }
    facts = probe(claude_bin, sandbox, files, ["empty-list", "empty-null", "vscode"])
    assert {"empty-list", "empty-null", "vscode"} <= facts.listed
    assert facts.tools["empty-list"] == facts.tools["empty-null"] == []
    assert "vscode" not in facts.tools
    refusal = facts.refusal("vscode")
    assert refusal is not None and "would be spawned with zero tools" in refusal, facts.results
    assert _verdicts(sandbox) == {
        "empty-list.md": Verdict.LOADED,
        "empty-null.md": Verdict.LOADED,
        "vscode.md": Verdict.CANNOT_START,
    }


def _copy(name: str, probe_id: str) -> str:
    return f"---\nname: {name}\ndescription: Copy {probe_id}.\ntools: Read\n---\n{body(probe_id)}"


def test_of_duplicate_names_across_subfolders_the_last_path_is_active(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    files = {
        # Sibling subfolders; a file beside a subfolder ("sub/" sorts before "writer.md", so depth does
        # not matter); "-" sorts before "." (tester-copy.md first).
        f"{AGENTS}/a/reviewer.md": _copy("reviewer", "a/reviewer"),
        f"{AGENTS}/b/reviewer.md": _copy("reviewer", "b/reviewer"),
        f"{AGENTS}/writer.md": _copy("writer", "writer"),
        f"{AGENTS}/sub/writer.md": _copy("writer", "sub/writer"),
        f"{AGENTS}/tester-copy.md": _copy("tester", "tester-copy"),
        f"{AGENTS}/tester.md": _copy("tester", "tester"),
    }
    facts = probe(claude_bin, sandbox, files, ["reviewer", "writer", "tester"])
    active = {"b/reviewer", "writer", "tester"}
    assert set(facts.tools) == active, facts.tools
    for line in (x for x in facts.run.debug_log.splitlines() if "Duplicate agent name" in x):
        assert any(line.endswith(f"active: {sandbox.project / AGENTS / p}.md") for p in active), line
    assert _verdicts(sandbox) == {
        "a/reviewer.md": Verdict.NOT_LOADED,
        "b/reviewer.md": Verdict.LOADED,
        "writer.md": Verdict.LOADED,
        "sub/writer.md": Verdict.NOT_LOADED,
        "tester-copy.md": Verdict.NOT_LOADED,
        "tester.md": Verdict.LOADED,
    }


def test_markdown_without_frontmatter_is_dropped_silently_readme_included(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    plugin = "plug"
    files = {
        f"{AGENTS}/README.md": f"# Our agents\n\n{body('readme')}",
        f"{AGENTS}/notes.md": f"You review diffs.\n{body('notes')}",
        f"{AGENTS}/bom.md": "\ufeff" + _agent("bom"),
        f"{plugin}/.claude-plugin/plugin.json": '{"name": "plug"}\n',
        f"{plugin}/agents/loose.md": f"You review diffs.\n{body('loose')}",
    }
    facts = probe(
        claude_bin,
        sandbox,
        files,
        ["README", "notes", "bom", "plug:loose"],
        extra_args=["--plugin-dir", str(sandbox.project / plugin)],
    )
    assert not {"README", "readme", "notes"} & facts.listed
    assert {"bom", "plug:loose"} <= facts.listed
    assert set(facts.tools) == {"bom", "loose"}
    # Nothing in the debug log says that the two files were skipped.
    assert "notes.md" not in facts.run.debug_log and "README.md" not in facts.run.debug_log
    assert _verdicts(sandbox) == {
        "README.md": Verdict.NOT_LOADED,
        "notes.md": Verdict.NOT_LOADED,
        "bom.md": Verdict.LOADED,
    }
    loose = lint_paths([sandbox.project / plugin], env={}, cwd=sandbox.project, home=sandbox.home).files
    assert [f.verdict for f in loose] == [Verdict.LOADED]


# Each file needs Claude Code's lenient retry (the description has an unquoted ": ").
LENIENT = {
    "flow-quoted": ('tools: ["Read", "Grep"]', ["Read", "Grep"]),
    "flow-plain": ("tools: [Read, Grep]", ["Read", "Grep"]),
    "flow-single": ("tools: ['Read', 'Grep']", ["Read", "Grep"]),
    "quoted-string": ('tools: "Read, Grep"', ["Read", "Grep"]),
    "flow-unclosed": ("tools: [Read, Grep", ["Grep"]),
    "starts-with-quote": ('model: "haiku" or: sonnet\ntools: Read', ["Read"]),
    "two-quoted": ("tools: 'Read', 'Grep'", None),
    "block-scalar": ("tools: Read\nmodel: |\n  haiku", None),
    "digit-key": ("tools: Read\nx1: a: b", None),
}


def test_the_lenient_retry_loads_what_llmeng_says_it_loads(claude_bin: Path, sandbox: Sandbox) -> None:
    files: dict[str, str | bytes] = {
        f"{AGENTS}/{name}.md": f"---\nname: {name}\ndescription: Use when: asked\n{lines}\n---\n{body(name)}"
        for name, (lines, _) in LENIENT.items()
    }
    files[f"{AGENTS}/crlf.md"] = _agent("crlf", description="Use when: asked").replace("\n", "\r\n").encode()
    facts = probe(claude_bin, sandbox, files, [*LENIENT, "crlf"])
    granted = {name: facts.tools.get(name) for name in LENIENT}
    assert granted == {name: tools for name, (_, tools) in LENIENT.items()}
    assert "crlf" not in facts.listed
    lint = _lint(sandbox)
    loaded = {Path(f.display).stem for f in lint.files if f.verdict is not Verdict.NOT_LOADED}
    assert loaded == facts.listed & {*LENIENT, "crlf"}
    by_name = {Path(f.display).stem: f for f in lint.files}
    for name, (_, tools) in LENIENT.items():
        if tools is not None:
            reported = {x.message for x in by_name[name].findings if x.rule_id in ("AG302", "AG304")}
            expected_unknown = {"flow-unclosed": {"[Read"}}.get(name, set())
            assert {m.split("`")[1] for m in reported if m.startswith("unknown tool")} == expected_unknown


def _binary_lists(claude: Path) -> tuple[set[str], dict[str, str], set[str]]:
    """The built-in tool names, the legacy-name table and the retired built-ins, read from the binary."""
    data = claude.resolve().read_bytes()
    table = re.search(rb'=\[("Agent",(?:"\w+",)+"Write")\],\w+=\{(Task:"Agent"(?:,\w+:"\w+")+)\}', data)
    retired = re.search(rb'new Set\(\[("Frame","FrameRead"(?:,"\w+")+)\]\)', data)
    assert table and retired, "the tool tables were not found: the binary changed shape"
    names = set(re.findall(r'"(\w+)"', table[1].decode()))
    aliases = dict(re.findall(r'(\w+):"(\w+)"', table[2].decode()))
    return names, aliases, set(re.findall(r'"(\w+)"', retired[1].decode()))


def test_the_tool_table_is_the_binarys(claude_bin: Path) -> None:
    names, aliases, retired = _binary_lists(claude_bin)
    assert names == set(SPEC.builtin_tools)
    assert aliases == SPEC.tool_aliases
    assert retired == set(load_spec_raw()["tools"]["retired_binary"])


def _refused(refusal: str) -> str:
    if "not available to subagents" in refusal:
        return "not for subagents"
    return "unrecognized" if "unrecognized" in refusal else refusal


def test_each_tool_name_is_offered_mapped_or_dropped_as_the_data_says(
    claude_bin: Path, sandbox: Sandbox
) -> None:
    names = sorted(SPEC.builtin_tools | set(SPEC.tool_aliases) | SPEC.retired_tools)
    probe_of = {name: "probe-" + name.lower().replace("_", "-") for name in names}
    files = {f"{AGENTS}/{a}.md": _agent(a, tools=name) for name, a in probe_of.items()}
    facts = probe(claude_bin, sandbox, files, list(probe_of.values()))
    outcome = {name: facts.tools.get(a, _refused(facts.refusal(a) or "")) for name, a in probe_of.items()}
    expected = {}
    for name in names:
        target = SPEC.tool_aliases.get(name, name)
        expected[name] = (
            [target]
            if target in SPEC.tools
            else "not for subagents"
            if name in SPEC.main_thread_only_tools
            else "unrecognized"
        )
    # ToolSearch is a session-only tool that a default session grants and then strips (tool search is
    # off with a non-Anthropic base URL): the agent starts with no tools.
    expected["ToolSearch"] = []
    assert outcome == expected
