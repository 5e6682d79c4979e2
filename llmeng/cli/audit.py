"""`llmeng audit PATH`: production-reliability gaps in LLM integration code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

# The choices, spelt here so that `llmeng --help` does not load the audit (api.SEVERITIES).
_SEVERITIES = ("critical", "high", "medium", "low")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json", "sarif"]),
    default="markdown",
    show_default=True,
    help="Report format.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--min-severity",
    type=click.Choice(_SEVERITIES),
    default="low",
    show_default=True,
    help="Report only findings at or above this severity.",
)
@click.option(
    "--fail-on",
    type=click.Choice([*_SEVERITIES, "never"]),
    default="high",
    show_default=True,
    help="Exit 1 when a finding at or above this severity is reported.",
)
@click.option("--jobs", "-j", type=int, default=0, help="Worker processes (0: all cores).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def audit(
    paths: tuple[str, ...],
    fmt: str,
    as_json: bool,
    min_severity: str,
    fail_on: str,
    jobs: int,
    output: str | None,
) -> int:
    """Audit LLM integration code for missing timeouts, retries, fallbacks, PII filtering and more.

    Rules and ids: `llmeng rules`; settings: [tool.llmeng.audit] in pyproject.toml.

    \b
    Example:
      llmeng audit src/
      llmeng audit app.py --format sarif -o audit.sarif
      llmeng audit . --min-severity high --fail-on critical
    """
    from llmeng import clock
    from llmeng.audit import api
    from llmeng.report.audit import render

    progress = _ProgressBar() if sys.stderr.isatty() else None
    done = api.audit(paths, today=clock.today(), min_severity=min_severity, jobs=jobs, progress=progress)
    text = render(done.result, done.shown, "json" if as_json else fmt)
    if output:
        api.save(Path(output), text)
    else:
        click.echo(text, nl=False)
    for skipped in done.notices:
        click.echo(f"notice: {skipped.path}: {skipped.reason}", err=True)
    return done.exit_code(fail_on)


class _ProgressBar:
    """A click progress bar on stderr, drawn only for trees big enough to need one."""

    MIN_FILES = 200

    def __init__(self) -> None:
        self.bar: Any = None
        self.pos = 0

    def __call__(self, done: int, total: int) -> None:
        if total < self.MIN_FILES:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="auditing", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.pos)
        self.pos = done
        if done == total:
            self.bar.__exit__(None, None, None)
