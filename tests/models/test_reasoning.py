from __future__ import annotations

import dataclasses

import pytest

from llmeng.errors import LlmengError
from llmeng.models.catalog import DATA_DIR
from llmeng.models.reasoning import MEASURED, REASONING_FILE, load_reasoning, plan, rating_applies
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select

TABLE = load_reasoning(DATA_DIR / REASONING_FILE)


def test_a_model_that_does_not_reason_writes_no_reasoning_tokens(catalog):
    p = plan(TABLE, catalog.get("openai/small"), requested="high", measured=5000)
    assert (p.effort, p.tokens) == (None, 0)
    assert rating_applies(p)


def test_unset_effort_prices_the_effort_the_rating_was_measured_at(catalog):
    p = plan(TABLE, catalog.get("openai/thinker"), requested=None, measured=None)
    assert (p.effort, p.tokens, p.measured_at, p.basis) == ("high", 4096, "high", "proxy")
    assert "DEFAULT_REASONING_EFFORT_HIGH_THINKING_BUDGET" in p.source and "2026-11-12" in p.source
    assert rating_applies(p)


def test_a_lower_effort_than_rated_makes_the_rating_not_apply(catalog):
    low = plan(TABLE, catalog.get("openai/thinker"), requested="low", measured=None)
    assert (low.effort, low.tokens) == ("low", 1024)
    assert not rating_applies(low)
    assert rating_applies(plan(TABLE, catalog.get("openai/thinker"), requested="high", measured=None))


def test_your_measurement_replaces_the_estimate(catalog):
    p = plan(TABLE, catalog.get("openai/thinker"), requested="medium", measured=333)
    assert (p.effort, p.tokens, p.source, p.basis) == ("medium", 333, MEASURED, "measured")


def test_none_on_a_model_that_always_reasons_is_priced_at_low_and_said(catalog):
    always = dataclasses.replace(catalog.get("openai/thinker"), id="openai/o3", rated_effort=None)
    p = plan(TABLE, always, requested="none", measured=None)
    assert (p.effort, p.tokens) == ("low", 1024)
    assert "cannot turn reasoning off" in p.note
    off = dataclasses.replace(always, id="anthropic/thinker")
    assert plan(TABLE, off, requested="none", measured=None).tokens == 0


def test_the_longest_prefix_picks_the_family():
    assert TABLE.family("openai/o3-mini").can_disable is False
    assert TABLE.family("openai/gpt-5.5").can_disable is True
    assert TABLE.family("somebody/new-model").prefix == [""]


def test_an_effort_without_a_figure_takes_the_next_higher_one():
    estimate = TABLE.estimates[0]
    assert estimate.tokens("minimal").effort == "low"
    assert estimate.tokens("max").tokens == 16384


def test_every_figure_and_family_has_a_source_and_a_date():
    for estimate in TABLE.estimates:
        assert {f.effort for f in estimate.figures} >= {"low", "medium", "high"}
        assert all(f.source and f.as_of for f in estimate.figures)
    assert all(f.source and f.as_of for f in TABLE.families)


def test_a_family_naming_an_unknown_estimate_is_refused(tmp_path):
    bad = (DATA_DIR / REASONING_FILE).read_text().replace('estimate = "litellm-budgets"', 'estimate = "x"', 1)
    (tmp_path / "r.toml").write_text(bad)
    with pytest.raises(LlmengError, match="unknown estimates"):
        load_reasoning(tmp_path / "r.toml")


def test_reasoning_tokens_are_priced_as_output_and_shown(catalog, today):
    rec = select(Requirements(providers=["openai"], complexity="low"), catalog, today=today)
    thinker = next(c for c in rec.candidates if c.id == "openai/thinker")
    assert thinker.reasoning.effort == "high" and thinker.reasoning.tokens == 4096
    # $1/M in, $4/M out: 1000 in, 500 visible + 4096 reasoning out
    assert thinker.cost_per_request_usd == pytest.approx((1000 * 1 + 4596 * 4) / 1e6)
    assert thinker.quality_known and thinker.rating_effort == "high"


def test_at_a_lower_effort_a_high_effort_rating_is_quality_unknown(catalog, today):
    rec = select(Requirements(providers=["openai"], reasoning_effort="low"), catalog, today=today)
    thinker = next(c for c in rec.candidates if c.id == "openai/thinker")
    assert not thinker.quality_known and "quality" not in thinker.parts
    assert rec.candidates.index(thinker) > max(i for i, c in enumerate(rec.candidates) if c.quality_known)


def test_reasoning_counts_against_the_output_limit(catalog, today):
    rec = select(Requirements(providers=["openai"], output_tokens=28000), catalog, today=today)
    thinker = next(r for r in rec.rejected if r.id == "openai/thinker")
    assert [x.code for x in thinker.reasons] == ["OUTPUT_TOO_SMALL"]  # 28,000 + 4,096 > 32,000
