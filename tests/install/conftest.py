from __future__ import annotations

import threading
from pathlib import Path

import pytest
import watchdog.observers

from llmeng.install.sources import Linter, default_linter

from .support import FIXTURES, Env


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


@pytest.fixture
def observing(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once the watch's observer has started: from then on every write is seen."""
    started = threading.Event()

    class Observer(watchdog.observers.Observer):  # type: ignore[misc, valid-type]
        def start(self) -> None:
            super().start()
            started.set()

    monkeypatch.setattr(watchdog.observers, "Observer", Observer)
    return started
