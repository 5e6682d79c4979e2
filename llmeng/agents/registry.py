"""Every agent-file rule, family by family. Listing the families here, explicitly, is the registration."""

from __future__ import annotations

from llmeng.agents.rules import FileCheck, SetCheck, content, file, references, tools
from llmeng.agents.rules.fields import identity, keys, values
from llmeng.rules import Rule

_FILE_FAMILIES = (
    file.FILE_CHECKS,
    identity.FILE_CHECKS,
    values.FILE_CHECKS,
    keys.FILE_CHECKS,
    tools.FILE_CHECKS,
    content.FILE_CHECKS,
)
_SET_FAMILIES = (references.SET_CHECKS,)

RULES: tuple[Rule, ...] = tuple(
    sorted(
        {
            **{rule.id: rule for family in (*_FILE_FAMILIES, *_SET_FAMILIES) for rule, _ in family},
            **{rule.id: rule for rule in file.GUARD_RULES},
        }.values(),
        key=lambda r: r.id,
    )
)
FILE_CHECKS: tuple[FileCheck, ...] = tuple(dict.fromkeys(c for fam in _FILE_FAMILIES for _, c in fam))
SET_CHECKS: tuple[SetCheck, ...] = tuple(dict.fromkeys(c for fam in _SET_FAMILIES for _, c in fam))
_BY_ID = {r.id: r for r in RULES}


def get_rule(rule_id: str) -> Rule | None:
    return _BY_ID.get(rule_id.upper())
