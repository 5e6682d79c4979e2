"""Shared helpers for benchmark scripts: machine description, timing, medians, markdown rows."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def time_call(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall times in seconds of `runs` calls of `fn`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def time_command(argv: Sequence[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall times in seconds of running `argv` as a fresh process, output discarded."""

    def run() -> None:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=env)

    return time_call(run, runs)


def median_ms(times: Sequence[float]) -> float:
    return statistics.median(times) * 1000


def bin_path(name: str) -> str:
    """A console script installed beside this interpreter."""
    return os.path.join(os.path.dirname(sys.executable), name)
