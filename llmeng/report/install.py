"""Text and JSON renderings of install reports, plans, diffs and the inventory: strings and dicts."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmeng.install.apply import InstallReport
from llmeng.install.inventory import InstalledAgent
from llmeng.install.model import Action, Entry, InstallPlan

_PAST = {
    Action.CREATE: "installed",
    Action.UPDATE: "updated",
    Action.SKIP: "up to date",
    Action.CONFLICT: "refused (changed by you)",
    Action.INVALID: "not installed (errors)",
    Action.REMOVE: "removed",
    Action.KEEP: "kept (changed by you)",
}


def show(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def report_text(report: InstallReport, cwd: Path, *, verb: str) -> str:
    """What `verb` (install, update, uninstall) did, or would do when nothing was applied."""
    plan, dry_run = report.plan, not report.applied
    head = (
        f"{'Would ' + verb if dry_run else verb.capitalize()} ({plan.dirs.scope} scope, "
        f"{show(plan.dirs.root, cwd)}){': dry run, nothing written' if dry_run else ''}"
    )
    lines = [head]
    if report.recovered:
        lines.append("  rolled back an interrupted earlier run first")
    lines += [f"  {e.action.value:<8} {e.kind:<8} {show(e.path, cwd)}: {e.reason}" for e in plan.entries]
    lines += [f"note: {n}" for n in plan.notes]
    lines.append(summary(plan, dry_run=dry_run))
    return "\n".join(lines)


def summary(plan: InstallPlan, *, dry_run: bool) -> str:
    agents = [e for e in plan.entries if e.kind == "agent"]
    if not plan.writes:
        return (
            f"Nothing to do: {len(agents)} agent(s) checked, no file would change."
            if dry_run
            else f"Nothing changed: {len(agents)} agent(s) checked, everything already as wanted."
        )
    parts = [
        f"{sum(e.action is a for e in agents)} {_PAST[a]}"
        for a in Action
        if any(e.action is a for e in agents)
    ]
    tail = f"{len(plan.writes)} file(s) would change" if dry_run else f"{len(plan.writes)} file(s) changed"
    return f"Agents: {', '.join(parts) or 'none'}. {tail}."


def report_json(report: InstallReport) -> dict[str, Any]:
    """The report for scripts: `dry_run` is true when nothing was applied."""
    return {
        "scope": str(report.plan.dirs.scope),
        "root": str(report.plan.dirs.root),
        "dry_run": not report.applied,
        "applied": report.applied,
        "recovered": report.recovered,
        "ok": report.ok,
        "changed": report.changed,
        "entries": [_entry_json(e) for e in report.plan.entries],
        "notes": list(report.plan.notes),
    }


def plan_json(plan: InstallPlan) -> dict[str, Any]:
    """A plan not carried out (`llmeng diff --json`), in the shape of a dry run's report."""
    return report_json(InstallReport(plan, applied=False))


def _entry_json(e: Entry) -> dict[str, Any]:
    return {"action": e.action.value, "kind": e.kind, "name": e.name, "path": str(e.path), "reason": e.reason}


def diff_text(plan: InstallPlan, cwd: Path) -> str:
    """A unified diff per agent file: installed copy (a/) against the source (b/)."""
    chunks = []
    for e in plan.entries:
        if e.kind not in ("agent", "script") or e.action not in (
            Action.UPDATE,
            Action.CONFLICT,
            Action.CREATE,
        ):
            continue
        new = e.content if e.content is not None else b""
        label = show(e.path, cwd)
        if e.action is Action.CONFLICT:
            chunks.append(f"# {label}: {e.reason}")
            continue
        chunks.append("".join(difflib.unified_diff(_lines(e.old), _lines(new), f"a/{label}", f"b/{label}")))
    chunks += [f"note: {n}" for n in plan.notes]
    return "\n".join(chunks) if chunks else "No differences: installed agents match their source."


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)


def inventory_text(rows: Sequence[InstalledAgent], cwd: Path) -> str:
    if not rows:
        return "No agents installed in the project, user or plugin scopes."
    lines = [f"{'SCOPE':<8} {'NAME':<32} {'ORIGIN':<20} {'VERSION':<8} STATE"]
    for r in rows:
        state = ["changed" if r.changed else ("unchanged" if r.origin == "llmeng" else "-")]
        state += [] if r.loads else ["does not load"]
        state += [f"shadowed by {show(Path(r.shadowed_by), cwd)}"] if r.shadowed_by else []
        origin = (
            "llmeng:" + (r.source if r.source == "bundled" else Path(r.source).name)
            if r.origin == "llmeng"
            else r.origin
        )
        lines.append(f"{r.scope:<8} {r.name:<32} {origin:<20} {r.version or '-':<8} {', '.join(state)}")
    return "\n".join(lines)


def inventory_json(rows: Sequence[InstalledAgent]) -> list[dict[str, Any]]:
    return [
        {
            "scope": r.scope,
            "name": r.name,
            "path": str(r.path),
            "origin": r.origin,
            "source": r.source,
            "version": r.version,
            "changed": r.changed,
            "loads": r.loads,
            "shadowed_by": r.shadowed_by,
        }
        for r in rows
    ]
