"""The usage domain for adapters (CLI, MCP): price real usage logs and report spend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.usage.report import UsageReport
from llmeng.usage.stream import Progress

__all__ = ["FORMATS", "UsageReport", "usage_report", "usage_report_confined"]
FORMATS = ("auto", "otel", "litellm", "langfuse", "openai", "anthropic")


def usage_report(
    paths: Sequence[str | Path],
    *,
    today: date,
    by: Sequence[str] = (),
    fmt: str = "auto",
    progress: Progress | None = None,
) -> UsageReport:
    """Spend per model, day, provider and attribute for the usage records in `paths` (files)."""
    from llmeng.usage.engine import summarize

    if fmt not in FORMATS:
        raise LlmengError(f"unknown input format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    files = [Path(p) for p in paths]
    if not files:
        raise LlmengError(
            "no usage files given", "pass one or more log files, e.g. `llmeng usage spans.jsonl`"
        )
    for f in files:
        if not f.is_file():
            raise LlmengError(f"{f}: not a file", "pass usage log files (JSON Lines or one JSON document)")
    return summarize(files, today=today, by=by, fmt=fmt, progress=progress)


def usage_report_confined(
    paths: Sequence[str], *, root: Path, today: date, by: Sequence[str] = (), fmt: str = "auto"
) -> UsageReport:
    """usage_report for paths relative to `root` that must stay inside it (the MCP tool's confinement)."""
    from llmeng.fsutil import confine

    return usage_report([confine(root, p, must_exist=True) for p in paths], today=today, by=by, fmt=fmt)
