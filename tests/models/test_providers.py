from __future__ import annotations

from datetime import date

import pytest

from llmeng.errors import LlmengError
from llmeng.models.api import recommend
from llmeng.models.catalog import DATA_DIR
from llmeng.models.providers import ALIASES_FILE, load_aliases, resolve
from llmeng.models.requirements import Requirements

TABLE = load_aliases(DATA_DIR / ALIASES_FILE)
KNOWN = {"openai", "anthropic", "gemini", "xai", "deepseek", "mistral", "groq"}


@pytest.mark.parametrize(
    ("name", "providers"),
    [
        ("google", ("gemini",)),
        ("Gemini", ("gemini",)),
        ("vertex", ("anthropic", "gemini")),
        ("bedrock", ("anthropic", "deepseek", "mistral")),
        ("azure", ("openai",)),
        ("x-ai", ("xai",)),
    ],
)
def test_aliases_resolve_to_catalog_providers(name, providers):
    assert resolve([name], KNOWN, TABLE, option="--provider").providers == providers


def test_a_cloud_alias_says_how_it_is_priced():
    notes = resolve(["vertex"], KNOWN, TABLE, option="--provider").notes
    assert notes[0].startswith("--provider vertex means gemini, anthropic") and "list prices" in notes[0]
    assert resolve(["openai"], KNOWN, TABLE, option="--provider").notes == ()


def test_an_unknown_provider_is_an_error_with_did_you_mean():
    with pytest.raises(LlmengError, match="did you mean google") as e:
        resolve(["googel"], KNOWN, TABLE, option="--provider")
    assert "vertex" in e.value.fix
    with pytest.raises(LlmengError) as e:
        resolve(["zzzz"], KNOWN, TABLE, option="--exclude-provider")
    assert "did you mean" not in str(e.value) and "--exclude-provider 'zzzz'" in str(e.value)


def test_an_alias_with_no_provider_in_the_catalog_is_refused_not_widened_to_all():
    with pytest.raises(LlmengError, match="none of its providers"):
        resolve(["azure"], {"anthropic"}, TABLE, option="--provider")


def test_recommend_applies_aliases_and_reports_them():
    rec = recommend(Requirements(providers=["google"], exclude_providers=[]), today=date(2026, 11, 22))
    assert rec.requirements.providers == ["gemini"]
    assert {c.provider for c in rec.candidates} == {"gemini"}
    assert rec.notes == ["--provider google means gemini"]
