"""`llmeng validate --watch` validates again when an agent file changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DEADLINE_S = 120.0  # how long to wait for the watcher on a busy machine; never how long it takes
AGENT = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read\n---\nYou review diffs.\n"


def _wait_for(path: Path, needle: str, proc: subprocess.Popen[bytes], timeout_s: float = DEADLINE_S) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = path.read_text("utf-8", "replace")
        if text.count(needle) >= 1:
            return text
        assert proc.poll() is None, "the watcher exited early"
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} did not appear in the watcher's output: {path.read_text()!r}")


@pytest.fixture
def ctrl_c_reaches_children() -> Iterator[None]:
    """A suite started in the background by a non-interactive shell runs with SIGINT ignored, which
    children inherit, and Python then installs no Ctrl-C handler. Any handler here instead is reset
    to the default at exec, as a terminal would give it."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("ctrl_c_reaches_children")
def test_watch_validates_again_after_a_save(tmp_path: Path) -> None:
    agents = tmp_path / "agents"
    agents.mkdir()
    (agents / "reviewer.md").write_text(AGENT)
    out = tmp_path / "out.txt"
    env = dict(os.environ, HOME=str(tmp_path))
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llmeng", "validate", str(agents), "--watch"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=env,
        )
        try:
            _wait_for(out, "0 errors", proc)
            (agents / "reviewer.md").write_text(AGENT.replace("name: reviewer", "name: -reviewer"))
            text = _wait_for(out, "AG203", proc)
            assert "1 error," in text
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=DEADLINE_S)
