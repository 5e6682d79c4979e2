from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price, data_snapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.errors import LlmengError
from llmeng.usage import engine
from llmeng.usage.api import usage_report, usage_report_confined
from llmeng.usage.pricing import Pricer

TODAY = date(2026, 11, 22)


def _span(model="gpt-4o-mini", inp=100, out=10, **attrs):
    a = [
        {"key": "gen_ai.provider.name", "value": {"stringValue": "openai"}},
        {"key": "gen_ai.request.model", "value": {"stringValue": model}},
        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": str(inp)}},
        {"key": "gen_ai.usage.output_tokens", "value": {"intValue": out}},
    ] + [{"key": k, "value": {"stringValue": v}} for k, v in attrs.items()]
    return {"name": "chat", "startTimeUnixNano": "1795680000000000000", "attributes": a}


def _otel_line(*spans):
    return json.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": list(spans)}]}]}) + "\n"


def test_bad_json_names_the_file_and_line(tmp_path):
    f = tmp_path / "spans.jsonl"
    f.write_text(_otel_line(_span()) + "{not json\n")
    with pytest.raises(LlmengError, match=r"spans.jsonl:2: not valid JSON"):
        usage_report([f], today=TODAY)


def test_a_bad_token_count_names_the_line_and_field(tmp_path):
    f = tmp_path / "spans.jsonl"
    f.write_text(_otel_line(_span()) + _otel_line(_span(out=-5)))
    with pytest.raises(
        LlmengError, match=r"spans.jsonl:2: gen_ai.usage.output_tokens is -5, not a token count"
    ):
        usage_report([f], today=TODAY)


def test_an_unknown_shape_is_refused_with_the_fix(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"hello": 1}\n')
    with pytest.raises(LlmengError, match=r"x.jsonl:1: not a usage record llmeng knows \(keys: hello\)") as e:
        usage_report([f], today=TODAY)
    assert "docs/usage.md" in e.value.fix


def test_a_forced_format_that_does_not_fit_says_so(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text('{"resourceSpans": 5}\n')
    with pytest.raises(LlmengError, match=r"x.jsonl:1: not a otel record"):
        usage_report([f], today=TODAY, fmt="otel")


def test_missing_file_and_no_file_are_errors(tmp_path):
    with pytest.raises(LlmengError, match="not a file"):
        usage_report([tmp_path / "nope.jsonl"], today=TODAY)
    with pytest.raises(LlmengError, match="no usage files"):
        usage_report([], today=TODAY)
    with pytest.raises(LlmengError, match="unknown input format"):
        usage_report([tmp_path], today=TODAY, fmt="csv")


def test_unknown_models_are_listed_and_never_priced_as_zero(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(_otel_line(_span(), _span(model="acme-7", inp=500, out=50)))
    report = usage_report([f], today=TODAY)
    assert [(u.model, u.requests, u.input_tokens, u.output_tokens) for u in report.unpriced] == [
        ("acme-7", 1, 500, 50)
    ]
    acme = next(r for r in report.breakdowns[0].rows if r.value == "acme-7")
    assert acme.unpriced_requests == 1 and acme.cost_usd == 0
    assert report.total.unpriced_requests == 1 and report.total.requests == 2


def test_attributes_become_breakdowns_and_by_limits_them(tmp_path):
    f = tmp_path / "s.jsonl"
    f.write_text(
        _otel_line(
            _span(feature="a", user="u1"), _span(feature="b", user="u1"), _span(feature="a", user="u2")
        )
    )
    full = usage_report([f], today=TODAY)
    assert {b.by for b in full.breakdowns} == {"model", "day", "provider", "feature", "user", "span.name"}
    only = usage_report([f], today=TODAY, by=["feature", "route"])
    assert [b.by for b in only.breakdowns] == ["model", "day", "provider", "feature"]
    feature = only.breakdowns[-1].rows
    assert [(r.value, r.requests) for r in feature] == [("a", 2), ("b", 1)]
    assert only.notes == ["no record has the attribute 'route'"]


def test_values_past_the_cap_are_folded_into_other(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "MAX_VALUES", 2)
    f = tmp_path / "s.jsonl"
    f.write_text(_otel_line(*(_span(user=f"u{i}") for i in range(5))))
    report = usage_report([f], today=TODAY, by=["user"])
    users = next(b for b in report.breakdowns if b.by == "user")
    assert users.folded == 3 and sum(r.requests for r in users.rows) == 5
    assert sum((r.cost_usd for r in users.rows), Decimal(0)) == report.total.cost_usd


def test_one_big_json_document_is_streamed_with_progress(tmp_path):
    f = tmp_path / "obs.json"
    obs = [
        {
            "type": "GENERATION",
            "model": "gpt-4o-mini",
            "startTime": "2026-11-20T00:00:00Z",
            "usageDetails": {"input": 10, "output": 2},
        }
    ] * 50
    f.write_text(json.dumps({"meta": {}, "data": obs}, indent=2))
    seen = []
    report = usage_report([f], today=TODAY, progress=seen.append)
    assert report.total.requests == 50 and report.files[0].format == "langfuse"
    assert sum(seen) == f.stat().st_size


def test_records_without_a_time_are_priced_today_and_counted(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(
        '{"type": "message", "model": "claude-haiku-4-5", "usage": {"input_tokens": 10, "output_tokens": 1}}\n'
    )
    report = usage_report([f], today=TODAY)
    assert report.undated_requests == 1 and report.priced_on == TODAY
    assert [r.value for r in next(b for b in report.breakdowns if b.by == "day").rows] == ["unknown"]


def test_the_mcp_door_confines_paths_to_the_root(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "s.jsonl").write_text(_otel_line(_span()))
    assert usage_report_confined(["logs/s.jsonl"], root=tmp_path, today=TODAY).total.requests == 1
    with pytest.raises(LlmengError, match="outside"):
        usage_report_confined(["../x.jsonl"], root=tmp_path / "logs", today=TODAY)
    with pytest.raises(LlmengError, match="does not exist"):
        usage_report_confined(["logs/none.jsonl"], root=tmp_path, today=TODAY)


# Aggregated pricing equals genai-prices per record, across tiers, dated and time-of-day prices.
SNAP = data_snapshot.get_snapshot()
MODELS = [
    ("anthropic", "claude-sonnet-4-5"),
    ("openai", "gpt-5.5"),
    ("deepseek", "deepseek-chat"),
    ("google", "gemini-3.8-flash"),
]
record = st.tuples(
    st.sampled_from(MODELS),
    st.integers(0, 400_000),
    st.floats(0, 1),
    st.integers(0, 20_000),
    st.integers(0, 3 * 24 * 60),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(record, min_size=1, max_size=30))
def test_summed_pricing_equals_calc_price_per_record(records):
    pricer = Pricer(SNAP)
    sums: dict = {}
    expected = Decimal(0)
    for (provider, model), inp, ratio, out, minutes in records:
        when = datetime(2026, 12, 30, tzinfo=UTC).fromtimestamp(1798588800 + minutes * 60, tz=UTC)
        cached = int(inp * ratio)
        expected += calc_price(
            Usage(input_tokens=inp, cache_read_tokens=cached, output_tokens=out),
            model,
            provider_id=provider,
            genai_request_timestamp=when,
        ).total_price
        res = pricer.resolve(provider, model)
        key = pricer.key(pricer.price_list(res, when), inp)
        acc = sums.setdefault(key, [0] * 6)
        for i, v in enumerate([1, inp, cached, 0, out, 0]):
            acc[i] += v
    assert sum((pricer.cost(k, v) for k, v in sums.items()), Decimal(0)) == expected


def test_json_lines_longer_than_the_peek_are_still_lines(tmp_path, monkeypatch):
    from llmeng.usage import stream

    monkeypatch.setattr(stream, "PEEK_BYTES", 64)
    f = tmp_path / "s.jsonl"
    f.write_text(_otel_line(*[_span()] * 3) * 2)
    assert usage_report([f], today=TODAY).total.requests == 6


def test_a_first_line_past_the_line_limit_is_streamed_as_json_values(tmp_path, monkeypatch):
    from llmeng.usage import stream

    monkeypatch.setattr(stream, "MAX_LINE_BYTES", 100)
    f = tmp_path / "s.jsonl"
    f.write_text(_otel_line(*[_span()] * 3) * 2)
    report = usage_report([f], today=TODAY)
    assert report.total.requests == 6 and report.files[0].format == "otel"
