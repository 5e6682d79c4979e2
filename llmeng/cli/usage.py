"""`llmeng usage`: a thin click wrapper over llmeng.usage."""

from __future__ import annotations

import sys
from typing import Any

import click

FORMATS = ("auto", "otel", "litellm", "langfuse", "openai", "anthropic")


class _Progress:
    """Bytes read so far, as a percentage on stderr (a TTY, or --progress)."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.shown = max(total, 1), 0, -1

    def __call__(self, nbytes: int) -> None:
        self.done += nbytes
        pct = min(100, self.done * 100 // self.total)
        if pct != self.shown:
            self.shown = pct
            click.echo(f"\rreading usage: {pct:3d}% of {self.total / 1e6:,.0f} MB", err=True, nl=False)

    def close(self) -> None:
        if self.shown >= 0:
            click.echo("", err=True)


@click.command("usage")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--by",
    multiple=True,
    help="Break down by this record attribute (repeatable; default: every attribute present).",
)
@click.option("--input-format", "input_fmt", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["markdown", "json", "csv"]), default="markdown", show_default=True
)
@click.option("--top", type=click.IntRange(1), default=20, show_default=True, help="Rows per markdown table.")
@click.option("--progress/--no-progress", default=None, help="Progress on stderr (default: on a terminal).")
@click.option("--today", help="Price records without a time as of this date (YYYY-MM-DD).")
def usage(
    files: tuple[str, ...], by: tuple[str, ...], input_fmt: str, fmt: str, top: int, **opts: Any
) -> int:
    """Price real usage logs with genai-prices: cost per model, day, provider and attribute.

    Reads OpenTelemetry GenAI spans (OTLP JSON, as the collector's file exporter writes), LiteLLM spend
    logs, Langfuse observation exports, and raw OpenAI / Anthropic responses saved as JSON Lines.
    Unknown models are listed, never priced as $0.

    \b
    Example:
      llmeng usage traces.jsonl --by feature --by user.id
      llmeng usage spend_logs.json --format csv > spend.csv
    """
    import os

    from llmeng.cli.models import _today
    from llmeng.report.usage import RENDERERS, render_markdown
    from llmeng.usage.api import usage_report

    show = opts["progress"] if opts["progress"] is not None else sys.stderr.isatty()
    progress = _Progress(sum(os.path.getsize(f) for f in files if os.path.isfile(f))) if show else None
    try:
        report = usage_report(files, today=_today(opts["today"]), by=by, fmt=input_fmt, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    text = render_markdown(report, top=top) if fmt == "markdown" else RENDERERS[fmt](report)
    click.echo(text, nl=False)
    return 0
