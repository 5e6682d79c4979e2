"""Benchmark: `llmeng validate` against agnix on real agent collections, and how it scales with copies.

The corpus is the agent files of six public collections at pinned commits, exported by
export_collections.py (never committed). Both tools validate the same tree in the same run, one
after the other, each as a fresh process; CPU time is user + system time of the process and its
children (llmeng's worker processes included). The tree is then doubled and quadrupled (copies in
sibling folders) to show that the cost grows linearly with the number of files.

Run: .venv/bin/python benchmarks/bench_validate_collections.py --corpus DIR [--agnix PATH] [--runs 5]
(agnix: `python -m venv /tmp/agnix-venv && /tmp/agnix-venv/bin/pip install agnix`.)
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import bin_path, machine


def cpu_run(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of `argv` in `cwd`, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def medians(argv: Sequence[str], runs: int, cwd: Path) -> tuple[float, float]:
    # Run from the tree's own folder: no project's .mcp.json or agents around it change the findings.
    samples = [cpu_run(argv, cwd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def copies(corpus: Path, into: Path, count: int) -> Path:
    """A tree holding `count` copies of the corpus, side by side."""
    tree = into / f"x{count}"
    for i in range(count):
        shutil.copytree(corpus, tree / f"copy{i}")
    return tree


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--agnix", default=shutil.which("agnix") or "/tmp/agnix-venv/bin/agnix")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--without", default="", help="leave out collections whose folder contains this")
    args = parser.parse_args(argv)
    if args.without:
        kept = Path(tempfile.mkdtemp(prefix="corpus-"))
        for child in args.corpus.iterdir():
            if args.without not in child.name:
                shutil.copytree(child, kept / child.name)
        args.corpus = kept
    files = sum(1 for _ in args.corpus.rglob("*.md"))
    print(f"machine: {machine()}")
    print(f"corpus: {files} agent files under {args.corpus}; median of {args.runs} runs\n")
    print("| tree | files | tool | CPU s | wall s | CPU vs 1x |")
    print("|---|---|---|---|---|---|")
    llmeng = bin_path("llmeng")
    base: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (1, 2, 4):
            tree = copies(args.corpus, Path(tmp), count)
            commands = {
                "llmeng validate": [llmeng, "validate", str(tree), "--format", "json"],
                "llmeng validate -j 1": [llmeng, "validate", str(tree), "--format", "json", "-j", "1"],
                "agnix --target claude-code": [args.agnix, "--target", "claude-code", str(tree)],
            }
            for name, command in commands.items():
                cpu, wall = medians(command, args.runs, tree)
                base.setdefault(name, cpu)
                print(
                    f"| {count}x | {files * count} | {name} | {cpu:.2f} | {wall:.2f} | {cpu / base[name]:.2f} |"
                )
                if count == 1 and name.startswith("agnix"):
                    base["ratio"] = base["llmeng validate"] / cpu
            shutil.rmtree(tree)
    print(f"\nllmeng / agnix CPU on the 1x tree: {base['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
