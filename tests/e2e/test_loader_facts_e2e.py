"""The validator's facts about Claude Code's loader, checked against the real CLI (2.1.330).

Each test writes small agent files into a scratch project, lets the mock model spawn them one by
one, and compares what Claude Code did with the verdict `llmeng validate` gives the same files.
"""

from __future__ import annotations

from pathlib import Path

from e2e_harness.runner import Sandbox
from e2e_harness.spawn import body, probe

from llmeng.agents.lint import LintResult, lint_paths
from llmeng.findings import Verdict

AGENTS = ".claude/agents"


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
