"""select(requirements, catalog, today) -> Recommendation: filter, score, pick a primary and a fallback."""

from __future__ import annotations

from collections import Counter
from datetime import date

from llmeng.models import offers
from llmeng.models.catalog import Catalog
from llmeng.models.facts import ModelFacts
from llmeng.models.filters import DAYS_PER_MONTH, Check, reasons
from llmeng.models.prices import price_changes, request_cost
from llmeng.models.reasoning import NO_REASONING, ReasoningPlan, plan, rating_applies
from llmeng.models.recommendation import (
    CandidateOut,
    PriceChangeOut,
    RatingOut,
    ReasoningOut,
    ReasonOut,
    Recommendation,
    RejectedOut,
    SourceOut,
)
from llmeng.models.requirements import Requirements
from llmeng.models.scoring import Scored, combine, headroom_part, log_part, quality_part
from llmeng.models.sources import source_ages

SHORTLIST_EXTRA = 3  # rated rows after primary and fallback in the decision matrix
SHORTLIST_UNKNOWN = 3  # quality-unknown rows shown after the rated ones


def _reasoning(req: Requirements, catalog: Catalog, m: ModelFacts) -> ReasoningPlan:
    if catalog.reasoning is None:
        return NO_REASONING
    return plan(catalog.reasoning, m, requested=req.reasoning_effort, measured=req.reasoning_tokens)


def _check(req: Requirements, catalog: Catalog, m: ModelFacts, today: date) -> Check:
    thinking = _reasoning(req, catalog, m)
    tokens_out = req.output_tokens + thinking.tokens  # reasoning tokens are billed as output
    cost = request_cost(
        catalog,
        m,
        today,
        tokens_in=req.input_tokens,
        tokens_out=tokens_out,
        cache_hit_ratio=req.cache_hit_ratio,
    )
    speed = catalog.speed.get(m.id)
    latency = speed.ttft_s + tokens_out / speed.tokens_per_s if speed else None
    return Check(m, cost, latency, speed, thinking)


def _kept_unknowns(req: Requirements, m: ModelFacts) -> list[str]:
    unknown = [cap for cap in req.capabilities if m.cap(cap) is None]
    if m.max_input_tokens is None or m.max_output_tokens is None:
        unknown.append("limits")
    if req.open_weights and m.open_weights is None:
        unknown.append("open weights")
    return unknown


def _warnings(req: Requirements, c: Check, changes: list[PriceChangeOut], today: date) -> list[str]:
    m, per_req = c.model, c.cost.usd if c.cost else 0.0
    out = [f"{m.id}: {what} unknown, kept because unknowns are allowed" for what in _kept_unknowns(req, m)]
    if m.deprecation_date is not None:  # any known retirement, however far: the reader plans around it
        out.append(f"{m.id}: retires on {m.deprecation_date} (in {(m.deprecation_date - today).days} days)")
    out += [
        f"{m.id}: price changes on {p.on}: ${p.cost_per_request_usd:.5f}/request (now ${per_req:.5f})"
        for p in changes
    ]
    if c.reasoning.note:
        out.append(c.reasoning.note)
    return out


def _candidate(req: Requirements, catalog: Catalog, c: Check, scored: Scored, today: date) -> CandidateOut:
    assert c.cost is not None  # survivors passed the NO_PRICE filter
    m, per_req, thinking = c.model, c.cost.usd, c.reasoning
    tokens_out = req.output_tokens + thinking.tokens
    rating = m.rating(req.category)
    changes = [
        PriceChangeOut(
            on=p.on,
            cost_per_request_usd=p.usd_after,
            cost_per_month_usd=p.usd_after * req.requests_per_day * DAYS_PER_MONTH,
        )
        for p in price_changes(
            catalog,
            m,
            today,
            tokens_in=req.input_tokens,
            tokens_out=tokens_out,
            cache_hit_ratio=req.cache_hit_ratio,
        )
    ]
    return CandidateOut(
        id=m.id,
        provider=m.provider,
        rating=RatingOut.of(rating, m.quality_note) if rating else None,
        quality_known=rating is not None and rating_applies(thinking),
        rating_effort=m.rated_effort,
        reasoning=ReasoningOut(
            effort=thinking.effort, tokens=thinking.tokens, source=thinking.source, basis=thinking.basis
        )
        if thinking.effort
        else None,
        deprecation_date=m.deprecation_date,
        cost_per_request_usd=per_req,
        cost_per_day_usd=per_req * req.requests_per_day,
        cost_per_month_usd=per_req * req.requests_per_day * DAYS_PER_MONTH,
        price_source=c.cost.source,
        latency_s=c.latency_s,
        max_input_tokens=m.max_input_tokens,
        max_output_tokens=m.max_output_tokens,
        capabilities=dict(m.caps),
        open_weights=m.open_weights,
        score=scored.score,
        parts=scored.parts,
        contributions=scored.contributions,
        missing_parts=list(scored.missing),
        price_changes=changes,
        hosts=offers.hosts(req, catalog, m, today, tokens_out=tokens_out) if m.open_weights else [],
        self_host=offers.self_host(req, tokens_out=tokens_out) if m.open_weights else None,
        warnings=_warnings(req, c, changes, today),
    )


def _known_rating(req: Requirements, c: Check) -> float | None:
    rating = c.model.rating(req.category)
    return rating.rating if rating is not None and rating_applies(c.reasoning) else None


def _score_tier(
    req: Requirements, catalog: Catalog, tier: list[Check], best: float, today: date
) -> list[CandidateOut]:
    weights = req.weights()
    costs = [c.cost.usd for c in tier if c.cost]
    latencies = [c.latency_s for c in tier if c.latency_s is not None]
    out = []
    for c in tier:
        parts = {
            "quality": quality_part(_known_rating(req, c), best),
            "cost": log_part(c.cost.usd if c.cost else None, costs),
            "latency": log_part(c.latency_s, latencies) if latencies else None,
            "headroom": headroom_part(c.model.max_input_tokens, req.context_needed),
        }
        out.append(_candidate(req, catalog, c, combine(parts, weights), today))
    return sorted(out, key=lambda x: (-round(x.score, 12), x.cost_per_request_usd, x.id))


def _score_all(
    req: Requirements, catalog: Catalog, survivors: list[Check], today: date
) -> list[CandidateOut]:
    """Known quality first, then unknown: an unrated model is never ranked above a rated one. Each tier is
    scored on its own, so quality-unknown models never move the cost scale of the rated ones."""
    best = max((r.rating for m in catalog.models if (r := m.rating(req.category))), default=0.0)
    known = [c for c in survivors if _known_rating(req, c) is not None]
    unknown = [c for c in survivors if _known_rating(req, c) is None]
    return _score_tier(req, catalog, known, best, today) + _score_tier(req, catalog, unknown, best, today)


def _same_model(c: CandidateOut) -> tuple[object, ...]:
    # Dated aliases share a rating row, or (unrated) the same price and limits.
    if c.rating:
        return (c.provider, c.rating.arena)
    return (c.provider, round(c.cost_per_request_usd, 12), c.max_input_tokens, c.max_output_tokens)


def _shortlist(
    ranked: list[CandidateOut], primary: CandidateOut | None, fallback: CandidateOut | None
) -> list[CandidateOut]:
    shown = [c for c in (primary, fallback) if c is not None]
    seen = {_same_model(c) for c in shown}
    limits = {True: 2 + SHORTLIST_EXTRA, False: SHORTLIST_UNKNOWN}
    counts = Counter(c.quality_known for c in shown)
    for c in ranked:
        key = _same_model(c)
        if key not in seen and counts[c.quality_known] < limits[c.quality_known]:
            seen.add(key)  # skip dated aliases of a model already shown
            counts[c.quality_known] += 1
            shown.append(c)
    return shown


def select(requirements: Requirements, catalog: Catalog, *, today: date) -> Recommendation:
    """Rank every catalog model for the workload; every rejection stays visible with its reasons."""
    survivors: list[Check] = []
    rejected: list[RejectedOut] = []
    for m in sorted(catalog.models, key=lambda x: x.id):
        check = _check(requirements, catalog, m, today)
        found = reasons(requirements, check, today)
        if found:
            rejected.append(
                RejectedOut(
                    id=m.id, provider=m.provider, reasons=[ReasonOut(code=c, detail=d) for c, d in found]
                )
            )
        else:
            survivors.append(check)
    ranked = _score_all(requirements, catalog, survivors, today)
    primary = ranked[0] if ranked else None
    fallback = next((c for c in ranked if primary and c.provider != primary.provider), None)
    sources = [SourceOut.of(a) for a in source_ages(catalog.sources, today)]
    rec = Recommendation(
        today=today,
        requirements=requirements,
        weights=requirements.weights(),
        primary=primary,
        fallback=fallback,
        shortlist=_shortlist(ranked, primary, fallback),
        candidates=ranked,
        rejected=rejected,
        rejection_counts=dict(sorted(Counter(r.code for x in rejected for r in x.reasons).items())),
        sources=sources,
    )
    return rec.with_reasoning()
