"""Prices from genai-prices (tiers, cached tokens, dated changes), LiteLLM's flat prices as the fallback.

genai-prices is imported inside functions: importing it costs 0.3-0.5 s, and the audit's catalog lookups
never need prices.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from llmeng.models.catalog import Catalog
from llmeng.models.facts import ModelFacts, PriceRef, SourceInfo

# Our (LiteLLM) provider ids -> genai-prices provider ids where they differ.
GENAI_PROVIDER = {"gemini": "google", "xai": "x-ai"}
GENAI_PRICES_RELEASES = {"0.2.3": date(2026, 11, 10)}  # PyPI upload dates of versions we have checked
PRICE_CHANGE_WINDOW_DAYS = 60


@dataclass(frozen=True)
class Cost:
    """USD for one request; `source` says which price list it came from."""

    usd: float
    source: str  # genai-prices | litellm


@dataclass(frozen=True)
class PriceChange:
    """A scheduled price change inside the warning window, with the request cost after it."""

    on: date
    usd_after: float


def attach_prices(catalog: Catalog, providers: Any = None) -> Catalog:
    """The catalog with each model joined to genai-prices (its bundled data, or `providers` from a cache)."""
    from genai_prices import __version__, data_snapshot

    snap = data_snapshot.DataSnapshot(providers, from_auto_update=True) if providers else \
        data_snapshot.get_snapshot()
    refs: dict[str, PriceRef] = {}
    for m in catalog.models:
        provider_id = GENAI_PROVIDER.get(m.provider, m.provider)
        try:
            provider, info = snap.find_provider_model(m.model, None, provider_id, None)
        except LookupError:
            continue
        refs[m.id] = PriceRef(provider.id, info.id, info)
    origin = "cache" if providers else "installed"
    src = SourceInfo("prices", "genai-prices", __version__, GENAI_PRICES_RELEASES.get(__version__), "MIT",
                     "https://pypi.org/project/genai-prices/", origin)
    return dataclasses.replace(catalog, prices=refs, sources=(*catalog.sources, src))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _genai_cost(info: Any, day: date, tokens_in: int, cached: int, tokens_out: int) -> float | None:
    from genai_prices import Usage

    price = info.get_prices(_at(day))
    if price.input_mtok is None and price.output_mtok is None:
        return None  # listed without token prices: unknown, never free
    if cached and price.cache_read_mtok is None:
        cached = 0  # no cached rate published: bill every input token at the input rate
    usage = Usage(input_tokens=tokens_in, cache_read_tokens=cached, output_tokens=tokens_out)
    return float(price.calc_price(usage)["total_price"])


def request_cost(catalog: Catalog, m: ModelFacts, day: date, *, tokens_in: int, tokens_out: int,
                 cache_hit_ratio: float = 0.0) -> Cost | None:
    """Cost of one request on `day`; None when no source has a (non-zero) price."""
    cached = int(tokens_in * cache_hit_ratio)
    ref = (catalog.prices or {}).get(m.id)
    if ref is not None:
        usd = _genai_cost(ref.info, day, tokens_in, cached, tokens_out)
        if usd:
            return Cost(usd, "genai-prices")
    flat = m.flat_price
    if flat is None or flat.input is None or flat.output is None:
        return None
    cache_rate = flat.cache_read if flat.cache_read is not None else flat.input
    usd = (tokens_in - cached) * flat.input + cached * cache_rate + tokens_out * flat.output
    return Cost(usd, "litellm") if usd > 0 else None


def price_changes(catalog: Catalog, m: ModelFacts, today: date, *, tokens_in: int, tokens_out: int,
                  cache_hit_ratio: float = 0.0) -> list[PriceChange]:
    """Dated genai-prices changes after `today` and within the window, each with the cost from that day."""
    from genai_prices.types import StartDateConstraint

    ref = (catalog.prices or {}).get(m.id)
    if ref is None or not isinstance(ref.info.prices, list):
        return []
    end = today + timedelta(days=PRICE_CHANGE_WINDOW_DAYS)
    changes = []
    for conditional in ref.info.prices:
        c = conditional.constraint
        if isinstance(c, StartDateConstraint) and today < c.start_date <= end:
            usd = _genai_cost(ref.info, c.start_date, tokens_in, int(tokens_in * cache_hit_ratio), tokens_out)
            if usd is not None:
                changes.append(PriceChange(c.start_date, usd))
    return changes
