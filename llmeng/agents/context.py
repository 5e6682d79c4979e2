"""What the linter knows beyond one file: the other agents, installed scopes, MCP servers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmeng.agents.docs import SCOPE_PROJECT, SCOPE_USER, AgentDoc, PluginInfo
from llmeng.agents.parse import parse_agent
from llmeng.agents.spec import Spec
from llmeng.claude_paths import project_root
from llmeng.fsutil import read_regular

_UNSAFE_MCP_CHARS = re.compile(r"[^A-Za-z0-9_-]")
# Reading installed scopes must stay cheap and safe: look at a bounded number of small files.
MAX_INSTALLED_FILES = 2000


@dataclass(frozen=True)
class InstalledAgent:
    name: str
    scope: str
    path: Path


@dataclass(frozen=True)
class LintContext:
    spec: Spec
    docs: tuple[AgentDoc, ...]
    installed: tuple[InstalledAgent, ...]
    mcp_prefixes: frozenset[str] | None
    project_root: Path
    # Set by a caller that must not read past a folder (the MCP server's project root): a file that
    # resolves outside it gets a verdict without being read.
    confine_to: Path | None = None
    # Filled in before the set checks: the folders that were validated (a file's scan root when it
    # is in no Claude Code scope), and the files the per-file checks already found not loaded.
    roots: tuple[Path, ...] = ()
    not_loaded: frozenset[str] = frozenset()
    # Names of skills, commands and plugins beside the agents: a body that names one is not handing
    # work to a missing agent.
    other_names: frozenset[str] = frozenset()

    @property
    def known_agents(self) -> frozenset[str]:
        names = {d.name for d in self.docs if d.name} | {a.name for a in self.installed}
        return frozenset(names) | self.spec.builtin_agents


def build_context(
    plugins: Iterable[PluginInfo],
    spec: Spec,
    *,
    env: Mapping[str, str],
    cwd: Path,
    home: Path,
    user_dir: Path,
) -> LintContext:
    """What every file check needs to know, before any file is read; `docs` is filled in later."""
    root = project_root(cwd, env=env, home=home)
    installed = tuple(_scan_scope(root / ".claude" / "agents", SCOPE_PROJECT, spec)) + tuple(
        _scan_scope(user_dir / "agents", SCOPE_USER, spec)
    )
    unique = {p.root: p for p in plugins}
    return LintContext(
        spec=spec,
        docs=(),
        installed=installed,
        mcp_prefixes=_mcp_prefixes(root, home, env, unique.values()),
        project_root=root,
    )


def other_names(bases: Iterable[Path]) -> frozenset[str]:
    """Skill, command and plugin names found under each of `bases` (a project's .claude, a plugin
    root, a collection's root): `skills/<name>/SKILL.md`, `commands/**/<name>.md`, plugin manifests."""
    names: set[str] = set()
    for base in dict.fromkeys(bases):
        skills = base / "skills"
        if skills.is_dir():
            names |= {p.parent.name for p in _bounded(skills.glob("*/SKILL.md"))}
        commands = base / "commands"
        if commands.is_dir():
            names |= {p.stem for p in _bounded(commands.rglob("*.md"))}
        manifest = _read_json(base / ".claude-plugin" / "plugin.json")
        market = _read_json(base / ".claude-plugin" / "marketplace.json").get("plugins")
        for entry in [manifest, *(market if isinstance(market, list) else [])]:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                names.add(entry["name"])
    return frozenset(names)


def _bounded(paths: Iterable[Path]) -> list[Path]:
    return [p for _, p in zip(range(MAX_INSTALLED_FILES), paths)]


def mcp_server_prefix(server: str, plugin: str | None = None) -> str:
    """How Claude Code prefixes the tools of a server: mcp__<server> or mcp__plugin_<p>_<server>."""
    name = f"plugin_{plugin}_{server}" if plugin else server
    return "mcp__" + _UNSAFE_MCP_CHARS.sub("_", name)


def _scan_scope(folder: Path, scope: str, spec: Spec) -> list[InstalledAgent]:
    if not folder.is_dir():
        return []
    found = []
    for i, path in enumerate(sorted(folder.rglob("*.md"))):
        if i >= MAX_INSTALLED_FILES:
            break
        try:
            raw = read_regular(path, max_bytes=spec.limits["file_max_bytes"])
            data = parse_agent(raw.decode("utf-8"), spec).data
        except (OSError, UnicodeDecodeError):
            continue
        name = data.get("name") if data else None
        if isinstance(name, str) and name.strip():
            found.append(InstalledAgent(name=name.strip(), scope=scope, path=path))
    return found


def _mcp_prefixes(root: Path, home: Path, env: Mapping[str, str], plugins: Any) -> frozenset[str] | None:
    prefixes: set[str] = set()
    seen_config = False
    for config in (root / ".mcp.json",):
        servers = _servers_in(_read_json(config))
        if servers is not None:
            seen_config = True
            prefixes |= {mcp_server_prefix(s) for s in servers}
    user_state = _read_json(home / ".claude.json")
    projects = user_state.get("projects")
    project_state = projects.get(str(root)) if isinstance(projects, dict) else None
    for block in (user_state, project_state):
        # ~/.claude.json holds much else; only its `mcpServers` key lists servers.
        servers = (
            _servers_in({"mcpServers": block["mcpServers"]})
            if isinstance(block, dict) and "mcpServers" in block
            else None
        )
        if servers:
            seen_config = True
            prefixes |= {mcp_server_prefix(s) for s in servers}
    for plugin in plugins:
        servers = _plugin_servers(plugin)
        if servers is not None:
            seen_config = True
            prefixes |= {mcp_server_prefix(s, plugin.name) for s in servers}
    return frozenset(prefixes) if seen_config else None


def _plugin_servers(plugin: PluginInfo) -> set[str] | None:
    found: set[str] | None = None
    declared = plugin.manifest.get("mcpServers")
    entries = declared if isinstance(declared, list) else [declared] if declared else []
    sources: list[Any] = [_read_json(plugin.root / ".mcp.json") or None]
    for entry in entries:
        if isinstance(entry, str) and entry.startswith("./") and entry.endswith(".json"):
            sources.append(_read_json(plugin.root / entry))
        elif isinstance(entry, dict):
            sources.append(entry)
    for source in sources:
        servers = _servers_in(source) if isinstance(source, dict) else None
        if servers is not None:
            found = (found or set()) | servers
    return found


def _servers_in(config: dict[str, Any]) -> set[str] | None:
    if not config:
        return None
    servers = config.get("mcpServers", config)
    return {str(k) for k, v in servers.items() if isinstance(v, dict)} if isinstance(servers, dict) else None


JSON_MAX_BYTES = 16 * 1024 * 1024  # ~/.claude.json grows with history; far past this it is not config


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_regular(path, max_bytes=JSON_MAX_BYTES))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
