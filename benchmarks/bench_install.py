"""Benchmark: installing a 200-agent collection into a project, again (no-op), and uninstalling it.

Baselines measured in the same run:
- copying the same files into a fresh `.claude/agents` with shutil (what the installers that clobber do);
- `lint_paths` on the source alone (the validation every install must do first).

Run: .venv/bin/python benchmarks/bench_install.py [--files 200] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, median_ms, time_call

REPO = Path(__file__).resolve().parent.parent


def make_collection(folder: Path, count: int) -> None:
    """`count` valid agent files made from the bundled team, each with its own name."""
    sources = sorted((REPO / "agents").glob("*.md"))
    for i in range(count):
        source = sources[i % len(sources)]
        name = f"agent-{i:04d}"
        text = source.read_text("utf-8").replace(f"name: {source.stem}", f"name: {name}", 1)
        (folder / f"{name}.md").write_text(text, "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    from llmeng.agents.lint import lint_paths
    from llmeng.install.apply import apply
    from llmeng.install.components import Components
    from llmeng.install.plan import Request, plan_install, plan_uninstall
    from llmeng.install.scopes import Scope, scope_dirs
    from llmeng.install.sources import default_linter

    work = Path(tempfile.mkdtemp(prefix="llmeng-bench-install-"))
    try:
        source, home = work / "src", work / "home"
        source.mkdir()
        home.mkdir()
        make_collection(source, args.files)
        env = {"HOME": str(home)}
        lint = default_linter(env=env, cwd=work, home=home)
        counter = iter(range(10**6))

        def fresh_dirs():  # type: ignore[no-untyped-def]
            project = work / f"p{next(counter)}"
            project.mkdir()
            return scope_dirs(Scope.PROJECT, env=env, home=home, project=project)

        def request(dirs):  # type: ignore[no-untyped-def]
            return Request(dirs, source, str(source), "0.1.0", (), Components(), b"#!/bin/sh\n")

        def copy_baseline() -> None:
            target = work / f"c{next(counter)}" / ".claude/agents"
            target.mkdir(parents=True)
            for f in source.glob("*.md"):
                shutil.copyfile(f, target / f.name)

        def first_install() -> None:
            apply(plan_install(request(fresh_dirs()), lint=lint))

        installed = fresh_dirs()
        apply(plan_install(request(installed), lint=lint))
        lint_paths([source], env=env, cwd=work, home=home)  # warm imports and the page cache

        def uninstall_then_install() -> None:
            apply(plan_uninstall(installed))
            apply(plan_install(request(installed), lint=lint))

        rows = [
            ("copy only (shutil, no validation, no manifest)", time_call(copy_baseline, args.runs)),
            (
                "lint_paths on the source only",
                time_call(lambda: lint_paths([source], env=env, cwd=work, home=home), args.runs),
            ),
            ("install into a fresh project", time_call(first_install, args.runs)),
            (
                "install again (nothing to do)",
                time_call(lambda: apply(plan_install(request(installed), lint=lint)), args.runs),
            ),
            ("--dry-run plan", time_call(lambda: plan_install(request(installed), lint=lint), args.runs)),
            ("uninstall + install", time_call(uninstall_then_install, args.runs)),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    copy_ms, lint_ms = median_ms(rows[0][1]), median_ms(rows[1][1])
    print(f"Machine: {machine()}; {args.files} agents; medians of {args.runs} runs\n")
    print("| What | Median | vs copy | vs lint |\n|---|---|---|---|")
    for what, times in rows:
        ms = median_ms(times)
        print(f"| {what} | {ms:.1f} ms | {ms / copy_ms:.1f}x | {ms / lint_ms:.2f}x |")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
