"""Install the pinned Claude Code CLI from npm into a reusable cache, and check its version."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

CLAUDE_CODE_VERSION = "2.1.330"
PACKAGE = "@anthropic-ai/claude-code"
NPM_TIMEOUT_S = 600


class NpmMissing(Exception):
    """npm is not on PATH: the only reason the end-to-end tests may skip."""


def cache_dir(env: Mapping[str, str], home: Path) -> Path:
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else home / ".cache"
    return base / "llmeng-e2e" / f"claude-code-{CLAUDE_CODE_VERSION}"


def installed_version(claude: Path) -> str:
    with tempfile.TemporaryDirectory() as home:
        done = subprocess.run(
            [str(claude), "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": os.defpath, "HOME": home},
            check=False,
        )
    return done.stdout.split(" ")[0].strip()


def ensure_claude(prefix: Path) -> Path:
    """Return the path of `claude` at the pinned version, installing it under `prefix` if needed."""
    claude = prefix / "node_modules" / ".bin" / "claude"
    npm = shutil.which("npm")
    prefix.mkdir(parents=True, exist_ok=True)
    # Two test sessions (or xdist workers) may install at once; npm itself does not lock a prefix.
    with open(prefix / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if claude.exists() and installed_version(claude) == CLAUDE_CODE_VERSION:
            return claude
        if npm is None:
            raise NpmMissing(
                f"npm is not on PATH; the Claude Code end-to-end tests need it to install "
                f"{PACKAGE}@{CLAUDE_CODE_VERSION}. Install Node.js with npm to run them."
            )
        _npm_install(npm, prefix)
    version = installed_version(claude)
    if version != CLAUDE_CODE_VERSION:
        raise RuntimeError(
            f"{claude} reports version {version!r}, expected {CLAUDE_CODE_VERSION}; "
            f"delete {prefix} and run the tests again"
        )
    return claude


def _npm_install(npm: str, prefix: Path) -> None:
    # An exact pin in package.json: a bare install could resolve to an older build from a stale
    # registry cache (seen: 2.1.197 while `latest` was 2.1.330).
    manifest = {"name": "llmeng-e2e-claude", "private": True, "dependencies": {PACKAGE: CLAUDE_CODE_VERSION}}
    (prefix / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--save-exact",
            f"{PACKAGE}@{CLAUDE_CODE_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"npm install {PACKAGE}@{CLAUDE_CODE_VERSION} failed "
            f"(exit {done.returncode}):\n{done.stderr[-2000:]}"
        )
