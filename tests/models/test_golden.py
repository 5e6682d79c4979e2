"""Golden selections on the bundled snapshot. Regenerate deliberately after a data refresh:

    LLMENG_UPDATE_GOLDEN=1 pytest tests/models/test_golden.py
and review the diff of tests/fixtures/models/golden_select.json.
"""

from __future__ import annotations

import json
import os
from datetime import date

import genai_prices
import pytest

from llmeng.models.prices import load_priced_catalog
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select

from .conftest import FIXTURES

GOLDEN = FIXTURES / "golden_select.json"
TODAY = date(2026, 11, 22)
SCENARIOS: dict[str, dict[str, object]] = {
    "support-bot": {
        "input_tokens": 6000,
        "output_tokens": 800,
        "requests_per_day": 20000,
        "capabilities": ["tools", "structured_output"],
        "budget_per_request_usd": 0.02,
        "cache_hit_ratio": 0.5,
    },
    "hard-coding": {
        "complexity": "high",
        "category": "coding",
        "input_tokens": 30000,
        "output_tokens": 4000,
        "requests_per_day": 500,
        "capabilities": ["tools"],
    },
    "cheap-classifier": {
        "complexity": "low",
        "input_tokens": 500,
        "output_tokens": 5,
        "requests_per_day": 1_000_000,
        "capabilities": ["structured_output"],
    },
    "open-weights": {"open_weights": True, "input_tokens": 2000, "output_tokens": 500, "min_quality": 1300},
    "long-context-vision": {"context_tokens": 500_000, "capabilities": ["vision"], "complexity": "high"},
}


def _summary(req: Requirements) -> dict[str, object]:
    rec = select(req, load_priced_catalog(None), today=TODAY)
    return {
        "primary": rec.primary.id if rec.primary else None,
        "fallback": rec.fallback.id if rec.fallback else None,
        "shortlist": [c.id for c in rec.shortlist],
        "primary_cost_per_request_usd": round(rec.primary.cost_per_request_usd, 8) if rec.primary else None,
        "candidates": len(rec.candidates),
        "rejection_counts": rec.rejection_counts,
    }


def _current() -> dict[str, object]:
    return {
        "genai_prices": genai_prices.__version__,
        "scenarios": {name: _summary(Requirements(**req)) for name, req in SCENARIOS.items()},
    }


def test_golden_selections_on_the_bundled_snapshot():
    current = _current()
    if os.environ.get("LLMENG_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    assert current["genai_prices"] == golden["genai_prices"], (
        "prices changed: regenerate and review the golden"
    )
    for name in SCENARIOS:
        assert current["scenarios"][name] == golden["scenarios"][name], name


@pytest.mark.parametrize("name", ["support-bot", "hard-coding"])
def test_golden_scenarios_pick_different_providers(name):
    golden = json.loads(GOLDEN.read_text())["scenarios"][name]
    assert golden["primary"].split("/")[0] != golden["fallback"].split("/")[0]
