from __future__ import annotations

from datetime import date

import pytest

from llmeng.models.catalog import load_catalog
from llmeng.models.prices import attach_prices, price_changes, request_cost


def _cost(catalog, model_id, day, **kw):
    return request_cost(catalog, catalog.get(model_id), day, **kw)


def test_genai_prices_cost_with_cache_accounting(catalog, today):
    # 6000 in (3000 cached at $0.5/M, 3000 at $5/M) + 800 out at $20/M
    cost = _cost(catalog, "openai/big", today, tokens_in=6000, tokens_out=800, cache_hit_ratio=0.5)
    assert cost.source == "genai-prices"
    assert cost.usd == pytest.approx(3000 * 5e-6 + 3000 * 0.5e-6 + 800 * 20e-6)


def test_tier_applies_to_the_whole_request_once_crossed(catalog, today):
    below = _cost(catalog, "openai/big", today, tokens_in=128000, tokens_out=0)
    above = _cost(catalog, "openai/big", today, tokens_in=128001, tokens_out=0)
    assert below.usd == pytest.approx(128000 * 5e-6)
    assert above.usd == pytest.approx(128001 * 10e-6)


def test_cached_tokens_without_a_cache_price_bill_at_the_input_rate(catalog, today):
    cached = _cost(catalog, "gemini/flash", today, tokens_in=1000, tokens_out=0, cache_hit_ratio=0.9)
    assert cached.usd == pytest.approx(1000 * 0.5e-6)


def test_listed_model_without_token_prices_is_unknown_not_free(catalog, today):
    assert _cost(catalog, "mistral/noprice", today, tokens_in=1000, tokens_out=100) is None


def test_litellm_flat_prices_are_the_fallback_and_say_so(catalog, today):
    cost = _cost(catalog, "deepseek/open", today, tokens_in=1000, tokens_out=100, cache_hit_ratio=0.5)
    assert cost.source == "litellm"
    assert cost.usd == pytest.approx(500 * 3e-7 + 500 * 3e-8 + 100 * 1.2e-6)


def test_dated_price_change_applies_from_its_start_date(catalog):
    before = _cost(catalog, "anthropic/mid", date(2026, 12, 14), tokens_in=1000, tokens_out=0)
    after = _cost(catalog, "anthropic/mid", date(2026, 12, 15), tokens_in=1000, tokens_out=0)
    assert (before.usd, after.usd) == (pytest.approx(0.003), pytest.approx(0.006))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 22), [date(2026, 12, 15)]),  # 23 days ahead: inside the 60-day window
        (date(2026, 10, 16), [date(2026, 12, 15)]),  # exactly 60 days ahead
        (date(2026, 10, 15), []),  # 61 days ahead
        (date(2026, 12, 15), []),  # already in force
    ],
)
def test_price_change_warning_window(catalog, today, expected):
    changes = price_changes(catalog, catalog.get("anthropic/mid"), today, tokens_in=1000, tokens_out=0)
    assert [c.on for c in changes] == expected
    if expected:
        assert changes[0].usd_after == pytest.approx(0.006)


def test_real_genai_prices_join_on_the_bundled_catalog():
    catalog = attach_prices(load_catalog())
    assert catalog.prices["openai/gpt-5.5"].model_id == "gpt-5.5"
    assert catalog.prices["gemini/gemini-2.5-pro"].provider_id == "google"
    cost = request_cost(
        catalog,
        catalog.get("openai/gpt-5.5"),
        date(2026, 11, 22),
        tokens_in=6000,
        tokens_out=800,
        cache_hit_ratio=0.5,
    )
    assert cost.usd == pytest.approx(0.0405)
    argon = price_changes(
        catalog, catalog.get("gemini/gemini-4-argon"), date(2026, 11, 22), tokens_in=6000, tokens_out=800
    )
    assert [c.on for c in argon] == [date(2026, 12, 1)]
    assert {s.kind: s.origin for s in catalog.sources}["prices"] == "installed"
