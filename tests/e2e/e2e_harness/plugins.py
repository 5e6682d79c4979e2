"""Install a plugin the way a user does: add its folder as a marketplace, then `claude plugin install`."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from e2e_harness.runner import ClaudeRun, Sandbox, run

_NOT_SHIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "*.egg-info",
    "build",
    "dist",
)


def copy_tree(source: Path, target: Path) -> Path:
    """A copy to install from: hooks and MCP servers of a local directory marketplace run in place, and a
    test must never write into the repository (claude-code.md §7.4a)."""
    shutil.copytree(source, target, ignore=_NOT_SHIPPED, symlinks=True)
    return target


def checked(result: ClaudeRun) -> ClaudeRun:
    assert result.returncode == 0, result.describe()
    return result


def install_from_marketplace(
    claude: Path, box: Sandbox, env: Mapping[str, str], *, folder: Path, plugin_id: str, scope: str = "user"
) -> ClaudeRun:
    """`claude plugin marketplace add <folder>` then `claude plugin install <plugin_id>`; both must pass."""
    checked(run(claude, ["plugin", "marketplace", "add", str(folder)], cwd=box.project, env=env))
    return checked(run(claude, ["plugin", "install", plugin_id, "--scope", scope], cwd=box.project, env=env))
