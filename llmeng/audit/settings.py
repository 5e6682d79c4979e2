"""Effective settings of one LLM call: call kwargs over option layers over the constructor over defaults."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from llmeng.audit.detected import Detected
from llmeng.audit.knowledge import KwargPath, Sdk
from llmeng.audit.model import DEFAULT, ELSEWHERE, SET, UNKNOWN, Setting
from llmeng.audit.values import MISSING, Env, Val, fold, lookup

Layers = list[tuple[list[ast.keyword], Env, str]]

# litellm routes these model prefixes to native (non-OpenAI-SDK) handlers that do not retry.
_LITELLM_NATIVE = (
    "anthropic/",
    "claude",
    "gemini/",
    "vertex_ai/",
    "bedrock/",
    "ollama/",
    "ollama_chat/",
    "cohere/",
    "huggingface/",
    "replicate/",
    "mistral/",
)
_LIMIT_KWARGS = ("rate_limiter", "rpm", "tpm", "max_parallel_requests", "default_max_parallel_requests")
_LITELLM_OPENAI = ("openai/", "azure/", "gpt-", "o1", "o3", "o4", "chatgpt-", "text-davinci")


@dataclass(frozen=True)
class Resolved:
    timeout: Setting
    attempts: Setting
    max_tokens: Setting
    model: str | None
    retry_wrapper: str | None
    fallback: str | None
    rate_limit: str | None = None


def resolve_settings(det: Detected, env: Env) -> Resolved:
    """Merge call kwargs, option layers and constructor kwargs over the SDK defaults."""
    layers: Layers = [(det.node.keywords, env, "call")]
    layers += [(c.keywords, e, f"functools.partial at line {c.lineno}") for c, e in det.layers]
    client = det.client
    if client is not None:
        layers += [
            (c.keywords, e, f".{c.func.attr}() at line {c.lineno}")  # type: ignore[attr-defined]
            for c, e in client.layers
        ]
        if client.ctor is not None:
            layers.append((client.ctor.keywords, client.env, client.via))
    model = _model(det, layers)
    return Resolved(
        timeout=_timeout(det, layers),
        attempts=_attempts(det, layers, model),
        max_tokens=_max_tokens(det, layers),
        model=model,
        retry_wrapper=_retry_wrapper(det, layers),
        fallback=_fallback(det, layers),
        rate_limit=_rate_limit(det, layers),
    )


def _timeout(det: Detected, layers: Layers) -> Setting:
    found, unless = _first_found(det.sdk.timeout_paths, layers, transport=True, client_based=not det.implicit)
    if found is not None:
        path, val, where = found
        if not val.known or (val.value is not None and not _is_number(val.value)):
            return Setting(None, ELSEWHERE, f"{path.text} from {val.origin} ({where})")
        seconds = None if val.value is None else val.value / (1000 if path.kind == "ms" else 1)
        origin = f"{path.text}={val.value} ({where}, {val.origin})"
        return Setting(seconds, SET, origin, _either(val.unless, unless))
    if not _defaults_apply(det) or not det.sdk.default_timeout_known:
        return Setting(None, UNKNOWN, _unknown_reason(det))
    value = None if det.sdk.no_default_timeout else det.sdk.timeout_s
    source = _sdk_version(det.sdk, det.sdk.timeout_source)
    return Setting(value, DEFAULT, f"{det.sdk.key} default ({source})", unless)


def _attempts(det: Detected, layers: Layers, model: str | None) -> Setting:
    found, unless = _first_found(det.sdk.retry_paths, layers, transport=True, client_based=not det.implicit)
    if found is not None:
        path, val, where = found
        if path.kind == "present":
            if val.known and val.value is None:
                return _default_attempts(det, model, unless)
            return Setting(path.present_attempts, SET, f"{path.text} set ({where})")
        if not val.known or not _is_number(val.value):
            return Setting(None, ELSEWHERE, f"{path.text} from {val.origin} ({where})")
        attempts = val.value + (1 if path.kind == "retries" else 0)
        return Setting(attempts, SET, f"{path.text}={val.value} ({where})", _either(val.unless, unless))
    return _default_attempts(det, model, unless)


def _default_attempts(det: Detected, model: str | None, unless: str | None = None) -> Setting:
    if not _defaults_apply(det):
        return Setting(None, UNKNOWN, _unknown_reason(det))
    if det.sdk.key == "litellm":
        return replace(_litellm_attempts(model), unless=unless)
    if det.sdk.attempts is None:
        return Setting(None, UNKNOWN, f"{det.sdk.key}: default attempts depend on the provider")
    origin = f"{det.sdk.key} default ({_sdk_version(det.sdk, det.sdk.attempts_source)})"
    return Setting(det.sdk.attempts, DEFAULT, origin, unless)


def _retry_wrapper(det: Detected, layers: Layers) -> str | None:
    if det.client is not None and "with_retry" in det.client.modifiers:
        return f".with_retry() at line {det.client.modifiers['with_retry']}"
    if det.sdk.builtin_retry_wrapper:
        return f"{det.sdk.key} built-in retry decorator"
    if det.sdk.key == "litellm":
        found, _ = _first_found(det.sdk.retry_paths[:1], layers)
        if found and found[1].known and _is_number(found[1].value) and found[1].value > 0:
            return f"litellm num_retries={found[1].value} wrapper ({found[2]})"
    return None


def _first_found(
    paths: tuple[KwargPath, ...], layers: Layers, *, transport: bool = False, client_based: bool = False
) -> tuple[tuple[KwargPath, Val, str] | None, str | None]:
    """The first layer that sets one of `paths`, and what that is absent from could still set it.

    A setting absent from a layer (an opaque **kwargs, an env read without a default) falls through to
    the next layer as the code ships; the evidence names it: "unless `llm_kwargs` sets `timeout`".
    """
    unless: dict[str, str] = {}  # one note per place a setting may hide, for the first path it hides
    for keywords, env, where in layers:
        for path in paths:
            val = lookup(keywords, path.parts, env)
            # Per-call **params carry request options (model, messages, max_tokens); transport
            # settings live on the client, so an uninspected **params does not hide them.
            per_call = transport and where == "call" and client_based and val.origin.startswith("**")
            if per_call and not val.known:
                continue
            if val.absent:
                if val.unless:
                    unless.setdefault(val.origin, val.unless)
                continue
            if path.kind == "optional" and not val.known:
                continue
            if val is not MISSING:
                return (path, val, where), _either(*unless.values())
    return None, _either(*unless.values())


def _either(*notes: str | None) -> str | None:
    kept = list(dict.fromkeys(n for n in notes if n))
    return " or ".join(kept) if kept else None


def _max_tokens(det: Detected, layers: Layers) -> Setting:
    found, unless = _first_found(det.sdk.max_tokens_paths, layers)
    if found is None:
        if det.sdk.max_tokens_on_client and (det.client is None or det.client.ctor is None):
            return Setting(None, UNKNOWN, "set on a client built elsewhere")
        if det.sdk.max_tokens_default is not None:
            return Setting(
                det.sdk.max_tokens_default,
                DEFAULT,
                f"{det.sdk.key} default ({det.sdk.max_tokens_source})",
                unless,
            )
        return Setting(None, DEFAULT, "not set", unless)
    path, val, where = found
    if not val.known or (val.value is not None and not _is_number(val.value)):
        return Setting(None, ELSEWHERE, f"{path.text} from {val.origin} ({where})")
    return Setting(val.value, SET, f"{path.text}={val.value} ({where})", _either(val.unless, unless))


def _model(det: Detected, layers: Layers) -> str | None:
    if det.sdk.key == "litellm_router":
        return None  # Router model names are deployment-group aliases, not model ids.
    for keywords, env, _ in layers:
        for name in ("model", "model_name", "modelId", "model_id"):
            val = lookup(keywords, [name], env)
            if val is not MISSING:
                return val.value if val.known and isinstance(val.value, str) else None
    ctor = det.client.ctor if det.client else None
    if ctor is not None and ctor.args and det.sdk.key == "langchain_init":
        val = fold(ctor.args[0], det.client.env)  # type: ignore[union-attr]
        return val.value if val.known and isinstance(val.value, str) else None
    return None


def _fallback(det: Detected, layers: Layers) -> str | None:
    if det.client is not None and "with_fallbacks" in det.client.modifiers:
        return f".with_fallbacks() at line {det.client.modifiers['with_fallbacks']}"
    for keywords, _, where in layers:
        for kw in keywords:
            if kw.arg in det.sdk.fallback_kwargs:
                return f"{kw.arg}= ({where})"
    return None


def _rate_limit(det: Detected, layers: Layers) -> str | None:
    """An outbound limit built into the client: LangChain rate_limiter=, Router rpm/tpm, botocore adaptive."""
    for keywords, env, where in layers:
        for kw in keywords:
            if kw.arg in _LIMIT_KWARGS:
                val = fold(kw.value, env)
                if not val.absent and not (val.known and val.value is None):
                    return f"{kw.arg}= ({where})"
        mode = lookup(keywords, ["config", "retries", "mode"], env)
        if mode.known and mode.value == "adaptive":
            return f"botocore adaptive retry mode ({where})"
    ctor = det.client.ctor if det.client is not None else None
    if ctor is not None and det.sdk.key == "litellm_router":
        for node in ast.walk(ctor):
            if isinstance(node, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value in _LIMIT_KWARGS for k in node.keys
            ):
                return f"rpm/tpm in the Router's model_list ({det.client.via})"  # type: ignore[union-attr]
    return None


def _litellm_attempts(model: str | None) -> Setting:
    if model is None:
        return Setting(None, UNKNOWN, "litellm: attempts depend on the provider behind the model")
    if model.startswith(_LITELLM_NATIVE):
        return Setting(1, DEFAULT, f"litellm native handler for {model!r} does not retry")
    if model.startswith(_LITELLM_OPENAI):
        return Setting(3, DEFAULT, f"litellm routes {model!r} through the OpenAI SDK (2 retries)")
    return Setting(None, UNKNOWN, f"litellm: provider of {model!r} not known")


def _defaults_apply(det: Detected) -> bool:
    return det.implicit or (det.client is not None and det.client.ctor is not None)


def _unknown_reason(det: Detected) -> str:
    if det.client is None:
        return "client not resolved (matched by call shape)"
    return f"client built elsewhere ({det.client.via})"


def _sdk_version(sdk: Sdk, read_at: str = "") -> str:
    """The project's pin of the SDK, else where the default was read (a wheel's file:line), else its source."""
    return sdk.pinned or read_at or sdk.source.split(" (")[0]


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)
