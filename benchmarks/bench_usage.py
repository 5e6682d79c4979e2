"""Time `llmeng usage` on generated OpenTelemetry GenAI spans: throughput, peak memory, and the ratio to a plain
`json.loads` loop over the same file.

    python benchmarks/bench_usage.py [--spans 1000000] [--runs 3] [--file /tmp/spans.jsonl]

The file is OTLP JSON as the collector's file exporter writes it: one ExportTraceServiceRequest per line, 100
spans a line, 30 days of calls to six models (two with long-context tiers, one with time-of-day prices),
cached and reasoning tokens, and feature / route / user attributes (5,000 users). It is generated once with a
fixed seed and reused. Each measurement runs in a fresh process; peak memory is that process's max RSS.
Prints a markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _common import machine

SPANS_PER_LINE = 100
MODELS = [
    ("openai", "gpt-4o-mini"),
    ("openai", "gpt-5.5"),
    ("anthropic", "claude-sonnet-4-5"),
    ("anthropic", "claude-haiku-4-5"),
    ("gcp.gemini", "gemini-2.5-flash"),
    ("deepseek", "deepseek-chat"),
]
FEATURES = ["triage", "answer", "summarise", "search", "extract", "classify", "translate", "review"]
ROUTES = [f"/api/v1/{name}" for name in ("chat", "tickets", "docs", "search", "reports")]
START_NS = 1_795_000_000 * 10**9
# Wall time, CPU time (user + system: less disturbed by other jobs on a shared machine) and peak RSS of one
# fresh child process.
MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(time.perf_counter() - t, r.ru_utime + r.ru_stime, r.ru_maxrss)\n"
)
BASELINE = "import json, sys\nfor line in open(sys.argv[1], 'rb'):\n    json.loads(line)\n"


def _attr(key: str, value: object) -> dict[str, object]:
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def _span(rng: random.Random, i: int) -> dict[str, object]:
    provider, model = MODELS[i % len(MODELS)]
    inp = rng.choice([800, 1500, 6000, 30000, 250_000]) + rng.randrange(500)
    cached = inp // 2 if rng.random() < 0.4 else 0
    out = 50 + rng.randrange(1500)
    start = START_NS + rng.randrange(30 * 86400) * 10**9
    attrs = [
        _attr("gen_ai.operation.name", "chat"),
        _attr("gen_ai.provider.name", provider),
        _attr("gen_ai.request.model", model),
        _attr("gen_ai.response.model", model),
        _attr("gen_ai.response.id", f"resp-{i}"),
        _attr("gen_ai.usage.input_tokens", inp),
        _attr("gen_ai.usage.cache_read.input_tokens", cached),
        _attr("gen_ai.usage.output_tokens", out),
        _attr("gen_ai.usage.reasoning.output_tokens", out // 3),
        _attr("feature", rng.choice(FEATURES)),
        _attr("http.route", rng.choice(ROUTES)),
        _attr("user.id", f"user-{rng.randrange(5000)}"),
    ]
    return {
        "traceId": f"{rng.getrandbits(128):032x}",
        "spanId": f"{rng.getrandbits(64):016x}",
        "name": f"chat {model}",
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + 2 * 10**9),
        "attributes": attrs,
        "status": {},
    }


def generate(path: Path, spans: int) -> None:
    rng = random.Random(20261122)
    with path.open("w") as fh:
        for first in range(0, spans, SPANS_PER_LINE):
            batch = [_span(rng, i) for i in range(first, min(first + SPANS_PER_LINE, spans))]
            resource = {"attributes": [_attr("service.name", "support-bot")]}
            scope = {"scope": {"name": "opentelemetry.instrumentation.openai_v2"}, "spans": batch}
            fh.write(json.dumps({"resourceSpans": [{"resource": resource, "scopeSpans": [scope]}]}) + "\n")


def _measure(argv: Sequence[str]) -> tuple[float, float, int]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True)
    wall, cpu, rss_kb = out.stdout.split()
    return float(wall), float(cpu), int(rss_kb)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=Path(tempfile.gettempdir()) / "llmeng-bench-spans.jsonl")
    args = parser.parse_args(argv)
    if not args.file.exists():
        started = time.perf_counter()
        generate(args.file, args.spans)
        print(f"generated {args.file} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    size_mb = args.file.stat().st_size / 1e6
    cli = [
        sys.executable,
        "-m",
        "llmeng",
        "usage",
        str(args.file),
        "--format",
        "json",
        "--today",
        "2026-11-22",
    ]
    base = [sys.executable, "-c", BASELINE, str(args.file)]
    runs = []  # alternate the two, so load from other jobs falls on both alike
    for _ in range(args.runs):
        runs.append((_measure(cli), _measure(base)))
    med = statistics.median
    ours, plain = [o for o, _ in runs], [p for _, p in runs]
    wall_o, wall_p = med(r[0] for r in ours), med(r[0] for r in plain)
    cpu_o, cpu_p = med(r[1] for r in ours), med(r[1] for r in plain)
    rss_o, rss_p = med(r[2] for r in ours) / 1024, med(r[2] for r in plain) / 1024
    print(
        f"Machine: {machine()}; file: {args.spans:,} spans, {size_mb:,.0f} MB; medians of {args.runs} runs.\n"
    )
    print(f"Command: `{' '.join(['llmeng', *cli[3:]])}`\n")
    print("| What | Wall time | CPU time | Spans/s (CPU) | MB/s (CPU) | Peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, wall, cpu, rss in (
        ("`llmeng usage` (parse, price, group by model/day/provider/6 attributes)", wall_o, cpu_o, rss_o),
        ("plain `json.loads` per line (baseline)", wall_p, cpu_p, rss_p),
    ):
        print(
            f"| {name} | {wall:.1f} s | {cpu:.1f} s | {args.spans / cpu:,.0f} | {size_mb / cpu:,.1f} | "
            f"{rss:,.0f} MiB |"
        )
    print(
        f"\nRatio to the baseline: {cpu_o / cpu_p:.2f}x the CPU time ({wall_o / wall_p:.2f}x the wall time), "
        f"{rss_o / rss_p:.2f}x the peak memory."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
