"""plan_install and plan_uninstall: what would happen to every file, decided before anything is written."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from llmeng.errors import LlmengError
from llmeng.install import manifest as mf
from llmeng.install.components import Components, Want
from llmeng.install.model import Action, Entry, InstallPlan
from llmeng.install.scopes import ScopeDirs
from llmeng.install.settings_steps import plan_mcp, plan_settings
from llmeng.install.sources import Linter, SourceAgent, agent_files, read_agents, select
from llmeng.install.steps import (
    components_for_uninstall,
    plan_agents,
    plan_manifest,
    plan_remove,
    plan_script,
    read_bytes,
)

__all__ = ["Action", "Entry", "InstallPlan", "Request", "plan_install", "plan_uninstall"]


@dataclass(frozen=True)
class Request:
    dirs: ScopeDirs
    source: Path  # a folder of agent files
    source_label: str  # "bundled", or the folder as given
    version: str
    patterns: tuple[str, ...] = ()
    components: Components = field(default_factory=Components)
    script: bytes | None = None  # the session script's bytes, when it ships
    force: bool = False
    installed_only: bool = False  # diff/update: only agents already installed from this source
    other_scopes: tuple[ScopeDirs, ...] = ()  # scopes to report shadowing against


def plan_install(request: Request, *, lint: Linter) -> InstallPlan:
    """Everything an install (or update) of `request` would do, in the order apply performs it."""
    dirs = request.dirs
    before = mf.load(dirs.manifest, dirs.scope)
    offered = read_agents(agent_files(request.source), lint)
    chosen = _choose(offered, request, before)
    chosen = _refuse_duplicates(chosen, _names_in(dirs, before, lint), dirs)
    entries, after = plan_agents(
        dirs, chosen, before, version=request.version, source=request.source_label, force=request.force
    )
    launch = request.components.launch
    more, after = plan_script(
        dirs,
        request.components.script,
        request.script if request.script is None or launch is None else launch.session_script(request.script),
        before,
        after,
        version=request.version,
        force=request.force,
    )
    settings, after, notes = plan_settings(dirs, request.components, after)
    mcp, after, mcp_notes = plan_mcp(dirs, request.components.mcp, after, request.components.launch)
    notes += mcp_notes + _shadow_notes(dirs, chosen, request.other_scopes, lint)
    if (
        launch is not None
        and (launch_note := launch.note())
        and ("hook" in after.edits or "mcp" in after.edits)
    ):
        notes.append(launch_note)
    if request.installed_only:
        notes += _gone_from_source(before, offered, request.source_label)
    if request.components.script is Want.PRESENT and request.script is None:
        notes.append("this llmeng build does not ship the session script; skipped")
    steps = [*entries, *more, *settings, *mcp]
    after = _record_new_dirs(dirs, steps, after)
    steps += plan_manifest(dirs, after)
    return InstallPlan(dirs, tuple(steps), tuple(_journal_note(dirs) + notes), after)


def plan_uninstall(dirs: ScopeDirs, patterns: Sequence[str] = ()) -> InstallPlan:
    """Remove our unchanged files and our settings entries; changed files are kept and listed."""
    before = mf.load(dirs.manifest, dirs.scope)
    agents = before.agents()
    chosen = [
        r for r in agents.values() if not patterns or any(fnmatch.fnmatchcase(r.name, p) for p in patterns)
    ]
    unknown = [p for p in patterns if not any(fnmatch.fnmatchcase(r.name, p) for r in agents.values())]
    if unknown:
        installed = ", ".join(sorted(r.name for r in agents.values())) or "none"
        raise LlmengError(
            f"llmeng did not install {', '.join(unknown)} in {dirs.root}",
            f"Installed here: {installed}. `llmeng list` shows every scope.",
        )
    entries: list[Entry] = []
    after = before
    for record in chosen:
        removed, after = plan_remove(dirs, record, after)
        entries += removed
    want = components_for_uninstall(after, before)
    more, after = plan_script(dirs, want.script, None, before, after, version="", force=False)
    settings, after, notes = plan_settings(dirs, want, after)
    mcp, after, mcp_notes = plan_mcp(dirs, want.mcp, after)
    prune: tuple[Path, ...] = ()
    if after.empty:
        # Everything we installed is gone: the directories we made go too, deepest first, if empty.
        prune = tuple(sorted((dirs.root / d for d in after.dirs), key=lambda p: len(p.parts), reverse=True))
    steps = [*entries, *more, *settings, *mcp, *plan_manifest(dirs, after)]
    return InstallPlan(dirs, tuple(steps), tuple(_journal_note(dirs) + notes + mcp_notes), after, prune)


def _record_new_dirs(dirs: ScopeDirs, steps: Sequence[Entry], after: mf.Manifest) -> mf.Manifest:
    created = set(after.dirs)
    for entry in steps:
        folder = entry.path.parent
        while entry.content is not None and folder.is_relative_to(dirs.root) and not folder.exists():
            created.add(folder.relative_to(dirs.root).as_posix())
            folder = folder.parent
    return replace(after, dirs=tuple(sorted(created)))


def _choose(offered: list[SourceAgent], request: Request, before: mf.Manifest) -> list[SourceAgent]:
    if not request.installed_only:
        return select(offered, request.patterns)
    ours = {r.name for r in before.agents().values() if r.source == request.source_label}
    return [a for a in select(offered, request.patterns) if a.name in ours]


def _names_in(dirs: ScopeDirs, manifest: mf.Manifest, lint: Linter) -> dict[str, Path]:
    """Agent name -> file for every agent in a scope. Files the manifest vouches for are not re-read."""
    if not dirs.agents.is_dir():
        return {}
    names, unknown = {}, []
    for path in agent_files(dirs.agents):
        record = manifest.files.get(path.relative_to(dirs.root).as_posix())
        if record is not None and record.sha256 == mf.sha256(read_bytes(path) or b""):
            names[record.name] = path
        else:
            unknown.append(path)
    return names | {a.name: a.path for a in read_agents(unknown, lint)}


def _refuse_duplicates(
    chosen: list[SourceAgent], present: dict[str, Path], dirs: ScopeDirs
) -> list[SourceAgent]:
    # Another file in the scope already uses the name: Claude Code would keep one of the two at random.
    out = []
    for agent in chosen:
        other = present.get(agent.name)
        if other is not None and other != dirs.agents / agent.filename:
            problem = f"{other} already defines '{agent.name}' in this scope; rename or remove one of them"
            agent = replace(agent, problems=(*agent.problems, problem))
        out.append(agent)
    return out


def _shadow_notes(
    dirs: ScopeDirs, chosen: list[SourceAgent], others: Sequence[ScopeDirs], lint: Linter
) -> list[str]:
    names = {a.name for a in chosen if a.ok}
    notes = []
    for other in others:
        present = _names_in(other, mf.load(other.manifest, other.scope), lint)
        for name in sorted(names & set(present)):
            # Precedence is project > user (claude-code.md §1.2).
            verb = "shadows" if dirs.scope == "project" else "is shadowed by"
            notes.append(f"{dirs.scope} agent '{name}' {verb} the {other.scope} agent {present[name]}")
    return notes


def _gone_from_source(before: mf.Manifest, offered: list[SourceAgent], label: str) -> list[str]:
    names = {a.name for a in offered}
    notes = [
        f"'{r.name}' is no longer in the source; kept (remove it with `llmeng uninstall {r.name}`)"
        for r in before.agents().values()
        if r.source == label and r.name not in names
    ]
    elsewhere = sorted({r.source for r in before.agents().values() if r.source != label})
    notes += [f"agents installed from {s} were not compared; pass --from {s}" for s in elsewhere]
    return notes


def _journal_note(dirs: ScopeDirs) -> list[str]:
    if dirs.journal.exists():
        return ["an interrupted install was found; it is rolled back before anything else is written"]
    return []
