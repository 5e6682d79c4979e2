"""Benchmark: what the plugin's launcher (scripts/llmeng-plugin.sh) adds to every hook run.

Claude Code waits for each SubagentStop hook, and runs the SessionStart set-up at every session start.
Measured, each as a fresh process:
- `llmeng hook subagent-stop` called directly (baseline) vs through the launcher, llmeng on PATH;
- the launcher's `setup` when llmeng is on PATH (nothing to do) vs `bash -c :` (baseline: bash start-up).
The payload names a project with no active session, so the hook's own work is minimal and the
launcher's share is as large as it gets.

Run: .venv/bin/python benchmarks/bench_plugin.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import bin_path, machine, median_ms, time_call

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "scripts" / "llmeng-plugin.sh"


def interleaved(commands: list[tuple[list[str], bytes]], env: dict[str, str], runs: int) -> list[list[float]]:
    """Wall times per command; the commands take turns in every round, so load from other processes
    on a shared machine falls on all of them alike."""

    def once(argv: list[str], stdin: bytes) -> None:
        subprocess.run(
            argv, input=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )

    for argv, stdin in commands:
        once(argv, stdin)  # warm the page cache
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, (argv, stdin) in enumerate(commands):
            times[i] += time_call(lambda argv=argv, stdin=stdin: once(argv, stdin), 1)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=31)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="llmeng-bench-plugin-"))
    payload = json.dumps(
        {
            "hook_event_name": "SubagentStop",
            "cwd": str(work),
            "agent_type": "llmeng:x",
            "last_assistant_message": "done",
        }
    ).encode()
    env = {
        "PATH": f"{Path(bin_path('llmeng')).parent}:/usr/bin:/bin",
        "HOME": str(work),
        "CLAUDE_PROJECT_DIR": str(work),
        "CLAUDE_PLUGIN_ROOT": str(REPO),
        "CLAUDE_PLUGIN_DATA": str(work / "data"),
    }
    labels = [
        "`llmeng hook subagent-stop` (baseline)",
        "launcher `hook subagent-stop`",
        "`bash -c :` (baseline)",
        "launcher `setup`, llmeng on PATH",
    ]
    times = interleaved(
        [
            ([bin_path("llmeng"), "hook", "subagent-stop"], payload),
            (["bash", str(LAUNCHER), "hook", "subagent-stop"], payload),
            (["bash", "-c", ":"], b""),
            (["bash", str(LAUNCHER), "setup"], b""),
        ],
        env,
        args.runs,
    )
    rows = list(zip(labels, times))
    print(f"Machine: {machine()}; {args.runs} runs each, medians\n")
    print("| Command | Median ms |\n|---|---|")
    for label, times in rows:
        print(f"| {label} | {median_ms(times):.1f} |")
    hook_ratio = median_ms(rows[1][1]) / median_ms(rows[0][1])
    print(
        f"\nLauncher / direct hook: {hook_ratio:.2f}x; launcher adds "
        f"{median_ms(rows[1][1]) - median_ms(rows[0][1]):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
