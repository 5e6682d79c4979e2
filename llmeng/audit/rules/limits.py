"""LLM301-LLM304: output bounds and model ids, checked against the model catalog when one is given."""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.audit.model import DEFAULT, SET, ModelFacts
from llmeng.audit.rules import CALL, AuditCheck, CallView, as_shipped, call_evidence, call_finding, origin
from llmeng.findings import Confidence, Finding, Severity
from llmeng.rules import Rule

_SRC = "shared/reference/llm-sdk-defaults.md"
CAT = "limits"

UNBOUNDED_OUTPUT = Rule(
    id="LLM301",
    name="unbounded-output",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="The call sets no output bound (max_tokens or the provider's equivalent).",
    why="OpenAI, Gemini and Mistral generate until the model's own limit when no bound is set, and LangChain's "
    "ChatAnthropic silently uses the model maximum: cost and latency have no ceiling.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[])",
    good="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=500)",
    fix="Set max_tokens (max_output_tokens for Gemini, num_predict for ollama) to what the feature needs.",
    sources=(f"{_SRC} section 3 (max_tokens)",),
)
MAX_TOKENS_OVER_LIMIT = Rule(
    id="LLM302",
    name="max-tokens-over-limit",
    severity=Severity.HIGH,
    category=CAT,
    summary="The output bound exceeds the model's documented output limit.",
    why="The provider rejects the request (or silently clamps it), so the call fails at runtime or the "
    "budget the code assumes is wrong. Needs the model catalog.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=100000)",
    good="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=4000)",
    fix="Lower max_tokens to at most the model's output limit (llmeng models shows it).",
    sources=("llmeng/data/models.toml (model catalog)",),
)
RETIRED_MODEL = Rule(
    id="LLM303",
    name="retired-model",
    severity=Severity.HIGH,
    category=CAT,
    summary="The model id is deprecated or retired per the model catalog.",
    why="Retired models start returning errors on the provider's schedule; deprecated ones will. Needs the "
    "model catalog.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4-0314', "
    "messages=[], max_tokens=9)",
    good="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o', messages=[], "
    "max_tokens=9)",
    fix="Move to the successor model the provider names, and test the prompt against it.",
    sources=("llmeng/data/models.toml (model catalog)",),
)
UNKNOWN_MODEL = Rule(
    id="LLM304",
    name="unknown-model",
    severity=Severity.LOW,
    category=CAT,
    summary="A literal model id is not in the model catalog (a typo or a provider-specific alias).",
    why="A mistyped id fails only at runtime; an alias may silently move to a different model. Needs the "
    "model catalog.",
    bad="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o-mnii', "
    "messages=[], max_tokens=9)",
    good="from openai import OpenAI\nOpenAI(timeout=30).chat.completions.create(model='gpt-4o-mini', "
    "messages=[], max_tokens=9)",
    fix="Check the id against the provider's model list; pin a dated snapshot where one exists.",
    sources=("llmeng/data/models.toml (model catalog)",),
)


def unbounded_output(view: CallView) -> Iterator[Finding]:
    site, mt = view.site, view.site.max_tokens
    sdk = view.project.knowledge.sdks.get(site.sdk)
    if sdk is None or sdk.max_tokens_required or not sdk.max_tokens_paths or site.kind == "embed":
        return
    if mt.state in (DEFAULT, SET) and mt.value is None:
        yield call_finding(
            UNBOUNDED_OUTPUT,
            site,
            f"{site.call}() sets no output bound ({origin(mt)})",
            call_evidence(site, max_tokens=mt.to_dict()),
            as_shipped(mt),
        )


def max_tokens_over_limit(view: CallView) -> Iterator[Finding]:
    facts = _facts(view)
    mt = view.site.max_tokens
    if facts is None or facts.max_output_tokens is None or mt.state != SET or mt.value is None:
        return
    if mt.value > facts.max_output_tokens:
        yield call_finding(
            MAX_TOKENS_OVER_LIMIT,
            view.site,
            f"max_tokens={mt.value:g} exceeds {view.site.model}'s output limit of {facts.max_output_tokens}",
            call_evidence(view.site, limit=facts.max_output_tokens),
        )


def retired_model(view: CallView) -> Iterator[Finding]:
    facts = _facts(view)
    if facts is None or facts.deprecation_date is None:
        return
    today = view.project.today
    state = "retired" if today is not None and facts.deprecation_date <= today else "deprecated"
    yield call_finding(
        RETIRED_MODEL,
        view.site,
        f"model {view.site.model!r} is {state} (retirement date {facts.deprecation_date.isoformat()})",
        call_evidence(view.site, deprecation_date=facts.deprecation_date.isoformat()),
        Confidence.HIGH,
    )


def unknown_model(view: CallView) -> Iterator[Finding]:
    lookup, model = view.project.lookup, view.site.model
    if lookup is None or not model:
        return
    facts = lookup(model, view.site.provider)
    if facts is None or not facts.known:
        yield call_finding(
            UNKNOWN_MODEL,
            view.site,
            f"model {model!r} is not in the model catalog",
            call_evidence(view.site),
            Confidence.MEDIUM,
        )


def _facts(view: CallView) -> ModelFacts | None:
    lookup, model = view.project.lookup, view.site.model
    if lookup is None or not model:
        return None
    facts = lookup(model, view.site.provider)
    return facts if facts is not None and facts.known else None


CHECKS = (
    AuditCheck(UNBOUNDED_OUTPUT, CALL, unbounded_output),
    AuditCheck(MAX_TOKENS_OVER_LIMIT, CALL, max_tokens_over_limit),
    AuditCheck(RETIRED_MODEL, CALL, retired_model),
    AuditCheck(UNKNOWN_MODEL, CALL, unknown_model),
)
