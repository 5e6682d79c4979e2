"""Readers: one JSON value from a log -> usage records. Each format's field names are documented in
docs/usage.md; a value that is not a usage record (an OTel span without gen_ai usage, a Langfuse SPAN) gives none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from llmeng.usage.records import RecordError, UsageRecord, count, epoch_ns, epoch_s, iso, scalar_attrs, tokens

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
# OTel span attributes that are the usage itself, or unique per call: not grouping dimensions.
OTEL_SKIP = frozenset(
    {
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.provider.name",
        "gen_ai.system",
        "gen_ai.response.id",
        "gen_ai.response.finish_reasons",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.prompt_tokens",
        "gen_ai.usage.completion_tokens",
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.reasoning.output_tokens",
        "gen_ai.usage.output_tokens.reasoning",
    }
)
Reader = Callable[[Any], Iterator[UsageRecord]]


def provider_id(name: Any) -> str | None:
    if not name:
        return None
    key = str(name).lower()
    return PROVIDERS.get(key, key)


def _otel_attrs(items: Any) -> dict[str, Any]:
    """key -> value of OTLP attributes; an AnyValue holds one field (stringValue, intValue, ...)."""
    out = {}
    for a in items or ():
        value = next(iter(a["value"].values()), None) if a.get("value") else None
        if not isinstance(value, dict | list):  # arrays, maps: not grouping values
            out[a["key"]] = value
    return out


def _otel_span(span: Mapping[str, Any], resource: Mapping[str, Any]) -> UsageRecord | None:
    a = _otel_attrs(span.get("attributes"))
    model = a.get("gen_ai.response.model") or a.get("gen_ai.request.model")
    total_in = a.get("gen_ai.usage.input_tokens", a.get("gen_ai.usage.prompt_tokens"))
    out = a.get("gen_ai.usage.output_tokens", a.get("gen_ai.usage.completion_tokens"))
    if model is None or (total_in is None and out is None):
        return None  # not an LLM call (or not instrumented with usage)
    reasoning = a.get("gen_ai.usage.reasoning.output_tokens", a.get("gen_ai.usage.output_tokens.reasoning"))
    attrs = {k: str(v) for k, v in resource.items() if v is not None}
    attrs.update({k: str(v) for k, v in a.items() if v is not None and k not in OTEL_SKIP})
    attrs["span.name"] = str(span.get("name", ""))
    return UsageRecord(
        provider=provider_id(a.get("gen_ai.provider.name") or a.get("gen_ai.system")),
        model=str(model),
        when=epoch_ns(span.get("startTimeUnixNano")),
        tokens=tokens(
            total_in=count(total_in, "gen_ai.usage.input_tokens"),
            cache_read=count(
                a.get("gen_ai.usage.cache_read.input_tokens"), "gen_ai.usage.cache_read.input_tokens"
            ),
            cache_write=count(
                a.get("gen_ai.usage.cache_creation.input_tokens"), "gen_ai.usage.cache_creation.input_tokens"
            ),
            out=count(out, "gen_ai.usage.output_tokens"),
            reasoning=count(reasoning, "gen_ai.usage.reasoning.output_tokens"),
        ),
        attrs=attrs,
    )


def otel(doc: Any) -> Iterator[UsageRecord]:
    """An OTLP JSON ExportTraceServiceRequest (a line of the collector's file exporter), or one ResourceSpans."""
    groups = doc.get("resourceSpans") if "resourceSpans" in doc else [doc]
    for group in groups or ():
        resource = _otel_attrs((group.get("resource") or {}).get("attributes"))
        for scope in group.get("scopeSpans") or group.get("instrumentationLibrarySpans") or ():
            for span in scope.get("spans") or ():
                rec = _otel_span(span, resource)
                if rec is not None:
                    yield rec


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
