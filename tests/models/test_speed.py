from __future__ import annotations

import pytest

from llmeng.errors import LlmengError
from llmeng.models.speed import load_speed


def test_speed_rows_attach_by_id_or_alias(catalog, fixtures_dir):
    with_speed = load_speed(fixtures_dir / "speed.toml", catalog)
    assert with_speed.speed["openai/small"].tokens_per_s == 100
    assert with_speed.speed["anthropic/mid"].ttft_s == 1.0
    assert catalog.speed == {}  # the original catalog is unchanged


def test_unknown_model_in_speed_file_is_an_error_not_skipped(catalog, fixtures_dir):
    with pytest.raises(LlmengError, match="not-in-the-catalog") as err:
        load_speed(fixtures_dir / "speed_unknown_model.toml", catalog)
    assert "llmeng models list" in err.value.fix


def test_invalid_speed_row_names_the_fields(catalog, tmp_path):
    bad = tmp_path / "speed.toml"
    bad.write_text('[[speed]]\nmodel = "openai/small"\ntokens_per_s = 0\n')
    with pytest.raises(LlmengError, match="invalid speed file") as err:
        load_speed(bad, catalog)
    assert "ttft_s" in err.value.fix
