from __future__ import annotations

import pytest

from llmeng.errors import LlmengError
from llmeng.models.quality import load_quality_map, open_weights_for, parse_arena_rows

HEADER = 'schema = 1\nas_of = 2026-11-01\nsource = "t"\n'


def test_open_weights_row_needs_ids_or_prefix(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text(
        HEADER + '[[rating]]\narena = "a"\nids = ["x/a"]\n'
        '[[open_weights]]\nopen = true\nsource = "s"\nas_of = 2026-11-01\n'
    )
    with pytest.raises(LlmengError, match="needs `ids` or `prefix`") as err:
        load_quality_map(path)
    assert str(path) in str(err.value)


def test_unknown_keys_in_the_map_are_refused(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text(HEADER + '[[rating]]\narena = "a"\nids = ["x/a"]\nrating = 1500\nopen_weights = []\n')
    with pytest.raises(LlmengError, match="invalid quality map"):
        load_quality_map(path)


def test_arena_row_without_source_is_refused():
    row = {
        "arena": "a",
        "category": "overall",
        "rating": 1400,
        "ci_lo": 1,
        "ci_hi": 2,
        "votes": 1,
        "source": "",
        "as_of": "2026-01-01",
    }
    with pytest.raises(LlmengError, match="invalid Arena row"):
        parse_arena_rows([row], where="test.json")


def test_longest_prefix_wins(fixtures_dir):
    rows = load_quality_map(fixtures_dir / "quality_map.toml").open_weights
    row = open_weights_for("deepseek/open", rows)
    assert (row.open, row.source, row.hosted_as) == (True, "fixture", ["deepseek-ai"])
    assert open_weights_for("openai/small", rows).open is False
    assert open_weights_for("mistral/x", rows) is None
