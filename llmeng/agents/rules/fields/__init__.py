"""AG2xx: frontmatter fields and their values, as Claude Code accepts, drops or ignores them.

One module per field group, listed in the registry in id order: identity (AG201-AG210: name, description,
model), values (AG211-AG218: enumerated and typed settings, hooks), keys (AG219-AG223: which keys, and types).
"""

from __future__ import annotations

from llmeng.agents.context import LintContext
from llmeng.agents.rules import SRC_REF

CAT = "fields"
SOURCES = (SRC_REF + " §1.4, §1.7",)
FM = "---\nname: reviewer\ndescription: Reviews diffs for bugs.\n{}---\nYou review diffs.\n"


def spec_values(ctx: LintContext, key: str) -> list[str]:
    """The values the Claude Code spec snapshot allows for `key`."""
    return list(ctx.spec.values[key])
