"""From file summaries to findings: project globals, the call graph, the rules, suppressions, config."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from llmeng.audit.callgraph import CallGraph, Mitigations
from llmeng.audit.flow import Flow
from llmeng.audit.guards import SEMAPHORE_NOTE
from llmeng.audit.knowledge import Knowledge
from llmeng.audit.model import DEFAULT, SET, AuditConfig, CallSite, FileSummary, ModelLookup, Setting
from llmeng.audit.registry import CATALOG_RULES, CHECKS
from llmeng.audit.rules import CALL, FILE, PROJECT, AuditCheck, CallView, ProjectFacts
from llmeng.findings import Finding


def analyse(
    summaries: Sequence[FileSummary],
    *,
    config: AuditConfig,
    knowledge: Knowledge,
    catalog: ModelLookup | None,
    extra_signals: dict[str, str] | None = None,
) -> tuple[Finding, ...]:
    """Every finding for a set of file summaries, after suppressions and config."""
    graph = CallGraph(f for s in summaries for f in s.functions)
    sites = _sites(summaries, Flow(summaries, knowledge))
    mitigations = [graph.mitigations(site) for site in sites]
    project = ProjectFacts(
        knowledge,
        _signals(summaries, extra_signals or {}),
        sites,
        tuple((s.path, sec) for s in summaries for sec in s.secrets),
        catalog,
        config.today,
        _guards(sites, mitigations),
    )
    found = _run(_active_checks(config, catalog), project, mitigations)
    suppress = {s.path: s.suppressions for s in summaries if s.suppressions}
    kept = [_override(f, config) for f in found if not _suppressed(f, suppress)]
    return tuple(sorted(kept, key=lambda f: (f.location.path, f.location.line, f.rule_id)))


def _signals(summaries: Sequence[FileSummary], extra: Mapping[str, str]) -> dict[str, str]:
    """Project-wide signals: the caller's first, then each file's, the first file to report one winning."""
    signals = dict(extra)
    for s in summaries:
        for k, v in s.signals.items():
            signals.setdefault(k, v)
    return signals


def _guards(sites: Sequence[CallSite], mitigations: Sequence[Mitigations]) -> dict[str, str]:
    """Breakers and limiters connected to LLM calls: on some call path, or built into the client."""
    guards: dict[str, str] = {}
    for site, mit in zip(sites, mitigations, strict=True):
        where = f"for {site.call}() at {site.path}:{site.line}"
        if mit.breaker.where:
            guards.setdefault("breaker", f"{mit.breaker.where} {where}")
        # A semaphore counts only around the call in its own function (guards.SEMAPHORE_NOTE).
        limits = [
            how for path, how in mit.limit.covered if len(path) == 1 or not how.startswith(SEMAPHORE_NOTE)
        ]
        limit = limits[0] if limits else site.client_rate_limit
        if limit:
            guards.setdefault("limit", f"{limit} {where}")
    return guards


def _sites(summaries: Sequence[FileSummary], flow: Flow) -> tuple[CallSite, ...]:
    """Every call site, with receivers resolved across modules and litellm module globals filled in."""
    globals_: dict[str, Setting] = {}
    for s in summaries:
        globals_.update(s.globals)
    resolved = (flow.resolve(site) for s in summaries for site in s.sites)
    return tuple(_with_globals(site, globals_) for site in resolved if site is not None)


def _active_checks(config: AuditConfig, catalog: ModelLookup | None) -> list[AuditCheck]:
    """The checks not disabled by config; catalog rules only when a catalog is given."""
    return [
        c
        for c in CHECKS
        if c.rule.id not in config.disabled and (catalog is not None or c.rule.id not in CATALOG_RULES)
    ]


def _run(
    checks: Sequence[AuditCheck], project: ProjectFacts, mitigations: Sequence[Mitigations]
) -> list[Finding]:
    """Call checks run once per call site; file and project checks once (project ones only with calls)."""
    views = [CallView(site, mit, project) for site, mit in zip(project.sites, mitigations, strict=True)]
    found: list[Finding] = []
    for check in checks:
        if check.scope == CALL:
            found.extend(f for v in views for f in check.check(v))
        elif check.scope == FILE or (check.scope == PROJECT and project.sites):
            found.extend(check.check(project))
    return found


def _with_globals(site: CallSite, globals_: dict[str, Setting]) -> CallSite:
    """litellm reads module globals when a call sets nothing (llm-sdk-defaults.md, litellm row)."""
    if not site.sdk.startswith("litellm"):
        return site
    timeout, attempts = globals_.get("litellm.request_timeout"), globals_.get("litellm.num_retries")
    if timeout is not None and site.timeout.state == DEFAULT:
        site = replace(site, timeout=timeout)
    if attempts is not None and site.attempts.state in (DEFAULT, "unknown") and site.sdk == "litellm":
        site = _with_num_retries(site, attempts)
    return site


def _with_num_retries(site: CallSite, num_retries: Setting) -> CallSite:
    """`litellm.num_retries = n` means n + 1 attempts, and counts as a retry wrapper when n > 0."""
    if num_retries.state != SET or not isinstance(num_retries.value, int):
        return replace(site, attempts=num_retries)
    wrapper = f"litellm.num_retries={num_retries.value}" if num_retries.value > 0 else None
    return replace(
        site,
        attempts=Setting(num_retries.value + 1, SET, num_retries.origin),
        client_retry_wrapper=site.client_retry_wrapper or wrapper,
    )


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
