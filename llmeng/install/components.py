"""What an install adds besides agent files: the session script, the hook, MCP registration, permissions.

These values are contracts with other parts of llmeng (the sessions hook command, the MCP server's name
and tool names), so they live here once. A rename must change them here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

SCRIPT_PATH = "scripts/update-active-session.sh"  # relative to the scope's .claude directory
SCRIPT_MODE = 0o755

HOOK_EVENT = "SubagentStop"
HOOK_COMMAND = "llmeng hook subagent-stop"
HOOK_TIMEOUT_S = 30

_REGEX_SPECIAL = re.compile(r"[.^$*+?()\[\]{}|\\/]")

MCP_SERVER = "llmeng"
MCP_ENTRY: dict[str, Any] = {"type": "stdio", "command": "llmeng-mcp", "args": []}
# Subagents cannot answer permission prompts, so the tools they call must be allowed up front
# (claude-code.md §4.4, §7.4a). Exact names, not the whole server: least privilege.
MCP_TOOLS = ("audit", "select_model", "session_append", "validate_agents")


class Want(StrEnum):
    """What to do with one component: make it match our agents, take ours out, or leave it alone."""

    PRESENT = "present"
    ABSENT = "absent"
    LEAVE = "leave"


@dataclass(frozen=True)
class Components:
    script: Want = Want.PRESENT
    hook: Want = Want.PRESENT
    mcp: Want = Want.LEAVE
    permissions: Want = Want.LEAVE

    @classmethod
    def from_flags(cls, *, script: bool, hook: bool, mcp: bool, permissions: bool) -> Components:
        def want(on: bool) -> Want:
            return Want.PRESENT if on else Want.LEAVE

        return cls(want(script), want(hook), want(mcp), want(permissions))


def hook_group(agent_names: Iterable[str]) -> dict[str, Any]:
    """The SubagentStop group for our agents. The matcher is anchored so `x` never matches `plugin:x`."""
    alternatives = "|".join(_escape(n) for n in sorted(set(agent_names)))
    return {
        "matcher": f"^({alternatives})$",
        "hooks": [{"type": "command", "command": HOOK_COMMAND, "timeout": HOOK_TIMEOUT_S}],
    }


def _escape(name: str) -> str:
    # Python's re.escape also escapes `-`, which a JavaScript regex with the `u` flag rejects.
    return _REGEX_SPECIAL.sub(r"\\\g<0>", name)


def permission_rules() -> list[str]:
    return [f"mcp__{MCP_SERVER}__{tool}" for tool in MCP_TOOLS]
