"""What `llmeng audit` needs beside the core call: config lookup, rendering, an atomic write."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from llmeng import __version__
from llmeng.audit.config import load_config
from llmeng.audit.model import AuditConfig, AuditResult
from llmeng.audit.registry import RULES
from llmeng.audit.render import render_json, render_markdown
from llmeng.findings import Finding
from llmeng.report.sarif import dumps, render_sarif


def load_project_config(path: Path) -> AuditConfig:
    """[tool.llmeng.audit] from the audited directory (or a file's directory)."""
    root = path if path.is_dir() else path.parent
    return load_config(root, known_rules=(r.id for r in RULES))


def render(result: AuditResult, findings: Sequence[Finding], fmt: str) -> str:
    if fmt == "json":
        return render_json(result, findings)
    if fmt == "sarif":
        return dumps(render_sarif(findings, RULES, tool="llmeng-audit", version=__version__))
    return render_markdown(result, findings)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same directory, so readers never see half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
