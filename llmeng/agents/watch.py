"""Run a callback again whenever an agent file under some paths is written (`llmeng validate --watch`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from llmeng.fswatch import watch_md


def watch_paths(
    targets: Sequence[Path], on_change: Callable[[], object], *, stop: threading.Event | None = None
) -> None:
    """Call `on_change` now and after each burst of *.md writes under `targets`, until `stop` is set."""
    folders = [target if target.is_dir() else target.parent for target in targets]
    watch_md(folders, on_change, stop=stop or threading.Event(), first_run=True)
