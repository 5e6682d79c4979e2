"""The bundled data keeps its promises: attributed, dated rows; every curated id resolves in both catalogs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from llmeng.models.catalog import ARENA_FILE, DATA_DIR, LIMITS_FILE, QUALITY_MAP_FILE, load_catalog
from llmeng.models.derive import MODES, PROVIDERS
from llmeng.models.prices import attach_prices
from llmeng.models.quality import load_quality_map
from llmeng.models.sources import source_ages

QMAP = load_quality_map(DATA_DIR / QUALITY_MAP_FILE)
ARENA = json.loads((DATA_DIR / ARENA_FILE).read_text())
LIMITS = json.loads((DATA_DIR / LIMITS_FILE).read_text())
CATALOG = load_catalog()


def test_every_quality_row_has_a_source_and_a_date():
    for row in ARENA["rows"]:
        assert row["source"].startswith("Arena"), row
        assert "CC BY 4.0" in row["source"]
        date.fromisoformat(row["as_of"])
        assert row["ci_lo"] <= row["rating"] <= row["ci_hi"], row


def test_snapshots_are_attributed_and_dated():
    for payload in (ARENA, LIMITS):
        date.fromisoformat(payload["as_of"])
        assert payload["source"]["version"] and payload["source"]["license"] and payload["source"]["sha256"]
    assert "changes" in ARENA["source"]  # CC BY 4.0: state the changes


def test_every_mapped_id_exists_in_the_catalog():
    missing = [i for entry in QMAP.ratings for i in entry.ids if CATALOG.get(i) is None]
    assert missing == []


def test_every_mapped_arena_name_has_rows():
    rated = {row["arena"] for row in ARENA["rows"]}
    assert [e.arena for e in QMAP.ratings if e.arena not in rated] == []


def test_no_id_is_mapped_twice():
    counts = Counter(i for entry in QMAP.ratings for i in entry.ids)
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_open_weights_row_resolves():
    ids = {m.id for m in CATALOG.models}
    for row in QMAP.open_weights:
        assert set(row.ids) <= ids, row
        for prefix in row.prefix:
            assert any(i.startswith(prefix) for i in ids), prefix


def test_mapped_models_are_mostly_priced_by_genai_prices():
    priced = attach_prices(CATALOG).prices
    mapped = {i for entry in QMAP.ratings for i in entry.ids}
    unpriced = sorted(mapped - set(priced))
    # A few (Mistral's newest, some Grok betas) are only in LiteLLM; more would mean a broken join.
    assert len(unpriced) <= len(mapped) // 10, unpriced


def test_limits_snapshot_holds_only_our_providers_and_modes():
    for key, entry in LIMITS["models"].items():
        assert entry["litellm_provider"] in PROVIDERS and entry["mode"] in MODES, key
        assert not key.startswith("ft:")


@pytest.mark.parametrize(("days", "warns"), [(0, False), (60, False), (61, True)])
def test_quality_age_warning_after_sixty_days(days, warns):
    quality = next(s for s in CATALOG.sources if s.kind == "quality")
    ages = source_ages((quality,), date.fromordinal(quality.as_of.toordinal() + days))
    assert (ages[0].warning is not None) == warns
