"""Where else an open-weights model can run: every host genai-prices prices it at, and a self-hosting estimate."""

from __future__ import annotations

import math
from datetime import date

from llmeng.models.catalog import Catalog
from llmeng.models.facts import ModelFacts
from llmeng.models.filters import DAYS_PER_MONTH
from llmeng.models.prices import info_cost
from llmeng.models.recommendation import HostOut, SelfHostOut
from llmeng.models.requirements import Requirements

SECONDS_PER_DAY = 86_400
HOURS_PER_MONTH = 24 * DAYS_PER_MONTH


def hosts(
    req: Requirements, catalog: Catalog, m: ModelFacts, today: date, *, tokens_out: int
) -> list[HostOut]:
    """The model priced at each other host that lists it, cheapest first; hosts without a price are left out."""
    out = []
    for ref in catalog.hosts.get(m.id, ()):
        usd = info_cost(
            ref.info,
            today,
            tokens_in=req.input_tokens,
            tokens_out=tokens_out,
            cache_hit_ratio=req.cache_hit_ratio,
        )
        if usd is not None:
            out.append(
                HostOut(
                    provider=ref.provider_id,
                    model=ref.model_id,
                    cost_per_request_usd=usd,
                    cost_per_month_usd=usd * req.requests_per_day * DAYS_PER_MONTH,
                )
            )
    return sorted(out, key=lambda h: (h.cost_per_request_usd, h.provider))


def self_host(req: Requirements, *, tokens_out: int) -> SelfHostOut | None:
    """GPUs needed for the daily tokens at the user's throughput, running around the clock (at least one)."""
    if req.gpu_hour_price_usd is None or req.tokens_per_second is None:
        return None
    tokens_per_day = req.requests_per_day * (req.input_tokens + tokens_out)
    gpus = max(1, math.ceil(tokens_per_day / (req.tokens_per_second * SECONDS_PER_DAY)))
    per_month = gpus * req.gpu_hour_price_usd * HOURS_PER_MONTH
    requests_per_month = req.requests_per_day * DAYS_PER_MONTH
    return SelfHostOut(
        gpus=gpus,
        cost_per_month_usd=per_month,
        cost_per_request_usd=per_month / requests_per_month if requests_per_month else None,
        basis=(
            f"estimate: {gpus} GPU(s) at ${req.gpu_hour_price_usd:g}/h around the clock, "
            f"{req.tokens_per_second:g} tokens/s each (your figures); excludes engineering, storage, "
            "egress and spare capacity for peaks"
        ),
    )
