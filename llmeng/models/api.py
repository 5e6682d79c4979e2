"""Entry points for adapters (CLI, MCP): build Requirements from loose options, load data, select."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmeng.errors import LlmengError
from llmeng.models.recommendation import Recommendation
from llmeng.models.requirements import PARTS, Requirements

# CLI option name -> Requirements field, where they differ.
_RENAMES = {
    "budget_per_request": "budget_per_request_usd",
    "budget_per_day": "budget_per_day_usd",
    "exclude": "exclude_providers",
    "latency_goal": "latency_goal_s",
}
_NOT_REQUIREMENTS = {"speed_file", "explain", "today", "fmt", "weights"}


def _weights(items: Any) -> dict[str, float]:
    out = {}
    for item in items or ():
        part, sep, value = str(item).partition("=")
        if not sep or part not in PARTS:
            raise LlmengError(
                f"--weight {item!r} is not PART=NUMBER",
                f"use one of {', '.join(PARTS)}, e.g. --weight quality=0.6",
            )
        try:
            out[f"weight_{part}"] = float(value)
        except ValueError as e:
            raise LlmengError(
                f"--weight {item!r}: {value!r} is not a number", "e.g. --weight cost=0.4"
            ) from e
    return out


def requirements_from_options(opts: Mapping[str, Any]) -> Requirements:
    """Requirements from CLI-style options; a bad value becomes an LlmengError naming the field."""
    fields: dict[str, Any] = {
        _RENAMES.get(k, k): v for k, v in opts.items() if k not in _NOT_REQUIREMENTS and v is not None
    }
    for key in ("capabilities", "providers", "exclude_providers"):
        if key in fields:
            fields[key] = list(fields[key])
    fields.update(_weights(opts.get("weights")))
    try:
        return Requirements(**fields)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "requirements"
        raise LlmengError(
            f"invalid requirement {where}: {first['msg']}",
            "see `llmeng select --help` for the accepted values",
        ) from e


def recommend(
    requirements: Requirements,
    *,
    today: date,
    cache_dir: Path | None = None,
    speed_file: str | Path | None = None,
) -> Recommendation:
    """Load the priced catalog (cached), add the user's speed figures, and select."""
    from llmeng.models.prices import load_priced_catalog
    from llmeng.models.selection import select
    from llmeng.models.speed import load_speed

    catalog = load_priced_catalog(cache_dir)
    if speed_file is not None:
        catalog = load_speed(Path(speed_file), catalog)
    return select(requirements, catalog, today=today)
