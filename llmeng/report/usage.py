"""Markdown, JSON and CSV for a UsageReport. Renderers take results; they never compute prices."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from llmeng.usage.api import UsageReport
from llmeng.usage.report import GroupRow

TOP_ROWS = 20
CSV_FIELDS = (
    "by",
    "value",
    "requests",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "unpriced_requests",
)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _usd(value: Decimal) -> str:
    return f"{value:,.4f}"


def _share(row: GroupRow, total: Decimal) -> str:
    return f"{row.cost_usd / total:.1%}" if total else "-"


def _table(rows: list[GroupRow], total: Decimal, title: str) -> list[str]:
    lines = [
        f"| {title} | Requests | Input tok | Cached read | Output tok | Reasoning tok | Cost (USD) | Share | Unpriced |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| `{r.value}` | {r.requests:,} | {r.input_tokens:,} | {r.cache_read_tokens:,} | {r.output_tokens:,} | "
        f"{r.reasoning_tokens:,} | {_usd(r.cost_usd)} | {_share(r, total)} | {r.unpriced_requests or '-'} |"
        for r in rows
    ]
    return lines


def render_markdown(report: UsageReport, *, top: int = TOP_ROWS) -> str:
    """Totals, a table per breakdown (the `top` most expensive rows), unpriced models and notes."""
    t = report.total
    files = "; ".join(
        f"`{f.path}` ({f.format}, {f.records:,} records, {f.skipped:,} skipped)" for f in report.files
    )
    lines = [
        "# LLM usage and cost",
        "",
        f"Files: {files}. Priced with {report.prices} at each record's own time.",
        "",
        f"**Total: ${_usd(t.cost_usd)}** for {t.requests:,} requests: {t.input_tokens:,} input tokens "
        f"({t.cache_read_tokens:,} read from cache, {t.cache_write_tokens:,} written), {t.output_tokens:,} "
        f"output tokens ({t.reasoning_tokens:,} reasoning)."
        + (
            f" Not in the total: {_n(t.unpriced_requests, 'unpriced request')}."
            if t.unpriced_requests
            else ""
        ),
    ]
    if report.reasoning_per_request is not None:
        lines.append(
            f"Reasoning tokens per request, over the models that reason: {report.reasoning_per_request:,.0f} "
            "(for `llmeng select --reasoning-tokens`)."
        )
    for b in report.breakdowns:
        shown = b.rows[:top]
        more = len(b.rows) - len(shown)
        lines += ["", f"## By {b.by}", "", *_table(shown, t.cost_usd, b.by)]
        if more:
            lines.append(f"\n{_n(more, 'more value')}: `--format csv` or `--format json` lists them all.")
        if b.folded:
            lines.append(
                f"\n{b.folded:,} records past the first 10,000 distinct values are summed as `(other)`."
            )
    if report.unpriced:
        lines += [
            "",
            "## Unpriced models (not counted as $0)",
            "",
            "| Provider | Model | Why | Requests | Input tok | Output tok |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {u.provider or '?'} | `{u.model}` | {u.reason} | {u.requests:,} | {u.input_tokens:,} | "
            f"{u.output_tokens:,} |"
            for u in report.unpriced
        ]
    notes = list(report.notes)
    if report.undated_requests:
        notes.append(
            f"{report.undated_requests:,} records carry no time: priced at {report.priced_on}'s prices, day 'unknown'"
        )
    if notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in notes]]
    return "\n".join(lines) + "\n"


def render_json(report: UsageReport) -> str:
    return report.model_dump_json(indent=2) + "\n"


def render_csv(report: UsageReport) -> str:
    """One row per (breakdown, value), the total first; unpriced models as by=unpriced_model."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for by, row in [("total", report.total), *((b.by, r) for b in report.breakdowns for r in b.rows)]:
        writer.writerow([by, *(str(getattr(row, f)) for f in CSV_FIELDS[1:])])
    for u in report.unpriced:
        writer.writerow(
            [
                "unpriced_model",
                f"{u.provider or '?'}/{u.model}",
                u.requests,
                u.input_tokens,
                "",
                "",
                u.output_tokens,
            ]
            + ["", "", u.requests]
        )
    return out.getvalue()


RENDERERS = {"markdown": render_markdown, "json": render_json, "csv": render_csv}
