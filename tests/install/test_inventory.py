"""`list`: agents in the project, user and plugin scopes, who installed them, and what shadows what."""

from __future__ import annotations

import json
from pathlib import Path

from llmeng.install.apply import apply
from llmeng.install.inventory import inventory
from llmeng.install.plan import plan_install
from llmeng.install.scopes import Scope
from llmeng.install.sources import Linter

from .support import Env, request

AGENT = "---\nname: {name}\ndescription: An agent. Use when testing.\n---\nBody.\n"


def rows(env: Env, lint: Linter) -> dict[tuple[str, str], object]:
    found = inventory(env=env.env, home=env.home, project=env.project, lint=lint)
    return {(r.scope, r.name): r for r in found}


def test_hand_made_agents_are_listed_as_other(env: Env, lint: Linter) -> None:
    env.dirs().agents.mkdir(parents=True)
    (env.dirs().agents / "mine.md").write_text(AGENT.format(name="mine"))
    row = rows(env, lint)[("project", "mine")]
    assert row.origin == "other" and not row.changed and row.loads  # type: ignore[attr-defined]


def test_plugin_agents_are_namespaced_and_never_shadowed(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(Scope.USER), team), lint=lint))
    plugin = env.home / "cache/rtplug"
    (plugin / "agents/sub").mkdir(parents=True)
    (plugin / "agents/sub/code-reviewer.md").write_text(AGENT.format(name="code-reviewer"))
    registry = env.home / ".claude/plugins/installed_plugins.json"
    registry.parent.mkdir(parents=True)
    registry.write_text(json.dumps({"version": 2, "plugins": {"rtplug@mkt": [{"installPath": str(plugin)}]}}))
    found = rows(env, lint)
    plugin_row = found[("plugin", "rtplug:sub:code-reviewer")]
    assert plugin_row.origin == "rtplug@mkt" and plugin_row.shadowed_by == ""  # type: ignore[attr-defined]
    user_row = found[("user", "code-reviewer")]
    assert user_row.origin == "llmeng" and user_row.version == "0.1.0"  # type: ignore[attr-defined]


def test_duplicate_names_inside_one_scope_shadow_each_other(env: Env, lint: Linter) -> None:
    env.dirs().agents.mkdir(parents=True)
    (env.dirs().agents / "a.md").write_text(AGENT.format(name="twin"))
    (env.dirs().agents / "b.md").write_text(AGENT.format(name="twin"))
    found = inventory(env=env.env, home=env.home, project=env.project, lint=lint)
    shadowed = [r for r in found if r.shadowed_by]
    assert len(found) == 2 and len(shadowed) == 1
    assert all(r.loads for r in found)


def test_nothing_installed_is_an_empty_inventory(env: Env, lint: Linter) -> None:
    assert inventory(env=env.env, home=env.home, project=env.project, lint=lint) == ()
