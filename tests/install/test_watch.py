"""--watch: a change to an agent file under the folder triggers one re-install."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from llmeng.install.watch import watch_dir

WAIT_S = 10.0


def test_watch_calls_back_after_an_md_change_and_stops(tmp_path: Path) -> None:
    calls: list[float] = []
    called = threading.Event()
    stop = threading.Event()

    def on_change() -> None:
        (tmp_path / "a.md").read_text()  # installing reads the files: that must not count as a change
        calls.append(time.monotonic())
        called.set()

    thread = threading.Thread(
        target=watch_dir, args=(tmp_path, on_change), kwargs={"stop": stop, "debounce_s": 0.1}
    )
    thread.start()
    try:
        time.sleep(0.3)  # let the observer start
        (tmp_path / "notes.txt").write_text("not an agent")
        (tmp_path / "a.md").write_text("---\nname: a\n---\n")
        (tmp_path / "a.md").write_text("---\nname: a\ndescription: b\n---\n")
        assert called.wait(WAIT_S)
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(WAIT_S)
    assert not thread.is_alive()
    assert len(calls) == 1  # one burst of writes, one re-install, no feedback loop
