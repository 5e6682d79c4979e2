"""Finding, Severity, Confidence and Location: shared by the agent linter and the audit."""

from __future__ import annotations

from collections.abc import Mapping
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
