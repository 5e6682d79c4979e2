"""Run a callback again whenever an agent file under some paths is written (`llmeng validate --watch`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

DEBOUNCE_S = 0.3  # editors write a file in several steps; wait for the burst to end
POLL_S = 0.1
_WRITES = {"created", "modified", "moved", "deleted"}


def watch_paths(
    targets: Sequence[Path], on_change: Callable[[], object], *, stop: threading.Event | None = None
) -> None:
    """Call `on_change` now and after each burst of *.md writes under `targets`, until `stop` is set."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
            # Only writes count: validating reads the files, and those open/close events would
            # otherwise start the next run, forever.
            if event.event_type in _WRITES and any(p.endswith(".md") for p in paths):
                changed.set()

    observer = Observer()
    for target in targets:
        observer.schedule(Handler(), str(target if target.is_dir() else target.parent), recursive=True)
    observer.start()
    try:
        on_change()
        while not stop.is_set():
            if changed.wait(POLL_S):
                while changed.wait(DEBOUNCE_S):
                    changed.clear()
                on_change()
    finally:
        observer.stop()
        observer.join()
