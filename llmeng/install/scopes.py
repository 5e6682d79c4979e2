"""Where each install scope lives on disk, worked out from paths and an env mapping passed in."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from llmeng.claude_paths import config_dir_is_set, user_config_dir
from llmeng.errors import LlmengError
from llmeng.fsutil import confine, read_regular

REGISTRY_MAX_BYTES = 16 << 20  # a few KiB per plugin; far more is not Claude Code's registry

MANIFEST_NAME = "llmeng-manifest.json"
JOURNAL_NAME = "llmeng-install.journal.json"
PROJECT_MCP_NAME = ".mcp.json"
USER_MCP_NAME = ".claude.json"


class Scope(StrEnum):
    PROJECT = "project"
    USER = "user"
    PLUGIN = "plugin"


@dataclass(frozen=True)
class ScopeDirs:
    """Every path one scope's install touches. `boundary` is the directory no write may leave."""

    scope: Scope
    root: Path  # the scope's `.claude` directory
    mcp_config: Path  # project: <project>/.mcp.json; user: ~/.claude.json
    boundary: Path

    @property
    def agents(self) -> Path:
        return self.root / "agents"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST_NAME

    @property
    def journal(self) -> Path:
        return self.root / JOURNAL_NAME


def scope_dirs(scope: Scope, *, env: Mapping[str, str], home: Path, project: Path) -> ScopeDirs:
    """The paths for `scope`; `project` is the project's root directory."""
    if scope is Scope.PROJECT:
        project = project.absolute()
        # The project directory is the fence: a `.claude` symlinked elsewhere is refused.
        return ScopeDirs(scope, project / ".claude", project / PROJECT_MCP_NAME, project)
    if scope is Scope.USER:
        root = user_config_dir(env=env, home=home).absolute()
        # Claude Code keeps `.claude.json` inside $CLAUDE_CONFIG_DIR when that is set (seen in
        # anthropics/claude-code#48448), and in the home directory otherwise.
        mcp_base = root if config_dir_is_set(env) else home.absolute()
        # A `~/.claude` that is itself a symlink (dotfile managers) is fine; leaving it is not.
        return ScopeDirs(scope, root, mcp_base / USER_MCP_NAME, root.resolve())
    raise LlmengError(
        "plugin agents are managed by Claude Code, not by `llmeng install`",
        "Use --scope project or --scope user; `llmeng list` shows plugin agents.",
    )


def ensure_inside(path: Path, dirs: ScopeDirs) -> None:
    """Refuse a write target that is a symlink or whose directory resolves outside the scope."""
    if path.is_symlink():
        raise LlmengError(
            f"{path} is a symlink; llmeng never writes through one",
            "Replace the link with a regular file, or install into another scope.",
        )
    if path == dirs.mcp_config:
        return  # ~/.claude.json sits beside the user scope, not in it: the one file allowed outside
    try:
        # The folder, not the file: a symlinked target was refused above, and confine would follow it.
        confine(dirs.boundary, path.parent)
    except LlmengError:
        raise LlmengError(
            f"{path} resolves to {os.path.realpath(path.parent)}, outside {dirs.boundary}",
            "A directory on the way is a symlink that leads out of the scope; remove it or pick "
            "another --target.",
        ) from None


def plugin_agent_dirs(*, env: Mapping[str, str], home: Path) -> list[tuple[str, Path]]:
    """(plugin id, agents dir) for each plugin Claude Code has installed, from installed_plugins.json."""
    registry = user_config_dir(env=env, home=home) / "plugins" / "installed_plugins.json"
    try:
        data = json.loads(read_regular(registry, max_bytes=REGISTRY_MAX_BYTES))
    except (OSError, ValueError):
        return []
    # v2 nests installs under "plugins"; older files keyed plugins at the top level.
    plugins = data.get("plugins", data) if isinstance(data, dict) else {}
    found: list[tuple[str, Path]] = []
    for plugin_id, installs in sorted(plugins.items() if isinstance(plugins, dict) else []):
        for install in installs if isinstance(installs, list) else [installs]:
            path = install.get("installPath") if isinstance(install, dict) else None
            if isinstance(path, str) and (Path(path) / "agents").is_dir():
                found.append((plugin_id, Path(path) / "agents"))
    return found
