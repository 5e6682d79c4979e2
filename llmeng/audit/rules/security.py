"""LLM201-LLM204: leaked keys, prompt injection, model output reaching sinks, missing PII filtering."""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.audit.rules import (
    CALL,
    FILE,
    PROJECT,
    AuditCheck,
    CallView,
    ProjectFacts,
    call_evidence,
    call_finding,
    project_finding,
)
from llmeng.findings import Confidence, Finding, Location, Severity
from llmeng.rules import Rule

_SRC = "shared/reference/llm-sdk-defaults.md"
CAT = "security"

HARDCODED_SECRET = Rule(
    id="LLM201",
    name="hardcoded-secret",
    severity=Severity.CRITICAL,
    category=CAT,
    summary="An API key literal is in the code.",
    why="Keys in source end up in git history, wheels and logs; anyone who reads them can spend on the account.",
    bad="from openai import OpenAI\nclient = OpenAI(api_key='sk-proj-4fQ9zR2kLm8Xw3Tn7Yb1Vc6Hd5Js0Pa')",  # llmeng: ignore[LLM201]
    good="import os\nfrom openai import OpenAI\nclient = OpenAI(api_key=os.environ['OPENAI_API_KEY'])",
    fix="Revoke the key, then read it from the environment or a secret manager.",
    sources=(f"{_SRC} section 4 (LLM201 row)",),
)
PROMPT_INJECTION = Rule(
    id="LLM202",
    name="prompt-injection",
    severity=Severity.HIGH,
    category=CAT,
    summary="User-controlled input is formatted into the system prompt.",
    why="The system prompt carries the instructions the model trusts most; text a user controls there can "
    "override them.",
    bad="from openai import OpenAI\nclient = OpenAI(timeout=30)\ndef answer(user_text):\n"
    "    return client.chat.completions.create(model='gpt-4o', max_tokens=9, messages=[\n"
    "        {'role': 'system', 'content': f'Be helpful. {user_text}'}])",
    good="from openai import OpenAI\nclient = OpenAI(timeout=30)\ndef answer(user_text):\n"
    "    return client.chat.completions.create(model='gpt-4o', max_tokens=9, messages=[\n"
    "        {'role': 'system', 'content': 'Be helpful.'}, {'role': 'user', 'content': user_text}])",
    fix="Keep the system prompt constant; pass user text in a user message, delimited and validated.",
    sources=(f"{_SRC} section 4 (LLM202 row)",),
)
OUTPUT_TO_SINK = Rule(
    id="LLM203",
    name="output-to-sink",
    severity=Severity.CRITICAL,
    category=CAT,
    summary="Model output reaches eval/exec, a shell, SQL execution or a file path without validation.",
    why="Model output is attacker-influenced (prompt injection, poisoned context); executing it runs whatever "
    "the attacker asked for.",
    bad="from openai import OpenAI\nclient = OpenAI(timeout=30)\ndef run(q):\n"
    "    r = client.chat.completions.create(model='gpt-4o', messages=q, max_tokens=99)\n"
    "    exec(r.choices[0].message.content)",
    good="import json\nfrom openai import OpenAI\nclient = OpenAI(timeout=30)\ndef run(q):\n"
    "    r = client.chat.completions.create(model='gpt-4o', messages=q, max_tokens=99)\n"
    "    return json.loads(r.choices[0].message.content)",
    fix="Parse output into data (json.loads, pydantic) and validate it; run generated code only in a sandbox "
    "after user confirmation.",
    sources=(f"{_SRC} section 4 (LLM203 row)",),
)
NO_PII_FILTER = Rule(
    id="LLM204",
    name="no-pii-filter",
    severity=Severity.MEDIUM,
    category=CAT,
    summary="User data is sent to a model and no PII filtering exists anywhere.",
    why="Personal data sent to a third-party model leaves your compliance boundary and may be logged or "
    "retained by the provider.",
    bad="from openai import OpenAI\ndef ask(text):\n    return OpenAI(timeout=30).chat.completions.create("
    "model='gpt-4o', max_tokens=9, messages=[{'role': 'user', 'content': text}])",
    good="from openai import OpenAI\nfrom presidio_anonymizer import AnonymizerEngine\ndef ask(text):\n"
    "    return OpenAI(timeout=30).chat.completions.create(model='gpt-4o', max_tokens=9, "
    "messages=[{'role': 'user', 'content': text}])",
    fix="Filter PII before the call: presidio, llm-guard Anonymize, scrubadub, or a cloud DLP service.",
    sources=(f"{_SRC} section 5 (PII filtering row)",),
)


def hardcoded_secret(project: ProjectFacts) -> Iterator[Finding]:
    for path, secret in project.secrets:
        yield Finding(
            rule_id=HARDCODED_SECRET.id,
            severity=HARDCODED_SECRET.severity,
            message=f"a {secret.kind} API key literal is in the code",
            location=Location(path, secret.line, secret.col),
            fix=HARDCODED_SECRET.fix,
            category=CAT,
            confidence=Confidence.HIGH,
            evidence={"kind": secret.kind},
        )


def prompt_injection(view: CallView) -> Iterator[Finding]:
    taint = view.site.system_taint
    if taint:
        conf = Confidence.MEDIUM if taint.startswith("parameter") else Confidence.HIGH
        yield call_finding(
            PROMPT_INJECTION,
            view.site,
            f"{view.site.call}(): {taint}",
            call_evidence(view.site, source=taint),
            conf,
        )


def output_to_sink(view: CallView) -> Iterator[Finding]:
    site = view.site
    if site.output_sink:
        guarded = site.sink_guarded
        note = " (a confirmation or sandbox is present)" if guarded else ""
        yield call_finding(
            OUTPUT_TO_SINK,
            site,
            f"output of {site.call}() reaches {site.output_sink}{note}",
            call_evidence(site, sink=site.output_sink, guarded=guarded),
            Confidence.LOW if guarded else None,
            Severity.HIGH if guarded else None,
        )


def no_pii_filter(project: ProjectFacts) -> Iterator[Finding]:
    if "pii" in project.signals:
        return
    sending = [s for s in project.sites if s.user_data]
    if sending:
        first = sending[0]
        yield project_finding(
            NO_PII_FILTER,
            project,
            "user data reaches LLM calls and nothing filters PII",
            {"example": f"{first.path}:{first.line}"},
        )


CHECKS = (
    AuditCheck(HARDCODED_SECRET, FILE, hardcoded_secret),
    AuditCheck(PROMPT_INJECTION, CALL, prompt_injection),
    AuditCheck(OUTPUT_TO_SINK, CALL, output_to_sink),
    AuditCheck(NO_PII_FILTER, PROJECT, no_pii_filter),
)
