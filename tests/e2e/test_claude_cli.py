"""Where the pinned CLI lives, and the one reason the end-to-end tests may skip."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_harness.claude_cli import CLAUDE_CODE_VERSION, NpmMissing, cache_dir, ensure_claude


def test_cache_dir_honours_xdg_cache_home(tmp_path: Path) -> None:
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path)}, Path("/home/x")) == (
        tmp_path / "llmeng-e2e" / f"claude-code-{CLAUDE_CODE_VERSION}"
    )
    assert cache_dir({}, Path("/home/x")) == Path(
        f"/home/x/.cache/llmeng-e2e/claude-code-{CLAUDE_CODE_VERSION}"
    )


def test_missing_npm_is_reported_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(NpmMissing, match="npm is not on PATH.*Install Node.js with npm"):
        ensure_claude(tmp_path / "prefix")
