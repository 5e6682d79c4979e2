from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.models.facts import CAPABILITIES
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select
from llmeng.report.models import render_recommendation

from .conftest import TODAY, fixture_catalog

CATALOG = fixture_catalog()

requirements = st.builds(
    Requirements,
    complexity=st.sampled_from(["low", "medium", "high"]),
    category=st.sampled_from(["overall", "coding"]),
    input_tokens=st.integers(1, 300_000),
    output_tokens=st.integers(1, 70_000),
    requests_per_day=st.integers(0, 100_000),
    cache_hit_ratio=st.floats(0, 1),
    budget_per_request_usd=st.none() | st.floats(1e-5, 5),
    budget_per_day_usd=st.none() | st.floats(1e-3, 1e5),
    budget_per_month_usd=st.none() | st.floats(1e-2, 1e6),
    reasoning_effort=st.none() | st.sampled_from(["none", "low", "medium", "high"]),
    reasoning_tokens=st.none() | st.integers(0, 50_000),
    min_support_days=st.none() | st.integers(0, 30),
    capabilities=st.lists(st.sampled_from(CAPABILITIES), max_size=3),
    open_weights=st.booleans(),
    allow_unknown=st.booleans(),
)
PROPERTY = settings(max_examples=60, deadline=None)


def _ids(rec):
    return {c.id for c in rec.candidates}


BUDGETS = ("budget_per_request_usd", "budget_per_day_usd", "budget_per_month_usd")


@PROPERTY
@given(requirements, st.sampled_from(BUDGETS), st.floats(1.0, 100.0) | st.none())
def test_raising_any_budget_never_removes_a_candidate(req, budget, factor):
    current = getattr(req, budget)
    raised = None if factor is None or current is None else current * factor  # None: no limit at all
    bigger = req.model_copy(update={budget: raised})
    assert _ids(select(req, CATALOG, today=TODAY)) <= _ids(select(bigger, CATALOG, today=TODAY))


def _costs(req):
    return {c.id: c.cost_per_request_usd for c in select(req, CATALOG, today=TODAY).candidates}


@PROPERTY
@given(requirements, st.integers(0, 20_000), st.integers(1, 20_000))
def test_adding_reasoning_tokens_never_lowers_a_cost(req, tokens, extra):
    free = {k: None for k in BUDGETS}  # so that every model stays comparable
    fewer = _costs(req.model_copy(update={**free, "reasoning_tokens": tokens}))
    more = _costs(req.model_copy(update={**free, "reasoning_tokens": tokens + extra}))
    assert more.keys() <= fewer.keys()
    assert all(more[k] >= fewer[k] for k in more)


@PROPERTY
@given(requirements)
def test_every_model_shown_carries_its_warnings(req):
    rec = select(req, CATALOG, today=TODAY)
    text = render_recommendation(rec)
    for c in rec.shortlist:
        if c.deprecation_date is not None:
            assert any(f"retires on {c.deprecation_date}" in w for w in c.warnings)
        for change in c.price_changes:
            assert any(f"price changes on {change.on}" in w for w in c.warnings)
        for w in c.warnings:
            assert w in rec.warnings and w in text


@PROPERTY
@given(requirements, st.sampled_from(CAPABILITIES))
def test_an_extra_requirement_never_adds_a_candidate(req, cap):
    stricter = req.model_copy(update={"capabilities": sorted({*req.capabilities, cap})})
    assert _ids(select(stricter, CATALOG, today=TODAY)) <= _ids(select(req, CATALOG, today=TODAY))


@PROPERTY
@given(requirements, st.randoms(use_true_random=False))
def test_the_input_order_never_changes_the_answer(req, rnd: random.Random):
    models = list(CATALOG.models)
    rnd.shuffle(models)
    shuffled = dataclasses.replace(CATALOG, models=tuple(models))
    assert select(req, shuffled, today=TODAY) == select(req, CATALOG, today=TODAY)


@PROPERTY
@given(requirements)
def test_score_parts_add_up_and_stay_in_range(req):
    for c in select(req, CATALOG, today=TODAY).candidates:
        assert 0.0 <= c.score <= 1.0
        assert sum(c.contributions.values()) == pytest.approx(c.score)
        assert all(0.0 <= p <= 1.0 for p in c.parts.values())


@PROPERTY
@given(requirements)
def test_fallback_is_from_another_provider_whenever_one_passes(req):
    rec = select(req, CATALOG, today=TODAY)
    if rec.primary is None:
        assert rec.fallback is None
        return
    has_other = any(c.provider != rec.primary.provider for c in rec.candidates)
    assert (rec.fallback is not None) == has_other
    if rec.fallback:
        assert rec.fallback.provider != rec.primary.provider


@PROPERTY
@given(requirements, st.integers(1, 10))
def test_monthly_cost_is_linear_in_requests_per_day(req, k):
    base = req.model_copy(update={"requests_per_day": 100, "budget_per_day_usd": None})
    more = base.model_copy(update={"requests_per_day": 100 * k})
    a = {c.id: c.cost_per_month_usd for c in select(base, CATALOG, today=TODAY).candidates}
    b = {c.id: c.cost_per_month_usd for c in select(more, CATALOG, today=TODAY).candidates}
    assert a.keys() == b.keys()
    for model_id, monthly in a.items():
        assert b[model_id] == pytest.approx(monthly * k)
