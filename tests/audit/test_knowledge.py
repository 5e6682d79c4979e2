"""SDK knowledge is data: it loads, indexes, validates, and applies version pins."""

from __future__ import annotations

import pytest

from llmeng.audit.knowledge import load_knowledge, parse_knowledge, version_tuple
from llmeng.errors import LlmengError

REQUIRED_SDKS = {
    "openai",
    "anthropic",
    "google_genai",
    "mistralai",
    "cohere",
    "groq",
    "ollama",
    "litellm",
    "litellm_router",
    "langchain_openai",
    "langchain_anthropic",
    "langchain_init",
    "llama_index_openai",
    "bedrock",
}


def test_shipped_knowledge_covers_the_sdks_the_issue_names():
    k = load_knowledge()
    assert REQUIRED_SDKS <= set(k.sdks)
    assert all(s in k.sdks for s in k.shapes.values())
    for sdk in k.sdks.values():
        assert sdk.source and sdk.provider
        # An in-process model (provider "local") resolves a receiver to "calls no provider".
        calls = sdk.methods or sdk.functions or sdk.http_functions or sdk.embedding_functions
        assert calls or sdk.provider == "local", sdk.key


def test_defaults_match_the_reference_table():
    s = load_knowledge().sdks
    assert (s["openai"].timeout_s, s["openai"].attempts) == (600.0, 3)
    assert s["langchain_openai"].no_default_timeout and s["google_genai"].no_default_timeout
    assert s["google_genai"].attempts == s["mistralai"].attempts == s["ollama"].attempts == 1
    assert s["llama_index_openai"].attempts == 12 and s["anthropic"].max_tokens_required


def test_indexes_resolve_constructors_functions_and_globs():
    k = load_knowledge()
    assert k.ctor_sdk("openai.AsyncAzureOpenAI") == "openai"
    assert k.ctor_sdk("langchain_nvidia_ai_endpoints.ChatNVIDIA") == "langchain_other"
    assert k.ctor_sdk("langchain_openai.ChatOpenAI") == "langchain_openai"
    assert k.ctor_sdk("myapp.ChatOpenAI") is None
    assert k.function_index["litellm.completion"] == "litellm"
    assert "litellm.embedding" in k.embedding_functions
    assert k.tails_by_last["create"][0] == ("beta", "chat", "completions", "parse") or len(
        k.tails_by_last["create"][0]
    ) >= len(k.tails_by_last["create"][-1])


def test_pins_apply_version_overrides_only_below_the_bound():
    k = load_knowledge()
    assert k.with_pins({"openai": "0.28.1"}).sdks["openai"].attempts == 1
    assert k.with_pins({"openai": "1.2.0"}).sdks["openai"].attempts == 3
    assert k.with_pins({"openai": "1.2.0"}).sdks["openai"].pinned == "openai==1.2.0"
    assert k.with_pins({}) is k


def test_version_tuple():
    assert version_tuple("1.10.2rc1") > version_tuple("1.9")
    assert version_tuple("0.28") < version_tuple("1.0.0")


def test_malformed_data_is_rejected_with_a_fix():
    with pytest.raises(LlmengError) as e:
        parse_knowledge('[sdk.x]\nsource = "s"\n')
    assert "sdk.x" in str(e.value) and e.value.fix
    with pytest.raises(LlmengError, match="unknown sdks"):
        parse_knowledge('[sdk.x]\nprovider = "p"\nsource = "s"\n[shapes]\n"a.b" = "y"\n')
