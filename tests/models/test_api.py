from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.models.api import (
    cache_dir,
    list_models,
    model_facts,
    recommend,
    refresh,
    requirements,
    requirements_from_options,
    show_model,
    source_ages,
)
from llmeng.models.requirements import Requirements


def test_cli_options_map_onto_requirements():
    req = requirements_from_options(
        {
            "budget_per_request": 0.01,
            "exclude": ("xai",),
            "latency_goal": 2.0,
            "capabilities": ("tools",),
            "providers": (),
            "weights": ("quality=0.7", "cost=0.1"),
            "fmt": "json",
            "explain": False,
            "today": None,
            "speed_file": None,
            "budget_per_day": None,
        }
    )
    assert req.budget_per_request_usd == 0.01 and req.budget_per_day_usd is None
    assert req.exclude_providers == ["xai"] and req.latency_goal_s == 2.0
    assert req.weights() == {"quality": 0.7, "cost": 0.1, "latency": 0.15, "headroom": 0.10}


@pytest.mark.parametrize(
    ("opts", "message"),
    [
        ({"weights": ("speed=1",)}, "PART=NUMBER"),
        ({"weights": ("cost=lots",)}, "not a number"),
        ({"capabilities": ("telepathy",)}, "capabilities"),
        ({"category": "poetry"}, "category"),
        ({"input_tokens": 0}, "input_tokens"),
        ({"cache_hit_ratio": 1.5}, "cache_hit_ratio"),
    ],
)
def test_bad_options_become_errors_with_a_fix(opts, message):
    with pytest.raises(LlmengError, match=message) as err:
        requirements_from_options(opts)
    assert err.value.fix


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError, match="add up to 0"):
        Requirements(weight_quality=0, weight_cost=0, weight_latency=0, weight_headroom=0)


def test_requirements_schema_is_flat_for_mcp():
    props = Requirements.model_json_schema()["properties"]
    for name, prop in props.items():
        kinds = {t.get("type") for t in prop.get("anyOf", [prop])}
        assert kinds <= {"string", "integer", "number", "boolean", "array", "null"}, name


def test_recommend_uses_the_bundled_data_and_speed_file(tmp_path):
    speed = tmp_path / "speed.toml"
    speed.write_text(
        '[[speed]]\nmodel = "gpt-5.5"\nttft_s = 0.5\ntokens_per_s = 80\nsource = "ours"\nas_of = 2026-11-20\n'
    )
    rec = recommend(
        Requirements(providers=["openai"], latency_goal_s=60), today=date(2026, 11, 22), speed_file=speed
    )
    gpt55 = next(c for c in rec.candidates if c.id == "openai/gpt-5.5")
    # medium effort (OpenAI's default) writes 2,048 reasoning tokens before the 500 visible ones
    assert gpt55.latency_s == pytest.approx(0.5 + (500 + 2048) / 80)


def test_requirements_from_the_mcp_tool_and_the_cli_fail_alike():
    with pytest.raises(LlmengError) as mcp:
        requirements({"input_tokens": 0})
    with pytest.raises(LlmengError) as cli:
        requirements_from_options({"input_tokens": 0})
    assert str(mcp.value) == str(cli.value) and mcp.value.fix == cli.value.fix
    assert str(mcp.value).startswith("Invalid requirement input_tokens: ")


def test_cache_dir_follows_the_environment(tmp_path):
    assert cache_dir({"LLMENG_CACHE_DIR": "/x"}, tmp_path) == Path("/x")
    assert cache_dir({}, tmp_path) == tmp_path / ".cache" / "llmeng" / "models"


def test_list_models_filters_by_provider_capability_and_rating(tmp_path):
    found = list_models(cache_dir=tmp_path, providers=["anthropic"], capabilities=["tools"], rated=True)
    assert found and all(m.provider == "anthropic" and m.cap("tools") and m.quality for m in found)
    assert model_facts(found[0])["id"] == found[0].id


def test_show_model_prices_per_million_tokens_or_names_the_fix(tmp_path):
    data = show_model("gpt-4o", today=date(2026, 11, 22), cache_dir=tmp_path)
    assert data["id"] == "openai/gpt-4o" and data["price_usd_per_mtok"]["input"] > 0
    with pytest.raises(LlmengError, match="unknown model") as err:
        show_model("no-such-model", today=date(2026, 11, 22), cache_dir=tmp_path)
    assert "llmeng models list" in err.value.fix


def test_source_ages_count_to_today(tmp_path):
    ages = source_ages(today=date(2026, 11, 22), cache_dir=tmp_path)
    assert {a.source.kind for a in ages} >= {"limits", "prices"}


def test_refresh_refuses_a_url_without_its_kind(tmp_path):
    with pytest.raises(LlmengError, match="is not KIND=URL"):
        refresh(
            (),
            urls=["https://example.org"],
            cache_dir=tmp_path,
            fetch=bytes.fromhex,
            today=date(2026, 11, 22),
        )
