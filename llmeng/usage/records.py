"""One usage record as every reader produces it, and the checks on its token counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Usage keys genai-prices prices, in the order of the accumulators (input_tokens is the total, cache included).
PRICED_KEYS: tuple[str, ...] = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "output_tokens",
    "output_reasoning_tokens",
)


class RecordError(ValueError):
    """A record that cannot be read; the engine adds the file and line."""


@dataclass(slots=True)
class UsageRecord:
    """Tokens of one LLM call, with who made it: provider and model as logged, time, and grouping attributes."""

    provider: str | None  # genai-prices provider id, or None: let genai-prices find it from the model
    model: str | None
    when: datetime | None
    tokens: tuple[int, int, int, int, int]  # PRICED_KEYS, in order
    attrs: dict[str, str] = field(default_factory=dict)


def count(value: Any, name: str) -> int:
    """A token count from JSON (an int, or a numeric string as OTLP writes int64); None counts as 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise RecordError(f"{name} is {value!r}, not a token count")
    try:
        n = int(value)
    except (TypeError, ValueError) as e:
        raise RecordError(f"{name} is {value!r}, not a token count") from e
    if n < 0 or n != value and not isinstance(value, str):
        raise RecordError(f"{name} is {value!r}, not a token count")
    return n


def tokens(
    *, total_in: int, cache_read: int, cache_write: int, out: int, reasoning: int
) -> tuple[int, int, int, int, int]:
    """The priced counts; cache counts are parts of the input total, reasoning a part of the output."""
    if cache_read + cache_write > total_in:
        raise RecordError(f"cached tokens ({cache_read} + {cache_write}) exceed the input total ({total_in})")
    # Some providers report reasoning outside the output count; genai-prices needs it inside, so only then.
    return (total_in, cache_read, cache_write, out, reasoning if reasoning <= out else 0)


def epoch_ns(value: Any) -> datetime | None:
    if value in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(value) / 1e9, tz=UTC)


def epoch_s(value: Any) -> datetime | None:
    if value in (None, "", 0):
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)


def iso(value: Any) -> datetime | None:
    """An ISO 8601 time (`2026-11-20T10:00:00Z`, with or without offset, taken as UTC when naive)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))  # 3.11 reads a trailing Z
    except ValueError as e:
        raise RecordError(f"time {value!r} is not ISO 8601") from e
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def scalar_attrs(
    items: Mapping[str, Any], *, prefix: str = "", skip: frozenset[str] = frozenset()
) -> dict[str, str]:
    """String, number and bool attributes as strings; nested values are flattened one level with dots."""
    out: dict[str, str] = {}
    for key, value in items.items():
        name = prefix + key
        if name in skip or value is None:
            continue
        if isinstance(value, str | int | float | bool):
            out[name] = str(value)
        elif isinstance(value, Mapping) and not prefix:
            out.update(scalar_attrs(value, prefix=name + ".", skip=skip))
    return out
