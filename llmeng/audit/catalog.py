"""The model catalog as the audit's ModelLookup: one source of model facts for LLM302-LLM304."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmeng.models.catalog import Catalog

# Audit provider names -> catalog providers. Clients of other providers (ollama, cohere, bedrock,
# raw HTTP) serve models the catalog does not list, so the lookup says nothing about them rather
# than calling every local model "unknown".
_CATALOG_PROVIDER = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "gemini",
    "mistral": "mistral",
    "groq": "groq",
    "xai": "xai",
    "deepseek": "deepseek",
}
# Routers name the provider in the model string (`anthropic/claude-...`), or mean OpenAI without one.
_ROUTERS = frozenset({"litellm", "langchain"})


@dataclass(frozen=True)
class CatalogFacts:
    known: bool
    max_output_tokens: int | None = None
    deprecation_date: date | None = None


class CatalogLookup:
    """(model id, audit provider) -> facts; None when the catalog cannot speak for that provider."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self._catalog = catalog

    def __call__(self, model_id: str, provider: str | None) -> CatalogFacts | None:
        from llmeng.models.catalog import lookup_model

        catalog = self._load()
        hint = self._provider(model_id, provider, catalog)
        if hint is None:
            return None
        facts = lookup_model(catalog, model_id, hint)
        if facts is None:
            return CatalogFacts(known=False)
        return CatalogFacts(
            known=True, max_output_tokens=facts.max_output_tokens, deprecation_date=facts.deprecation_date
        )

    def _load(self) -> Catalog:
        if self._catalog is None:
            from llmeng.models.catalog import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    @staticmethod
    def _provider(model_id: str, provider: str | None, catalog: Catalog) -> str | None:
        prefix, _, rest = model_id.partition("/")
        if provider in _ROUTERS:
            if not rest:
                return "openai"
            mapped = _CATALOG_PROVIDER.get(prefix.lower(), prefix.lower())
            return mapped if mapped in set(_CATALOG_PROVIDER.values()) else None
        return _CATALOG_PROVIDER.get(provider or "")
