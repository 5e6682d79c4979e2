"""Real processes appending at once: nothing lost or interleaved; SIGKILL leaves a parseable log."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from llmeng.sessions.parse import read_session

from .conftest import NOW  # noqa: F401  (the session fixture's clock)

WRITERS = 16
# Generous deadlines instead of durations: on a loaded machine a writer can wait long for its turn.
DEADLINE_S = 120.0
LOCK_TIMEOUT_S = 300
APPENDS = 200
WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from llmeng.sessions.append import append_entry
root, writer, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
big = len(sys.argv) > 5  # every third entry ~200 KB: a write long enough for SIGKILL to land in it
for i in range(count):
    # Varied bodies: headings, fences left open, marker look-alikes, multi-KB text.
    body = f"# writer {writer} entry {i}\\n\\n" + ("```\\nopen fence\\n" if i % 7 == 0 else "")
    body += ("<!-- llmeng:end id=fake crc=00000000 -->\\n" if i % 11 == 0 else "")
    body += f"w{writer}-i{i} " * (20_000 if big and i % 3 == 0 else 1 + (i * 37) % 400)
    append_entry(root, f"writer-{writer}", body.encode(), source="script",
                 now=datetime.now(timezone.utc), lock_timeout_s=int(sys.argv[4]))
"""


def _spawn(root, writer, count, *extra):
    args = [str(root), str(writer), str(count), str(LOCK_TIMEOUT_S), *extra]
    return subprocess.Popen([sys.executable, "-c", WRITER, *args])


def test_16_writers_x_200_appends_all_intact(tmp_path, session):
    procs = [_spawn(tmp_path, w, APPENDS) for w in range(WRITERS)]
    assert [p.wait() for p in procs] == [0] * WRITERS
    log = read_session(session.path)
    assert log.problems == ()
    assert len(log.entries) == WRITERS * APPENDS
    assert all(e.intact for e in log.entries)
    assert len({e.id for e in log.entries}) == WRITERS * APPENDS
    assert Counter(e.agent for e in log.entries) == {f"writer-{w}": APPENDS for w in range(WRITERS)}
    for e in log.entries:  # each body is exactly what its writer sent, in its writer's order
        writer, i = int(e.agent.split("-")[1]), int(e.body.split("entry ")[1].split("\n")[0])
        assert e.body.startswith(f"# writer {writer} entry {i}\n")
        assert e.body.rstrip().endswith(f"w{writer}-i{i}")
    for w in range(WRITERS):
        order = [
            int(e.body.split("entry ")[1].split("\n")[0]) for e in log.entries if e.agent == f"writer-{w}"
        ]
        assert order == list(range(APPENDS))


def _wait_for_entries(path, at_least: int) -> int:
    """Wait until `at_least` entries have begun in the log (deadline DEADLINE_S); return the count seen."""
    # Counting begin markers is cheap; parsing the whole log each time would not keep up with the writers.
    deadline = time.monotonic() + DEADLINE_S
    while True:
        begun = path.read_bytes().count(b"\n<!-- llmeng:entry ")
        if begun >= at_least:
            return begun
        assert time.monotonic() < deadline, f"{begun} of {at_least} entries begun after {DEADLINE_S:.0f} s"
        time.sleep(0.05)


def test_writers_killed_mid_run_leave_a_parseable_log(tmp_path, session):
    procs = [_spawn(tmp_path, w, 100_000, "big") for w in range(8)]
    try:
        # Kill on progress, not on a clock: a busy machine may not have started a writer after seconds.
        _wait_for_entries(session.path, 16)
        for p in procs[:4]:
            os.kill(p.pid, signal.SIGKILL)
        begun = _wait_for_entries(session.path, 24)  # the other four are still appending
    finally:
        for p in procs:
            p.kill()  # SIGKILL, as for the first four
            p.wait()
    survivors = _spawn(tmp_path, 99, 20)  # a writer after the kills still gets a clean entry in
    assert survivors.wait() == 0
    log = read_session(session.path)
    assert all(e.intact for e in log.entries)
    assert [e.agent for e in log.entries[-20:]] == ["writer-99"] * 20
    # A kill can tear at most the one entry being written by each killed process: every other entry
    # that had begun before the kills is in the log, intact.
    assert len(log.problems) <= 8, log.problems
    assert len(log.entries) - 20 >= begun - 8


TORN_WRITER = """
import os, signal, sys
from datetime import datetime, timezone
from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.lock import locked
meta = EntryMeta("torn", "killed", "script", datetime.now(timezone.utc), None, 0)
data = render_entry(meta, "```\\nhalf of an entry with an open fence\\n" + "x " * 5000).encode()
with locked(__import__("pathlib").Path(sys.argv[1]), timeout_s=120) as (fd, _):
    os.write(fd, data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)  # dies holding the lock, mid-entry
"""


def test_writer_killed_holding_the_lock_mid_entry(tmp_path, session):
    torn = subprocess.run([sys.executable, "-c", TORN_WRITER, str(session.path)], check=False)
    assert torn.returncode == -signal.SIGKILL
    after = [_spawn(tmp_path, w, 10) for w in range(4)]
    assert [p.wait() for p in after] == [0] * 4
    log = read_session(session.path)
    assert len(log.entries) == 40 and all(e.intact for e in log.entries)
    assert "killed" not in {e.agent for e in log.entries}
    assert len(log.problems) == 1 and "no end marker" in log.problems[0]
