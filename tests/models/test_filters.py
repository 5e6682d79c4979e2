from __future__ import annotations

from datetime import date

import pytest

from llmeng.models.filters import Check, reasons
from llmeng.models.prices import Cost, request_cost
from llmeng.models.requirements import Requirements


def _codes(catalog, model_id, today, latency=None, **req):
    requirements = Requirements(**req)
    m = catalog.get(model_id)
    cost = request_cost(
        catalog, m, today, tokens_in=requirements.input_tokens, tokens_out=requirements.output_tokens
    )
    return [code for code, _ in reasons(requirements, Check(m, cost, latency, None), today)]


def test_a_good_model_passes_every_filter(catalog, today):
    assert _codes(catalog, "openai/small", today, capabilities=["tools", "structured_output"]) == []


@pytest.mark.parametrize(
    ("model_id", "req", "code"),
    [
        ("openai/small", {"providers": ["anthropic"]}, "PROVIDER_EXCLUDED"),
        ("openai/small", {"exclude_providers": ["openai"]}, "PROVIDER_EXCLUDED"),
        ("openai/old", {}, "DEPRECATED"),
        ("openai/small", {"context_tokens": 128001}, "CONTEXT_TOO_SMALL"),
        ("openai/small", {"output_tokens": 16001}, "OUTPUT_TOO_SMALL"),
        ("mistral/nolimits", {}, "CONTEXT_UNKNOWN"),
        ("anthropic/notools", {"capabilities": ["tools"]}, "NO_TOOLS"),
        ("gemini/flash", {"capabilities": ["structured_output"]}, "STRUCTURED_OUTPUT_UNKNOWN"),
        ("gemini/flash", {"capabilities": ["vision"]}, "VISION_UNKNOWN"),
        ("openai/small", {"open_weights": True}, "NOT_OPEN_WEIGHTS"),
        ("xai/unrated", {"open_weights": True}, "OPEN_WEIGHTS_UNKNOWN"),
        ("mistral/noprice", {}, "NO_PRICE"),
        ("openai/big", {"budget_per_request_usd": 0.001}, "OVER_BUDGET_REQUEST"),
        ("openai/big", {"budget_per_day_usd": 1.0, "requests_per_day": 1000}, "OVER_BUDGET_DAY"),
        ("openai/big", {"budget_per_month_usd": 100.0, "requests_per_day": 1000}, "OVER_BUDGET_MONTH"),
        ("openai/thinker", {"min_support_days": 10}, "SUPPORT_ENDS_SOON"),
        ("openai/small", {"complexity": "high"}, "BELOW_QUALITY_FLOOR"),
        ("openai/small", {"min_quality": 1400.5}, "BELOW_QUALITY_FLOOR"),
    ],
)
def test_each_filter_alone_leaves_its_reason_code(catalog, today, model_id, req, code):
    assert code in _codes(catalog, model_id, today, **req)


def test_exact_boundaries_pass(catalog, today):
    assert _codes(catalog, "openai/small", today, context_tokens=128000, output_tokens=16000) == []
    assert _codes(catalog, "openai/small", today, min_quality=1400.0) == []
    # 1000 in * $0.2/M + 500 out * $0.8/M = $0.0006
    assert _codes(catalog, "openai/small", today, budget_per_request_usd=0.0006) == []
    assert _codes(catalog, "openai/small", today, budget_per_day_usd=0.6, requests_per_day=1000) == []
    assert _codes(catalog, "openai/small", today, budget_per_month_usd=18.24, requests_per_day=1000) == []
    assert _codes(catalog, "openai/thinker", today, min_support_days=9) == []  # retires in exactly 9 days


def test_an_unrated_model_is_never_rejected_for_it(catalog, today):
    assert _codes(catalog, "xai/unrated", today) == []
    assert _codes(catalog, "xai/unrated", today, complexity="high", min_quality=1500) == []


def test_deprecation_date_today_counts_as_deprecated(catalog):
    assert "DEPRECATED" in _codes(catalog, "openai/old", date(2026, 1, 1))
    assert "DEPRECATED" not in _codes(catalog, "openai/old", date(2025, 12, 31))


def test_allow_unknown_keeps_unknowns_but_never_known_failures(catalog, today):
    assert (
        _codes(catalog, "gemini/flash", today, capabilities=["structured_output"], allow_unknown=True) == []
    )
    assert "NO_TOOLS" in _codes(
        catalog, "anthropic/notools", today, capabilities=["tools"], allow_unknown=True
    )
    assert "NO_PRICE" in _codes(catalog, "mistral/noprice", today, allow_unknown=True)


def test_latency_filter_only_with_speed_data(catalog, today):
    assert _codes(catalog, "openai/small", today, latency_goal_s=1.0) == []
    assert _codes(catalog, "openai/small", today, latency_goal_s=1.0, strict_latency=True) == [
        "LATENCY_UNKNOWN"
    ]
    assert _codes(catalog, "openai/small", today, latency=2.0, latency_goal_s=1.0) == ["LATENCY_OVER_SLA"]
    assert _codes(catalog, "openai/small", today, latency=1.0, latency_goal_s=1.0) == []


def test_a_model_collects_every_reason_in_filter_order(catalog, today):
    codes = _codes(catalog, "openai/old", today, providers=["anthropic"], capabilities=["vision"])
    assert codes[:2] == ["PROVIDER_EXCLUDED", "DEPRECATED"]
    assert "VISION_UNKNOWN" in codes


def test_free_looking_cost_is_not_a_price(catalog, today):
    requirements = Requirements()
    check = Check(catalog.get("openai/small"), None, None, None)
    assert [c for c, _ in reasons(requirements, check, today)] == ["NO_PRICE"]
    paid = Check(catalog.get("openai/small"), Cost(0.01, "genai-prices"), None, None)
    assert reasons(requirements, paid, today) == []
