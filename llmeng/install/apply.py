"""apply(plan) -> InstallReport: carry out a plan's writes as one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmeng.install import txn
from llmeng.install.failures import os_failure
from llmeng.install.model import Action, InstallPlan
from llmeng.install.scopes import ScopeDirs


@dataclass(frozen=True)
class InstallReport:
    """What was done: the plan as carried out, and whether an interrupted run was rolled back first."""

    plan: InstallPlan
    applied: bool
    recovered: bool = False

    @property
    def ok(self) -> bool:
        return self.plan.ok

    @property
    def changed(self) -> bool:
        return self.applied and bool(self.plan.writes)


def apply(plan: InstallPlan, *, recovered: bool = False) -> InstallReport:
    """Write every create/update/remove in `plan`, all or nothing; conflicts and invalid agents are skipped."""
    ops = [
        txn.Op(e.path, None if e.action is Action.REMOVE else e.content, e.expected, e.mode)
        for e in plan.writes
    ]
    if ops:
        txn.commit(ops, plan.dirs.journal)
    for folder in plan.prune_dirs:
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty: something of the user's lives there
    return InstallReport(plan, applied=True, recovered=recovered)


def recover_scope(dirs: ScopeDirs) -> bool:
    """Roll back an install that was killed midway in this scope; True if there was one.

    Then, under the same lock, sweep the staged and old copies a run killed outside its journal
    left behind (before writing the journal, or after removing it).
    """
    if not dirs.root.is_dir():
        return False  # nothing was ever written here, and a lock would create the folder
    try:
        with txn.locked(dirs.root):
            recovered = txn.recover(dirs.journal)
            txn.sweep(dirs.journal, _places(dirs))
    except OSError as e:
        raise os_failure(e, dirs.journal) from e
    return recovered


def _places(dirs: ScopeDirs) -> list[tuple[Path, str | None]]:
    """Where our transactions stage files: the scope's folders, and beside the MCP config."""
    ours: list[tuple[Path, str | None]] = [
        (dirs.root, None),
        (dirs.agents, None),
        (dirs.root / "scripts", None),
    ]
    return [*ours, (dirs.mcp_config.parent, dirs.mcp_config.name)]
