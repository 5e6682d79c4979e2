from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from llmeng.install.components import Components, Want
from llmeng.install.plan import Request
from llmeng.install.scopes import Scope, ScopeDirs, scope_dirs
from llmeng.install.sources import Linter, default_linter

FIXTURES = Path(__file__).parent / "fixtures"
SCRIPT = b'#!/usr/bin/env bash\nexec llmeng session "$@"\n'


@dataclass
class Env:
    home: Path
    project: Path
    env: dict[str, str]

    def dirs(self, scope: Scope = Scope.PROJECT) -> ScopeDirs:
        return scope_dirs(scope, env=self.env, home=self.home, project=self.project)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    return Env(home, project, {"HOME": str(home)})


@pytest.fixture
def lint(env: Env) -> Linter:
    return default_linter(env=env.env, cwd=env.project, home=env.home)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A writable copy of the small fixture team, so tests can edit the source."""
    out = tmp_path / "src"
    out.mkdir()
    for f in (FIXTURES / "team").iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    return out


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


def names_of(paths: Sequence[Path]) -> list[str]:
    return sorted(p.name for p in paths)
