"""Project-wide signals read from source text: breakers, rate limiters, PII filters, tracing, caches.

Text patterns, not the tree: these are imports, keyword arguments and module globals, and reading them
this way costs no parse for the many files that hold no LLM call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping

from llmeng.audit.model import ELSEWHERE, SET, Setting
from llmeng.audit.scope import ModuleScope
from llmeng.audit.values import Env, fold


def _imports(*modules: str) -> str:
    return r"^[ \t]*(?:from|import)[ \t]+(?:" + "|".join(re.escape(m) for m in modules) + r")\b"


# Tracing and observability libraries: importing one counts as tracing the project's LLM calls.
_TRACING_MODULES = (
    "langfuse",
    "langsmith",
    "opentelemetry",
    "traceloop",
    "logfire",
    "phoenix",
    "openinference",
    "helicone",
    "mlflow",
    "weave",
    "agentops",
    "braintrust",
    "ddtrace",
    "openlit",
    "promptlayer",
    "lunary",
    "arize",
    "sentry_sdk",
    "portkey_ai",
)

# signal -> pattern (llm-sdk-defaults.md section 5). The first match is the evidence.
_PATTERNS: Mapping[str, re.Pattern[str]] = {
    k: re.compile(v, re.MULTILINE)
    for k, v in {
        "breaker": _imports("pybreaker", "circuitbreaker", "aiobreaker", "purgatory")
        + r"|\b(?:allowed_fails|cooldown_time)\s*=[^=]|^[ \t]*class[ \t]+\w*Breaker\s*[(:]",
        # A litellm Router is an LLM client with per-deployment cooldowns (a breaker) built in: every
        # call through it is guarded, so building one connects the breaker to LLM calls.
        "router": r"\blitellm\.(?:router\.)?Router\(|^[ \t]*from[ \t]+litellm(?:\.router)?[ \t]+import[^\n]*\bRouter\b",
        "ratelimit": _imports(
            "aiolimiter",
            "pyrate_limiter",
            "ratelimit",
            "limits",
            "ratelimiter",
            "token_bucket",
            "langchain_core.rate_limiters",
        )
        + r"|InMemoryRateLimiter\(|\b(?:rate_limiter|rpm|tpm|max_parallel_requests)\s*=[^=]"
        + r"|[\"']mode[\"']\s*:\s*[\"']adaptive[\"']",
        # A semaphore is a weak limiter: analyse.py counts it only in a file that makes LLM calls.
        "semaphore": r"\b(?:asyncio|threading)\.(?:Bounded)?Semaphore\(",
        "pii": _imports(
            "presidio_analyzer",
            "presidio_anonymizer",
            "llm_guard",
            "scrubadub",
            "langchain_experimental.data_anonymizer",
            "google.cloud.dlp",
        )
        + r"|\b(?:detect_pii_entities|deidentify_content|PresidioAnonymizer)\b",
        "observability": _imports(*_TRACING_MODULES)
        + r"|helicone\.ai|\blitellm\.(?:success_callback|callbacks)\s*=[^=]",
        "usage": r"\.(?:usage|prompt_tokens|completion_tokens|total_tokens|input_tokens|output_tokens|"
        r"usage_metadata)\b|\[[\"']usage[\"']\]|\b(?:completion_cost|cost_callback)\b",
        "cache": r"\bset_llm_cache\(|\blitellm\.cache\s*=[^=]",
        "litellm.fallbacks": r"\blitellm\.fallbacks\s*=[^=]",
        "inbound-ratelimit": _imports("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit"),
    }.items()
}
# Literal substrings, one of which must be present before a pattern is worth running.
_NEEDLES: Mapping[str, tuple[str, ...]] = {
    "breaker": ("breaker", "allowed_fails", "cooldown_time", "purgatory", "Breaker"),
    "router": ("Router",),
    "ratelimit": (
        "limit",
        "rpm",
        "tpm",
        "max_parallel_requests",
        "adaptive",
        "token_bucket",
        "Limit",
        "TokenBucket",
    ),
    "semaphore": ("Semaphore",),
    "pii": (
        "presidio",
        "llm_guard",
        "scrubadub",
        "anonymizer",
        "dlp",
        "pii_entities",
        "deidentify_content",
        "Presidio",
    ),
    "observability": (*_TRACING_MODULES, "litellm."),
    "usage": ("usage", "_tokens", "cost"),
    "cache": ("set_llm_cache", "litellm.cache"),
    "litellm.fallbacks": ("litellm.fallbacks",),
    "inbound-ratelimit": ("slowapi", "flask_limiter", "fastapi_limiter", "django_ratelimit"),
}
_GLOBALS = re.compile(
    r"^[ \t]*(litellm\.(?:request_timeout|num_retries))[ \t]*=[ \t]*([^\n#]+)", re.MULTILINE
)


def collect(text: str, path: str) -> tuple[dict[str, str], dict[str, Setting]]:
    """Signals found in one file's text (name -> "path:line what"), and litellm globals it assigns."""
    found: dict[str, str] = {}
    for kind, pattern in _PATTERNS.items():
        if not any(n in text for n in _NEEDLES[kind]):
            continue
        m = pattern.search(text)
        if m:
            found[kind] = f"{path}:{_line(text, m.start())} {m.group(0).strip()[:60]}"
    globals_: dict[str, Setting] = {}
    for m in _GLOBALS.finditer(text) if "litellm." in text else ():
        globals_[m.group(1)] = _global(m.group(1), m.group(2), f"{path}:{_line(text, m.start())}")
    return found, globals_


def _global(name: str, source: str, where: str) -> Setting:
    try:
        expr = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return Setting(None, ELSEWHERE, f"{name} at {where} (unparsed)")
    val = fold(expr, Env(ModuleScope("<globals>"), None))
    if val.known:
        return Setting(val.value, SET, f"{name}={val.value} at {where}")
    return Setting(None, ELSEWHERE, f"{name} at {where} ({val.origin})")


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
