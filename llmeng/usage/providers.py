"""Provider names as logs write them -> genai-prices provider ids."""

from __future__ import annotations

from typing import Any

# Provider names as OpenTelemetry (gen_ai.provider.name / gen_ai.system) and LiteLLM (custom_llm_provider)
# write them -> genai-prices provider ids. An unlisted name is passed through as is.
PROVIDERS: dict[str, str] = {
    "gcp.gemini": "google",
    "gcp.vertex_ai": "google",
    "gcp.gen_ai": "google",
    "gemini": "google",
    "vertex_ai": "google",
    "vertex_ai_beta": "google",
    "aws.bedrock": "aws",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "azure.ai.openai": "azure",
    "az.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "azure_ai": "azure",
    "x_ai": "x-ai",
    "xai": "x-ai",
    "mistral_ai": "mistral",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
}


def provider_id(name: Any) -> str | None:
    if not name:
        return None
    key = str(name).lower()
    return PROVIDERS.get(key, key)
