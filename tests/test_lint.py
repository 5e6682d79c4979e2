"""The tree passes the linters CI holds it to: ruff (lint and format) and mypy.

They run as tests so that the README's one test command is also the whole of CI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "args",
    [
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
        ["mypy", "llmeng", "mcp_server"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tree_passes_linter(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
