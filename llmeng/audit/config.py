"""`[tool.llmeng.audit]` in pyproject.toml, and the SDK versions a project pins."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from llmeng.audit.model import AuditConfig
from llmeng.errors import LlmengError
from llmeng.findings import Severity
from llmeng.fsutil import read_regular

_AUDIT_SEVERITIES = {s.value: s for s in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)}
_KEYS = {"disable", "exclude", "severity"}
_PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(==|~=)\s*([0-9][0-9A-Za-z.\-+]*)")
_LOCK_ENTRY = re.compile(r'name = "([^"]+)"\s*\nversion = "([^"]+)"')


CONFIG_MAX_BYTES = 4 * 1024 * 1024  # a pyproject.toml or lock file; larger is not a config file


def load_config(root: Path, *, known_rules: Iterable[str]) -> AuditConfig:
    """The audit config of a project directory (defaults when it has no pyproject.toml)."""
    pyproject = root / "pyproject.toml"
    data: Mapping[str, Any] = {}
    if pyproject.is_file():
        try:
            data = tomllib.loads(read_regular(pyproject, max_bytes=CONFIG_MAX_BYTES).decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise LlmengError(
                f"{pyproject}: not valid TOML ({e})", "Fix the syntax, or run on a subdirectory."
            ) from e
    section = data.get("tool", {}).get("llmeng", {}).get("audit", {})
    return parse_config(section, str(pyproject), set(known_rules), pins=find_pins(root))


def parse_config(
    section: Mapping[str, Any], where: str, known: set[str], *, pins: Mapping[str, str] | None = None
) -> AuditConfig:
    unknown_keys = set(section) - _KEYS
    if unknown_keys:
        raise LlmengError(
            f"{where}: unknown key(s) {sorted(unknown_keys)} in [tool.llmeng.audit]",
            f"Use only {sorted(_KEYS)}.",
        )
    disabled = {str(r).upper() for r in section.get("disable", [])}
    severity = {str(k).upper(): v for k, v in section.get("severity", {}).items()}
    bad_ids = (disabled | set(severity)) - known
    if bad_ids:
        raise LlmengError(
            f"{where}: unknown rule id(s) {sorted(bad_ids)} in [tool.llmeng.audit]",
            "Run `llmeng rules` for the ids (LLM101 ... LLM401).",
        )
    bad_levels = {k: v for k, v in severity.items() if v not in _AUDIT_SEVERITIES}
    if bad_levels:
        raise LlmengError(
            f"{where}: invalid severity {bad_levels} in [tool.llmeng.audit.severity]",
            f"Use one of {sorted(_AUDIT_SEVERITIES)}.",
        )
    exclude = section.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(e, str) for e in exclude):
        raise LlmengError(
            f"{where}: [tool.llmeng.audit] exclude must be a list of glob strings",
            'Write exclude = ["tests/**", "examples/*.py"].',
        )
    return AuditConfig(
        disabled=frozenset(disabled),
        exclude=tuple(exclude),
        severity={k: _AUDIT_SEVERITIES[v] for k, v in severity.items()},
        pins=dict(pins or {}),
    )


def find_pins(root: Path) -> dict[str, str]:
    """Package -> version pinned in requirements*.txt, pyproject.toml, uv.lock or poetry.lock under root."""
    pins: dict[str, str] = {}
    if not root.is_dir():
        return pins
    for name in ("uv.lock", "poetry.lock"):
        lock = root / name
        if lock.is_file():
            for m in _LOCK_ENTRY.finditer(_read(lock)):
                pins.setdefault(_norm(m.group(1)), m.group(2))
    for req in sorted(root.glob("requirements*.txt")):
        pins.update({k: v for k, v in _requirement_pins(_read(req).splitlines()).items() if k not in pins})
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            deps = tomllib.loads(_read(pyproject)).get("project", {}).get("dependencies", [])
        except tomllib.TOMLDecodeError:
            deps = []
        pins.update({k: v for k, v in _requirement_pins(deps).items() if k not in pins})
    return pins


def _requirement_pins(lines: Iterable[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        m = _PIN.match(line)
        if m:
            out[_norm(m.group(1))] = m.group(3)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    try:
        return read_regular(path, max_bytes=CONFIG_MAX_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""
