"""Helpers for the install tests, imported as `from .support import ...` (a module, not conftest)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from llmeng.install.components import Components, Want
from llmeng.install.plan import Request
from llmeng.install.scopes import Scope, ScopeDirs, scope_dirs

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = b'#!/usr/bin/env bash\nexec llmeng session "$@"\n'


@dataclass
class Env:
    home: Path
    project: Path
    env: dict[str, str]

    def dirs(self, scope: Scope = Scope.PROJECT) -> ScopeDirs:
        return scope_dirs(scope, env=self.env, home=self.home, project=self.project)


def request(
    dirs: ScopeDirs,
    source: Path,
    *names: str,
    force: bool = False,
    script: bytes | None = SCRIPT,
    components: Components | None = None,
    installed_only: bool = False,
    other: tuple[ScopeDirs, ...] = (),
) -> Request:
    comps = components or Components(Want.PRESENT, Want.PRESENT, Want.LEAVE, Want.LEAVE)
    return Request(dirs, source, str(source), "0.1.0", names, comps, script, force, installed_only, other)


def snapshot(*roots: Path) -> dict[str, str]:
    """Every file and directory under `roots` with its sha256 (or 'dir'/'link'), for byte-identity checks."""
    out: dict[str, str] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                p = Path(dirpath) / name
                key = str(p)
                if p.is_symlink():
                    out[key] = "link:" + os.readlink(p)
                elif p.is_dir():
                    out[key] = "dir"
                else:
                    out[key] = hashlib.sha256(p.read_bytes()).hexdigest() + f":{p.stat().st_mode:o}"
    return out
