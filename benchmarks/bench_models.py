"""Time model selection: warm `select()` over the full catalog, and `llmeng select` end to end, cold.

    python benchmarks/bench_models.py [--runs 7]

Baselines measured in the same run: for warm selection, pricing every catalog model through genai-prices'
public `calc_price` (lookups only, no filters or scoring); for the cold CLI, `python -c pass` and
`llmeng --version` (interpreter and CLI start-up). Prints a markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from llmeng.models.prices import GENAI_PROVIDER, load_priced_catalog
from llmeng.models.requirements import Requirements
from llmeng.models.selection import select

TODAY = date(2026, 11, 22)
WORKLOAD = Requirements(
    input_tokens=6000,
    output_tokens=800,
    requests_per_day=20000,
    cache_hit_ratio=0.5,
    capabilities=["tools", "structured_output"],
    budget_per_request_usd=0.02,
)
CLI = [
    sys.executable,
    "-m",
    "llmeng",
    "select",
    "--input-tokens",
    "6000",
    "--output-tokens",
    "800",
    "--requests-per-day",
    "20000",
    "--need",
    "tools",
    "--need",
    "structured_output",
    "--budget-per-request",
    "0.02",
    "--cache-hit-ratio",
    "0.5",
    "--today",
    TODAY.isoformat(),
]


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _baseline_calc_price() -> None:
    from genai_prices import Usage, calc_price

    catalog = load_priced_catalog(None)
    when = datetime(2026, 11, 22, 12, tzinfo=UTC)
    usage = Usage(input_tokens=6000, cache_read_tokens=3000, output_tokens=800)
    for m in catalog.models:
        try:
            calc_price(
                usage,
                m.model,
                provider_id=GENAI_PROVIDER.get(m.provider, m.provider),
                genai_request_timestamp=when,
            )
        except LookupError:
            pass


def _run(argv: Sequence[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    catalog = load_priced_catalog(None)  # warm: data loaded, genai-prices imported
    select(WORKLOAD, catalog, today=TODAY)
    warm = _median_ms(lambda: select(WORKLOAD, catalog, today=TODAY), args.runs * 3)
    base_warm = _median_ms(_baseline_calc_price, args.runs * 3)
    cold = _median_ms(lambda: _run(CLI), args.runs)
    py = _median_ms(lambda: _run([sys.executable, "-c", "pass"]), args.runs)
    version = _median_ms(lambda: _run([sys.executable, "-m", "llmeng", "--version"]), args.runs)
    load_code = "from llmeng.models.catalog import load_catalog; load_catalog()"
    catalog_cold = _median_ms(lambda: _run([sys.executable, "-c", load_code]), args.runs)
    print(
        f"Machine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}, "
        f"{len(catalog.models)} catalog models; medians of {args.runs} cold / {args.runs * 3} warm runs.\n"
    )
    print("| What | Median | Baseline (same run) | Ratio | Target |")
    print("|---|---|---|---|---|")
    print(
        f"| `select()` warm, full catalog | {warm:.1f} ms | genai-prices `calc_price` per model: "
        f"{base_warm:.1f} ms | {warm / base_warm:.2f}x | < 50 ms |"
    )
    print(
        f"| `llmeng select ...` cold, end to end | {cold:.0f} ms | `llmeng --version`: {version:.0f} ms; "
        f"`python -c pass`: {py:.0f} ms | {cold / version:.2f}x | < 1000 ms |"
    )
    print(
        f"| `load_catalog()` cold (the audit's lookup path) | {catalog_cold:.0f} ms | `python -c pass`: "
        f"{py:.0f} ms | {catalog_cold / py:.2f}x | - |"
    )
    return 0 if warm < 50 and cold < 1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
