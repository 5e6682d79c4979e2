from __future__ import annotations

import pytest

from llmeng.models.requirements import Requirements
from llmeng.models.selection import select
from llmeng.models.speed import load_speed


def test_primary_is_the_best_score_and_fallback_comes_from_another_provider(catalog, today):
    rec = select(Requirements(capabilities=["tools"]), catalog, today=today)
    assert rec.primary is not None and rec.fallback is not None
    assert rec.primary.id == rec.candidates[0].id
    assert rec.fallback.provider != rec.primary.provider
    others = [c for c in rec.candidates if c.provider != rec.primary.provider]
    assert rec.fallback.id == others[0].id


def test_every_model_is_either_ranked_or_rejected_with_reasons(catalog, today):
    rec = select(Requirements(), catalog, today=today)
    assert len(rec.candidates) + len(rec.rejected) == len(catalog.models)
    assert all(r.reasons for r in rec.rejected)
    assert sum(rec.rejection_counts.values()) == sum(len(r.reasons) for r in rec.rejected)


def test_no_fallback_is_said_out_loud_not_relaxed(catalog, today):
    rec = select(Requirements(providers=["openai"]), catalog, today=today)
    assert rec.primary.provider == "openai"
    assert rec.fallback is None
    assert any("Fallback: none" in line for line in rec.reasoning)


def test_no_candidate_gives_no_primary_and_says_why(catalog, today):
    rec = select(Requirements(budget_per_request_usd=1e-9), catalog, today=today)
    assert rec.primary is None and rec.candidates == []
    assert rec.rejection_counts["OVER_BUDGET_REQUEST"] > 0
    assert any("no filter was relaxed" in line for line in rec.reasoning)


def test_costs_per_day_and_month_follow_the_volume(catalog, today):
    rec = select(Requirements(requests_per_day=2000), catalog, today=today)
    c = rec.primary
    assert c.cost_per_day_usd == pytest.approx(c.cost_per_request_usd * 2000)
    assert c.cost_per_month_usd == pytest.approx(c.cost_per_request_usd * 2000 * 30.4)


def test_scheduled_price_change_is_warned(catalog, today):
    rec = select(Requirements(providers=["anthropic"], capabilities=["tools"]), catalog, today=today)
    assert rec.primary.id == "anthropic/mid"
    assert rec.primary.price_changes[0].on.isoformat() == "2026-12-15"
    assert any("price changes on 2026-12-15" in w for w in rec.warnings)


def test_complexity_presets_change_the_winner(catalog, today):
    cheap = select(Requirements(complexity="low", capabilities=["tools"]), catalog, today=today)
    hard = select(Requirements(complexity="high", capabilities=["tools"]), catalog, today=today)
    assert cheap.primary.id == "openai/small"
    # high: floor 1450 leaves big (1480, $0.015) and mid (1450, $0.0105); best rating in catalog is 1480.
    # mid: quality (1450-1200)/(1480-1200), cost 1 (cheapest), headroom 1; latency has no data.
    assert hard.primary.id == "anthropic/mid"
    assert hard.primary.score == pytest.approx((0.65 * 250 / 280 + 0.15 * 1 + 0.10 * 1) / 0.90)
    assert hard.fallback.id == "openai/big"
    assert hard.fallback.score == pytest.approx((0.65 * 1 + 0.15 * 0 + 0.10 * 1) / 0.90)


def test_explicit_weights_override_the_preset(catalog, today):
    rec = select(
        Requirements(weight_quality=1.0, weight_cost=0.0, weight_latency=0.0, weight_headroom=0.0),
        catalog,
        today=today,
    )
    assert rec.primary.id == "openai/big"
    assert rec.weights["cost"] == 0.0


def test_unknowns_allowed_are_kept_with_a_warning(catalog, today):
    rec = select(
        Requirements(capabilities=["structured_output"], allow_unknown=True, providers=["gemini"]),
        catalog,
        today=today,
    )
    assert rec.primary.id == "gemini/flash"
    assert any("structured_output unknown" in w for w in rec.primary.warnings)


def test_speed_data_feeds_latency_part_and_filter(catalog, today, fixtures_dir):
    with_speed = load_speed(fixtures_dir / "speed.toml", catalog)
    rec = select(Requirements(latency_goal_s=6.0, output_tokens=500), with_speed, today=today)
    small = next(c for c in rec.candidates if c.id == "openai/small")
    assert small.latency_s == pytest.approx(0.4 + 500 / 100)
    assert "latency" in small.parts
    mid = next(r for r in rec.rejected if r.id == "anthropic/mid")
    assert [x.code for x in mid.reasons] == ["LATENCY_OVER_SLA"]  # 1.0 + 500/50 = 11 s


def test_latency_goal_without_data_warns(catalog, today):
    rec = select(Requirements(latency_goal_s=2.0), catalog, today=today)
    assert any(w.startswith("LATENCY_UNKNOWN") for w in rec.warnings)


def test_shortlist_skips_dated_aliases_of_a_shown_model(catalog, today):
    rec = select(Requirements(complexity="high", min_quality=1300), catalog, today=today)
    ids = [c.id for c in rec.shortlist]
    assert "openai/big" in ids and "openai/big-2026-01-01" not in ids
    assert "openai/big-2026-01-01" in [c.id for c in rec.candidates]


def test_recommendation_round_trips_through_json(catalog, today):
    rec = select(Requirements(capabilities=["tools"]), catalog, today=today)
    again = type(rec).model_validate_json(rec.model_dump_json())
    assert again == rec


def test_compact_keeps_the_shortlist_and_every_rejection(catalog, today):
    rec = select(Requirements(), catalog, today=today)
    small = rec.compact()
    assert small.candidates == rec.shortlist and small.rejected == rec.rejected
    assert small.primary == rec.primary and small.reasoning == rec.reasoning


def test_a_shortlisted_model_retiring_soon_is_warned_in_the_markdown(catalog, today):
    from llmeng.report.models import render_recommendation

    rec = select(
        Requirements(providers=["openai", "anthropic"], capabilities=["tools"]), catalog, today=today
    )
    shown = [c.id for c in rec.shortlist]
    assert "openai/thinker" in shown and rec.primary.id != "openai/thinker" != rec.fallback.id
    text = render_recommendation(rec)
    assert "openai/thinker: retires on 2026-12-01 (in 9 days)" in text


def test_unrated_models_stay_in_marked_and_ranked_after_rated_ones(catalog, today):
    rec = select(Requirements(complexity="low"), catalog, today=today)
    unrated = next(c for c in rec.candidates if c.id == "xai/unrated")
    assert unrated.quality_known is False and unrated.rating is None
    known = [c.quality_known for c in rec.candidates]
    assert known == sorted(known, reverse=True)  # every known-quality candidate first
    assert "xai/unrated" in [c.id for c in rec.shortlist]
    assert rec.primary.quality_known


def test_a_month_budget_and_support_days_filter(catalog, today):
    rec = select(Requirements(budget_per_month_usd=20, min_support_days=30), catalog, today=today)
    assert all(c.cost_per_month_usd <= 20 for c in rec.candidates)
    thinker = next(r for r in rec.rejected if r.id == "openai/thinker")
    assert "SUPPORT_ENDS_SOON" in [x.code for x in thinker.reasons]
