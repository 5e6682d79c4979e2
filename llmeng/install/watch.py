"""Re-run an install whenever an agent file under a folder changes (for people authoring agents)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from llmeng.fswatch import DEBOUNCE_S, watch_md


def watch_dir(
    directory: Path, on_change: Callable[[], object], *, stop: threading.Event, debounce_s: float = DEBOUNCE_S
) -> None:
    """Call `on_change` after each burst of *.md changes under `directory`, until `stop` is set."""
    watch_md([directory], on_change, stop=stop, debounce_s=debounce_s)
