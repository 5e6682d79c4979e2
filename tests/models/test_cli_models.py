from __future__ import annotations

import json

import pytest

from llmeng.cli import main

TODAY = ["--today", "2026-11-22"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMENG_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    "argv",
    [
        ["models", "--help"],
        ["models", "list", "--help"],
        ["models", "show", "--help"],
        ["models", "sources", "--help"],
        ["models", "refresh", "--help"],
        ["select", "--help"],
    ],
)
def test_every_command_has_help_with_an_example(capsys, argv):
    assert main(argv) == 0
    assert "Example:" in capsys.readouterr().out


def test_models_list_filters_and_marks_unknowns(capsys):
    assert main(["models", "list", "--provider", "anthropic", "--rated"]) == 0
    out = capsys.readouterr().out
    assert "`anthropic/claude-opus-4-6`" in out and "openai/" not in out and "unrated" not in out


def test_models_list_json(capsys):
    assert main(["models", "list", "--capability", "vision", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["capabilities"]["vision"] is True for r in rows)


def test_models_show_gives_limits_and_todays_price(capsys):
    assert main(["models", "show", "gpt-4o", "--format", "json", *TODAY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "openai/gpt-4o" and data["max_output_tokens"] == 16384
    assert data["price_usd_per_mtok"]["input"] == pytest.approx(2.5, rel=1e-3)


def test_models_show_unknown_model_exits_2_with_a_fix(capsys):
    assert main(["models", "show", "gpt-imaginary"]) == 2
    assert "llmeng models list" in capsys.readouterr().err


def test_models_sources_warns_when_old(capsys):
    assert main(["models", "sources", "--today", "2027-06-01"]) == 0
    captured = capsys.readouterr()
    assert "genai-prices" in captured.out and "1.109.1" in captured.out
    assert "warning: prices data is" in captured.err


def test_select_markdown_has_matrix_recommendation_and_sources(capsys):
    argv = [
        "select",
        "--input-tokens",
        "6000",
        "--output-tokens",
        "800",
        "--requests-per-day",
        "20000",
        "--need",
        "tools",
        "--need",
        "structured_output",
        "--budget-per-request",
        "0.02",
        "--cache-hit-ratio",
        "0.5",
        *TODAY,
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "| # | Model | Quality (Arena) | Reasoning tok/req | $/request |" in out
    assert "Primary: " in out and "Fallback: " in out and "## Sources" in out


def test_select_json_and_explain(capsys):
    assert main(["select", "--format", "json", "--need", "tools", *TODAY]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["primary"]["provider"] != rec["fallback"]["provider"]
    assert rec["rejected"] and rec["rejection_counts"]
    assert main(["select", "--explain", *TODAY]) == 0
    assert "## Rejected models" in capsys.readouterr().out


def test_select_with_no_match_exits_1(capsys):
    assert main(["select", "--budget-per-request", "0.0000001", *TODAY]) == 1
    assert "no filter was relaxed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [["select", "--weight", "speed=1"], ["select", "--today", "tomorrow"], ["select", "--need", "telepathy"]],
)
def test_select_bad_input_exits_2(capsys, argv):
    assert main(argv) == 2


def test_refresh_from_a_file_url_and_failure_exit_code(capsys, tmp_path):
    src = tmp_path / "litellm.json"
    src.write_text(
        json.dumps({"gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_output_tokens": 5}})
    )
    assert main(["models", "refresh", "limits", "--url", f"limits={src.as_uri()}", "--force"]) == 0
    assert "limits: ok" in capsys.readouterr().out
    assert main(["models", "refresh", "limits", "--url", "limits=ftp://example.invalid/x", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)[0]["ok"] is False
    assert main(["models", "refresh", "--url", "no-equals-sign"]) == 2


def test_models_show_markdown_and_sources_json(capsys):
    assert main(["models", "show", "anthropic/claude-sonnet-4-5", *TODAY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# anthropic/claude-sonnet-4-5") and "deprecation_date: 2026-11-30" in out
    assert main(["models", "sources", "--format", "json"]) == 0
    kinds = {row["kind"] for row in json.loads(capsys.readouterr().out)}
    assert kinds == {"limits", "quality", "curation", "prices"}


def test_models_show_prices_per_million_at_the_base_tier(capsys):
    # gpt-5.5 bills the whole request at 2x above 272k input tokens; the listed price is the base rate.
    assert main(["models", "show", "gpt-5.5", "--format", "json", *TODAY]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["price_usd_per_mtok"] == {"input": 5.0, "output": 30.0, "source": "genai-prices"}
    assert main(["models", "show", "gemini-4-argon", "--format", "json", *TODAY]) == 0
    assert json.loads(capsys.readouterr().out)["input_price_changes"] == [
        {"on": "2026-12-01", "usd_per_mtok": 4.0}
    ]


def test_models_show_unrated_and_unpriced(capsys):
    assert main(["models", "show", "gemini/gemma-3-27b-it", *TODAY]) == 0
    out = capsys.readouterr().out
    assert "price_usd_per_mtok: unknown" in out
    assert "| overall | 1365 |" in out
    assert main(["models", "show", "xai/grok-build-0.1", *TODAY]) == 0
    assert "| unrated |" in capsys.readouterr().out


def test_select_prices_reasoning_and_takes_the_new_options(capsys):
    argv = ["select", "--provider", "google", "--reasoning", "low", "--budget-per-month", "100000"]
    assert main([*argv, "--min-support-days", "30", "--format", "json", *TODAY]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["requirements"]["reasoning_effort"] == "low"
    assert rec["requirements"]["providers"] == ["gemini"]
    assert rec["notes"] == ["--provider google means gemini"]
    thinking = [c["reasoning"] for c in rec["candidates"] if c["reasoning"]]
    assert thinking and all(r["effort"] == "low" for r in thinking)


def test_select_unknown_provider_suggests_the_right_one(capsys):
    assert main(["select", "--provider", "antropic", *TODAY]) == 2
    assert "did you mean anthropic?" in capsys.readouterr().err


def test_select_self_hosting_estimate_is_labelled(capsys):
    argv = ["select", "--open-weights", "--gpu-hour-price", "2.5", "--tokens-per-second", "2000"]
    assert main([*argv, "--min-quality", "1300", *TODAY]) == 0
    out = capsys.readouterr().out
    assert "self-hosted: $" in out and "(estimate: 1 GPU(s) at $2.5/h" in out
