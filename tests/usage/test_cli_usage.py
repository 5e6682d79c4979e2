from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from llmeng.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "usage"
OTEL = str(SAMPLES / "otel_spans.jsonl")


def test_markdown_has_totals_tables_unpriced_models_and_the_reasoning_rate(capsys):
    assert main(["usage", OTEL, "--by", "feature"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# LLM usage and cost") and "**Total: $" in out
    assert "## By model" in out and "## By day" in out and "## By feature" in out
    assert "## Unpriced models (not counted as $0)" in out and "`acme-llm-7`" in out
    assert "Reasoning tokens per request, over the models that reason: 2,000" in out


def test_json_and_csv_carry_the_same_exact_total(capsys):
    assert main(["usage", OTEL, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert main(["usage", OTEL, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["by"] == "total" and Decimal(rows[0]["cost_usd"]) == Decimal(report["total"]["cost_usd"])
    assert {r["by"] for r in rows} >= {"model", "day", "feature", "unpriced_model"}


def test_progress_goes_to_stderr_only_when_asked(capsys):
    assert main(["usage", OTEL, "--progress", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "reading usage: 100%" in captured.err and json.loads(captured.out)
    assert main(["usage", OTEL, "--format", "json"]) == 0
    assert capsys.readouterr().err == ""  # not a terminal


def test_bad_input_exits_2_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "message", "model": "x", "usage": {"input_tokens": "many"}}\n')
    assert main(["usage", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1: usage.input_tokens is 'many', not a token count" in err and "fix:" in err
