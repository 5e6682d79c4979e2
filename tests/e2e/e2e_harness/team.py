"""Facts about our own team that the end-to-end tests check: agents, MCP tool names, the session log."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

PLUGIN_ID = "llmeng@llmeng"
PLUGIN_NAMESPACE = "llmeng"
MCP_TOOLS = ("audit", "select_model", "session_append", "validate_agents")
# How Claude Code names a tool of our server: registered by the plugin, or from a project .mcp.json
# (claude-code.md §4.3).
PLUGIN_MCP_PREFIX = "mcp__plugin_llmeng_llmeng__"
PROJECT_MCP_PREFIX = "mcp__llmeng__"


@dataclass(frozen=True)
class TeamAgent:
    name: str
    recognise: str  # the first line of its system prompt: how the mock tells its requests apart


def team_agents(repo_root: Path) -> list[TeamAgent]:
    agents = []
    for path in sorted((repo_root / "agents").glob("*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---", 2)
        first_line = next(line.strip() for line in body.splitlines() if line.strip())
        agents.append(TeamAgent(name=yaml.safe_load(front)["name"], recognise=first_line))
    return agents


def start_session(llmeng: Path, project: Path, env: Mapping[str, str], title: str) -> Path:
    """`llmeng session start` in the project; returns the new active session file."""
    done = subprocess.run(
        [str(llmeng), "session", "start", title, "--json"],
        cwd=project,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"llmeng session start failed:\n{done.stdout}\n{done.stderr}"
    return Path(json.loads(done.stdout)["path"])


def session_text(project: Path) -> str:
    """Everything in the project's active session logs."""
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in sorted((project / ".claude" / "sessions" / "active").glob("*.md"))
    )


def active_logs(project: Path) -> list[Path]:
    """The project's active session logs, by name."""
    return sorted((project / ".claude" / "sessions" / "active").glob("*.md"))


def tied_log(project: Path, claude_session: str) -> Path:
    """The one session log tied to the Claude Code session `claude_session` (docs/sessions.md)."""
    found = [p for p in active_logs(project) if p.name.endswith(f"-claude-code-{claude_session}.md")]
    assert len(found) == 1, (
        f"logs for Claude Code session {claude_session}: {[p.name for p in active_logs(project)]}"
    )
    return found[0]
