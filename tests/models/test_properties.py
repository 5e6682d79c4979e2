from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.models.facts import CAPABILITIES
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select

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
    capabilities=st.lists(st.sampled_from(CAPABILITIES), max_size=3),
    open_weights=st.booleans(),
    allow_unknown=st.booleans(),
)
PROPERTY = settings(max_examples=60, deadline=None)


def _ids(rec):
    return {c.id for c in rec.candidates}


@PROPERTY
@given(requirements, st.floats(1.0, 100.0))
def test_a_bigger_budget_never_removes_a_candidate(req, factor):
    bigger = req.model_copy(
        update={
            "budget_per_request_usd": req.budget_per_request_usd * factor
            if req.budget_per_request_usd
            else None,
            "budget_per_day_usd": req.budget_per_day_usd * factor if req.budget_per_day_usd else None,
        }
    )
    assert _ids(select(req, CATALOG, today=TODAY)) <= _ids(select(bigger, CATALOG, today=TODAY))


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
