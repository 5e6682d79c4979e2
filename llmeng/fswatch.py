"""Call back after each burst of agent-file writes under some folders: `validate --watch`, `install --watch`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

DEBOUNCE_S = 0.3  # editors write a file in several steps; wait for the burst to end
POLL_S = 0.1
STOP_WAIT_S = 2.0  # for the observer to stop after Ctrl-C; a daemon thread past this is left behind
# Only writes count: reading the files (as validating and installing do) raises open/close events,
# which would otherwise start the next run, forever.
_WRITES = {"created", "modified", "moved", "deleted"}


def watch_md(
    folders: Sequence[Path],
    on_change: Callable[[], object],
    *,
    stop: threading.Event,
    first_run: bool = False,
    debounce_s: float = DEBOUNCE_S,
) -> None:
    """Call `on_change` (at once too, with `first_run`) after each burst of *.md writes under
    `folders`, until `stop` is set or the caller is interrupted."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            paths = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
            if (
                event.event_type in _WRITES
                and not event.is_directory
                and any(p.endswith(".md") for p in paths)
            ):
                changed.set()

    observer = Observer()
    # Ctrl-C must end the watch at once: a watchdog thread stuck in a read must not keep the process.
    observer.daemon = True
    for folder in folders:
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        if first_run:
            on_change()
        while not stop.is_set():
            if changed.wait(POLL_S):
                while changed.wait(debounce_s):
                    changed.clear()
                on_change()
    finally:
        observer.stop()
        observer.join(timeout=STOP_WAIT_S)
