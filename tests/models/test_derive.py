from __future__ import annotations

import pytest

from llmeng.errors import LlmengError
from llmeng.models.derive import check_litellm, reduce_arena, reduce_litellm


def test_reduce_litellm_keeps_our_providers_chat_modes_and_fields_only():
    raw = {
        "sample_spec": "not a dict entry",
        "gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 10, "rpm": 5},
        "ft:gpt-x": {"litellm_provider": "openai", "mode": "chat"},
        "emb": {"litellm_provider": "openai", "mode": "embedding"},
        "together/m": {"litellm_provider": "together_ai", "mode": "chat"},
        "claude-y": {"litellm_provider": "anthropic", "mode": "chat", "supports_vision": None},
    }
    assert reduce_litellm(raw) == {
        "claude-y": {"litellm_provider": "anthropic", "mode": "chat"},
        "gpt-x": {"litellm_provider": "openai", "mode": "chat", "max_input_tokens": 10},
    }


@pytest.mark.parametrize(
    ("kept", "message"),
    [
        ({}, "no entries"),
        ({"m": {"max_input_tokens": -1}}, "invalid max_input_tokens"),
        ({"m": {"input_cost_per_token": "free"}}, "invalid input_cost_per_token"),
    ],
)
def test_check_litellm_refuses_broken_files(kept, message):
    with pytest.raises(LlmengError, match=message):
        check_litellm(kept, previous_count=None)


def test_check_litellm_allows_drift_up_to_twenty_percent():
    kept = {str(i): {} for i in range(80)}
    check_litellm(kept, previous_count=100)
    with pytest.raises(LlmengError, match="over 20 %"):
        check_litellm(kept, previous_count=101)


def test_reduce_arena_keeps_mapped_names_with_source_and_date():
    raw = {
        "pages": {
            "text/overall": [["a", 1400.04, 1390.0, 1410.0, 99, 1.0, 2.0], ["b", 1300, 1290, 1310, 5]],
            "vision/overall": [["a", 1, 1, 1, 1]],
        }
    }
    rows = reduce_arena(raw, {"a"}, source="Arena, CC BY 4.0", as_of="2026-10-05")
    assert rows == [
        {
            "arena": "a",
            "category": "overall",
            "rating": 1400.0,
            "ci_lo": 1390.0,
            "ci_hi": 1410.0,
            "votes": 99,
            "source": "Arena, CC BY 4.0 (text/overall)",
            "as_of": "2026-10-05",
        }
    ]


@pytest.mark.parametrize("raw", [{}, {"pages": {"text/overall": [["zzz", 1, 1, 1, 1]]}}])
def test_reduce_arena_refuses_exports_without_usable_rows(raw):
    with pytest.raises(LlmengError):
        reduce_arena(raw, {"a"}, source="s", as_of="2026-01-01")
