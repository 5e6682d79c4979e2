"""Every audit rule, family by family, listed explicitly (no registration on import)."""

from __future__ import annotations

from llmeng.audit.rules import AuditCheck, limits, observability, resilience, security
from llmeng.rules import Rule

CHECKS: tuple[AuditCheck, ...] = (*resilience.CHECKS, *security.CHECKS, *limits.CHECKS, *observability.CHECKS)
RULES: tuple[Rule, ...] = tuple(c.rule for c in CHECKS)
# Rules that need the model catalog: inactive unless audit_paths gets catalog=.
CATALOG_RULES = frozenset({"LLM302", "LLM303", "LLM304"})


def get_rule(rule_id: str) -> Rule | None:
    return next((r for r in RULES if r.id == rule_id.upper()), None)
