"""What is installed where: every agent in the project, user and plugin scopes, and what shadows what."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from llmeng.install import manifest as mf
from llmeng.install.manifest import sha256
from llmeng.install.scopes import Scope, plugin_agent_dirs, scope_dirs
from llmeng.install.sources import Linter, agent_files, read_agents

# Claude Code's precedence, lowest first (claude-code.md §1.2); plugin agents are namespaced.
PRECEDENCE = (Scope.PLUGIN, Scope.USER, Scope.PROJECT)


@dataclass(frozen=True)
class InstalledAgent:
    scope: str
    name: str  # as Claude Code lists it (plugin agents are `plugin:name`)
    path: Path
    origin: str  # "llmeng" when our manifest records it, else "other"
    source: str = ""
    version: str = ""
    changed: bool = False  # differs from what llmeng installed
    loads: bool = True
    shadowed_by: str = ""  # the path of the copy Claude Code uses instead


def inventory(
    *, env: Mapping[str, str], home: Path, project: Path, lint: Linter
) -> tuple[InstalledAgent, ...]:
    """Every agent file Claude Code would consider, lowest precedence first within each name."""
    found: list[InstalledAgent] = []
    for scope in (Scope.PROJECT, Scope.USER):
        found += _scope_agents(scope, env=env, home=home, project=project, lint=lint)
    for plugin_id, agents_dir in plugin_agent_dirs(env=env, home=home):
        plugin = plugin_id.split("@")[0]
        for agent in read_agents(agent_files(agents_dir), lint):
            prefix = ":".join((plugin, *agent.path.parent.relative_to(agents_dir).parts))
            found.append(
                InstalledAgent(
                    Scope.PLUGIN, f"{prefix}:{agent.name}", agent.path, origin=plugin_id, loads=agent.ok
                )
            )
    return _mark_shadowed(found)


def _scope_agents(
    scope: Scope, *, env: Mapping[str, str], home: Path, project: Path, lint: Linter
) -> list[InstalledAgent]:
    dirs = scope_dirs(scope, env=env, home=home, project=project)
    if not dirs.agents.is_dir():
        return []
    records = mf.load(dirs.manifest, scope).files
    out = []
    for agent in read_agents(agent_files(dirs.agents), lint):
        rel = agent.path.relative_to(dirs.root).as_posix()
        record = records.get(rel)
        # Duplicate-name problems are reported through shadowing below, not as load failures.
        loads = not [p for p in agent.problems if "is also defined in" not in p]
        if record is None:
            out.append(InstalledAgent(scope, agent.name, agent.path, "other", loads=loads))
            continue
        out.append(
            InstalledAgent(
                scope,
                agent.name,
                agent.path,
                "llmeng",
                record.source,
                record.version,
                changed=sha256(agent.content) != record.sha256,
                loads=loads,
            )
        )
    return out


def _mark_shadowed(found: list[InstalledAgent]) -> tuple[InstalledAgent, ...]:
    by_name: dict[str, list[InstalledAgent]] = defaultdict(list)
    for agent in found:
        by_name[agent.name].append(agent)
    out = []
    for agent in found:
        rivals = [a for a in by_name[agent.name] if a is not agent]
        winner = _winner([agent, *rivals])
        if winner is not agent:
            agent = replace(agent, shadowed_by=str(winner.path))
        out.append(agent)
    return tuple(out)


def _winner(agents: list[InstalledAgent]) -> InstalledAgent:
    # Within one scope Claude Code keeps one copy by read order; we cannot know which, so the
    # first by path stands in and both are shown.
    return max(agents, key=lambda a: (PRECEDENCE.index(Scope(a.scope)), -_order(a, agents)))


def _order(agent: InstalledAgent, agents: list[InstalledAgent]) -> int:
    return sorted(a.path for a in agents).index(agent.path)
