"""Run the real `claude` CLI in a sandbox: throwaway HOME and TMPDIR, a git-initialised project, a clean env.

Nothing from the caller's environment leaks in (no real key, no user settings), and the only network
Claude Code can reach is the loopback mock named by ANTHROPIC_BASE_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUN_TIMEOUT_S = 420  # a hang guard for one `claude -p` run on a busy machine
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")


@dataclass(frozen=True)
class Sandbox:
    root: Path
    home: Path
    tmp: Path
    project: Path
    bin: Path

    @classmethod
    def create(cls, root: Path) -> Sandbox:
        box = cls(root=root, home=root / "home", tmp=root / "tmp", project=root / "project", bin=root / "bin")
        for folder in (box.home, box.tmp, box.project, box.bin):
            folder.mkdir(parents=True, exist_ok=True)
        # A git root stops Claude Code's upward walk for .claude/agents at the project.
        subprocess.run(["git", "init", "-q", str(box.project)], check=True)
        return box

    def link_tool(self, name: str, target: Path) -> None:
        """Expose one program to Claude Code and its hooks through the sandbox's own bin folder."""
        link = self.bin / name
        if not link.exists():
            link.symlink_to(target)

    def write_settings(self, relative: str, settings: Mapping[str, Any]) -> Path:
        """Set top-level keys in a project settings file, keeping the keys already there."""
        path = self.project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        current = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps(current | dict(settings), indent=2) + "\n")
        return path

    def trust_project(self) -> None:
        """Record that the user accepted the workspace trust dialog for the project, as an interactive
        first run does. Until then Claude Code 2.1.330 drops the permissions.allow rules of the
        project's shared .claude/settings.json ("workspace not yet trusted" in the debug log)."""
        config = self.home / ".claude.json"
        data = json.loads(config.read_text()) if config.exists() else {}
        data.setdefault("projects", {}).setdefault(str(self.project), {})["hasTrustDialogAccepted"] = True
        config.write_text(json.dumps(data, indent=2) + "\n")

    def env(
        self, *, base_url: str, path_dirs: Sequence[Path] = (), extra: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        path = os.pathsep.join([str(self.bin), *map(str, path_dirs), *SYSTEM_PATH])
        env = {
            "PATH": path,
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "CLAUDE_CODE_TMPDIR": str(self.tmp),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "LANG": "C.UTF-8",
            "ANTHROPIC_BASE_URL": base_url,
            "ANTHROPIC_API_KEY": "dummy-key-for-loopback-mock",
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            # Without these, `claude -p` sends its first request before MCP servers have connected,
            # and a subagent started early never sees their tools (claude-code.md §7.4a).
            "MCP_CONNECTION_NONBLOCKING": "false",
            # Deadlines for a busy machine, where starting a Python server can take a minute. In 2.1.330
            # MCP_CONNECT_TIMEOUT_MS bounds the wait before the first request, while MCP_TIMEOUT (30 s
            # by default) bounds the connection itself ("Starting connection with timeout of ...ms").
            "MCP_CONNECT_TIMEOUT_MS": "120000",
            "MCP_TIMEOUT": "120000",
        }
        return env | dict(extra or {})


@dataclass(frozen=True)
class ClaudeRun:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration_s: float
    debug_log: str = ""
    started_at: float = 0.0  # time.monotonic() when the process was started

    @property
    def session_id(self) -> str:
        """Claude Code's session_id for this run, from the first init event."""
        return str(self.inits()[0]["session_id"])

    @property
    def events(self) -> list[dict[str, Any]]:
        parsed = []
        for line in self.stdout.splitlines():
            if line.startswith("{"):
                parsed.append(json.loads(line))
        return parsed

    def inits(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == "system" and e.get("subtype") == "init"]

    def describe(self) -> str:
        """Everything a failing assertion needs to show."""
        return (
            f"$ claude {' '.join(self.args)}\nexit {self.returncode} after {self.duration_s:.1f}s\n"
            f"--- stdout (tail)\n{self.stdout[-4000:]}\n--- stderr (tail)\n{self.stderr[-3000:]}"
        )


def run(
    claude: Path,
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_s: float = RUN_TIMEOUT_S,
    debug_log: Path | None = None,
) -> ClaudeRun:
    started = time.monotonic()
    done = subprocess.run(
        [str(claude), *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    log = debug_log.read_text(errors="replace") if debug_log and debug_log.exists() else ""
    return ClaudeRun(
        tuple(args), done.returncode, done.stdout, done.stderr, time.monotonic() - started, log, started
    )


def run_print(
    claude: Path, box: Sandbox, *, env: Mapping[str, str], prompt: str = "go", extra_args: Sequence[str] = ()
) -> ClaudeRun:
    """`claude -p` with stream-json output and a debug log; waits for the process to exit, since
    2.1.330 may print a second init/result pair after a background subagent finishes."""
    debug = box.root / f"debug-{time.monotonic_ns()}.log"
    args = [
        "-p",
        prompt,
        "--output-format",
        "stream-json",
        "--verbose",
        "--debug-file",
        str(debug),
        *extra_args,
    ]
    return run(claude, args, cwd=box.project, env=env, debug_log=debug)


def run_team(
    claude: Path, box: Sandbox, script: Any, *, path_dirs: Sequence[Path] | None = None
) -> tuple[ClaudeRun, list[dict[str, Any]]]:
    """One `claude -p` run of the team against a fresh mock playing `script`: the run and every
    Messages-API request the mock saw. PATH has this test run's llmeng unless `path_dirs` says otherwise."""
    from e2e_harness import PACKAGE_BIN
    from e2e_harness.mock_api import MockApi

    dirs = [PACKAGE_BIN] if path_dirs is None else path_dirs
    with MockApi(script) as api:
        result = run_print(claude, box, env=box.env(base_url=api.url, path_dirs=dirs))
        return result, api.messages_requests()


@dataclass(frozen=True)
class InstalledTeam:
    """The team installed in `box`, run by `claude`; `path_dirs` as for `run_team`."""

    claude: Path
    box: Sandbox
    path_dirs: tuple[Path, ...] | None = None

    def run_team(self, script: Any) -> tuple[ClaudeRun, list[dict[str, Any]]]:
        return run_team(self.claude, self.box, script, path_dirs=self.path_dirs)
