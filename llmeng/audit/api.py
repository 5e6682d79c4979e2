"""The audit domain for adapters (CLI, MCP): project config, one audit, the filters, the exit code."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path

from llmeng.audit.catalog import CatalogLookup
from llmeng.audit.config import load_config
from llmeng.audit.engine import audit_paths, audit_source
from llmeng.audit.model import AuditConfig, AuditResult, Skipped
from llmeng.audit.registry import RULES
from llmeng.errors import LlmengError
from llmeng.findings import Finding, Severity
from llmeng.fsutil import atomic_write, confine
from llmeng.rules import Rule

SEVERITIES = ("critical", "high", "medium", "low")
FAIL_ON_NEVER = "never"
SNIPPET_NAME = "<snippet>"


@dataclass(frozen=True)
class Audit:
    result: AuditResult
    shown: tuple[Finding, ...]  # after the rule and severity filters

    @property
    def notices(self) -> tuple[Skipped, ...]:
        """Files not audited: skipped (huge, binary, not UTF-8) or not valid Python."""
        return (*self.result.skipped, *self.result.parse_errors)

    def exit_code(self, fail_on: str) -> int:
        """1 when a shown finding is at or above `fail_on` (a severity, or "never"), else 0."""
        if fail_on == FAIL_ON_NEVER:
            return 0
        return 1 if any(f.severity.rank >= Severity(fail_on).rank for f in self.shown) else 0


def audit(
    paths: Sequence[str] = (),
    *,
    code: str = "",
    root: Path | None = None,
    today: date,
    rules: Sequence[str] = (),
    min_severity: str = "low",
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Audit:
    """Audit `paths` (files or folders) or `code` (a snippet), with the project's config as of `today`.

    With `root` (the MCP server's project) paths must exist and stay inside it, and a snippet gets
    the root's config. `rules` keeps only those ids (empty: all); `jobs` 0 means one per core.
    """
    wanted = _known_rules(rules)
    given = [p for p in paths if p]
    if _one_of(given, code) == "code":
        config = replace(project_config(root) if root else AuditConfig(), today=today)
        result = audit_source(code, SNIPPET_NAME, config=config, catalog=_catalog())
        _parses(result.parse_errors)
    else:
        targets = [confine(root, p, must_exist=True) if root else Path(p) for p in given]
        config = replace(project_config(targets[0]), today=today)
        workers = jobs or os.cpu_count() or 1
        result = audit_paths(targets, config=config, catalog=_catalog(), jobs=workers, progress=progress)
    shown = tuple(f for f in result.at_least(Severity(min_severity)) if not wanted or f.rule_id in wanted)
    return Audit(result=result, shown=shown)


def project_config(path: Path) -> AuditConfig:
    """[tool.llmeng.audit] from the audited directory (or a file's directory)."""
    root = path if path.is_dir() else path.parent
    return load_config(root, known_rules=(r.id for r in RULES))


def save(path: Path, text: str) -> None:
    """Write a report atomically (readers never see half of it), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text)


def rules() -> tuple[Rule, ...]:
    """Every audit rule, in registry order."""
    return tuple(RULES)


@cache
def _catalog() -> CatalogLookup:
    """The model catalog, loaded on the first audit and kept: once per process (and MCP server)."""
    return CatalogLookup()


def _one_of(paths: Sequence[str], code: str) -> str:
    if paths and code.strip():
        raise LlmengError("Both `path` and `code` were given.", fix="Pass one of them: `path` or `code`.")
    if not paths and not code.strip():
        raise LlmengError(
            "Nothing to audit: `path` and `code` are both empty.",
            fix="Pass `path` (a file or folder under the project root) or `code` (Python source).",
        )
    return "code" if code.strip() else "path"


def _known_rules(rules: Sequence[str]) -> set[str]:
    known = {r.id for r in RULES}
    wanted = {r.strip().upper() for r in rules}
    unknown = sorted(wanted - known)
    if unknown:
        raise LlmengError(
            f"Unknown rule id(s): {', '.join(unknown)}.",
            fix=f"Use ids from this list, or none for all: {', '.join(sorted(known))}.",
        )
    return wanted


def _parses(parse_errors: Sequence[Skipped]) -> None:
    """A snippet that does not parse is bad input, not a clean result."""
    if parse_errors:
        raise LlmengError(
            f"The code does not parse: {parse_errors[0].reason}.",
            fix="Pass complete, valid Python 3 source (whole statements, consistent indentation).",
        )
