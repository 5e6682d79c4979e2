"""What an install adds besides agent files: the session script, the hook, MCP registration, permissions.

These values are contracts with other parts of llmeng (the sessions hook command, the MCP server's name
and tool names), so they live here once. A rename must change them here and nowhere else.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

SCRIPT_PATH = "scripts/update-active-session.sh"  # relative to the scope's .claude directory
SCRIPT_MODE = 0o755
# The one line of the session script that install fills in with the folder it runs llmeng from.
SCRIPT_LAUNCH_LINE = b'installed_bin=""\n'

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
    launch: Launch | None = None  # None: keep the command the manifest recorded (default: PATH)

    @classmethod
    def from_flags(
        cls, *, script: bool, hook: bool, mcp: bool, permissions: bool, launch: Launch | None = None
    ) -> Components:
        def want(on: bool) -> Want:
            return Want.PRESENT if on else Want.LEAVE

        return cls(want(script), want(hook), want(mcp), want(permissions), launch)


@dataclass(frozen=True)
class Launch:
    """How Claude Code starts llmeng's programs: by name from PATH, or from the folder that holds them.

    `folder` is None (PATH), an absolute path, or a path relative to the project root: a venv inside
    the project such as `.venv/bin`. The hook then reaches it through $CLAUDE_PROJECT_DIR and the MCP
    server through Claude Code's working directory, which is the folder holding .mcp.json. A relative
    folder keeps the committed settings valid for everyone who makes the same venv.
    """

    folder: str | None = None

    def hook_command(self) -> str:
        if self.folder is None:
            return HOOK_COMMAND
        if os.path.isabs(self.folder):
            return f"{shlex.quote(f'{self.folder}/llmeng')} hook subagent-stop"
        return f'"$CLAUDE_PROJECT_DIR"/{shlex.quote(f"{self.folder}/llmeng")} hook subagent-stop'

    def note(self) -> str | None:
        """What the user should know about where the hook, the MCP server and the script find llmeng."""
        if self.folder is None:
            return None
        if os.path.isabs(self.folder):
            return (
                f"the hook, the MCP server and the session script run llmeng from {self.folder}, a path "
                "on this machine only (llmeng is not on PATH); for settings that work anywhere, put "
                "llmeng on PATH (pipx install llmeng) and install again"
            )
        return (
            f"the hook, the MCP server and the session script run llmeng from the project's "
            f"{self.folder}, so they work without activating that venv"
        )

    def session_script(self, script: bytes) -> bytes:
        """The session script, set to run llmeng from the same folder as the hook and the MCP server."""
        if self.folder is None:
            return script
        return script.replace(SCRIPT_LAUNCH_LINE, f"installed_bin={shlex.quote(self.folder)}\n".encode(), 1)

    def mcp_entry(self) -> dict[str, Any]:
        if self.folder is None:
            return dict(MCP_ENTRY)
        return {**MCP_ENTRY, "command": f"{self.folder}/{MCP_ENTRY['command']}"}


def choose_launch(programs: Path, on_path: Path | None, project: Path | None) -> Launch:
    """Where Claude Code should find llmeng, given where the running llmeng is.

    `programs` is the folder of the running `llmeng`, `on_path` the folder of the `llmeng` that PATH
    finds (None: none), `project` the project root (None for user scope). A venv inside the project
    wins even when it is on PATH, so the settings come out the same whether or not it is activated.
    """
    if project is not None and programs.is_absolute() and programs.is_relative_to(project):
        return Launch(programs.relative_to(project).as_posix())
    if on_path is not None and on_path.resolve() == programs.resolve():
        return Launch()
    return Launch(str(programs))


def hook_group(agent_names: Iterable[str], launch: Launch | None = None) -> dict[str, Any]:
    """The SubagentStop group for our agents, its command as `launch` says (default: from PATH)."""
    command = (launch or Launch()).hook_command()
    return {
        "matcher": hook_matcher(agent_names),
        "hooks": [{"type": "command", "command": command, "timeout": HOOK_TIMEOUT_S}],
    }


def hook_matcher(agent_names: Iterable[str]) -> str:
    """Exactly our agents, anchored so `x` never matches `plugin:x`."""
    return f"^({'|'.join(_escape(n) for n in sorted(set(agent_names)))})$"


def _escape(name: str) -> str:
    # Python's re.escape also escapes `-`, which a JavaScript regex with the `u` flag rejects.
    return _REGEX_SPECIAL.sub(r"\\\g<0>", name)


def permission_rules() -> list[str]:
    return [f"mcp__{MCP_SERVER}__{tool}" for tool in MCP_TOOLS]
