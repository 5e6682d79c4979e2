"""Where Claude Code keeps things: the project root, the user's config folder, the agent folders.

One home for these facts (claude-code.md §1.1) so that install, validate, sessions and the MCP
server agree on which project they are in and where its agents live.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_SCOPE, USER_SCOPE = "project", "user"
AGENTS_SUBDIR = Path(".claude") / "agents"


def project_root(start: Path, *, env: Mapping[str, str], home: Path | None = None) -> Path:
    """The project Claude Code is working in, seen from `start`.

    `$CLAUDE_PROJECT_DIR` when set and not blank (Claude Code sets it for hooks and MCP servers);
    else the nearest folder at or above `start` holding `.git`, looking no higher than `home`
    (Claude Code stops its walk there, exclusive); else `start` itself. Always absolute.
    """
    configured = env.get("CLAUDE_PROJECT_DIR", "").strip()
    if configured:
        return Path(os.path.abspath(Path(configured).expanduser()))
    start = Path(os.path.abspath(start))
    stop = Path(os.path.abspath(home)) if home is not None else None
    for folder in (start, *start.parents):
        if folder == stop:
            break
        if (folder / ".git").exists():
            return folder
    return start


def user_config_dir(*, env: Mapping[str, str], home: Path) -> Path:
    """Claude Code's user folder: `$CLAUDE_CONFIG_DIR` when set and not blank, else `~/.claude`."""
    configured = env.get("CLAUDE_CONFIG_DIR", "").strip()
    return Path(configured).expanduser() if configured else home / ".claude"


def config_dir_is_set(env: Mapping[str, str]) -> bool:
    """Whether `$CLAUDE_CONFIG_DIR` moves the user folder (a blank value does not)."""
    return bool(env.get("CLAUDE_CONFIG_DIR", "").strip())


def agent_dirs(cwd: Path, *, env: Mapping[str, str], home: Path) -> list[tuple[str, Path]]:
    """(scope, folder) for every agents folder Claude Code reads from `cwd`, nearest first.

    Project scope: each `.claude/agents` walking up from `cwd` to the git root (inclusive) or
    `home` (exclusive), whichever comes first; user scope: `<user config>/agents`. Folders that do
    not exist are left out.
    """
    start = Path(os.path.abspath(cwd))
    stop = Path(os.path.abspath(home))
    found: list[tuple[str, Path]] = []
    for folder in (start, *start.parents):
        if folder == stop:
            break
        if (folder / AGENTS_SUBDIR).is_dir():
            found.append((PROJECT_SCOPE, folder / AGENTS_SUBDIR))
        if (folder / ".git").exists():
            break
    user = user_config_dir(env=env, home=home) / "agents"
    if user.is_dir():
        found.append((USER_SCOPE, user))
    return found
