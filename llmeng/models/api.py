"""The models domain for adapters (CLI, MCP): requirements, selection, the catalog, prices, sources, refresh."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from llmeng.errors import LlmengError
from llmeng.models.recommendation import Recommendation
from llmeng.models.requirements import PARTS, Requirements

if TYPE_CHECKING:
    from llmeng.models.facts import ModelFacts
    from llmeng.models.refresh import Fetch, RefreshOutcome
    from llmeng.models.sources import SourceAge

__all__ = ["Recommendation", "Requirements"]  # the select_model tool builds its signature from them
DEFAULT_REFRESH_KINDS = ("limits", "prices")  # quality data moves slower and is fetched on request

# CLI option name -> Requirements field, where they differ.
_RENAMES = {
    "budget_per_request": "budget_per_request_usd",
    "budget_per_day": "budget_per_day_usd",
    "budget_per_month": "budget_per_month_usd",
    "reasoning": "reasoning_effort",
    "gpu_hour_price": "gpu_hour_price_usd",
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
    return requirements(fields)


def requirements(fields: Mapping[str, Any]) -> Requirements:
    """Requirements from field values; a bad value becomes an LlmengError naming the field."""
    try:
        return Requirements(**fields)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "requirements"  # empty for a cross-field rule
        raise LlmengError(
            f"Invalid requirement {where}: {first['msg']}.",
            "Change that value; `llmeng select --help` and the select_model tool's input schema "
            "list the accepted values.",
        ) from e


def recommend(
    requirements: Requirements,
    *,
    today: date,
    cache_dir: Path | None = None,
    speed_file: str | Path | None = None,
) -> Recommendation:
    """Load the priced catalog (cached), add the user's speed figures, resolve provider aliases, and select."""
    from llmeng.models.catalog import DATA_DIR
    from llmeng.models.prices import load_priced_catalog
    from llmeng.models.providers import ALIASES_FILE, load_aliases, resolve
    from llmeng.models.selection import select
    from llmeng.models.speed import load_speed

    catalog = load_priced_catalog(cache_dir)
    if speed_file is not None:
        catalog = load_speed(Path(speed_file), catalog)
    known = {m.provider for m in catalog.models}
    table = load_aliases(DATA_DIR / ALIASES_FILE)
    allowed = resolve(requirements.providers, known, table, option="--provider")
    denied = resolve(requirements.exclude_providers, known, table, option="--exclude-provider")
    resolved = requirements.model_copy(
        update={"providers": list(allowed.providers), "exclude_providers": list(denied.providers)}
    )
    rec = select(resolved, catalog, today=today)
    return rec.model_copy(update={"notes": [*allowed.notes, *denied.notes]})


def cache_dir(env: Mapping[str, str], home: Path) -> Path:
    """Where `llmeng models refresh` keeps newer data, which every reader of the catalog prefers."""
    from llmeng.models.refresh import default_cache_dir

    return default_cache_dir(env, home)


def list_models(
    *,
    cache_dir: Path | None,
    providers: Sequence[str] = (),
    capabilities: Sequence[str] = (),
    rated: bool = False,
) -> list[ModelFacts]:
    """Catalog models of `providers` (all when empty) known to have every capability; `rated`: Arena-rated only."""
    from llmeng.models.catalog import load_catalog

    return [
        m
        for m in load_catalog(cache_dir=cache_dir).models
        if (not providers or m.provider in providers)
        and all(m.cap(c) is True for c in capabilities)
        and (not rated or m.quality)
    ]


def model_facts(m: ModelFacts) -> dict[str, Any]:
    """One model's facts as plain data."""
    return {
        "id": m.id,
        "provider": m.provider,
        "model": m.model,
        "aliases": list(m.aliases),
        "max_input_tokens": m.max_input_tokens,
        "max_output_tokens": m.max_output_tokens,
        "capabilities": dict(m.caps),
        "deprecation_date": m.deprecation_date,
        "open_weights": m.open_weights,
        "open_weights_source": m.open_weights_source,
        "quality": {k: vars(v) for k, v in m.quality.items()},
        "quality_note": m.quality_note,
        "doc_url": m.doc_url,
    }


def show_model(model_id: str, *, today: date, cache_dir: Path | None) -> dict[str, Any]:
    """Everything known about one model, with its price per million tokens on `today` and coming changes."""
    from llmeng.models.catalog import lookup_model
    from llmeng.models.prices import load_priced_catalog, price_changes, request_cost

    catalog = load_priced_catalog(cache_dir)
    m = lookup_model(catalog, model_id)
    if m is None:
        raise LlmengError(f"unknown model {model_id!r}", "run `llmeng models list` to see the known ids")
    data = model_facts(m)
    # Price 1,000 tokens and scale: a million-token request would cross long-context tiers.
    per_in = request_cost(catalog, m, today, tokens_in=1000, tokens_out=0)
    per_out = request_cost(catalog, m, today, tokens_in=0, tokens_out=1000)
    data["price_usd_per_mtok"] = (
        {
            "input": round(per_in.usd * 1000, 6),
            "output": round(per_out.usd * 1000, 6),
            "source": per_in.source,
        }
        if per_in and per_out
        else "unknown"
    )
    changes = price_changes(catalog, m, today, tokens_in=1000, tokens_out=0)
    data["input_price_changes"] = [
        {"on": c.on, "usd_per_mtok": round(c.usd_after * 1000, 6)} for c in changes
    ]
    return data


def source_ages(*, today: date, cache_dir: Path | None) -> list[SourceAge]:
    """Each data source of the priced catalog with its age on `today` and a warning when it is old."""
    from llmeng.models.prices import load_priced_catalog
    from llmeng.models.sources import source_ages as ages

    return ages(load_priced_catalog(cache_dir).sources, today)


def refresh(
    kinds: Sequence[str],
    *,
    urls: Sequence[str] = (),
    cache_dir: Path,
    fetch: Fetch,
    today: date,
    force: bool = False,
) -> list[RefreshOutcome]:
    """Fetch `kinds` (default: limits and prices) into the cache; `urls` are KIND=URL overrides."""
    from llmeng.models.refresh import refresh as run

    url_map = {}
    for item in urls:
        kind, sep, url = item.partition("=")
        if not sep:
            raise LlmengError(f"--url {item!r} is not KIND=URL", "write it as --url limits=https://...")
        url_map[kind] = url
    return run(
        tuple(kinds) or DEFAULT_REFRESH_KINDS,
        cache_dir=cache_dir,
        fetch=fetch,
        today=today,
        urls=url_map,
        force=force,
    )
