"""Text, JSON and SARIF views of a LintResult: every file with its verdict, then its findings."""

from __future__ import annotations

import json
from typing import Any

from llmeng.agents.lint import LintResult
from llmeng.agents.registry import RULES
from llmeng.findings import Severity
from llmeng.report.sarif import dumps, render_sarif

_LABEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def render_text(result: LintResult, *, show_info: bool = True) -> str:
    """Each file with its verdict and findings, then a summary whose counts add up to the files."""
    out: list[str] = []
    for path in result.missing:
        out.append(f"{path}: error: no such file or directory")
    for file in result.files:
        out.append(f"{file.display}: {file.verdict}")
        for f in file.findings:
            if show_info or f.severity != Severity.INFO:
                out.append(
                    f"  {f.location.line}:{f.location.col}  {_LABEL.get(f.severity, str(f.severity)):<7} "
                    f"{f.rule_id}  {f.message}"
                )
                out.append(f"      fix: {f.fix}")
    out.append(summary(result))
    return "\n".join(out) + "\n"


def summary(result: LintResult) -> str:
    n = len(result.files)
    parts = [
        _plural(result.count(Severity.ERROR), "error"),
        _plural(result.count(Severity.WARNING), "warning"),
        f"{result.count(Severity.INFO)} info",
    ]
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in result.verdicts().items())
    return (
        f"{n} file{'s' if n != 1 else ''} checked against Claude Code {result.claude_code_version} "
        f"(spec of {result.spec_as_of}): {', '.join(parts)}; {verdicts}."
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def render_json(result: LintResult) -> dict[str, Any]:
    return {
        "claude_code_version": result.claude_code_version,
        "spec_as_of": result.spec_as_of,
        "summary": {
            "files": len(result.files),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "info": result.count(Severity.INFO),
            "loads": sum(1 for f in result.files if f.loads),
            "verdicts": {str(v): n for v, n in result.verdicts().items()},
        },
        "missing": [str(p) for p in result.missing],
        "files": [
            {
                "path": f.display,
                "name": f.name,
                "scope": f.scope,
                "verdict": str(f.verdict),
                "loads": f.loads,
                "findings": [x.to_dict() | {"effect": x.effect and str(x.effect)} for x in f.findings],
            }
            for f in result.files
        ],
    }


def render(result: LintResult, fmt: str, *, show_info: bool = True) -> str:
    """The result in `fmt`: text, json or sarif (SARIF written as every llmeng SARIF log is)."""
    if fmt == "json":
        return json.dumps(render_json(result), indent=2) + "\n"
    if fmt == "sarif":
        log = render_sarif(
            result.findings,
            RULES,
            artifacts=[f.display for f in result.files],
            artifact_properties=[{"verdict": str(f.verdict)} for f in result.files],
            run_properties={"verdicts": {str(v): n for v, n in result.verdicts().items()}},
        )
        return dumps(log)
    return render_text(result, show_info=show_info)
