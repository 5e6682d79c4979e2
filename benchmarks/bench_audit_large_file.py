"""Audit time on one very large file, against ast.parse of the same file in the same run.

Usage: python benchmarks/bench_audit_large_file.py [--runs N] [--functions N]

Two generated files of about 16,000 functions each (the size that took 104 s and 585 MB before the
walk was made linear, issue 14):
- `flat`: module-level functions calling each other, one LLM call in a hundred;
- `classes`: 400 classes of 40 methods, every method defining a nested function, one in four making
  an LLM call on a client built in `__init__` inside try/except (thousands of call sites, every
  method name shared by 400 classes: the shape that made factory and caller lookups quadratic).
Each file is audited in a fresh process (`llmeng audit --format json`), so the numbers include
start-up; the baseline is a fresh process that reads the file and runs ast.parse on it. Reported:
the median of --runs, and the ratio audit / parse. The goal is under 5 s for each file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, median_ms, time_command

CLASSES, METHODS = 400, 40


def flat(functions: int) -> str:
    lines = ["import openai", "", "client = openai.OpenAI()", ""]
    for i in range(functions):
        lines.append(f"def f{i}(x):")
        if i % 100 == 0:
            lines.append("    return client.chat.completions.create(model='gpt-4o', messages=x)")
        else:
            lines += [f"    y = x + {i}", f"    return f{i - 1}(y) if y else None"]
        lines.append("")
    return "\n".join(lines)


def classes(functions: int) -> str:
    lines = ["import openai", ""]
    per_class = max(1, functions // CLASSES)
    for c in range(CLASSES):
        lines += [
            f"class C{c}:",
            "    def __init__(self):",
            "        self.client = openai.OpenAI(timeout=30)",
            "",
        ]
        for m in range(per_class):
            lines.append(f"    def m{m}(self, x):")
            if m % 4 == 0:
                lines += [
                    "        try:",
                    f"            return self.client.chat.completions.create(model='gpt-4o', messages=x, max_tokens={m + 1})",
                    "        except Exception:",
                    "            return None",
                ]
            else:
                lines += [
                    "        def inner(y):",
                    f"            return self.m{m - 1}(y)",
                    "        return inner(x)",
                ]
            lines.append("")
    return "\n".join(lines)


PARSE = "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--functions", type=int, default=CLASSES * METHODS)
    args = ap.parse_args(argv)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f} at start")
    print(
        f"command: python benchmarks/bench_audit_large_file.py --runs {args.runs} --functions {args.functions}"
    )
    print("| file | size | audit median | ast.parse median | ratio |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("flat", flat), ("classes", classes)):
            folder = Path(tmp) / name
            folder.mkdir()
            path = folder / "big.py"
            path.write_text(make(args.functions), encoding="utf-8")
            audit = [sys.executable, "-m", "llmeng", "audit", str(folder), "--format", "json"]
            check = subprocess.run(audit, capture_output=True, text=True, check=False)
            if check.returncode not in (0, 1) or '"findings"' not in check.stdout:
                print(f"error: the audit of {name} failed: {check.stderr[-500:]}", file=sys.stderr)
                return 1
            audit_ms = median_ms(time_command(audit, args.runs))
            parse_ms = median_ms(time_command([sys.executable, "-c", PARSE, str(path)], args.runs))
            size = f"{path.stat().st_size / 1e6:.2f} MB"
            print(
                f"| {name} | {size} | {audit_ms / 1000:.2f} s | {parse_ms / 1000:.2f} s | {audit_ms / parse_ms:.2f} |"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
