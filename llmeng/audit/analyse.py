"""From file summaries to findings: project globals, the call graph, the rules, suppressions, config."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from llmeng.audit.callgraph import CallGraph
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import DEFAULT, SET, UNKNOWN, AuditConfig, CallSite, FileSummary, ModelLookup, Setting
from llmeng.audit.registry import CATALOG_RULES, CHECKS
from llmeng.audit.rules import CALL, FILE, PROJECT, CallView, ProjectFacts
from llmeng.findings import Confidence, Finding


def analyse(
    summaries: Sequence[FileSummary],
    *,
    config: AuditConfig,
    knowledge: Knowledge,
    catalog: ModelLookup | None,
    extra_signals: dict[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Every finding for a set of file summaries, after suppressions and config."""
    signals: dict[str, str] = dict(extra_signals or {})
    globals_: dict[str, Setting] = {}
    for s in summaries:
        for k, v in s.signals.items():
            if k == "semaphore" and s.sites:
                signals.setdefault("ratelimit", f"{v} (semaphore in a file that calls the model)")
            signals.setdefault(k, v)
        globals_.update(s.globals)
    graph = CallGraph(f for s in summaries for f in s.functions)
    sites = tuple(_with_globals(_from_factory(site, graph), globals_) for s in summaries for site in s.sites)
    project = ProjectFacts(
        knowledge,
        signals,
        sites,
        tuple((s.path, sec) for s in summaries for sec in s.secrets),
        catalog,
        config.today,
    )
    views = [CallView(site, graph.mitigations(site), project) for site in sites]
    active = [
        c
        for c in CHECKS
        if c.rule.id not in config.disabled and (catalog is not None or c.rule.id not in CATALOG_RULES)
    ]
    found: list[Finding] = []
    for check in active:
        if check.scope == CALL:
            found.extend(f for v in views for f in check.check(v))
        elif check.scope == FILE or (check.scope == PROJECT and sites):
            found.extend(check.check(project))
    suppress = {s.path: s.suppressions for s in summaries if s.suppressions}
    kept = [_override(f, config) for f in found if not _suppressed(f, suppress)]
    return tuple(sorted(kept, key=lambda f: (f.location.path, f.location.line, f.rule_id)))


def _from_factory(site: CallSite, graph: CallGraph) -> CallSite:
    """A receiver built by a client factory elsewhere in the project takes that client's settings."""
    if not site.factory or UNKNOWN not in (site.timeout.state, site.attempts.state):
        return site
    targets = sorted({t for f in site.factory for t in graph.targets(f) if graph.funcs[t].client is not None})
    if len(targets) != 1:
        return site
    func = graph.funcs[targets[0]]
    client = func.client
    assert client is not None
    timeout = client.timeout if site.timeout.state == UNKNOWN else site.timeout
    attempts = client.attempts if site.attempts.state == UNKNOWN else site.attempts
    return replace(
        site,
        timeout=timeout,
        attempts=attempts,
        sdk=client.sdk,
        via=f"{client.via} in {func.key.rsplit('.', 1)[-1]}() ({func.path}:{func.line})",
        confidence=Confidence.MEDIUM,
    )


def _with_globals(site: CallSite, globals_: dict[str, Setting]) -> CallSite:
    """litellm reads module globals when a call sets nothing (llm-sdk-defaults.md, litellm row)."""
    if not site.sdk.startswith("litellm"):
        return site
    timeout, attempts = globals_.get("litellm.request_timeout"), globals_.get("litellm.num_retries")
    if timeout is not None and site.timeout.state == DEFAULT:
        site = replace(site, timeout=timeout)
    if attempts is not None and site.attempts.state in (DEFAULT, "unknown") and site.sdk == "litellm":
        if attempts.state == SET and isinstance(attempts.value, int):
            wrapper = f"litellm.num_retries={attempts.value}" if attempts.value > 0 else None
            site = replace(
                site,
                attempts=Setting(attempts.value + 1, SET, attempts.origin),
                client_retry_wrapper=site.client_retry_wrapper or wrapper,
            )
        else:
            site = replace(site, attempts=attempts)
    return site


def _suppressed(f: Finding, suppress: Mapping[str, Mapping[int, frozenset[str]]]) -> bool:
    lines = suppress.get(f.location.path)
    if not lines:
        return False
    for line in _lines(f):
        ids = lines.get(line)
        if ids is not None and (not ids or f.rule_id in ids):
            return True
    return False


def _lines(f: Finding) -> Iterable[int]:
    yield f.location.line
    end = f.evidence.get("end_line")
    if isinstance(end, int) and end != f.location.line:
        yield end


def _override(f: Finding, config: AuditConfig) -> Finding:
    severity = config.severity.get(f.rule_id)
    return replace(f, severity=severity) if severity is not None else f
