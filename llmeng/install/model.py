"""The plan's vocabulary: what happens to each file (Action), one step (Entry), and the whole InstallPlan.

Each entry carries the bytes to write and the sha256 the target had when planned, so `apply` can refuse
to act on a file that changed in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from llmeng.install.manifest import Manifest
from llmeng.install.scopes import ScopeDirs


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"  # already as wanted
    CONFLICT = "conflict"  # would overwrite something that is not ours as installed: refused
    INVALID = "invalid"  # the source agent has errors: not installed
    REMOVE = "remove"
    KEEP = "keep"  # uninstall leaves a file the user changed


WRITES = (Action.CREATE, Action.UPDATE, Action.REMOVE)


@dataclass(frozen=True)
class Entry:
    action: Action
    kind: str  # agent | script | settings | mcp | backup | manifest
    path: Path
    name: str
    reason: str
    content: bytes | None = None  # what create/update writes
    expected: str | None = None  # sha256 of the target when planned; None: it must not exist
    old: bytes | None = None  # the current bytes, for diffs
    mode: int | None = None


@dataclass(frozen=True)
class InstallPlan:
    dirs: ScopeDirs
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = ()
    manifest: Manifest = field(default_factory=lambda: Manifest(scope=""))
    prune_dirs: tuple[Path, ...] = ()  # emptied directories we created, removed after the last file

    @property
    def writes(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.action in WRITES)

    @property
    def ok(self) -> bool:
        return not any(e.action in (Action.CONFLICT, Action.INVALID) for e in self.entries)
