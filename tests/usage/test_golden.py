"""Golden totals: each sample file's total equals the sum of genai-prices' own calc_price per record,
computed here from the raw file (never hard-coded)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price, extract_usage

from llmeng.usage.api import usage_report

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "usage"
TODAY = date(2026, 11, 22)
NOON = datetime(2026, 11, 22, 12, tzinfo=UTC)


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _price(usage: Usage, model: str, provider: str | None, when: datetime) -> Decimal | None:
    try:
        return calc_price(usage, model, provider_id=provider, genai_request_timestamp=when).total_price
    except LookupError:
        return None  # unknown to genai-prices: must be listed, not priced


def _otel() -> list[tuple[str, Decimal | None]]:
    providers = {"openai": "openai", "anthropic": "anthropic", "gcp.gemini": "google", "deepseek": "deepseek"}
    out = []
    for line in (SAMPLES / "otel_spans.jsonl").read_text().splitlines():
        for rs in json.loads(line)["resourceSpans"]:
            for span in rs["scopeSpans"][0]["spans"]:
                a = {x["key"]: next(iter(x["value"].values())) for x in span["attributes"]}
                if "gen_ai.usage.input_tokens" not in a:
                    continue
                out_tokens = int(a["gen_ai.usage.output_tokens"])
                usage = Usage(
                    input_tokens=int(a["gen_ai.usage.input_tokens"]),
                    cache_read_tokens=int(a.get("gen_ai.usage.cache_read.input_tokens", 0)),
                    cache_write_tokens=int(a.get("gen_ai.usage.cache_creation.input_tokens", 0)),
                    output_tokens=out_tokens,
                    output_reasoning_tokens=int(a.get("gen_ai.usage.reasoning.output_tokens", 0)),
                )
                when = datetime.fromtimestamp(int(span["startTimeUnixNano"]) / 1e9, tz=UTC)
                model = a["gen_ai.response.model"]
                out.append((model, _price(usage, model, providers.get(a["gen_ai.provider.name"]), when)))
    return out


def _litellm() -> list[tuple[str, Decimal | None]]:
    providers = {"openai": "openai", "anthropic": "anthropic", "vertex_ai": "google"}
    out = []
    for row in json.loads((SAMPLES / "litellm_spend_logs.json").read_text()):
        if row["cache_hit"] == "True":
            continue  # answered from LiteLLM's cache
        meta = row["metadata"] if isinstance(row["metadata"], dict) else json.loads(row["metadata"])
        u = meta.get("usage_object", {})
        usage = Usage(
            input_tokens=row["prompt_tokens"],
            cache_read_tokens=u.get("prompt_tokens_details", {}).get("cached_tokens")
            or u.get("cache_read_input_tokens", 0),
            cache_write_tokens=u.get("cache_creation_input_tokens", 0),
            output_tokens=row["completion_tokens"],
            output_reasoning_tokens=u.get("completion_tokens_details", {}).get("reasoning_tokens", 0),
        )
        provider = providers[row["custom_llm_provider"]]
        out.append((row["model"], _price(usage, row["model"], provider, _iso(row["startTime"]))))
    return out


def _langfuse() -> list[tuple[str, Decimal | None]]:
    out = []
    for obs in json.loads((SAMPLES / "langfuse_observations.json").read_text())["data"]:
        if obs["type"] != "GENERATION":
            continue
        d = obs["usageDetails"]
        cached, written = (
            d.get("input_cached_tokens", 0) + d.get("cache_read_input_tokens", 0),
            d.get("cache_creation_input_tokens", 0),
        )
        reasoning = d.get("output_reasoning_tokens", 0)
        usage = Usage(
            input_tokens=d["input"] + cached + written,
            cache_read_tokens=cached,
            cache_write_tokens=written,
            output_tokens=d["output"] + reasoning,
            output_reasoning_tokens=reasoning,
        )
        out.append((obs["model"], _price(usage, obs["model"], None, _iso(obs["startTime"]))))
    return out


def _raw(name: str, provider: str) -> list[tuple[str, Decimal | None]]:
    out = []
    for line in (SAMPLES / name).read_text().splitlines():
        resp = json.loads(line)
        flavor = {"chat.completion": "chat", "response": "responses"}.get(resp.get("object"), "default")
        kwargs = {} if flavor == "default" else {"api_flavor": flavor}
        try:
            extracted = extract_usage(resp, provider_id=provider, **kwargs)
        except LookupError:
            out.append((resp["model"], None))  # unknown to genai-prices
            continue
        stamp = resp.get("created") or resp.get("created_at")
        when = datetime.fromtimestamp(stamp, tz=UTC) if stamp else NOON
        out.append((resp["model"], extracted.calc_price(genai_request_timestamp=when).total_price))
    return out


CASES = {
    "otel_spans.jsonl": _otel,
    "litellm_spend_logs.json": _litellm,
    "langfuse_observations.json": _langfuse,
    "openai_responses.jsonl": lambda: _raw("openai_responses.jsonl", "openai"),
    "anthropic_messages.jsonl": lambda: _raw("anthropic_messages.jsonl", "anthropic"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_total_equals_genai_prices_calc_price_sum(name):
    expected = CASES[name]()
    report = usage_report([SAMPLES / name], today=TODAY)
    priced = [p for _, p in expected if p is not None]
    assert report.total.cost_usd == sum(priced, Decimal(0))
    assert report.total.requests == len(expected)
    assert (
        report.total.unpriced_requests
        == len(expected) - len(priced)
        == sum(u.requests for u in report.unpriced)
    )
    # every sample has at least one model genai-prices does not know, except the OpenAI one
    assert report.unpriced or name == "openai_responses.jsonl"


@pytest.mark.parametrize("name", sorted(CASES))
def test_per_model_and_per_day_rows_add_up_to_the_total(name):
    report = usage_report([SAMPLES / name], today=TODAY)
    for b in report.breakdowns:
        if b.by in ("model", "day", "provider"):
            assert sum((r.cost_usd for r in b.rows), Decimal(0)) == report.total.cost_usd
            assert sum(r.requests for r in b.rows) == report.total.requests


def test_per_model_costs_match_calc_price_per_model():
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for model, price in _otel():
        if price is not None:
            expected[model] += price
    rows = {
        r.value.split("/", 1)[1]: r.cost_usd
        for r in _by(usage_report([SAMPLES / "otel_spans.jsonl"], today=TODAY), "model")
        if r.unpriced_requests == 0
    }
    assert rows == dict(expected)


def _by(report, dim):
    return next(b for b in report.breakdowns if b.by == dim).rows
