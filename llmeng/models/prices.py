"""Prices from genai-prices (tiers, cached tokens, dated changes), LiteLLM's flat prices as the fallback.

genai-prices is imported inside functions: importing it costs 0.3-0.5 s, and the audit's catalog lookups
never need prices.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from llmeng.models.catalog import Catalog, load_catalog
from llmeng.models.facts import ModelFacts, PriceRef, SourceInfo

# Our (LiteLLM) provider ids -> genai-prices provider ids where they differ.
GENAI_PROVIDER = {"gemini": "google", "xai": "x-ai"}
GENAI_PRICES_RELEASES = {"0.2.3": date(2026, 11, 10)}  # PyPI upload dates of versions we have checked
PRICE_CHANGE_WINDOW_DAYS = 60
DEFAULT_PRICES_URL = "https://github.com/pydantic/genai-prices"


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


def attach_prices(catalog: Catalog, cached: tuple[Any, date] | None = None) -> Catalog:
    """The catalog joined to genai-prices: the installed data, or refreshed `cached` data when newer."""
    from genai_prices import __version__, data_snapshot

    released = GENAI_PRICES_RELEASES.get(__version__)
    use_cache = cached is not None and (released is None or cached[1] >= released)
    if cached is not None and use_cache:
        snap = data_snapshot.DataSnapshot(cached[0], from_auto_update=True)
        src = SourceInfo(
            "prices",
            "genai-prices data.json",
            f"fetched {cached[1]}",
            cached[1],
            "MIT",
            DEFAULT_PRICES_URL,
            "cache",
        )
    else:
        snap = data_snapshot.get_snapshot()
        src = SourceInfo(
            "prices",
            "genai-prices",
            __version__,
            released,
            "MIT",
            "https://pypi.org/project/genai-prices/",
            "installed",
        )
    refs: dict[str, PriceRef] = {}
    for m in catalog.models:
        provider_id = GENAI_PROVIDER.get(m.provider, m.provider)
        try:
            provider, info = snap.find_provider_model(m.model, None, provider_id, None)
        except LookupError:
            continue
        refs[m.id] = PriceRef(provider.id, info.id, info)
    hosts = {m.id: _hosts(snap, m, refs.get(m.id)) for m in catalog.models if m.open_weights}
    return dataclasses.replace(catalog, prices=refs, hosts=hosts, sources=(*catalog.sources, src))


def _hosts(snap: Any, m: ModelFacts, own: PriceRef | None) -> tuple[PriceRef, ...]:
    """Every other genai-prices provider listing the weights, under the bare name or a `hosted_as` prefix."""
    name = m.model.rsplit("/", 1)[-1]
    refs = (name, *(f"{org}/{name}" for org in m.hosted_as))
    found: dict[str, PriceRef] = {}
    for provider in snap.providers:
        if own is not None and provider.id == own.provider_id:
            continue
        for ref in refs:
            info = provider.find_model(ref)
            if info is not None:
                found.setdefault(provider.id, PriceRef(provider.id, info.id, info))
                break
    return tuple(found[k] for k in sorted(found))


@lru_cache(maxsize=4)
def load_priced_catalog(cache_dir: Path | None = None) -> Catalog:
    """load_catalog() plus prices (installed genai-prices, or a newer refreshed copy). Cached."""
    from llmeng.models.refresh import cached_price_providers

    return attach_prices(load_catalog(cache_dir=cache_dir), cached_price_providers(cache_dir))


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


def info_cost(
    info: Any, day: date, *, tokens_in: int, tokens_out: int, cache_hit_ratio: float = 0.0
) -> float | None:
    """Cost of one request at a genai-prices model (a host's listing); None when it has no token price."""
    return _genai_cost(info, day, tokens_in, int(tokens_in * cache_hit_ratio), tokens_out) or None


def request_cost(
    catalog: Catalog,
    m: ModelFacts,
    day: date,
    *,
    tokens_in: int,
    tokens_out: int,
    cache_hit_ratio: float = 0.0,
) -> Cost | None:
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


def price_changes(
    catalog: Catalog,
    m: ModelFacts,
    today: date,
    *,
    tokens_in: int,
    tokens_out: int,
    cache_hit_ratio: float = 0.0,
) -> list[PriceChange]:
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
