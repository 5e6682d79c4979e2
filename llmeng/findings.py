"""Finding, Severity, Confidence and Location: shared by the agent linter and the audit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    # The linter speaks in error / warning / info (will Claude Code load it?);
    # the audit in critical..low (how bad is the gap?). One enum keeps renderers shared.
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def sarif_level(self) -> str:
        return _SARIF_LEVEL[self]


_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.ERROR: 3,
    Severity.MEDIUM: 2,
    Severity.WARNING: 2,
    Severity.LOW: 1,
    Severity.INFO: 1,
}
_SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.ERROR: "error",
    Severity.MEDIUM: "warning",
    Severity.WARNING: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


class Verdict(StrEnum):
    """What Claude Code does with an agent file: the agent linter gives every file one of these."""

    NOT_LOADED = "not loaded"
    CANNOT_START = "loaded but cannot be started"
    LOADED = "loaded"

    @property
    def rank(self) -> int:
        """Lower is worse: a file's verdict is the lowest-ranked effect of its findings."""
        return _VERDICT_RANK[self]


_VERDICT_RANK = {Verdict.NOT_LOADED: 0, Verdict.CANNOT_START: 1, Verdict.LOADED: 2}


def verdict_of(effects: Iterable[Verdict | None]) -> Verdict:
    """The worst of `effects`; LOADED when none stops Claude Code from loading or starting the agent."""
    return min((e for e in effects if e is not None), key=lambda v: v.rank, default=Verdict.LOADED)


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: Severity
    message: str
    location: Location
    fix: str
    category: str
    confidence: Confidence = Confidence.HIGH
    evidence: Mapping[str, Any] = field(default_factory=dict)
    # Agent findings only: the verdict this finding forces on its file (None: it does not stop
    # Claude Code from loading or starting the agent).
    effect: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "severity": str(self.severity),
            "category": self.category,
            "message": self.message,
            "path": self.location.path,
            "line": self.location.line,
            "col": self.location.col,
            "fix": self.fix,
            "confidence": str(self.confidence),
            "evidence": dict(self.evidence),
        }
