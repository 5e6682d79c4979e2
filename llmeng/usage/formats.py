"""Readers: one JSON value from a log -> usage records. Each format's field names are documented in
docs/usage.md; a value that is not a usage record (an OTel span without gen_ai usage, a Langfuse SPAN) gives none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from llmeng.usage.otel import otel
from llmeng.usage.providers import provider_id
from llmeng.usage.records import RecordError, UsageRecord, count, epoch_s, iso, scalar_attrs, tokens

Reader = Callable[[Any], Iterator[UsageRecord]]


def _maybe_json(value: Any) -> Any:
    # LiteLLM's database export keeps metadata and tags as JSON text.
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def litellm(row: Any) -> Iterator[UsageRecord]:
    """One LiteLLM_SpendLogs row (GET /spend/logs, or a database export)."""
    meta = _maybe_json(row.get("metadata")) or {}
    usage = meta.get("usage_object") or {} if isinstance(meta, dict) else {}
    details = usage.get("prompt_tokens_details") or {}
    out_details = usage.get("completion_tokens_details") or {}
    cached = details.get("cached_tokens") or usage.get("cache_read_input_tokens")
    attrs = scalar_attrs(
        {k: row.get(k) for k in ("user", "end_user", "team_id", "model_group", "call_type", "status")}
    )
    if isinstance(meta, dict):
        for key in ("user_api_key_alias", "user_api_key_team_alias"):
            if meta.get(key):
                attrs[f"metadata.{key}"] = str(meta[key])
        attrs.update(scalar_attrs(meta.get("spend_logs_metadata") or {}, prefix="metadata."))
    tags = _maybe_json(row.get("request_tags"))
    if tags:
        attrs["tags"] = ",".join(sorted(map(str, tags))) if isinstance(tags, list) else str(tags)
    if str(row.get("cache_hit")).lower() == "true":
        return  # answered from LiteLLM's own cache: no provider call, nothing billed
    yield UsageRecord(
        provider=provider_id(row.get("custom_llm_provider")),
        model=row.get("model") or row.get("model_group"),
        when=iso(row.get("startTime")),
        tokens=tokens(
            total_in=count(row.get("prompt_tokens"), "prompt_tokens"),
            cache_read=count(cached, "cached_tokens"),
            cache_write=count(usage.get("cache_creation_input_tokens"), "cache_creation_input_tokens"),
            out=count(row.get("completion_tokens"), "completion_tokens"),
            reasoning=count(out_details.get("reasoning_tokens"), "reasoning_tokens"),
        ),
        attrs=attrs,
    )


def _get(row: Any, *names: str) -> Any:
    return next((row[n] for n in names if row.get(n) is not None), None)


def langfuse(obs: Any) -> Iterator[UsageRecord]:
    """One Langfuse observation (public API: camelCase; blob export: snake_case). Only GENERATIONs cost."""
    if str(obs.get("type", "GENERATION")).upper() != "GENERATION":
        return
    details = _get(obs, "usageDetails", "usage_details", "usage") or {}
    # Langfuse splits the input into disjoint parts (input, input_cached_tokens, cache_creation_...): sum them.
    parts = {k: count(v, f"usage_details.{k}") for k, v in details.items() if k not in ("total", "unit")}
    cache_read = sum(v for k, v in parts.items() if "cache_read" in k or "cached" in k)
    cache_write = sum(v for k, v in parts.items() if "cache_creation" in k or "cache_write" in k)
    total_in = sum(v for k, v in parts.items() if k.startswith(("input", "cache")))
    out = sum(v for k, v in parts.items() if k.startswith("output") and "reasoning" not in k)
    reasoning = sum(v for k, v in parts.items() if "reasoning" in k)
    model = _get(obs, "model", "providedModelName", "provided_model_name")
    if model is None or not parts:
        return
    attrs = scalar_attrs(
        {
            "name": obs.get("name"),
            "environment": obs.get("environment"),
            "user_id": _get(obs, "userId", "user_id"),
            "session_id": _get(obs, "sessionId", "session_id"),
            "prompt_name": _get(obs, "promptName", "prompt_name"),
        }
    )
    meta = _maybe_json(obs.get("metadata"))
    if isinstance(meta, dict):
        attrs.update(scalar_attrs(meta, prefix="metadata."))
    yield UsageRecord(
        provider=None,
        model=str(model),
        when=iso(_get(obs, "startTime", "start_time")),
        # Langfuse's output excludes nothing: reasoning is a separate part, so it is added to the output total.
        tokens=tokens(
            total_in=total_in,
            cache_read=cache_read,
            cache_write=cache_write,
            out=out + reasoning,
            reasoning=reasoning,
        ),
        attrs=attrs,
    )


def openai(resp: Any) -> Iterator[UsageRecord]:
    """A raw OpenAI response: Chat Completions (`usage.prompt_tokens`) or Responses (`usage.input_tokens`)."""
    usage = resp.get("usage") or {}
    if "prompt_tokens" in usage:
        total_in, out = usage.get("prompt_tokens"), usage.get("completion_tokens")
        in_d, out_d = usage.get("prompt_tokens_details") or {}, usage.get("completion_tokens_details") or {}
    else:
        total_in, out = usage.get("input_tokens"), usage.get("output_tokens")
        in_d, out_d = usage.get("input_tokens_details") or {}, usage.get("output_tokens_details") or {}
    yield UsageRecord(
        provider="openai",
        model=resp.get("model"),
        when=epoch_s(resp.get("created") or resp.get("created_at")),
        tokens=tokens(
            total_in=count(total_in, "usage.input_tokens"),
            cache_read=count(in_d.get("cached_tokens"), "cached_tokens"),
            cache_write=0,
            out=count(out, "usage.output_tokens"),
            reasoning=count(out_d.get("reasoning_tokens"), "reasoning_tokens"),
        ),
        attrs=scalar_attrs(resp.get("metadata") or {}, prefix="metadata.")
        | scalar_attrs({"service_tier": resp.get("service_tier")}),
    )


def anthropic(resp: Any) -> Iterator[UsageRecord]:
    """A raw Anthropic Messages response; its input_tokens exclude cache reads and writes, so they are added."""
    usage = resp.get("usage") or {}
    read = count(usage.get("cache_read_input_tokens"), "usage.cache_read_input_tokens")
    write = count(usage.get("cache_creation_input_tokens"), "usage.cache_creation_input_tokens")
    yield UsageRecord(
        provider="anthropic",
        model=resp.get("model"),
        when=None,  # Messages responses carry no time
        tokens=tokens(
            total_in=count(usage.get("input_tokens"), "usage.input_tokens") + read + write,
            cache_read=read,
            cache_write=write,
            out=count(usage.get("output_tokens"), "usage.output_tokens"),
            reasoning=0,
        ),
        attrs=scalar_attrs({"service_tier": usage.get("service_tier")}),
    )


READERS: dict[str, Reader] = {
    "otel": otel,
    "litellm": litellm,
    "langfuse": langfuse,
    "openai": openai,
    "anthropic": anthropic,
}


def detect(value: Any) -> str:
    """The format of one parsed record, from the keys only that format has."""
    if not isinstance(value, dict):
        raise RecordError(f"expected a JSON object, found {type(value).__name__}")
    if "resourceSpans" in value or "scopeSpans" in value:
        return "otel"
    if "request_id" in value and ("spend" in value or "call_type" in value):
        return "litellm"
    if any(k in value for k in ("usageDetails", "usage_details", "traceId", "trace_id")):
        return "langfuse"
    if value.get("object") in ("chat.completion", "response") or "prompt_tokens" in (
        value.get("usage") or {}
    ):
        return "openai"
    if value.get("type") == "message" and "usage" in value:
        return "anthropic"
    keys = ", ".join(sorted(value)[:8])
    raise RecordError(f"not a usage record llmeng knows (keys: {keys})")
