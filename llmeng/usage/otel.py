"""OpenTelemetry GenAI spans in OTLP JSON (the collector's file exporter writes one request per line)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from llmeng.usage.providers import provider_id
from llmeng.usage.records import UsageRecord, count, epoch_ns, tokens

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


def _otel_attrs(items: Any) -> dict[str, Any]:
    """key -> value of OTLP attributes. An AnyValue holds one field (stringValue, intValue, ...); arrays and
    maps come through as dicts and are left out of the grouping attributes."""
    return {a["key"]: v for a in items or () for v in a["value"].values()}


def _otel_span(span: Mapping[str, Any], resource: Mapping[str, Any]) -> UsageRecord | None:
    a = _otel_attrs(span.get("attributes"))
    model = a.get("gen_ai.response.model") or a.get("gen_ai.request.model")
    total_in = a.get("gen_ai.usage.input_tokens", a.get("gen_ai.usage.prompt_tokens"))
    out = a.get("gen_ai.usage.output_tokens", a.get("gen_ai.usage.completion_tokens"))
    if model is None or (total_in is None and out is None):
        return None  # not an LLM call (or not instrumented with usage)
    reasoning = a.get("gen_ai.usage.reasoning.output_tokens", a.get("gen_ai.usage.output_tokens.reasoning"))
    attrs = {k: v if type(v) is str else str(v) for k, v in resource.items() if not isinstance(v, dict)}
    attrs.update(
        {
            k: v if type(v) is str else str(v)
            for k, v in a.items()
            if k not in OTEL_SKIP and not isinstance(v, dict)
        }
    )
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
