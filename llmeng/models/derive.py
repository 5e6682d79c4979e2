"""Reduce upstream data (LiteLLM's model JSON, an Arena leaderboard export) to the snapshots we bundle.

Shared by `scripts/build_model_snapshots.py` (bundled data) and `llmeng models refresh` (user cache), so both
produce the same shape from the same rules.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from llmeng.errors import LlmengError

# LiteLLM provider ids we keep: the first-party APIs (and Groq for hosted open-weights models). Aggregators
# join poorly with genai-prices (model-data.md section 3), so they stay out until the join is curated.
PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "gemini", "xai", "deepseek", "mistral", "groq")
MODES: frozenset[str] = frozenset({"chat", "responses"})
FIELDS: tuple[str, ...] = (
    "litellm_provider",
    "mode",
    "max_input_tokens",
    "max_output_tokens",
    "max_tokens",
    "supports_function_calling",
    "supports_response_schema",
    "supports_native_structured_output",
    "supports_vision",
    "supports_pdf_input",
    "supports_audio_input",
    "supports_prompt_caching",
    "supports_reasoning",
    "deprecation_date",
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "source",
)
# Arena categories worth keeping for workload-level selection (ratings per task category).
ARENA_CATEGORIES: tuple[str, ...] = (
    "overall",
    "coding",
    "hard_prompts",
    "math",
    "creative_writing",
    "instruction_following",
    "longer_query",
)
# Refuse a refreshed LiteLLM file whose kept-entry count moved more than this (model-data.md section 2).
MAX_COUNT_DRIFT = 0.20


def reduce_litellm(raw: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the kept LiteLLM entries: our providers, chat modes, our fields, no fine-tune templates."""
    kept: dict[str, dict[str, Any]] = {}
    for key in sorted(raw):
        entry = raw[key]
        if not isinstance(entry, dict) or key.startswith("ft:"):
            continue
        if entry.get("litellm_provider") not in PROVIDERS or entry.get("mode") not in MODES:
            continue
        kept[key] = {name: entry[name] for name in FIELDS if entry.get(name) is not None}
    return kept


def check_litellm(kept: Mapping[str, Mapping[str, Any]], *, previous_count: int | None) -> None:
    """Raise LlmengError when a reduced LiteLLM file looks broken (empty, negative, count jump)."""
    if not kept:
        raise LlmengError(
            "the LiteLLM model file has no entries for our providers",
            "check the source URL; the old snapshot is kept",
        )
    for key, entry in kept.items():
        for name in (
            "max_input_tokens",
            "max_output_tokens",
            "input_cost_per_token",
            "output_cost_per_token",
        ):
            value = entry.get(name)
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise LlmengError(
                    f"LiteLLM entry {key!r} has an invalid {name}: {value!r}",
                    "check the source file; the old snapshot is kept",
                )
    if previous_count and abs(len(kept) - previous_count) > MAX_COUNT_DRIFT * previous_count:
        raise LlmengError(
            f"the LiteLLM model count moved from {previous_count} to {len(kept)} (over 20 %)",
            "inspect the new file; pass --force to accept it",
        )


def reduce_arena(
    raw: Mapping[str, Any], names: Collection[str], *, source: str, as_of: str
) -> list[dict[str, Any]]:
    """Return rating rows for the Arena names we map, from the `pages` export (`text/<category>` lists)."""
    pages = raw.get("pages")
    if not isinstance(pages, dict):
        raise LlmengError("the Arena export has no 'pages' table", "pass an Arena leaderboard export file")
    rows: list[dict[str, Any]] = []
    for category in ARENA_CATEGORIES:
        for item in pages.get(f"text/{category}", []):
            name, rating, lo, hi, votes = item[:5]
            if name in names:
                rows.append(
                    {
                        "arena": name,
                        "category": category,
                        "rating": round(rating, 1),
                        "ci_lo": round(lo, 1),
                        "ci_hi": round(hi, 1),
                        "votes": int(votes),
                        "source": f"{source} (text/{category})",
                        "as_of": as_of,
                    }
                )
    if not rows:
        raise LlmengError(
            "the Arena export has no rows for the mapped models",
            "check the file, or update llmeng/data/models_quality_map.toml",
        )
    return sorted(rows, key=lambda r: (r["arena"], r["category"]))
