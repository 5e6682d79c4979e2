"""Static audit of LLM integration code: production-reliability gaps, with evidence."""

from __future__ import annotations

from llmeng.audit.engine import audit_paths, audit_source
from llmeng.audit.model import AuditConfig, AuditResult

__all__ = ["AuditConfig", "AuditResult", "audit_paths", "audit_source"]
