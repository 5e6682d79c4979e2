"""Project-wide signals: circuit breakers, rate limiters, PII filters, tracing, caches, litellm globals."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from llmeng.audit.model import ELSEWHERE, SET, Setting
from llmeng.audit.scope import ModuleScope
from llmeng.audit.values import Env, fold

# signal -> import prefixes that provide it (llm-sdk-defaults.md section 5)
_IMPORTS: Mapping[str, tuple[str, ...]] = {
    "breaker": ("pybreaker", "circuitbreaker", "aiobreaker", "purgatory"),
    "ratelimit": ("aiolimiter", "pyrate_limiter", "ratelimit", "limits", "ratelimiter", "token_bucket",
                  "langchain_core.rate_limiters"),
    "pii": ("presidio_analyzer", "presidio_anonymizer", "llm_guard", "scrubadub",
            "langchain_experimental.data_anonymizer", "google.cloud.dlp", "piiranha"),
    "observability": ("langfuse", "langsmith", "opentelemetry", "traceloop", "logfire", "phoenix",
                      "openinference", "helicone", "mlflow", "weave", "agentops", "braintrust", "ddtrace",
                      "openlit", "promptlayer", "lunary", "arize", "sentry_sdk", "portkey_ai"),
}
_CALLS: Mapping[str, tuple[str, ...]] = {
    "ratelimit": ("asyncio.Semaphore", "asyncio.BoundedSemaphore", "threading.Semaphore",
                  "threading.BoundedSemaphore", "InMemoryRateLimiter"),
    "pii": ("detect_pii_entities", "deidentify_content", "PresidioAnonymizer"),
    "cache": ("set_llm_cache", "langchain.globals.set_llm_cache", "langchain_core.globals.set_llm_cache"),
}
_KWARGS: Mapping[str, tuple[str, ...]] = {
    "ratelimit": ("rate_limiter", "rpm", "tpm", "max_parallel_requests"),
    "observability": ("callbacks", "success_callback"),
    "breaker": ("allowed_fails", "cooldown_time"),
}
_INBOUND = ("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit")
_LITELLM_GLOBALS = ("litellm.request_timeout", "litellm.num_retries", "litellm.fallbacks", "litellm.cache",
                    "litellm.success_callback", "litellm.callbacks")
_USAGE_ATTRS = ("usage", "prompt_tokens", "completion_tokens", "total_tokens", "input_tokens", "output_tokens",
                "usage_metadata")


def collect(tree: ast.Module, scope: ModuleScope, path: str) -> tuple[dict[str, str], dict[str, Setting]]:
    """Signals found in one file (name -> where), and litellm globals assigned in it."""
    found: dict[str, str] = {}
    litellm: dict[str, Setting] = {}

    def note(kind: str, line: int, what: str) -> None:
        found.setdefault(kind, f"{path}:{line} {what}")

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _import_signals(node, note)
        elif isinstance(node, ast.Call):
            _call_signals(node, scope, note)
        elif isinstance(node, ast.Assign):
            _assign_signals(node, scope, path, note, litellm)
        elif isinstance(node, ast.Attribute) and node.attr in _USAGE_ATTRS:
            note("usage", node.lineno, f"reads .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "helicone.ai" in node.value:
            note("observability", node.lineno, "Helicone proxy URL")
        elif isinstance(node, ast.ClassDef) and "breaker" in node.name.lower():
            note("breaker", node.lineno, f"class {node.name}")
        elif isinstance(node, ast.ClassDef) and "ratelimit" in node.name.lower().replace("_", ""):
            note("ratelimit", node.lineno, f"class {node.name}")
    return found, litellm


def _call_signals(node: ast.Call, scope: ModuleScope, note: object) -> None:
    name = scope.dotted(node.func) or ""
    for kind, names in _CALLS.items():
        if name in names or name.rsplit(".", 1)[-1] in names:
            note(kind, node.lineno, f"{name}()")  # type: ignore[operator]
    for kw in node.keywords:
        for kind, kwargs in _KWARGS.items():
            if kw.arg in kwargs and not (isinstance(kw.value, ast.Constant) and kw.value.value in (None, 0)):
                if not (isinstance(kw.value, ast.List) and not kw.value.elts):
                    note(kind, node.lineno, f"{kw.arg}= on {name or 'a call'}()")  # type: ignore[operator]
    if "mode" in ast.unparse(node) and "adaptive" in ast.unparse(node) and name.endswith("Config"):
        note("ratelimit", node.lineno, "botocore retries mode 'adaptive'")  # type: ignore[operator]


def _assign_signals(node: ast.Assign, scope: ModuleScope, path: str, note: object,
                    litellm: dict[str, Setting]) -> None:
    for target in node.targets:
        name = scope.dotted(target) if isinstance(target, ast.Attribute) else None
        if name not in _LITELLM_GLOBALS:
            continue
        if name in ("litellm.success_callback", "litellm.callbacks"):
            note("observability", node.lineno, f"{name} = ...")  # type: ignore[operator]
        elif name == "litellm.fallbacks":
            note("litellm.fallbacks", node.lineno, "litellm.fallbacks = ...")  # type: ignore[operator]
        elif name == "litellm.cache":
            note("cache", node.lineno, "litellm.cache = ...")  # type: ignore[operator]
        else:
            val = fold(node.value, Env(scope, None))
            state, value = (SET, val.value) if val.known else (ELSEWHERE, None)
            litellm[name] = Setting(value, state, f"{name} at {path}:{node.lineno} ({val.origin})")


def _import_signals(node: ast.Import | ast.ImportFrom, note: object) -> None:
    modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
    for target in modules:
        for kind, prefixes in _IMPORTS.items():
            if target.split(".")[0] in prefixes or target.startswith(prefixes):
                note(kind, node.lineno, f"import {target}")  # type: ignore[operator]
        if target.split(".")[0] in _INBOUND:
            note("inbound-ratelimit", node.lineno, f"import {target} (inbound limit only)")  # type: ignore[operator]
