"""Benchmark the session log: appends per second (1 and 16 writers) and the hook's wall time.

Baselines measured in the same run: the bare mechanism, flock + one O_APPEND write of the same
bytes (no validation, redaction, rendering or session lookup), and `python -c pass` (interpreter
start, the floor under any hook command).

    .venv/bin/python benchmarks/bench_sessions.py [--repeats 5] [--hook-runs 30]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import multiprocessing as mp
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from llmeng.sessions.append import append_entry
from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.store import SessionContext, start_session

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "hooks" / "subagent-stop-2.1.197.json"
BODY = (
    "## Findings\n\n- The client has no timeout.\n- Retries are unbounded.\n\n```python\n"
    "client = OpenAI(timeout=30)\n```\n" + "Detail line with some text. " * 40
).encode()
APPENDS_ONE = 2000
WRITERS, APPENDS_EACH = 16, 200


def _new_session() -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-sessions-"))
    start_session(root, "bench", now=datetime.now(UTC), context=SessionContext(str(root), None))
    return root


def _appends(root: Path, count: int) -> None:
    for _ in range(count):
        append_entry(root, "bench-agent", BODY, source="script", now=datetime.now(UTC), lock_timeout_s=120)


def _raw_appends(path: Path, count: int) -> None:
    data = render_entry(EntryMeta("e", "bench-agent", "script", datetime.now(UTC), None, 0), BODY.decode())
    raw = data.encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        for _ in range(count):
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, raw)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _worker(target: str, root: str, count: int, barrier, out) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()
    start = time.perf_counter()
    if target == "raw":
        _raw_appends(Path(root), count)
    else:
        _appends(Path(root), count)
    out.put((start, time.perf_counter()))


def _parallel(target: str, root: Path) -> float:
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(target, str(root), APPENDS_EACH, barrier, out))
        for _ in range(WRITERS)
    ]
    for p in procs:
        p.start()
    spans = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return WRITERS * APPENDS_EACH / (max(e for _, e in spans) - min(s for s, _ in spans))


def _wall(cmd: list[str], stdin: bytes = b"", env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_appends(repeats: int) -> dict[str, float]:
    one, one_raw, many, many_raw = [], [], [], []
    for _ in range(repeats):
        root = _new_session()
        one.append(APPENDS_ONE / _timed(_appends, root, APPENDS_ONE))
        path = next((root / ".claude/sessions/active").iterdir())
        one_raw.append(APPENDS_ONE / _timed(_raw_appends, path, APPENDS_ONE))
        many.append(_parallel("append", _new_session()))
        raw_root = _new_session()
        many_raw.append(_parallel("raw", next((raw_root / ".claude/sessions/active").iterdir())))
    return {
        "one_writer": statistics.median(one),
        "one_writer_raw": statistics.median(one_raw),
        "sixteen_writers": statistics.median(many),
        "sixteen_writers_raw": statistics.median(many_raw),
    }


def bench_hook(runs: int) -> dict[str, float]:
    root = _new_session()
    _appends(root, 500)  # a realistic log the dedup check has to scan
    llmeng = str(Path(sys.executable).parent / "llmeng")
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(root)}
    template = json.loads(
        FIXTURE.read_text().replace("__CWD__", str(root)).replace("__DIR__", str(FIXTURE.parent))
    )
    hook, floor, version = [], [], []
    for i in range(runs):
        payload = json.dumps({**template, "agent_id": f"agent{i:06d}"}).encode()  # new agent: a real append
        hook.append(_wall([llmeng, "hook", "subagent-stop"], payload, env))
        floor.append(_wall([sys.executable, "-c", "pass"]))
        version.append(_wall([llmeng, "--version"]))
    return {
        "hook_ms": statistics.median(hook) * 1000,
        "python_ms": statistics.median(floor) * 1000,
        "version_ms": statistics.median(version) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--hook-runs", type=int, default=30)
    args = parser.parse_args(argv)
    results = {**bench_appends(args.repeats), **bench_hook(args.hook_runs)}
    cores = os.cpu_count()
    machine = f"{platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}"
    # The machine may be shared; the load average says how far to trust absolute numbers.
    load = f"{os.getloadavg()[0]:.1f}"
    print(
        json.dumps(
            {"machine": machine, "load_1min": load, **{k: round(v, 1) for k, v in results.items()}}, indent=2
        )
    )
    print()
    print("| Measure | llmeng | Baseline | Ratio |\n|---|---|---|---|")
    lock = "(flock + O_APPEND write)"
    floor = "(`python -c pass`)"
    rows = [
        (f"Appends/s, 1 writer ({APPENDS_ONE} appends)", "one_writer", "one_writer_raw", lock),
        (f"Appends/s, {WRITERS} writers x {APPENDS_EACH}", "sixteen_writers", "sixteen_writers_raw", lock),
        ("`llmeng hook subagent-stop`, median ms", "hook_ms", "python_ms", floor),
        ("`llmeng --version`, median ms", "version_ms", "python_ms", floor),
    ]
    for label, mine, base, what in rows:
        ratio = results[mine] / results[base]
        print(f"| {label} | {results[mine]:,.1f} | {results[base]:,.1f} {what} | {ratio:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
