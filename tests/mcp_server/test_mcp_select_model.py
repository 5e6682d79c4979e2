"""select_model and the model-sources resource: the selection engine over MCP."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from mcp import Client


async def _select(client: Client, args: dict[str, Any]) -> Any:
    res = await client.call_tool("select_model", args)
    if not res.is_error:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "select_model")
        jsonschema.validate(res.structured_content, tool.output_schema)
    return res


@pytest.mark.anyio
async def test_recommends_a_primary_and_a_fallback_from_another_provider(client: Client) -> None:
    res = await _select(
        client, {"complexity": "high", "input_tokens": 4000, "output_tokens": 800, "requests_per_day": 5000}
    )
    assert res.is_error is False
    out = res.structured_content
    primary, fallback = out["primary"], out["fallback"]
    assert primary and fallback and primary["provider"] != fallback["provider"]
    assert primary["cost_per_request_usd"] > 0 and primary["cost_per_month_usd"] > primary["cost_per_day_usd"]
    assert out["requirements"]["input_tokens"] == 4000
    assert any("Primary:" in line for line in out["reasoning"])
    assert {s["kind"] for s in out["sources"]} >= {"limits", "prices", "quality"}


@pytest.mark.anyio
async def test_hard_requirements_are_honoured(client: Client) -> None:
    out = (
        await _select(client, {"providers": ["anthropic"], "capabilities": ["vision", "tools"]})
    ).structured_content
    assert out["primary"]["provider"] == "anthropic"
    assert out["primary"]["capabilities"]["vision"] is True
    assert all(c["provider"] == "anthropic" for c in out["candidates"])


@pytest.mark.anyio
async def test_lists_are_cut_but_not_the_counts(client: Client) -> None:
    out = (await _select(client, {"limit": 3})).structured_content
    assert len(out["rejected"]) == 3
    assert out["candidates"] == out["shortlist"]  # the ranking an agent needs, aliases folded
    assert out["candidates"][:2] == [out["primary"], out["fallback"]]
    considered = out["reasoning"][0]  # "N models considered, n pass the hard filters, m rejected."
    n_passed, n_rejected = (int(part.split()[0]) for part in considered.split(", ")[1:])
    assert n_passed > len(out["candidates"]) and n_rejected > 3
    assert sum(out["rejection_counts"].values()) >= n_rejected


@pytest.mark.anyio
async def test_default_answer_stays_small_enough_for_a_model(client: Client) -> None:
    res = await _select(client, {})
    assert len(res.content[0].text) < 40_000  # the full lists are ~110 kB: ~30k tokens of context
    assert len((await _select(client, {"limit": 0})).structured_content["rejected"]) == 0


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"capabilities": ["telepathy"]}, "unknown capabilities ['telepathy']"),
        ({"category": "poetry"}, "unknown category 'poetry'"),
        (
            {"weight_quality": 0, "weight_cost": 0, "weight_latency": 0, "weight_headroom": 0},
            "weights add up to 0",
        ),
    ],
)
async def test_invalid_requirements_say_what_to_fix(
    client: Client, args: dict[str, Any], message: str
) -> None:
    res = await _select(client, args)
    assert res.is_error is True
    text = res.content[0].text
    assert text.startswith("Error executing tool select_model: Invalid requirement") and message in text
    assert "Fix: " in text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"input_tokens": 0}, "input_tokens"),
        ({"complexity": "extreme"}, "complexity"),
        ({"cache_hit_ratio": 1.5}, "cache_hit_ratio"),
        ({"budget_per_day": 10}, "budget_per_day"),  # misspelt: dropping it would ignore the budget
        ({"limit": -1}, "limit"),
    ],
)
async def test_schema_violations_name_the_field(client: Client, args: dict[str, Any], field: str) -> None:
    res = await _select(client, args)
    assert res.is_error is True
    text = res.content[0].text
    assert "validation error for select_modelArguments" in text and f"\n{field}\n" in text


@pytest.mark.anyio
async def test_input_schema_refuses_unknown_fields(client: Client) -> None:
    tool = next(t for t in (await client.list_tools()).tools if t.name == "select_model")
    assert tool.input_schema["additionalProperties"] is False
    assert {"complexity", "input_tokens", "capabilities", "budget_per_day_usd", "limit"} <= set(
        tool.input_schema["properties"]
    )


@pytest.mark.anyio
async def test_sources_resource_gives_each_source_and_its_age(client: Client) -> None:
    res = (await client.read_resource("llmeng://models/sources")).contents[0]
    assert res.mime_type == "application/json"
    doc = json.loads(res.text)
    kinds = {s["kind"]: s for s in doc["sources"]}
    assert {"limits", "prices", "quality"} <= set(kinds)
    assert all(s["age_days"] is None or s["age_days"] >= 0 for s in doc["sources"])
    assert kinds["limits"]["as_of"] and kinds["limits"]["license"]


@pytest.mark.anyio
async def test_reasoning_budgets_and_provider_aliases_reach_the_tool(client: Client) -> None:
    args = {
        "providers": ["google"],
        "reasoning_effort": "high",
        "budget_per_month_usd": 1e6,
        "min_support_days": 30,
    }
    out = (await _select(client, args)).structured_content
    assert out["requirements"]["providers"] == ["gemini"] and out["notes"] == [
        "--provider google means gemini"
    ]
    reasoning = [c["reasoning"] for c in out["candidates"] if c["reasoning"]]
    assert reasoning and all(r["effort"] == "high" and r["tokens"] == 4096 for r in reasoning)
    res = await _select(client, {"providers": ["gogle"]})
    assert res.is_error is True and "did you mean google" in res.content[0].text
