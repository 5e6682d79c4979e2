from __future__ import annotations

import pytest

from llmeng.models.scoring import combine, headroom_part, log_part, quality_part


def test_quality_is_anchored_not_relative_to_survivors():
    assert quality_part(1200.0, 1500.0) == 0.0
    assert quality_part(1500.0, 1500.0) == 1.0
    assert quality_part(1350.0, 1500.0) == pytest.approx(0.5)
    assert quality_part(1100.0, 1500.0) == 0.0
    assert quality_part(None, 1500.0) is None


def test_cost_part_is_log_scaled_cheapest_one():
    values = [0.001, 0.01, 0.1]
    assert log_part(0.001, values) == 1.0
    assert log_part(0.1, values) == 0.0
    assert log_part(0.01, values) == pytest.approx(0.5)
    assert log_part(0.5, [0.5]) == 1.0


def test_headroom_saturates_at_eight_times_the_need():
    assert headroom_part(1000, 1000) == 0.0
    assert headroom_part(8000, 1000) == pytest.approx(1.0)
    assert headroom_part(64000, 1000) == 1.0
    assert headroom_part(None, 1000) is None


def test_missing_parts_redistribute_their_weight_and_contributions_add_up():
    weights = {"quality": 0.45, "cost": 0.30, "latency": 0.15, "headroom": 0.10}
    scored = combine({"quality": 1.0, "cost": 0.5, "latency": None, "headroom": 0.0}, weights)
    assert scored.missing == ("latency",)
    assert scored.score == pytest.approx((0.45 * 1.0 + 0.30 * 0.5) / 0.85)
    assert sum(scored.contributions.values()) == pytest.approx(scored.score)
    assert "latency" not in scored.contributions


def test_zero_weight_parts_with_no_data_are_not_reported_missing():
    scored = combine({"quality": 1.0, "latency": None}, {"quality": 1.0, "latency": 0.0})
    assert scored.missing == ()
    assert scored.score == 1.0


def test_quality_part_when_nothing_beats_the_anchor():
    assert quality_part(1100.0, 1150.0) == 1.0


def test_all_parts_missing_scores_zero():
    scored = combine({"quality": None, "cost": None}, {"quality": 1.0, "cost": 1.0})
    assert scored.score == 0.0 and scored.missing == ("quality", "cost")
