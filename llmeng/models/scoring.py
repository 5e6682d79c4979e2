"""Transparent weighted score: each part in [0, 1], renormalised over the parts that have data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Quality is anchored, not min-max over survivors, so a model's part does not move when others are filtered:
# an Arena rating of 1200 (a 2023-era chat model) scores 0 and the best rated model in the catalog scores 1.
QUALITY_ANCHOR = 1200.0
# Context headroom saturates at 8x the needed input: more room than that buys nothing for this workload.
HEADROOM_CAP = 8.0


@dataclass(frozen=True)
class Scored:
    score: float
    parts: dict[str, float]
    contributions: dict[str, float]
    missing: tuple[str, ...]


def quality_part(rating: float | None, best: float) -> float | None:
    if rating is None:
        return None
    if best <= QUALITY_ANCHOR:
        return 1.0
    return min(1.0, max(0.0, (rating - QUALITY_ANCHOR) / (best - QUALITY_ANCHOR)))


def log_part(value: float | None, values: Sequence[float]) -> float | None:
    """1 for the lowest value among `values`, 0 for the highest, log-scaled (prices span 1000x)."""
    if value is None:
        return None
    lo, hi = min(values), max(values)
    if hi <= lo:
        return 1.0
    return min(1.0, max(0.0, 1 - (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo))))


def headroom_part(max_input: int | None, needed: int) -> float | None:
    if max_input is None:
        return None
    ratio = max(1.0, max_input / needed)
    return min(1.0, math.log(ratio) / math.log(HEADROOM_CAP))


def combine(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> Scored:
    """score = sum(w*part) / sum(w) over parts with data; contributions add up to the score."""
    present = {name: value for name, value in parts.items() if value is not None}
    missing = tuple(name for name in parts if parts[name] is None and weights.get(name, 0) > 0)
    total_w = sum(weights[name] for name in present)
    if total_w <= 0:
        return Scored(0.0, dict(present), {name: 0.0 for name in present}, missing)
    contributions = {name: weights[name] * value / total_w for name, value in present.items()}
    # Clamp float noise (1.0000000000000002) so the score stays in [0, 1].
    score = min(1.0, max(0.0, sum(contributions.values())))
    return Scored(score, dict(present), contributions, missing)
