"""LLM101-LLM108: timeouts, retries, error handling, fallbacks, circuit breakers, rate limits."""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.audit.callgraph import Coverage
from llmeng.audit.model import DEFAULT, SET
from llmeng.audit.rules import (
    CALL,
    PROJECT,
    AuditCheck,
    CallView,
    ProjectFacts,
    as_shipped,
    call_evidence,
    call_finding,
    origin,
    project_finding,
    seconds,
)
from llmeng.findings import Confidence, Finding, Severity
from llmeng.rules import Rule

_SRC = "shared/reference/llm-sdk-defaults.md"
CAT = "resilience"

NO_TIMEOUT = Rule(
    id="LLM101",
    name="no-timeout",
    severity=Severity.HIGH,
    category=CAT,
    summary="The LLM call can wait forever: its effective timeout is infinite.",
    why="A stalled provider or a trickling stream blocks the caller indefinitely; retries never start because "
    "nothing times out. LangChain chat models, google-genai and ollama default to no timeout at all.",
    bad="from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o-mini')\nllm.invoke('hi')",
    good="from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o-mini', timeout=30)\n"
    "llm.invoke('hi')",
    fix="Pass a finite timeout (seconds) to the client or the call, or wrap the call in asyncio.timeout().",
    sources=(f"{_SRC} section 1 (LangChain, google-genai, ollama defaults)",),
)
LONG_TIMEOUT = Rule(
    id="LLM102",
    name="long-timeout",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="The call relies on an SDK default timeout of 600 s or more.",
    why="SDK timeouts are per attempt: OpenAI and Anthropic wait 600 s and try 3 times, so one stuck request "
    "can hold a worker for about 30 minutes before the caller sees an error.",
    bad="from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', "
    "messages=[], max_tokens=100)",
    good="from openai import OpenAI\nclient = OpenAI(timeout=30.0)\nclient.chat.completions.create("
    "model='gpt-4o', messages=[], max_tokens=100)",
    fix="Set timeout= to what a user will wait (for example 30-60 s), on the client or per call.",
    sources=(f"{_SRC} section 1 (openai DEFAULT_TIMEOUT 600 s)", "openai/openai-python PR #775"),
)
RETRIES_DISABLED = Rule(
    id="LLM103",
    name="retries-disabled",
    severity=Severity.HIGH,
    category=CAT,
    summary="The call makes one attempt: retries are off and no retry wrapper covers it.",
    why="429s and 5xx responses are routine for LLM APIs; a single-attempt call turns every transient "
    "overload into a user-facing error. google-genai, mistralai and ollama do not retry by default.",
    bad="from openai import OpenAI\nclient = OpenAI(timeout=30, max_retries=0)\n"
    "client.chat.completions.create(model='gpt-4o', messages=[], max_tokens=100)",
    good="from openai import OpenAI\nclient = OpenAI(timeout=30, max_retries=2)\n"
    "client.chat.completions.create(model='gpt-4o', messages=[], max_tokens=100)",
    fix="Enable the SDK's retries (max_retries=2, HttpRetryOptions, RetryConfig) or wrap the call in tenacity.",
    sources=(f"{_SRC} section 1 and 3",),
)
NESTED_RETRIES = Rule(
    id="LLM104",
    name="nested-retries",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="A retry wrapper encloses a client that also retries, so attempts multiply.",
    why="tenacity or backoff around a default OpenAI client makes 3 x N attempts; during an outage that "
    "multiplies load on the provider and the worst-case latency.",
    bad="import backoff, openai\nclient = openai.OpenAI(timeout=30)\n"
    "@backoff.on_exception(backoff.expo, openai.RateLimitError, max_tries=5)\n"
    "def ask(m):\n    return client.chat.completions.create(model='gpt-4o', messages=m, max_tokens=9)",
    good="import backoff, openai\nclient = openai.OpenAI(timeout=30, max_retries=0)\n"
    "@backoff.on_exception(backoff.expo, openai.RateLimitError, max_tries=5)\n"
    "def ask(m):\n    return client.chat.completions.create(model='gpt-4o', messages=m, max_tokens=9)",
    fix="Keep one retry layer: set max_retries=0 on the client under the wrapper, or drop the wrapper.",
    sources=(f"{_SRC} section 3 (retry amplification probes)",),
)
UNHANDLED_API_ERROR = Rule(
    id="LLM105",
    name="unhandled-api-error",
    severity=Severity.HIGH,
    category=CAT,
    summary="Nothing on the call path handles the provider's API errors.",
    why="Rate limits, timeouts and 5xx responses surface as exceptions; uncaught, they crash the request "
    "handler or worker instead of degrading gracefully.",
    bad="from openai import OpenAI\nclient = OpenAI(timeout=30)\ndef ask(m):\n"
    "    return client.chat.completions.create(model='gpt-4o', messages=m, max_tokens=9)",
    good="import openai\nclient = openai.OpenAI(timeout=30)\ndef ask(m):\n    try:\n"
    "        return client.chat.completions.create(model='gpt-4o', messages=m, max_tokens=9)\n"
    "    except openai.APIError:\n        return None",
    fix="Catch the SDK's API errors (openai.APIError, anthropic.APIError, ...) where a fallback answer exists.",
    sources=(f"{_SRC} section 4 (LLM105 row)",),
)
NO_FALLBACK = Rule(
    id="LLM106",
    name="no-fallback",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="No fallback model or cached answer exists for this call path.",
    why="When the one provider or model is down or rate-limited, the feature is down; a fallback keeps it "
    "working at reduced quality.",
    bad="import litellm\nlitellm.completion(model='gpt-4o', messages=[], timeout=30)",
    good="import litellm\nlitellm.completion(model='gpt-4o', messages=[], timeout=30, "
    "fallbacks=['claude-sonnet-4-5'])",
    fix="Add a fallback: litellm fallbacks=/Router(fallbacks=), LangChain .with_fallbacks([...]), or an except "
    "branch that calls another model or returns a cached answer.",
    sources=(f"{_SRC} section 5 (Fallback, Caching rows)",),
)
NO_CIRCUIT_BREAKER = Rule(
    id="LLM107",
    name="no-circuit-breaker",
    severity=Severity.LOW,
    category=CAT,
    summary="No circuit breaker protects the project's LLM calls.",
    why="Without a breaker every request keeps waiting on a provider that is known to be failing, exhausting "
    "workers and retry budgets during an outage.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=9)",
    good="import pybreaker\nfrom openai import OpenAI\nbreaker = pybreaker.CircuitBreaker(fail_max=5)\n"
    "@breaker\ndef ask(m):\n    return OpenAI(timeout=30).chat.completions.create(model='gpt-4o', "
    "messages=m, max_tokens=9)",
    fix="Put a circuit breaker (pybreaker, circuitbreaker, aiobreaker, purgatory or a litellm Router) in front "
    "of the provider.",
    sources=(f"{_SRC} section 5 (Circuit breaker row)",),
)
NO_RATE_LIMIT = Rule(
    id="LLM108",
    name="no-rate-limit",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="Nothing limits the rate of outbound LLM calls.",
    why="Bursts beyond the provider's RPM/TPM quota come back as 429s for every user at once; a client-side "
    "limiter smooths them. Inbound per-user limits (slowapi) do not bound outbound calls.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=9)",
    good="from aiolimiter import AsyncLimiter\nfrom openai import AsyncOpenAI\nlimit = AsyncLimiter(50, 60)\n"
    "async def ask(m):\n    async with limit:\n        return await AsyncOpenAI(timeout=30).chat."
    "completions.create(model='gpt-4o', messages=m, max_tokens=9)",
    fix="Limit outbound calls: aiolimiter, pyrate-limiter, LangChain rate_limiter=, Router rpm/tpm.",
    sources=(f"{_SRC} section 5 (Rate limit row)",),
)


def no_timeout(view: CallView) -> Iterator[Finding]:
    t, deadline = view.site.timeout, view.mit.deadline
    if t.state in (SET, DEFAULT) and t.value is None and not deadline.full:
        conf = Confidence.MEDIUM if "parameter" in t.origin else as_shipped(t)
        yield call_finding(
            NO_TIMEOUT,
            view.site,
            f"{view.site.call}() has no timeout ({origin(t)})",
            call_evidence(view.site, deadline=_partial(deadline, "bounded", "bounds it") or "none found"),
            conf,
        )


def long_timeout(view: CallView) -> Iterator[Finding]:
    t, a, deadline = view.site.timeout, view.site.attempts, view.mit.deadline
    if t.state == DEFAULT and t.value is not None and t.value >= 600 and not deadline.full:
        worst = f"{t.value * a.value / 60:g} min" if a.value else "unknown"
        yield call_finding(
            LONG_TIMEOUT,
            view.site,
            f"{view.site.call}() relies on the {seconds(t)} default timeout (worst case {worst}"
            + (f"; unless {t.unless})" if t.unless else ")"),
            call_evidence(view.site, worst_case=worst, deadline=_partial(deadline, "bounded", "bounds it")),
            as_shipped(t),
        )


def retries_disabled(view: CallView) -> Iterator[Finding]:
    a, retry = view.site.attempts, view.mit.retry
    if a.state in (SET, DEFAULT) and a.value == 1 and not retry.full and not view.site.client_retry_wrapper:
        yield call_finding(
            RETRIES_DISABLED,
            view.site,
            f"{view.site.call}() makes a single attempt ({origin(a)})",
            call_evidence(view.site, retry_wrapper=_partial(retry, "retried", "retries it") or "none found"),
            as_shipped(a),
        )


def nested_retries(view: CallView) -> Iterator[Finding]:
    a, retry = view.site.attempts, view.mit.retry
    # One path with a retry layer over a retrying client is enough: attempts multiply there. A path
    # through a guessed link (a method name many classes share) is not enough to say so.
    outer = retry.sure or view.site.client_retry_wrapper
    if outer and a.state in (SET, DEFAULT) and a.value is not None and a.value > 1:
        yield call_finding(
            NESTED_RETRIES,
            view.site,
            f"{view.site.call}() retries {a.value:g} times inside another retry layer ({outer})",
            call_evidence(
                view.site,
                retry_wrapper=outer,
                inner_attempts=a.value,
                paths=_partial(retry, "retried", "retries it"),
            ),
            as_shipped(a),
        )


def unhandled_api_error(view: CallView) -> Iterator[Finding]:
    site, handled = view.site, view.mit.handled
    if handled.full:
        return
    searched = f"the call, {site.function.rsplit('.', 1)[-1]}() and callers up to 3 levels"
    if handled.covered:
        message = f"API errors from {site.call}() are handled on some call paths, not all"
    else:
        message = f"no except handles API errors from {site.call}() on its call path"
    yield call_finding(
        UNHANDLED_API_ERROR,
        site,
        message,
        call_evidence(site, searched=searched, paths=_partial(handled, "handled", "handles")),
    )


def no_fallback(view: CallView) -> Iterator[Finding]:
    site, fallback = view.site, view.mit.fallback
    if fallback.full or site.client_fallback:
        return
    project = view.project.signals
    if site.sdk.startswith("litellm") and ("litellm.fallbacks" in project or "cache" in project):
        return
    if site.sdk.startswith("langchain") and "cache" in project:
        return
    yield call_finding(
        NO_FALLBACK,
        site,
        f"{site.call}() has no fallback model or cached answer",
        call_evidence(site, paths=_partial(fallback, "a fallback", "falls back")),
    )


def _partial(coverage: Coverage, done: str, verb: str) -> str | None:
    """`handled on 1 of 2 paths: ...`, when a mitigation covers some of the call's paths but not all."""
    if not coverage.covered or coverage.full:
        return None
    return f"{done} on {coverage.paths(verb)}"


def no_circuit_breaker(project: ProjectFacts) -> Iterator[Finding]:
    routed = any(s.sdk == "litellm_router" for s in project.sites) or "router" in project.signals
    if "breaker" in project.guards or routed:
        return
    seen = project.signals.get("breaker")
    yield project_finding(
        NO_CIRCUIT_BREAKER,
        project,
        "no circuit breaker protects the LLM calls",
        {"not_connected": f"{seen} (guards no LLM call path)"} if seen else {},
    )


def no_rate_limit(project: ProjectFacts) -> Iterator[Finding]:
    if "limit" in project.guards:
        return
    evidence = {}
    seen = project.signals.get("ratelimit") or project.signals.get("semaphore")
    if seen:
        evidence["not_connected"] = f"{seen} (paces no LLM call path)"
    inbound = project.signals.get("inbound-ratelimit")
    if inbound:
        evidence["inbound_only"] = inbound
    yield project_finding(NO_RATE_LIMIT, project, "no outbound rate limiting of LLM calls", evidence)


CHECKS = (
    AuditCheck(NO_TIMEOUT, CALL, no_timeout),
    AuditCheck(LONG_TIMEOUT, CALL, long_timeout),
    AuditCheck(RETRIES_DISABLED, CALL, retries_disabled),
    AuditCheck(NESTED_RETRIES, CALL, nested_retries),
    AuditCheck(UNHANDLED_API_ERROR, CALL, unhandled_api_error),
    AuditCheck(NO_FALLBACK, CALL, no_fallback),
    AuditCheck(NO_CIRCUIT_BREAKER, PROJECT, no_circuit_breaker),
    AuditCheck(NO_RATE_LIMIT, PROJECT, no_rate_limit),
)
