from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices.types import (
    ClauseEquals,
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    StartDateConstraint,
    Tier,
    TieredPrices,
)

from llmeng.models.catalog import Catalog, build_catalog
from llmeng.models.facts import PriceRef

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "models"
TODAY = date(2026, 11, 22)


def _info(model_id: str, prices: ModelPrice | list[ConditionalPrice]) -> ModelInfo:
    return ModelInfo(id=model_id, match=ClauseEquals(equals=model_id), prices=prices)


def _flat(inp: str, out: str, cache: str | None = None) -> ModelPrice:
    return ModelPrice(
        input_mtok=Decimal(inp), output_mtok=Decimal(out), cache_read_mtok=Decimal(cache) if cache else None
    )


def fixture_prices() -> dict[str, PriceRef]:
    big = _info(
        "big",
        ModelPrice(
            input_mtok=TieredPrices(base=Decimal(5), tiers=[Tier(128000, Decimal(10))]),
            cache_read_mtok=Decimal("0.5"),
            output_mtok=Decimal(20),
        ),
    )
    mid = _info(
        "mid",
        [
            ConditionalPrice(prices=_flat("3", "15")),
            ConditionalPrice(constraint=StartDateConstraint(date(2026, 12, 15)), prices=_flat("6", "30")),
        ],
    )
    infos = {
        "openai/big": big,
        "openai/big-2026-01-01": big,
        "openai/small": _info("small", _flat("0.2", "0.8", "0.02")),
        "openai/old": _info("old", _flat("10", "30")),
        "openai/thinker": _info("thinker", _flat("1", "4")),
        "anthropic/mid": mid,
        "anthropic/notools": _info("notools", _flat("1", "5")),
        "gemini/flash": _info("flash", _flat("0.5", "2")),
        "xai/unrated": _info("unrated", _flat("1", "4")),
        "mistral/noprice": _info("noprice", ModelPrice()),
    }
    return {k: PriceRef(k.split("/")[0], v.id, v) for k, v in infos.items()}


def fixture_hosts() -> dict[str, tuple[PriceRef, ...]]:
    """deepseek/open's weights at two other hosts, one cheaper and one dearer than deepseek's own API."""
    return {
        "deepseek/open": (
            PriceRef("together", "deepseek-ai/open", _info("deepseek-ai/open", _flat("0.2", "1"))),
            PriceRef("groq", "open", _info("open", _flat("0.5", "2"))),
        )
    }


def fixture_catalog(*, priced: bool = True) -> Catalog:
    limits = json.loads((FIXTURES / "limits.json").read_text())
    arena = json.loads((FIXTURES / "arena.json").read_text())
    catalog = build_catalog(limits, arena, FIXTURES / "quality_map.toml")
    return dataclasses.replace(catalog, prices=fixture_prices(), hosts=fixture_hosts()) if priced else catalog


@pytest.fixture
def catalog() -> Catalog:
    return fixture_catalog()


@pytest.fixture
def unpriced_catalog() -> Catalog:
    return fixture_catalog(priced=False)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def today() -> date:
    return TODAY
