"""Real processes appending at once: nothing lost or interleaved; SIGKILL leaves a parseable log."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from llmeng.sessions.parse import read_session

from .conftest import NOW  # noqa: F401  (the session fixture's clock)

WRITERS = 16
APPENDS = 200
WRITER = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from llmeng.sessions.append import append_entry
root, writer, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
big = len(sys.argv) > 4  # every third entry ~200 KB: a write long enough for SIGKILL to land in it
for i in range(count):
    # Varied bodies: headings, fences left open, marker look-alikes, multi-KB text.
    body = f"# writer {writer} entry {i}\\n\\n" + ("```\\nopen fence\\n" if i % 7 == 0 else "")
    body += ("<!-- llmeng:end id=fake crc=00000000 -->\\n" if i % 11 == 0 else "")
    body += f"w{writer}-i{i} " * (20_000 if big and i % 3 == 0 else 1 + (i * 37) % 400)
    append_entry(root, f"writer-{writer}", body.encode(), source="script",
                 now=datetime.now(timezone.utc), lock_timeout_s=60)
"""


def _spawn(root, writer, count, *extra):
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(writer), str(count), *extra])


@pytest.mark.timeout(300)
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


@pytest.mark.timeout(300)
def test_writers_killed_mid_run_leave_a_parseable_log(tmp_path, session):
    procs = [_spawn(tmp_path, w, 100_000, "big") for w in range(8)]
    time.sleep(1.5)
    for p in procs[:4]:
        os.kill(p.pid, signal.SIGKILL)
    time.sleep(0.5)
    for p in procs[4:]:
        os.kill(p.pid, signal.SIGKILL)
    for p in procs:
        p.wait()
    survivors = _spawn(tmp_path, 99, 20)  # a writer after the kills still gets a clean entry in
    assert survivors.wait() == 0
    log = read_session(session.path)
    assert len(log.entries) > 20
    assert all(e.intact for e in log.entries)
    assert [e.agent for e in log.entries[-20:]] == ["writer-99"] * 20
    # A kill can tear at most the one entry being written by each killed process.
    assert len(log.problems) <= 8, log.problems


TORN_WRITER = """
import os, signal, sys
from datetime import datetime, timezone
from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.lock import locked
meta = EntryMeta("torn", "killed", "script", datetime.now(timezone.utc), None, 0)
data = render_entry(meta, "```\\nhalf of an entry with an open fence\\n" + "x " * 5000).encode()
with locked(__import__("pathlib").Path(sys.argv[1]), timeout_s=10) as (fd, _):
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
