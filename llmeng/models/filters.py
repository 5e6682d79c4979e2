"""Hard filters, in a fixed order. Each failure leaves a reason code; a model may collect several."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from llmeng.models.facts import ModelFacts, SpeedFigure
from llmeng.models.prices import Cost
from llmeng.models.reasoning import NO_REASONING, ReasoningPlan
from llmeng.models.requirements import Requirements

DAYS_PER_MONTH = 30.4
DEPRECATION_WARNING_DAYS = 90


@dataclass(frozen=True)
class Check:
    """What the filters see of one model: facts plus the cost and latency computed for this workload."""

    model: ModelFacts
    cost: Cost | None
    latency_s: float | None
    speed: SpeedFigure | None
    reasoning: ReasoningPlan = NO_REASONING


Reason = tuple[str, str]  # (code, detail)
Filter = Callable[[Requirements, Check, date], Iterator[Reason]]


def _unknown(req: Requirements, code: str, detail: str) -> Iterator[Reason]:
    # Unknown is not false: reject unless the user accepts unknowns (then selection warns instead).
    if not req.allow_unknown:
        yield code, detail


def providers(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    if (req.providers and c.model.provider not in req.providers) or c.model.provider in req.exclude_providers:
        yield "PROVIDER_EXCLUDED", f"provider {c.model.provider} is not allowed"


def deprecated(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    retires = c.model.deprecation_date
    if retires is not None and retires <= today:
        yield "DEPRECATED", f"deprecated since {retires}"
    elif (
        retires is not None
        and req.min_support_days is not None
        and retires < today + timedelta(days=req.min_support_days)
    ):
        yield (
            "SUPPORT_ENDS_SOON",
            f"retires on {retires}, {(retires - today).days} days from now "
            + (f"(< {req.min_support_days} required)"),
        )


def context(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    m = c.model
    if m.max_input_tokens is None:
        yield from _unknown(req, "CONTEXT_UNKNOWN", "max input tokens unknown")
    elif m.max_input_tokens < req.context_needed:  # exactly equal fits
        yield "CONTEXT_TOO_SMALL", f"max input {m.max_input_tokens:,} < {req.context_needed:,} needed"
    if m.max_output_tokens is None:
        yield from _unknown(req, "OUTPUT_UNKNOWN", "max output tokens unknown")
    elif m.max_output_tokens < req.output_tokens + c.reasoning.tokens:  # reasoning counts against the limit
        needed = req.output_tokens + c.reasoning.tokens
        yield "OUTPUT_TOO_SMALL", f"max output {m.max_output_tokens:,} < {needed:,} needed (with reasoning)"


def capabilities(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    for cap in req.capabilities:
        value = c.model.cap(cap)
        if value is False:
            yield f"NO_{cap.upper()}", f"no {cap}"
        elif value is None:
            yield from _unknown(req, f"{cap.upper()}_UNKNOWN", f"{cap} support unknown")


def open_weights(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    if not req.open_weights:
        return
    if c.model.open_weights is False:
        yield "NOT_OPEN_WEIGHTS", "weights are not published"
    elif c.model.open_weights is None:
        yield from _unknown(req, "OPEN_WEIGHTS_UNKNOWN", "open-weights status unknown")


def budget(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    if c.cost is None:
        yield "NO_PRICE", "no token price in genai-prices or LiteLLM (price unknown, never free)"
        return
    if req.budget_per_request_usd is not None and c.cost.usd > req.budget_per_request_usd:
        yield "OVER_BUDGET_REQUEST", f"${c.cost.usd:.5f}/request > ${req.budget_per_request_usd:g}"
    per_day = c.cost.usd * req.requests_per_day
    if req.budget_per_day_usd is not None and per_day > req.budget_per_day_usd:
        yield "OVER_BUDGET_DAY", f"${per_day:,.2f}/day > ${req.budget_per_day_usd:g}"
    per_month = per_day * DAYS_PER_MONTH
    if req.budget_per_month_usd is not None and per_month > req.budget_per_month_usd:
        yield "OVER_BUDGET_MONTH", f"${per_month:,.2f}/month > ${req.budget_per_month_usd:g}"


def latency(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    if req.latency_goal_s is None:
        return
    if c.latency_s is None:
        if req.strict_latency:
            yield "LATENCY_UNKNOWN", "no speed data (strict latency)"
    elif c.latency_s > req.latency_goal_s:
        yield "LATENCY_OVER_SLA", f"{c.latency_s:.2f} s > {req.latency_goal_s:g} s goal"


def quality(req: Requirements, c: Check, today: date) -> Iterator[Reason]:
    # An unrated model stays in (ranked after every rated one); a rating measured at a higher effort than
    # the one priced is an upper bound, so below the floor it still rejects.
    rating = c.model.rating(req.category)
    if rating is not None and rating.rating < req.quality_floor:
        yield "BELOW_QUALITY_FLOOR", f"rating {rating.rating:.0f} < floor {req.quality_floor:.0f}"


FILTERS: tuple[Filter, ...] = (
    providers,
    deprecated,
    context,
    capabilities,
    open_weights,
    budget,
    latency,
    quality,
)


def reasons(req: Requirements, check: Check, today: date) -> list[Reason]:
    """Every hard-filter failure for one model, in filter order."""
    return [reason for f in FILTERS for reason in f(req, check, today)]
