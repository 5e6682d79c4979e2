"""Audit speed on the downloaded corpus, against a parse-only pass over the same files in the same run.

Usage: python benchmarks/bench_audit_speed.py [--corpus DIR] [--repeat N] [--jobs N] [--wall]

The parse-only baseline reads every .py file the audit would read and runs ast.parse on it (what any
ast-based analyser must at least do). The audit runs `audit_paths` once per package directory, as the
evaluation does, on one core (jobs=1), and again with --jobs workers. Medians of --repeat runs after one
untimed warm-up pass (so both sides read from the page cache).
"""

from __future__ import annotations

import argparse
import ast
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

from llmeng.audit import AuditConfig, audit_paths
from llmeng.audit.engine import _collect, read_source

HERE = Path(__file__).resolve().parent


def packages(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir() and not p.name.startswith("."))


def parse_only(pkgs: list[Path], config: AuditConfig) -> tuple[float, int, int]:
    start = _clock()
    lines = files = 0
    for pkg in pkgs:
        sources, _ = _collect([pkg], config)
        for src in sources:
            text = read_source(src.display, config.max_file_bytes)
            if not isinstance(text, str):
                continue
            files += 1
            lines += text.count("\n") + (0 if text.endswith("\n") or not text else 1)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ast.parse(text)
            except (SyntaxError, ValueError):
                pass
    return _clock() - start, lines, files


def audit(
    pkgs: list[Path], config: AuditConfig, jobs: int, *, one_tree: bool = False
) -> tuple[float, int, int]:
    """Per package (as the evaluation runs), or the whole corpus as one tree (where a pool pays off)."""
    cpu = jobs == 1 and not one_tree  # the one-tree passes compare wall times, serial against parallel
    start = _clock() if cpu else time.perf_counter()
    lines = findings = 0
    for group in [pkgs] if one_tree else [[p] for p in pkgs]:
        result = audit_paths(group, config=config, jobs=jobs)
        lines += result.lines_scanned
        findings += len(result.findings)
    return (_clock() if cpu else time.perf_counter()) - start, lines, findings


def _clock() -> float:
    # One-core passes are timed in CPU seconds of this process: the machine is shared, and wall time
    # then measures the neighbours. Parallel passes need wall time (their work runs in child processes).
    return time.process_time() if CPU_TIME else time.perf_counter()


CPU_TIME = True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=HERE / "corpus" / "downloads")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--wall", action="store_true", help="time one-core passes in wall seconds, not CPU")
    args = ap.parse_args(argv)
    global CPU_TIME
    CPU_TIME = not args.wall
    if not args.corpus.is_dir():
        print(f"error: {args.corpus} does not exist; run benchmarks/corpus/fetch.py first", file=sys.stderr)
        return 2
    pkgs, config = packages(args.corpus), AuditConfig()
    parse_only(pkgs, config)  # warm-up: page cache and imports
    audit(pkgs, config, 1)
    base, one, many, tree1, treen = [], [], [], [], []
    lines = files = 0
    for _ in range(args.repeat):
        t, lines, files = parse_only(pkgs, config)
        base.append(t)
        t, _, found = audit(pkgs, config, 1)
        one.append(t)
        t, _, _ = audit(pkgs, config, args.jobs)
        many.append(t)
        tree1.append(audit(pkgs, config, 1, one_tree=True)[0])
        treen.append(audit(pkgs, config, args.jobs, one_tree=True)[0])
    b, o, m, t1, tn = (statistics.median(x) for x in (base, one, many, tree1, treen))
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(
        f"corpus: {len(pkgs)} packages, {files} files, {lines} lines; {found} findings; median of {args.repeat}"
    )
    print(
        f"parse-only and per-package jobs=1 timed in {'CPU' if CPU_TIME else 'wall'} seconds; the rest in wall seconds"
    )
    print(f"parse-only (ast.parse, 1 core): {b:.3f} s  {lines / b:,.0f} lines/s")
    print(
        f"audit jobs=1:                   {o:.3f} s  {lines / o:,.0f} lines/s  ratio to parse-only {b / o:.2f}"
    )
    print(
        f"audit jobs={args.jobs}:                   {m:.3f} s  {lines / m:,.0f} lines/s (per package: small trees stay serial)"
    )
    print(f"one tree jobs=1:                {t1:.3f} s  {lines / t1:,.0f} lines/s")
    print(
        f"one tree jobs={args.jobs}:                {tn:.3f} s  {lines / tn:,.0f} lines/s  speed-up {t1 / tn:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
