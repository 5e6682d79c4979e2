"""Benchmark: `llmeng validate` on 1,000 agent files, `llmeng --help` start-up, and how the body scan
scales with the number of mentions (10x the body should take about 10x the time, not 100x).

Baselines measured in the same run:
- reading the same 1,000 files and parsing their frontmatter with PyYAML (what any YAML-based
  linter must do at least);
- `python -c pass` (the interpreter's own start-up), for `llmeng --help`.

Run: .venv/bin/python benchmarks/bench_validate.py [--files 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _common import bin_path, machine, median_ms, time_call, time_command

REPO = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, count: int) -> None:
    """`count` agent files made from the bundled team, each with its own name (a few with defects)."""
    sources = sorted((REPO / "agents").glob("*.md"))
    for i in range(count):
        src = sources[i % len(sources)].read_text("utf-8")
        name = f"agent-{i:04d}"
        text = src.replace(f"name: {sources[i % len(sources)].stem}", f"name: {name}", 1)
        if i % 10 == 0:
            text = text.replace("color:", "colour:", 1)  # an unknown key, as real collections have
        (folder / f"{name}.md").write_text(text, "utf-8")


def baseline_parse(folder: Path) -> None:
    for path in folder.glob("*.md"):
        text = path.read_text("utf-8")
        yaml.load(text.split("---", 2)[1], Loader=yaml.CSafeLoader)


def mention_scaling(runs: int) -> float:
    """CPU time for a body of 70,000 mention lines over that for 7,000 (linear: about 10)."""
    import time

    from llmeng.agents.body import body_facts

    def cpu_s(lines: int) -> float:
        body = "".join(f"Call mcp__srv__tool{i} here.\n" for i in range(lines))
        times = []
        for _ in range(runs):
            start = time.process_time()  # CPU time: the machine may be shared, wall time is not ours
            body_facts(body, 5)
            times.append(time.process_time() - start)
        return min(times)

    return cpu_s(70_000) / max(cpu_s(7_000), 1e-6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    from llmeng.agents.lint import lint_paths

    work = Path(tempfile.mkdtemp(prefix="llmeng-bench-"))
    try:
        make_corpus(work, args.files)
        env, home = dict(os.environ), Path(tempfile.mkdtemp(prefix="llmeng-bench-home-"))
        lint_paths([work], env=env, cwd=work, home=home)  # warm the page cache and imports
        base = time_call(lambda: baseline_parse(work), args.runs)
        one = time_call(lambda: lint_paths([work], env=env, cwd=work, home=home, jobs=1), args.runs)
        every = time_call(lambda: lint_paths([work], env=env, cwd=work, home=home, jobs=0), args.runs)
        cli = time_command([bin_path("llmeng"), "validate", str(work), "--format", "json"], args.runs)
        help_ = time_command([bin_path("llmeng"), "--help"], args.runs * 3)
        bare = time_command([sys.executable, "-c", "pass"], args.runs * 3)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [
        ("baseline: read + PyYAML frontmatter parse, in process", median_ms(base), 1.0),
        ("lint_paths, 1 process", median_ms(one), median_ms(one) / median_ms(base)),
        ("lint_paths, all cores", median_ms(every), median_ms(every) / median_ms(base)),
        (
            "`llmeng validate DIR --format json`, whole process",
            median_ms(cli),
            median_ms(cli) / median_ms(base),
        ),
        ("baseline: `python -c pass`", median_ms(bare), 1.0),
        ("`llmeng --help`", median_ms(help_), median_ms(help_) / median_ms(bare)),
    ]
    print(f"Machine: {machine()}")
    print(f"Command: python benchmarks/bench_validate.py --files {args.files} --runs {args.runs}\n")
    print(f"| what ({args.files} agent files) | median ms | ratio to its baseline |")
    print("|---|---:|---:|")
    for what, ms, ratio in rows:
        print(f"| {what} | {ms:.0f} | {ratio:.2f}x |")
    print(f"\nBody scan, 70,000 mention lines over 7,000: {mention_scaling(args.runs):.1f}x (linear: ~10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
