"""Benchmark the llmeng MCP server against a hello-world MCPServer, measured in the same run.

Two numbers, each as a ratio to the baseline (benchmarks/hello_mcp.py, one trivial tool):
  start-up:   process spawn -> first `tools/list` answer over stdio (raw JSON-RPC, no client library)
  round trip: p50/p95 of sequential `tools/call` over stdio: llmeng's session_append vs hello's echo
  core:       prepare_entry + try_write_entry called in-process (what the tool calls), to show how
              much of the round trip is the core
  adapter:    the same server with those two replaced by a constant result: what the adapter and
              the SDK's structured output add on their own

Spawns and call blocks alternate between the two servers so load on the machine hits both alike.
On a shared VM one run's ratios still move by about +-0.05, so --runs repeats the whole measurement
and the summary gives each run and the median of the runs' ratios.

Usage:  python benchmarks/bench_mcp.py [--runs 5] [--spawns 15] [--calls 2000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
REPORT = "Checked the retry policy in client.py: timeouts set, backoff missing on 429."
BLOCK = 100  # calls per alternating block


def _server_cmd(which: str, root: Path) -> list[str]:
    if which == "hello":
        return [sys.executable, str(HERE / "hello_mcp.py")]
    if which == "adapter":
        return [sys.executable, __file__, "--serve-without-core", str(root)]
    return [sys.executable, "-m", "mcp_server", "--root", str(root)]


def serve_without_core(root: Path) -> None:
    """The llmeng server, its session core swapped for a constant: isolates adapter + SDK cost."""
    from llmeng.sessions import api

    done = api.AppendResult(root / "bench.md", "bench", "entry", 0, False, True)
    api.prepare_entry = lambda *args, **kwargs: None  # type: ignore[assignment]
    api.try_write_entry = lambda *args, **kwargs: done  # type: ignore[assignment]
    from mcp_server.server import create_server

    create_server(root).run()


def _send(stdin: IO[bytes], msg: dict[str, Any]) -> None:
    stdin.write(json.dumps(msg).encode() + b"\n")
    stdin.flush()


def _read_answer(stdout: IO[bytes], request_id: int) -> dict[str, Any]:
    while True:
        line = stdout.readline()
        if not line:
            raise RuntimeError("server closed stdout before answering")
        msg = json.loads(line)
        if msg.get("id") == request_id:
            return msg


def _handshake(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None
    _send(
        proc.stdin,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        },
    )
    _send(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})


def _spawn(which: str, root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _server_cmd(which, root),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=root,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def time_startup(which: str, root: Path) -> float:
    """Seconds from spawn to the first tools/list answer."""
    start = time.perf_counter()
    proc = _spawn(which, root)
    assert proc.stdin is not None and proc.stdout is not None
    _handshake(proc)
    _send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
    answer = _read_answer(proc.stdout, 2)
    elapsed = time.perf_counter() - start
    _stop(proc)
    if not answer.get("result", {}).get("tools"):
        raise RuntimeError(f"{which}: tools/list gave no tools: {answer}")
    return elapsed


class CallLoop:
    """One long-lived server, called sequentially; records each round trip in seconds."""

    def __init__(self, which: str, root: Path, tool: str, args: dict[str, Any]) -> None:
        self.proc = _spawn(which, root)
        assert self.proc.stdout is not None
        _handshake(self.proc)
        _read_answer(self.proc.stdout, 1)
        self.tool, self.args, self.next_id = tool, args, 10
        self.samples: list[float] = []

    def run(self, n: int, *, record: bool = True) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        for _ in range(n):
            self.next_id += 1
            msg = {
                "jsonrpc": "2.0",
                "id": self.next_id,
                "method": "tools/call",
                "params": {"name": self.tool, "arguments": self.args},
            }
            start = time.perf_counter()
            _send(self.proc.stdin, msg)
            answer = _read_answer(self.proc.stdout, self.next_id)
            elapsed = time.perf_counter() - start
            if "error" in answer or answer["result"].get("isError"):
                raise RuntimeError(f"{self.tool} failed: {answer}")
            if record:
                self.samples.append(elapsed)

    def close(self) -> None:
        _stop(self.proc)


def _pct(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _prepare_root(root: Path) -> None:
    """An empty project with an active session, so session_append has somewhere to write."""
    subprocess.run(
        [sys.executable, "-m", "llmeng", "session", "start", "--root", str(root), "bench"],
        cwd=root,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def time_core_appends(root: Path, n: int) -> list[float]:
    """The session core alone, in this process: the part of a round trip the server cannot shave off."""
    from datetime import UTC, datetime

    from llmeng.sessions import api

    samples = []
    for _ in range(n):
        start = time.perf_counter()
        entry = api.prepare_entry("bench", REPORT, source="mcp", now=datetime.now(UTC))
        api.try_write_entry(root, entry)
        samples.append(time.perf_counter() - start)
    return samples


def measure(spawns: int, calls: int, root: Path) -> dict[str, Any]:
    startup: dict[str, list[float]] = {"hello": [], "llmeng": []}
    for _ in range(spawns):
        for which, samples in startup.items():
            samples.append(time_startup(which, root))
    append = {"agent": "bench", "report": REPORT}
    loops = {
        "hello": CallLoop("hello", root, "echo", {"text": REPORT}),
        "llmeng": CallLoop("llmeng", root, "session_append", append),
        "adapter": CallLoop("adapter", root, "session_append", append),
    }
    try:
        for loop in loops.values():
            loop.run(50, record=False)  # warm-up: first-call imports are not a round trip
        for _ in range(max(1, calls // BLOCK)):
            for loop in loops.values():
                loop.run(BLOCK)
    finally:
        for loop in loops.values():
            loop.close()
    time_core_appends(root, 50)
    return {
        "startup": startup,
        "calls": {k: v.samples for k, v in loops.items()},
        "core": time_core_appends(root, calls),
    }


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    s_h, s_l = (statistics.median(raw["startup"][k]) for k in ("hello", "llmeng"))
    c_h, c_l = raw["calls"]["hello"], raw["calls"]["llmeng"]
    return {
        "machine": f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.2f}",
        "startup_median_s": {"hello": round(s_h, 3), "llmeng": round(s_l, 3), "ratio": round(s_l / s_h, 3)},
        "startup_range_s": {k: [round(min(v), 3), round(max(v), 3)] for k, v in raw["startup"].items()},
        "roundtrip_ms": {
            "hello": {"p50": round(_pct(c_h, 0.5) * 1e3, 2), "p95": round(_pct(c_h, 0.95) * 1e3, 2)},
            "llmeng": {"p50": round(_pct(c_l, 0.5) * 1e3, 2), "p95": round(_pct(c_l, 0.95) * 1e3, 2)},
            "ratio_p50": round(_pct(c_l, 0.5) / _pct(c_h, 0.5), 3),
            "ratio_p95": round(_pct(c_l, 0.95) / _pct(c_h, 0.95), 3),
            "adapter_only": {
                "p50": round(_pct(raw["calls"]["adapter"], 0.5) * 1e3, 2),
                "p95": round(_pct(raw["calls"]["adapter"], 0.95) * 1e3, 2),
            },
            "core_append_only": {
                "p50": round(_pct(raw["core"], 0.5) * 1e3, 2),
                "p95": round(_pct(raw["core"], 0.95) * 1e3, 2),
            },
        },
        "spawns": len(raw["startup"]["hello"]),
        "calls": len(c_h),
    }


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--serve-without-core"]:
        serve_without_core(Path(argv[1]))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spawns", type=int, default=15, help="start-ups per server")
    parser.add_argument("--calls", type=int, default=2000, help="recorded calls per server")
    parser.add_argument("--runs", type=int, default=5, help="whole measurements, each with fresh servers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    runs = []
    for n in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-mcp-") as tmp:
            _prepare_root(Path(tmp))
            runs.append(summarize(measure(args.spawns, args.calls, Path(tmp))))
        print(f"run {n + 1}/{args.runs} done", file=sys.stderr)
    summary = {"runs": runs, "median_of_runs": _medians(runs)}
    print(json.dumps(summary, indent=2) if args.json else _render(summary))
    return 0


def _medians(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Median and range, over the runs, of each ratio."""
    ratios = {
        "startup": [r["startup_median_s"]["ratio"] for r in runs],
        "roundtrip_p50": [r["roundtrip_ms"]["ratio_p50"] for r in runs],
        "roundtrip_p95": [r["roundtrip_ms"]["ratio_p95"] for r in runs],
    }
    return {
        k: {"median": round(statistics.median(v), 3), "min": min(v), "max": max(v)} for k, v in ratios.items()
    }


def _render(summary: dict[str, Any]) -> str:
    lines = []
    for n, s in enumerate(summary["runs"], 1):
        st, rt = s["startup_median_s"], s["roundtrip_ms"]
        lines += [
            f"run {n}: machine: {s['machine']}",
            (
                f"  start-up to first tools/list, median of {s['spawns']}: hello {st['hello']} s, "
                f"llmeng {st['llmeng']} s, ratio {st['ratio']} (ranges {s['startup_range_s']})"
            ),
            (
                f"  round trip over stdio, {s['calls']} calls each: hello echo p50 {rt['hello']['p50']} ms / "
                f"p95 {rt['hello']['p95']} ms; llmeng session_append p50 {rt['llmeng']['p50']} ms / "
                f"p95 {rt['llmeng']['p95']} ms; ratio p50 {rt['ratio_p50']}, p95 {rt['ratio_p95']}"
            ),
            (
                f"  same server, session core replaced by a constant: p50 {rt['adapter_only']['p50']} ms / "
                f"p95 {rt['adapter_only']['p95']} ms; the session core alone, in-process: "
                f"p50 {rt['core_append_only']['p50']} ms / p95 {rt['core_append_only']['p95']} ms"
            ),
        ]
    lines.append(
        "median of the runs' ratios (min-max): "
        + "; ".join(
            f"{k} {v['median']} ({v['min']}-{v['max']})" for k, v in summary["median_of_runs"].items()
        )
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
