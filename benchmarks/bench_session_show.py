"""Benchmark `llmeng session show` on logs of 1, 10 and 100 MB: median wall and CPU time, peak memory.

Each log is a real session: `start_session`'s header, then entries rendered by `render_entry` (the
writer's own format: headings moved down, a fence left open and closed, an escaped marker), written
in one pass. Each run is a fresh `python -m llmeng session show` process, text and JSON, stdout to
/dev/null; its peak RSS comes from os.wait4 on that child alone. The baseline, in the same run, is a
fresh Python copying the same file to /dev/null line by line (decoding and encoding each line), so
the ratio reads "show vs plain copy". With `--before REF`, `show` as of that git commit runs too (its
`llmeng` package extracted to a temporary folder), on the same logs in the same run. The commands
take turns run by run, so a change in the machine's load falls on all of them alike.

    .venv/bin/python benchmarks/bench_session_show.py [--sizes 1,10,100] [--runs 5] [--before REF]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import machine

from llmeng.sessions.entries import EntryMeta, render_entry
from llmeng.sessions.store import SessionContext, start_session

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
START = datetime(2026, 11, 22, 3, 4, 5, tzinfo=UTC)
# Bodies cycle through these shapes, so the parser sees what real reports hold.
BODIES = (
    "# Findings\n\n## Timeouts\n\n- The client has no timeout.\n- Retries are unbounded.\n\n"
    + "Detail line with some text about the call site. " * 30,
    "```python\nclient = OpenAI(timeout=30)\nresponse = client.chat.completions.create(model=m)\n"
    + "# a comment, not a heading\n" * 10,  # fence left open: the writer closes it (fence=1)
    "<pre>\n```text\nraw output\n</pre>\n\nA note that mentions <!-- llmeng:end id=x --> in passing.\n"
    + "More prose. " * 80,
    "| call site | timeout |\n|---|---|\n" + "| `src/app.py:42` | none |\n" * 40,
)
COPY = (
    "import sys\n"
    "out = sys.stdout\n"
    "with open(sys.argv[1], encoding='utf-8', errors='replace', newline='') as f:\n"
    "    for line in f:\n"
    "        out.write(line)\n"
)


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float  # user + system: less sensitive than wall time to a loaded machine
    peak_rss_mb: float


def write_log(root: Path, size_mb: int) -> str:
    """A session of about `size_mb` MB under `root`; returns its id."""
    info = start_session(root, f"bench {size_mb} MB", now=START, context=SessionContext(str(root), "main"))
    target = size_mb * MB
    written = info.path.stat().st_size
    with open(info.path, "a", encoding="utf-8") as f:
        i = 0
        while written < target:
            now = START + timedelta(milliseconds=i)
            meta = EntryMeta(f"{now:%Y%m%dT%H%M%S%f}-{i:08x}", f"agent-{i % 16}", "script", now, None, 0)
            chunk = render_entry(meta, f"Entry {i}\n\n{BODIES[i % len(BODIES)]}")
            f.write(chunk)
            written += len(chunk.encode("utf-8"))
            i += 1
    return info.id


def checkout(ref: str, into: Path) -> dict[str, str]:
    """Extract the `llmeng` package as of git `ref` into `into`; the environment that runs it."""
    archive = subprocess.run(["git", "archive", ref, "llmeng"], cwd=REPO, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    # PYTHONPATH comes before the editable install's path entry, so `-m llmeng` finds this copy.
    env = {**os.environ, "PYTHONPATH": str(into), "PYTHONDONTWRITEBYTECODE": "1"}
    probe = [sys.executable, "-c", "import llmeng; print(llmeng.__file__)"]
    where = subprocess.run(probe, env=env, cwd="/", capture_output=True, check=True)
    if not where.stdout.decode().startswith(str(into)):
        raise SystemExit(f"--before {ref}: `python -m llmeng` would not run the extracted copy: {where}")
    return env


def run_child(argv: list[str], env: dict[str, str] | None = None) -> Sample:
    """Wall time and peak RSS of one fresh process, output discarded; it must exit 0."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd="/")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}: {err}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # maxrss: KiB on Linux


def measure(commands: dict[str, tuple[list[str], dict[str, str] | None]], runs: int) -> dict[str, Sample]:
    """Per command: the median times and the largest peak RSS over `runs` runs, taken in turns."""
    samples: dict[str, list[Sample]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (argv, env) in commands.items():
            samples[label].append(run_child(argv, env))
    return {
        label: Sample(
            statistics.median(s.wall_s for s in runs_),
            statistics.median(s.cpu_s for s in runs_),
            max(s.peak_rss_mb for s in runs_),
        )
        for label, runs_ in samples.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,10,100", help="log sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REF", help="also run `session show` as of this git commit")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}, nproc {os.cpu_count()}, load at start {os.getloadavg()[0]:.2f}")
    print(f"runs per cell: {args.runs} (median times; peak RSS is the largest of the runs)\n")
    print("| Log | Command | Wall s | CPU s | Peak RSS MB | Wall vs copy | CPU s per MB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench-show-") as tmp:
        before_env = checkout(args.before, Path(tmp) / "before") if args.before else None
        for size_mb in (int(s) for s in args.sizes.split(",")):
            root = Path(tmp) / f"{size_mb}mb"
            session_id = write_log(root, size_mb)
            path = root / ".claude" / "sessions" / "active" / f"{session_id}.md"
            show = [sys.executable, "-m", "llmeng", "session", "show", "--root", str(root), session_id]
            commands = {
                "copy (baseline)": ([sys.executable, "-c", COPY, str(path)], None),
                "`session show`": (show, None),
                "`session show --format json`": ([*show, "--format", "json"], None),
            }
            if before_env is not None:
                commands[f"`session show` before ({args.before})"] = (show, before_env)
                commands[f"`session show --format json` before ({args.before})"] = (
                    [*show, "--format", "json"],
                    before_env,
                )
            results = measure(commands, args.runs)
            copy = results["copy (baseline)"]
            actual_mb = path.stat().st_size / MB
            for label, sample in results.items():
                print(
                    f"| {actual_mb:.0f} MB | {label} | {sample.wall_s:.2f} | {sample.cpu_s:.2f} "
                    f"| {sample.peak_rss_mb:.0f} | {sample.wall_s / copy.wall_s:.1f}x "
                    f"| {sample.cpu_s / actual_mb:.3f} |"
                )
    print(f"\nload at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
