"""The Recommendation and its parts: pydantic models, since they cross the MCP boundary as JSON."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from llmeng.models.facts import QualityRating
from llmeng.models.requirements import Requirements
from llmeng.models.sources import SourceAge


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class RatingOut(_Out):
    arena: str
    category: str
    rating: float
    ci_lo: float
    ci_hi: float
    votes: int
    as_of: date
    note: str | None = None

    @classmethod
    def of(cls, r: QualityRating, note: str | None = None) -> RatingOut:
        return cls(
            arena=r.arena,
            category=r.category,
            rating=r.rating,
            ci_lo=r.ci_lo,
            ci_hi=r.ci_hi,
            votes=r.votes,
            as_of=r.as_of,
            note=note,
        )


class PriceChangeOut(_Out):
    on: date
    cost_per_request_usd: float
    cost_per_month_usd: float


class ReasoningOut(_Out):
    effort: str = Field(description="the effort the cost assumes")
    tokens: int = Field(description="reasoning tokens per request, billed as output")
    source: str | None
    basis: str | None = Field(description="measured (yours), budget (a cap the request sets) or proxy")


class HostOut(_Out):
    provider: str = Field(description="genai-prices provider id")
    model: str
    cost_per_request_usd: float
    cost_per_month_usd: float


class SelfHostOut(_Out):
    gpus: int
    cost_per_month_usd: float
    cost_per_request_usd: float | None
    basis: str


class CandidateOut(_Out):
    id: str
    provider: str
    rating: RatingOut | None
    quality_known: bool = Field(
        description="false: no Arena rating, or one measured at a higher effort than priced; ranked after "
        "every candidate whose quality is known"
    )
    rating_effort: str | None = Field(description="the reasoning effort the rating was measured at")
    reasoning: ReasoningOut | None
    deprecation_date: date | None
    cost_per_request_usd: float
    cost_per_day_usd: float
    cost_per_month_usd: float
    price_source: str
    latency_s: float | None
    max_input_tokens: int | None
    max_output_tokens: int | None
    capabilities: dict[str, bool | None]
    open_weights: bool | None
    score: float
    parts: dict[str, float]
    contributions: dict[str, float]
    missing_parts: list[str]
    price_changes: list[PriceChangeOut]
    hosts: list[HostOut] = Field(description="open weights: the same model at other hosts, cheapest first")
    self_host: SelfHostOut | None = Field(
        description="open weights: an estimate from your GPU price and speed"
    )
    warnings: list[str]


class ReasonOut(_Out):
    code: str
    detail: str


class RejectedOut(_Out):
    id: str
    provider: str
    reasons: list[ReasonOut]


class SourceOut(_Out):
    kind: str
    name: str
    version: str
    as_of: date | None
    age_days: int | None
    license: str
    origin: str
    warning: str | None

    @classmethod
    def of(cls, a: SourceAge) -> SourceOut:
        s = a.source
        return cls(
            kind=s.kind,
            name=s.name,
            version=s.version,
            as_of=s.as_of,
            age_days=a.age_days,
            license=s.license,
            origin=s.origin,
            warning=a.warning,
        )


class Recommendation(_Out):
    today: date
    requirements: Requirements
    weights: dict[str, float]
    primary: CandidateOut | None
    fallback: CandidateOut | None
    shortlist: list[CandidateOut]
    candidates: list[CandidateOut]
    rejected: list[RejectedOut]
    rejection_counts: dict[str, int]
    sources: list[SourceOut]
    reasoning: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []

    def compact(self) -> Recommendation:
        """A copy whose `candidates` holds only the shortlist: small enough for an agent's context (MCP)."""
        return self.model_copy(update={"candidates": list(self.shortlist)})

    def with_reasoning(self) -> Recommendation:
        """A copy with `reasoning` and `warnings` filled from the rest."""
        return self.model_copy(update={"reasoning": _reasoning(self), "warnings": _warnings(self)})


def explain_score(c: CandidateOut) -> str:
    """ "quality 0.37 + cost 0.33 + headroom 0.12 = 0.82; latency: no data, weight redistributed"."""
    text = " + ".join(f"{name} {value:.2f}" for name, value in c.contributions.items()) + f" = {c.score:.2f}"
    if c.missing_parts:
        text += f"; {', '.join(c.missing_parts)}: no data, weight redistributed"
    return text


def _describe(c: CandidateOut) -> str:
    rating = (
        f"Arena {c.rating.category} {c.rating.rating:.0f}"
        if c.rating and c.quality_known
        else "quality unknown"
    )
    return f"{c.id} ({rating}, ${c.cost_per_request_usd:.5f}/request, ${c.cost_per_month_usd:,.0f}/month)"


def _reasoning(rec: Recommendation) -> list[str]:
    n_in, n_out = len(rec.candidates), len(rec.rejected)
    lines = [f"{n_in + n_out} models considered, {n_in} pass the hard filters, {n_out} rejected."]
    if rec.rejection_counts:
        top = sorted(rec.rejection_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
        lines.append("Most common rejections: " + ", ".join(f"{code} ({n})" for code, n in top) + ".")
    weights = ", ".join(f"{k} {v:g}" for k, v in rec.weights.items())
    lines.append(f"Weights for {rec.requirements.complexity} complexity: {weights}.")
    unknown = sum(not c.quality_known for c in rec.candidates)
    if unknown:
        lines.append(
            f"{unknown} candidates have no quality rating that applies: they rank after every rated one, "
            "by the same score without its quality part."
        )
    if rec.primary is None:
        lines.append("No model passes every hard filter; no filter was relaxed. See the rejections.")
        return lines
    lines.append(f"Primary: {_describe(rec.primary)}: best score, {explain_score(rec.primary)}.")
    if rec.fallback is None:
        lines.append(f"Fallback: none; no model from a provider other than {rec.primary.provider} passes.")
    else:
        lines.append(
            f"Fallback: {_describe(rec.fallback)}: best from another provider "
            f"({rec.fallback.provider}), {explain_score(rec.fallback)}."
        )
    return lines


def _warnings(rec: Recommendation) -> list[str]:
    out = [s.warning for s in rec.sources if s.warning]
    for c in rec.shortlist:  # every model shown, not only the primary and the fallback
        out += [w for w in c.warnings if w not in out]
    if rec.requirements.latency_goal_s is not None and rec.primary and rec.primary.latency_s is None:
        out.append(
            "LATENCY_UNKNOWN: no speed data for the primary; the latency goal was not checked "
            "(supply a speed file, or use --strict-latency to reject models without data)"
        )
    return out
