from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from llmeng.errors import LlmengError
from llmeng.models.catalog import DATA_DIR, build_catalog, load_catalog, lookup_model


def test_capability_flags_map_absent_to_unknown_not_false(catalog):
    flash = catalog.get("gemini/flash")
    assert flash.cap("tools") is True
    assert flash.cap("structured_output") is None
    assert flash.cap("vision") is None
    assert catalog.get("anthropic/notools").cap("tools") is False


def test_structured_output_accepts_either_litellm_flag(catalog):
    assert catalog.get("anthropic/mid").cap("structured_output") is True  # native flag only
    assert catalog.get("openai/small").cap("structured_output") is True  # response_schema only


def test_duplicate_litellm_keys_keep_the_prefixed_entry_and_alias_the_other(catalog):
    m = catalog.get("deepseek/open")
    assert m.max_input_tokens == 128000
    assert "open" in m.aliases
    assert lookup_model(catalog, "open").id == "deepseek/open"


@pytest.mark.parametrize(
    ("ref", "hint", "expected"),
    [
        ("big", None, "openai/big"),
        ("openai/big", None, "openai/big"),
        ("OPENAI/BIG", None, "openai/big"),
        ("big-2026-01-01", None, "openai/big-2026-01-01"),
        ("small-2025-05-05", None, "openai/small"),
        ("small-20250505", None, "openai/small"),
        ("flash", "gemini", "gemini/flash"),
        ("google/flash", None, "gemini/flash"),
        ("x-ai/unrated", None, "xai/unrated"),
        ("litellm_proxy/flash", "gemini", "gemini/flash"),
    ],
)
def test_lookup_model_resolves_aliases_prefixes_and_dated_ids(catalog, ref, hint, expected):
    assert lookup_model(catalog, ref, provider_hint=hint).id == expected


def test_lookup_model_returns_none_for_unknown_ids(catalog):
    assert lookup_model(catalog, "gpt-imaginary") is None
    assert lookup_model(catalog, "openai/flash") is None  # a known model under the wrong provider


def test_lookup_gives_the_audit_its_facts(catalog):
    old = lookup_model(catalog, "old")
    assert old.max_output_tokens == 4096
    assert old.deprecation_date == date(2026, 1, 1)


def test_ratings_join_through_the_curated_map(catalog):
    big = catalog.get("openai/big")
    assert big.rating("coding").rating == 1500.0
    assert big.rating("math").rating == 1480.0  # falls back to overall
    assert catalog.get("xai/unrated").rating("overall") is None
    assert catalog.get("anthropic/mid").quality_note == "only the high-effort variant is rated"


def test_open_weights_exact_id_beats_prefix_and_missing_is_unknown(catalog):
    assert catalog.get("deepseek/open").open_weights is True
    assert catalog.get("openai/small").open_weights is False
    assert catalog.get("xai/unrated").open_weights is None


def test_invalid_limits_entry_names_the_key(fixtures_dir):
    limits = json.loads((fixtures_dir / "limits.json").read_text())
    limits["models"]["big"]["max_input_tokens"] = -1
    arena = json.loads((fixtures_dir / "arena.json").read_text())
    with pytest.raises(LlmengError, match="'big'") as err:
        build_catalog(limits, arena, fixtures_dir / "quality_map.toml")
    assert "build_model_snapshots" in err.value.fix


def test_load_catalog_is_cached_and_has_the_bundled_sources():
    first = load_catalog()
    assert load_catalog() is first
    kinds = {s.kind: s for s in first.sources}
    assert kinds["limits"].version == "1.109.1"
    assert kinds["quality"].license.startswith("CC BY 4.0")
    assert len(first.models) > 200


def test_newer_cached_snapshot_wins_and_older_one_is_ignored(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    cache = tmp_path / "cache"
    cache.mkdir()
    payload = json.loads((DATA_DIR / "models_litellm.json").read_text())
    payload["models"] = {"gpt-cached": {"litellm_provider": "openai", "mode": "chat", "max_output_tokens": 7}}
    payload["as_of"] = "2099-01-01"
    (cache / "models_litellm.json").write_text(json.dumps(payload))
    newer = load_catalog(data_dir=data_dir, cache_dir=cache)
    assert [m.id for m in newer.models] == ["openai/gpt-cached"]
    assert {s.kind: s.origin for s in newer.sources}["limits"] == "cache"
    payload["as_of"] = "2000-01-01"
    old_cache = tmp_path / "old-cache"
    old_cache.mkdir()
    (old_cache / "models_litellm.json").write_text(json.dumps(payload))
    older = load_catalog(data_dir=data_dir, cache_dir=old_cache)
    assert lookup_model(older, "gpt-4o") is not None


def test_unreadable_snapshot_says_how_to_fix(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    (data_dir / "models_arena.json").write_text("{not json")
    with pytest.raises(LlmengError, match="quality snapshot") as err:
        load_catalog(data_dir=data_dir)
    assert "refresh" in err.value.fix


def test_snapshot_of_the_wrong_kind_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir)
    shutil.copy(DATA_DIR / "models_litellm.json", data_dir / "models_arena.json")
    with pytest.raises(LlmengError, match="expected a 'quality' snapshot"):
        load_catalog(data_dir=data_dir)


def test_undated_source_gets_a_warning():
    from llmeng.models.facts import SourceInfo
    from llmeng.models.sources import source_ages

    ages = source_ages((SourceInfo("prices", "genai-prices", "9.9.9", None, "MIT"),), date(2026, 11, 22))
    assert ages[0].age_days is None and "no known date" in ages[0].warning
