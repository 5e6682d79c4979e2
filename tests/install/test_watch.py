"""--watch: a change to an agent file under the folder triggers one re-install."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from llmeng.install.watch import watch_dir

DEADLINE_S = 120.0  # how long to wait for an event on a busy machine; never how long things take
DEBOUNCE_S = 2.0  # long enough that two back-to-back writes are one burst even on a busy machine


def test_watch_calls_back_after_an_md_change_and_stops(tmp_path: Path, observing: threading.Event) -> None:
    calls: list[float] = []
    called = threading.Event()
    stop = threading.Event()

    def on_change() -> None:
        (tmp_path / "a.md").read_text()  # installing reads the files: that must not count as a change
        calls.append(time.monotonic())
        called.set()

    thread = threading.Thread(
        target=watch_dir, args=(tmp_path, on_change), kwargs={"stop": stop, "debounce_s": DEBOUNCE_S}
    )
    thread.start()
    try:
        assert observing.wait(DEADLINE_S), "the observer did not start"
        (tmp_path / "notes.txt").write_text("not an agent")
        (tmp_path / "a.md").write_text("---\nname: a\n---\n")
        (tmp_path / "a.md").write_text("---\nname: a\ndescription: b\n---\n")
        assert called.wait(DEADLINE_S)
        # A feedback loop (the read in on_change counted as a change) would call again one debounce later.
        time.sleep(2 * DEBOUNCE_S)
    finally:
        stop.set()
        thread.join(DEADLINE_S)
    assert not thread.is_alive()
    assert len(calls) == 1  # one burst of writes, one re-install, no feedback loop
