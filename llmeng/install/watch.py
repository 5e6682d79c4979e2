"""Re-run an install whenever an agent file under a folder changes (for people authoring agents)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

DEBOUNCE_S = 0.3  # editors write a file in several steps; wait for the burst to end
POLL_S = 0.1
_WRITES = {"created", "modified", "moved", "deleted"}


def watch_dir(
    directory: Path, on_change: Callable[[], object], *, stop: threading.Event, debounce_s: float = DEBOUNCE_S
) -> None:
    """Call `on_change` after each burst of *.md changes under `directory`, until `stop` is set."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
            # Only writes count: reading the files (as the install does) raises open/close events,
            # which would otherwise re-trigger the install forever.
            if (
                event.event_type in _WRITES
                and not event.is_directory
                and any(p.endswith(".md") for p in paths)
            ):
                changed.set()

    observer = Observer()
    observer.schedule(Handler(), str(directory), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            if changed.wait(POLL_S):
                while changed.wait(debounce_s):
                    changed.clear()
                on_change()
    finally:
        observer.stop()
        observer.join()
