"""Price aggregated usage exactly as genai-prices prices each record.

genai-prices' `calc_price` takes ~0.3 ms a call, too slow for millions of records (and for thousands of
groups), so records are summed per price key and each key is evaluated six times. Within one key the price is linear in the counts: the key fixes the price
list in force (dated and time-of-day prices) and the long-context tier (a tier applies to the whole request
once its input passes the threshold, so each record's tier is known from its own input). For a sum of N
records the price is N x the per-request fee plus each count times its per-token rate, and both come from
genai-prices' own calc_price on a copy of the price list with each tiered rate fixed to that tier (see _rates).
Decimal arithmetic keeps it exact: the total equals the sum of calc_price over the records.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from llmeng.usage.records import PRICED_KEYS

PriceKey = tuple[int, int]  # (id of a ModelPrice kept in Pricer.prices, tier bucket)


@dataclasses.dataclass(frozen=True)
class Resolved:
    provider: Any  # genai_prices.types.Provider
    info: Any  # genai_prices.types.ModelInfo
    name: str  # "<provider id>/<model id>" as genai-prices knows it


class Pricer:
    """Model lookups, price lists and tier flattening, each cached: the per-record cost is a few dict hits."""

    def __init__(self, snapshot: Any) -> None:
        self.snapshot = snapshot
        self._models: dict[tuple[str | None, str], Resolved | None] = {}
        self._lists: dict[tuple[int, int], Any] = {}
        self.prices: dict[int, Any] = {}  # id -> ModelPrice, kept alive so ids stay unique
        self._tiers: dict[int, list[int]] = {}
        self._flat: dict[PriceKey, Any] = {}

    def resolve(self, provider: str | None, model: str) -> Resolved | None:
        key = (provider, model)
        if key not in self._models:
            self._models[key] = self._find(provider, model)
        return self._models[key]

    def _find(self, provider: str | None, model: str) -> Resolved | None:
        refs = [model]
        if "/" in model:  # `anthropic/claude-...` as routers write it
            refs.append(model.split("/", 1)[1])
        for ref in refs:
            try:
                prov, info = self.snapshot.find_provider_model(ref, None, provider, None)
            except LookupError:
                continue
            return Resolved(prov, info, f"{prov.id}/{info.id}")
        return None

    def price_list(self, res: Resolved, when: datetime) -> Any:
        """The ModelPrice in force at `when`; prices that vary by time of day are looked up to the minute."""
        prices = res.info.prices
        if not isinstance(prices, list):
            mp = prices
        else:
            minute = int(when.timestamp()) // 60
            key = (id(res.info), minute)
            mp = self._lists.get(key)
            if mp is None:
                mp = self._lists[key] = res.info.get_prices(when)
        self.prices.setdefault(id(mp), mp)
        return mp

    @staticmethod
    def priced(mp: Any) -> bool:
        return mp.input_mtok is not None or mp.output_mtok is not None

    def key(self, mp: Any, input_tokens: int) -> PriceKey:
        thresholds = self._tiers.get(id(mp))
        if thresholds is None:
            thresholds = self._tiers[id(mp)] = _thresholds(mp)
        # calc_unit_price: tier t applies when total input > t.start; so the bucket is how many starts are below.
        return id(mp), bisect.bisect_left(thresholds, input_tokens) if thresholds else 0

    def cost(self, key: PriceKey, sums: Sequence[int]) -> Decimal:
        """genai-prices' price of `sums` = (requests, *PRICED_KEYS) of records sharing `key`."""
        rates = self._flat.get(key)
        if rates is None:
            rates = self._flat[key] = _rates(_flatten(self.prices[key[0]], key[1]))
        fee, *per_token = rates
        total: Decimal = sums[0] * fee
        for rate, n in zip(per_token, sums[1 : 1 + len(PRICED_KEYS)], strict=True):
            if n:
                total += n * rate
        return total


def _rates(flat: Any) -> tuple[Decimal, ...]:
    """(per-request fee, then the price of one more token of each PRICED_KEYS), from genai-prices' calc_price.

    Within a price key the price is affine in the counts, so six evaluations fix it: nothing, one uncached
    input token, one cached read, one cache write, one output token, one reasoning output token.
    """
    from genai_prices import Usage

    def price(**counts: int) -> Decimal:
        total: Decimal = flat.calc_price(Usage(**{"input_tokens": 0, "output_tokens": 0, **counts}))[
            "total_price"
        ]
        return total

    fee, one_in = price(), price(input_tokens=1)
    one_out = price(output_tokens=1)
    return (
        fee,
        one_in - fee,
        price(input_tokens=1, cache_read_tokens=1) - one_in,
        price(input_tokens=1, cache_write_tokens=1) - one_in,
        one_out - fee,
        price(output_tokens=1, output_reasoning_tokens=1) - one_out,
    )


def _thresholds(mp: Any) -> list[int]:
    from genai_prices.types import TieredPrices

    starts = {t.start for v in vars(mp).values() if isinstance(v, TieredPrices) for t in v.tiers}
    return sorted(starts)


def _flatten(mp: Any, bucket: int) -> Any:
    """A copy of `mp` with each tiered rate replaced by its rate for inputs in `bucket`."""
    from genai_prices.types import TieredPrices

    thresholds = _thresholds(mp)
    if not thresholds:
        return mp
    probe = thresholds[bucket - 1] + 1 if bucket else 0  # an input inside the bucket
    rates = {}
    for name, value in vars(mp).items():
        if isinstance(value, TieredPrices):
            rate = value.base
            for tier in reversed(value.tiers):
                if probe > tier.start:
                    rate = tier.price
                    break
            rates[name] = rate
    flat = copy.copy(mp)  # how genai-prices' own get_prices applies price variants
    flat.__dict__.update(rates)
    return flat
