"""The audit's data: settings with their origin, call sites, per-file summaries, config and result."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from llmeng.findings import Confidence, Finding, Severity

# Setting states: where an effective value came from.
SET = "set"  # written in the code (value None = explicitly infinite / absent bound)
DEFAULT = "default"  # the SDK default applies
ELSEWHERE = "elsewhere"  # read from config, env, a parameter or **kwargs: configured elsewhere
UNKNOWN = "unknown"  # no verdict (the client or its defaults are unknown)


@dataclass(frozen=True)
class Setting:
    value: float | None
    state: str
    origin: str
    # What would change a value the code ships with ("`llm_kwargs` sets `timeout`"): the setting comes
    # from a configuration default or is absent from an opaque **kwargs.
    unless: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"value": self.value, "state": self.state, "origin": self.origin}
        if self.unless:
            out["unless"] = self.unless
        return out


@dataclass(frozen=True)
class Ctx:
    """Mitigations lexically around one call, each a short description of where it was found."""

    handled: str | None = None
    retry: str | None = None
    deadline: str | None = None
    fallback: str | None = None
    breaker: str | None = None  # a circuit breaker guards the call
    limit: str | None = None  # an outbound rate limiter or semaphore paces the call

    def merged(self, other: Ctx) -> Ctx:
        return Ctx(
            self.handled or other.handled,
            self.retry or other.retry,
            self.deadline or other.deadline,
            self.fallback or other.fallback,
            self.breaker or other.breaker,
            self.limit or other.limit,
        )


@dataclass(frozen=True)
class ClientFacts:
    sdk: str
    via: str
    timeout: Setting
    attempts: Setting
    max_tokens: Setting = Setting(None, UNKNOWN, "set on a client built elsewhere")


@dataclass(frozen=True)
class Ref:
    """A value named across modules, resolved when the whole project is known (flow.py).

    client: a client resolved where it was built; call: what calling `name` (a dotted path as the
    module imports it) returns; instance: an object of class `name`; attr: attribute `name` of `base`;
    method: what method `name` of `base` returns; param: what callers pass for parameter `name` of the
    function `base_name` (`<function key>#<param>`); global: a module-level name of another module
    (`<module>.<name>` as imported).
    """

    kind: str
    name: str = ""
    base: Ref | None = None
    client: ClientFacts | None = None


@dataclass(frozen=True)
class FlowFacts:
    """What one module tells the project about values: returns, attributes and constructor arguments."""

    returns: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)  # function key -> returned
    attrs: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)  # "<class key>.<attr>" -> held
    passed: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)  # "<callee>#<index|name>" -> args
    params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # function key -> positional params
    bases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # class key -> base names (dotted)
    globals: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)  # "<module>.<name>" -> held


@dataclass(frozen=True)
class CallSite:
    path: str
    line: int
    end_line: int
    col: int
    function: str
    call: str
    sdk: str
    provider: str
    confidence: Confidence
    via: str
    timeout: Setting
    attempts: Setting
    max_tokens: Setting
    model: str | None = None
    kind: str = "generate"
    ctx: Ctx = Ctx()
    client_retry_wrapper: str | None = None
    client_fallback: str | None = None
    client_rate_limit: str | None = None  # a limit built into the client (rate_limiter=, Router rpm)
    system_taint: str | None = None
    output_sink: str | None = None
    sink_guarded: bool = False
    user_data: bool = False
    wrapper: str | None = None  # the project helper the LLM method was handed to (call-graph key)
    receiver: tuple[Ref, ...] = ()  # what an unresolved receiver may hold, resolved project-wide
    # A model method name on a receiver no module resolves: a call site only if the receiver's value
    # turns out to be a client whose SDK has this method (flow.py); dropped otherwise.
    pending: str | None = None
    method: str | None = None  # the SDK method called on `receiver` (clients whose SDK lacks it are skipped)
    # Matched by this one-word method shape alone (embed_query, invoke on an `llm` name): when the
    # project defines a function of that name, only a receiver resolved to a client keeps the site.
    shape: str | None = None


@dataclass(frozen=True)
class Edge:
    callee: str
    line: int
    ctx: Ctx
    # A function handed to another one, which runs it: `retrying(self._ask, ...)`, `partial(ask, q)`.
    through: str | None = None


@dataclass(frozen=True)
class FuncSummary:
    key: str
    path: str
    line: int
    decorators: tuple[str, ...] = ()
    ctx: Ctx = Ctx()  # mitigations its own decorators give every call inside it
    wraps: Ctx = Ctx()  # mitigations it gives functions it decorates (in-project decorators)
    edges: tuple[Edge, ...] = ()


@dataclass(frozen=True)
class Secret:
    line: int
    col: int
    kind: str


@dataclass(frozen=True)
class FileSummary:
    path: str
    lines: int
    sites: tuple[CallSite, ...] = ()
    functions: tuple[FuncSummary, ...] = ()
    signals: Mapping[str, str] = field(default_factory=dict)  # project signal -> "file:line what"
    globals: Mapping[str, Setting] = field(default_factory=dict)  # litellm.request_timeout etc.
    secrets: tuple[Secret, ...] = ()
    suppressions: Mapping[int, frozenset[str]] = field(default_factory=dict)  # empty set = all rules
    parse_error: str | None = None
    flow: FlowFacts = FlowFacts()


class ModelFacts(Protocol):
    """What LLM302-LLM304 need to know about a model id; the model catalog supplies it."""

    @property
    def known(self) -> bool: ...
    @property
    def max_output_tokens(self) -> int | None: ...
    @property
    def deprecation_date(self) -> date | None: ...


# (model_id, provider_hint) -> facts, or None when the catalog cannot say.
ModelLookup = Callable[[str, str | None], ModelFacts | None]


@dataclass(frozen=True)
class AuditConfig:
    disabled: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    max_file_bytes: int = 2_000_000
    pins: Mapping[str, str] = field(default_factory=dict)
    today: date | None = None


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...]
    files_scanned: int
    lines_scanned: int
    skipped: tuple[Skipped, ...] = ()
    parse_errors: tuple[Skipped, ...] = ()
    pins: Mapping[str, str] = field(default_factory=dict)

    def at_least(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)

    def to_dict(self) -> dict[str, object]:
        return {
            "files_scanned": self.files_scanned,
            "lines_scanned": self.lines_scanned,
            "findings": [f.to_dict() for f in self.findings],
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "parse_errors": [{"path": s.path, "reason": s.reason} for s in self.parse_errors],
            "sdk_versions": dict(self.pins),
        }
