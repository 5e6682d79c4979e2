from __future__ import annotations

import pytest
from pydantic import ValidationError

from llmeng.models.offers import self_host
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select


def test_open_weights_are_priced_at_every_host_cheapest_first(catalog, today):
    rec = select(Requirements(open_weights=True, min_quality=1300), catalog, today=today)
    open_model = next(c for c in rec.candidates if c.id == "deepseek/open")
    assert [h.provider for h in open_model.hosts] == ["together", "groq"]
    together = open_model.hosts[0]
    assert together.cost_per_request_usd == pytest.approx((1000 * 0.2 + 500 * 1) / 1e6)
    assert together.cost_per_month_usd == pytest.approx(together.cost_per_request_usd * 1000 * 30.4)


def test_closed_models_have_no_hosts_or_self_hosting(catalog, today):
    rec = select(Requirements(gpu_hour_price_usd=2.0, tokens_per_second=1000), catalog, today=today)
    small = next(c for c in rec.candidates if c.id == "openai/small")
    assert small.hosts == [] and small.self_host is None
    assert next(c for c in rec.candidates if c.id == "deepseek/open").self_host is not None


def test_self_hosting_needs_enough_gpus_running_all_month():
    # 100,000 requests x 1,500 tokens = 150M tokens/day; one GPU at 1,000 tok/s serves 86.4M/day -> 2 GPUs
    req = Requirements(requests_per_day=100_000, gpu_hour_price_usd=2.0, tokens_per_second=1000)
    est = self_host(req, tokens_out=500)
    assert est.gpus == 2
    assert est.cost_per_month_usd == pytest.approx(2 * 2.0 * 24 * 30.4)
    assert est.cost_per_request_usd == pytest.approx(est.cost_per_month_usd / (100_000 * 30.4))
    assert est.basis.startswith("estimate:")


def test_self_hosting_idle_still_pays_for_one_gpu():
    est = self_host(
        Requirements(requests_per_day=0, gpu_hour_price_usd=1.0, tokens_per_second=10), tokens_out=1
    )
    assert est.gpus == 1 and est.cost_per_request_usd is None
    assert self_host(Requirements(), tokens_out=1) is None


def test_the_estimate_needs_both_figures():
    with pytest.raises(ValidationError, match="both gpu_hour_price_usd and tokens_per_second"):
        Requirements(gpu_hour_price_usd=2.0)
