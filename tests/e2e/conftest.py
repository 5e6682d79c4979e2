"""Fixtures for the end-to-end tests that drive the real Claude Code CLI (see docs/plugin.md).

The CLI is installed once per machine into a cache. Where npm is missing every test that needs the CLI
skips with that reason (shown by `pytest -ra`); any other install problem is a failure, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from e2e_harness.claude_cli import NpmMissing, cache_dir, ensure_claude
from e2e_harness.runner import Sandbox


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    try:
        return ensure_claude(cache_dir(os.environ, Path.home()))
    except NpmMissing as e:
        pytest.skip(str(e))


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return Sandbox.create(tmp_path)
