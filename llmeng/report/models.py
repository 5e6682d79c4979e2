"""Markdown for a Recommendation and for catalog listings. Renderers take results; they never compute."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from llmeng.models.facts import CAPABILITIES, ModelFacts
from llmeng.models.recommendation import CandidateOut, Recommendation, SourceOut, explain_score
from llmeng.models.sources import SourceAge


def _caps(caps: dict[str, bool | None], wanted: Sequence[str]) -> str:
    marks = {True: "yes", False: "no", None: "?"}
    return ", ".join(f"{c} {marks[caps.get(c)]}" for c in wanted) or "-"


def _quality(c: CandidateOut) -> str:
    if c.rating is None:
        return "unknown (unrated)"
    if not c.quality_known:
        return f"unknown (rated {c.rating.rating:.0f} at {c.rating_effort or 'default'} effort only)"
    half = (c.rating.ci_hi - c.rating.ci_lo) / 2
    effort = f" @{c.rating_effort}" if c.rating_effort else ""
    return f"{c.rating.rating:.0f} ±{half:.0f}{effort}" + (" *" if c.rating.note else "")


def _reasoning_cell(c: CandidateOut) -> str:
    if c.reasoning is None:
        return "-"
    return f"{c.reasoning.effort}: {c.reasoning.tokens:,}"


def _latency(c: CandidateOut) -> str:
    return f"{c.latency_s:.2f} s" if c.latency_s is not None else "unknown"


def _tokens(n: int | None) -> str:
    return f"{n:,}" if n is not None else "?"


def _use_case(c: CandidateOut, rec: Recommendation) -> str:
    if rec.primary and c.id == rec.primary.id:
        return "primary: best score"
    if rec.fallback and c.id == rec.fallback.id:
        return "fallback: best of another provider"
    if not c.quality_known:
        return "quality unknown: ranked after rated models"
    rated = [x for x in rec.shortlist if x.quality_known]
    if c.id == min(rated, key=lambda x: x.cost_per_request_usd).id:
        return "cheapest rated shortlisted"
    if c.id == max(rated, key=lambda x: x.rating.rating if x.rating else 0.0).id:
        return "highest rated shortlisted"
    return "alternative"


def _offers(rec: Recommendation) -> list[str]:
    lines = []
    for c in rec.shortlist:
        if c.hosts:
            where = ", ".join(f"{h.provider} ${h.cost_per_request_usd:.5f}" for h in c.hosts)
            lines.append(f"- `{c.id}` (open weights) per request at other hosts: {where}")
        if c.self_host:
            per = c.self_host.cost_per_request_usd
            lines.append(
                f"- `{c.id}` self-hosted: ${c.self_host.cost_per_month_usd:,.0f}/month"
                + (f", ${per:.5f}/request" if per is not None else "")
                + f" ({c.self_host.basis})"
            )
    return lines


def render_recommendation(rec: Recommendation) -> str:
    """The decision matrix, the recommendation and its reasoning, rejections and provenance, as markdown."""
    req = rec.requirements
    effort = req.reasoning_effort or "each model's rated (else default) effort"
    workload = (
        f"Workload: {req.input_tokens:,} in / {req.output_tokens:,} out tokens per request "
        f"(plus reasoning tokens at {effort}), {req.requests_per_day:,} requests/day, complexity "
        f"{req.complexity}, quality category {req.category}, priced on {rec.today}."
    )
    header = (
        "| # | Model | Quality (Arena) | Reasoning tok/req | $/request | $/day | $/month | Latency "
        "| Context in/out | Score | Warnings | Use case |"
    )
    lines = [
        "# Model selection",
        "",
        workload,
        "",
        header,
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, c in enumerate(rec.shortlist):
        lines.append(
            f"| {i + 1} | `{c.id}` | {_quality(c)} | {_reasoning_cell(c)} | {c.cost_per_request_usd:.5f} | "
            f"{c.cost_per_day_usd:,.2f} | {c.cost_per_month_usd:,.0f} | {_latency(c)} | "
            f"{_tokens(c.max_input_tokens)} / {_tokens(c.max_output_tokens)} | {c.score:.2f} | "
            f"{len(c.warnings) or '-'} | {_use_case(c, rec)} |"
        )
    notes = [f"`{c.id}`: {c.rating.note}" for c in rec.shortlist if c.rating and c.rating.note]
    if notes:
        lines += ["", "\\* Arena rating notes: " + "; ".join(notes) + "."]
    sources = sorted(
        {
            f"{c.reasoning.basis}: {c.reasoning.source}"
            for c in rec.shortlist
            if c.reasoning and c.reasoning.tokens
        }
    )
    if sources:
        lines += ["", "Reasoning tokens (billed as output) from " + "; ".join(sources) + "."]
    lines += ["", "## Recommendation", "", *[f"- {line}" for line in rec.reasoning]]
    if rec.notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in rec.notes]]
    offers = _offers(rec)
    if offers:
        lines += ["", "## Other ways to run open weights", "", *offers]
    if rec.shortlist:
        lines += ["", "## Score parts", ""]
        lines += [
            f"- `{c.id}`: {explain_score(c)}; capabilities: "
            f"{_caps(c.capabilities, req.capabilities or list(CAPABILITIES))}"
            for c in rec.shortlist
        ]
    if rec.warnings:
        lines += ["", "## Warnings", "", *[f"- {w}" for w in rec.warnings]]
    if rec.rejection_counts:
        lines += ["", "## Rejections by reason", "", "| Reason | Models |", "|---|---|"]
        lines += [f"| {code} | {n} |" for code, n in rec.rejection_counts.items()]
        lines.append("\nEvery rejected model and its reasons: `--explain`, or `rejected` in `--format json`.")
    lines += ["", "## Sources", ""]
    lines += [
        f"- {s.kind}: {s.name} {s.version}, {s.as_of or 'date unknown'} "
        f"({s.age_days if s.age_days is not None else '?'} days old, {s.origin}), {s.license}"
        for s in rec.sources
    ]
    return "\n".join(lines) + "\n"


def render_rejections(rec: Recommendation) -> str:
    lines = ["## Rejected models", "", "| Model | Reasons |", "|---|---|"]
    lines += [
        f"| `{r.id}` | " + "; ".join(f"{x.code}: {x.detail}" for x in r.reasons) + " |" for r in rec.rejected
    ]
    return "\n".join(lines) + "\n"


def render_model_table(models: Sequence[ModelFacts]) -> str:
    lines = [
        "| Model | Max in | Max out | Arena overall | Tools | Structured | Vision | Deprecation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    marks = {True: "yes", False: "no", None: "?"}
    for m in models:
        r = m.quality.get("overall")
        lines.append(
            f"| `{m.id}` | {_tokens(m.max_input_tokens)} | {_tokens(m.max_output_tokens)} | "
            f"{f'{r.rating:.0f}' if r else 'unrated'} | {marks[m.cap('tools')]} | "
            f"{marks[m.cap('structured_output')]} | {marks[m.cap('vision')]} | "
            f"{m.deprecation_date or '-'} |"
        )
    return "\n".join(lines) + "\n"


def render_sources(ages: Sequence[SourceAge]) -> str:
    lines = [
        "| Kind | Source | Version | Date | Age (days) | Origin | License |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in ages:
        s = a.source
        lines.append(
            f"| {s.kind} | {s.name} | {s.version} | {s.as_of or '?'} | "
            f"{a.age_days if a.age_days is not None else '?'} | {s.origin} | {s.license} |"
        )
    lines += [f"\nwarning: {a.warning}" for a in ages if a.warning]
    return "\n".join(lines) + "\n"


def render_model(data: Mapping[str, Any]) -> str:
    """One model's facts (the dict `llmeng models show` builds) as markdown."""
    lines = [f"# {data['id']}", ""]
    for key, value in data.items():
        if key in ("id", "quality", "capabilities"):
            continue
        lines.append(f"- {key}: {value}")
    caps = {True: "yes", False: "no", None: "unknown"}
    lines.append("- capabilities: " + ", ".join(f"{k} {caps[v]}" for k, v in data["capabilities"].items()))
    lines += ["", "| Arena category | Rating | 95 % CI | Votes | As of |", "|---|---|---|---|---|"]
    for category, r in data["quality"].items():
        lines.append(
            f"| {category} | {r['rating']:.0f} | {r['ci_lo']:.0f}-{r['ci_hi']:.0f} | {r['votes']:,} | "
            f"{r['as_of']} |"
        )
    if not data["quality"]:
        lines.append("| unrated | | | | |")
    return "\n".join(lines) + "\n"


def render_sources_rows(ages: Sequence[SourceAge]) -> list[dict[str, Any]]:
    """`llmeng models sources --format json`: each source's fields with its age and warning."""
    return [{**vars(a.source), "age_days": a.age_days, "warning": a.warning} for a in ages]


def render_sources_json(today: date, ages: Sequence[SourceAge]) -> str:
    """The MCP resource: the date the ages are counted to, and each source as a SourceOut."""
    return json.dumps(
        {"today": today.isoformat(), "sources": [SourceOut.of(a).model_dump(mode="json") for a in ages]}
    )
