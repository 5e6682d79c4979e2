"""select(requirements, catalog, today) -> Recommendation: filter, score, pick a primary and a fallback."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from llmeng.models.catalog import Catalog
from llmeng.models.facts import ModelFacts
from llmeng.models.filters import DAYS_PER_MONTH, DEPRECATION_WARNING_DAYS, Check, reasons
from llmeng.models.prices import price_changes, request_cost
from llmeng.models.recommendation import (
    CandidateOut,
    PriceChangeOut,
    RatingOut,
    ReasonOut,
    Recommendation,
    RejectedOut,
    SourceOut,
)
from llmeng.models.requirements import Requirements
from llmeng.models.scoring import Scored, combine, headroom_part, log_part, quality_part
from llmeng.models.sources import source_ages

SHORTLIST_EXTRA = 3  # rows after primary and fallback in the decision matrix


def _check(req: Requirements, catalog: Catalog, m: ModelFacts, today: date) -> Check:
    cost = request_cost(
        catalog,
        m,
        today,
        tokens_in=req.input_tokens,
        tokens_out=req.output_tokens,
        cache_hit_ratio=req.cache_hit_ratio,
    )
    speed = catalog.speed.get(m.id)
    latency = speed.ttft_s + req.output_tokens / speed.tokens_per_s if speed else None
    return Check(m, cost, latency, speed)


def _kept_unknowns(req: Requirements, m: ModelFacts) -> list[str]:
    unknown = [cap for cap in req.capabilities if m.cap(cap) is None]
    if m.max_input_tokens is None or m.max_output_tokens is None:
        unknown.append("limits")
    if req.open_weights and m.open_weights is None:
        unknown.append("open weights")
    if m.rating(req.category) is None:
        unknown.append("quality rating")
    return unknown


def _candidate(req: Requirements, catalog: Catalog, c: Check, scored: Scored, today: date) -> CandidateOut:
    assert c.cost is not None  # survivors passed the NO_PRICE filter
    m, per_req = c.model, c.cost.usd
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
            tokens_out=req.output_tokens,
            cache_hit_ratio=req.cache_hit_ratio,
        )
    ]
    warnings = [
        f"{m.id}: {what} unknown, kept because unknowns are allowed" for what in _kept_unknowns(req, m)
    ]
    if m.deprecation_date and m.deprecation_date <= today + timedelta(days=DEPRECATION_WARNING_DAYS):
        warnings.append(f"{m.id}: deprecated on {m.deprecation_date}")
    warnings += [
        f"{m.id}: price changes on {p.on}: ${p.cost_per_request_usd:.5f}/request (now ${per_req:.5f})"
        for p in changes
    ]
    return CandidateOut(
        id=m.id,
        provider=m.provider,
        rating=RatingOut.of(rating, m.quality_note) if rating else None,
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
        warnings=warnings,
    )


def _score_all(
    req: Requirements, catalog: Catalog, survivors: list[Check], today: date
) -> list[CandidateOut]:
    weights = req.weights()
    ratings = [r.rating for m in catalog.models if (r := m.rating(req.category))]
    best = max(ratings, default=0.0)
    costs = [c.cost.usd for c in survivors if c.cost]
    latencies = [c.latency_s for c in survivors if c.latency_s is not None]
    out = []
    for c in survivors:
        rating = c.model.rating(req.category)
        parts = {
            "quality": quality_part(rating.rating if rating else None, best),
            "cost": log_part(c.cost.usd if c.cost else None, costs),
            "latency": log_part(c.latency_s, latencies) if latencies else None,
            "headroom": headroom_part(c.model.max_input_tokens, req.context_needed),
        }
        out.append(_candidate(req, catalog, c, combine(parts, weights), today))
    return sorted(out, key=lambda x: (-round(x.score, 12), x.cost_per_request_usd, x.id))


def _shortlist(
    ranked: list[CandidateOut], primary: CandidateOut | None, fallback: CandidateOut | None
) -> list[CandidateOut]:
    shown = [c for c in (primary, fallback) if c is not None]
    seen = {(c.provider, c.rating.arena if c.rating else c.id) for c in shown}
    for c in ranked:
        key = (c.provider, c.rating.arena if c.rating else c.id)
        if len(shown) >= 2 + SHORTLIST_EXTRA:
            break
        if key not in seen:  # skip dated aliases of a model already shown
            seen.add(key)
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
