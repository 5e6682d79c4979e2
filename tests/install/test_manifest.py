from __future__ import annotations

from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install import manifest as mf


def test_manifest_round_trips(tmp_path: Path) -> None:
    m = mf.Manifest("user").with_file(
        mf.FileRecord("agents/a.md", "ab" * 32, "0.1.0", "bundled", "agent", "a")
    )
    m = m.with_edit(mf.SettingsEdit("hook", "settings", {"matcher": "^(a)$"}, True), "hook")
    (tmp_path / "m.json").write_bytes(mf.dumps(m))
    assert mf.load(tmp_path / "m.json", "user") == m


def test_missing_manifest_is_empty(tmp_path: Path) -> None:
    assert mf.load(tmp_path / "none.json", "project").empty


@pytest.mark.parametrize("text", ["{", '{"schema": 99, "files": {}}', '{"schema": 1}', "[]"])
def test_unreadable_manifest_is_an_error_with_a_fix(tmp_path: Path, text: str) -> None:
    (tmp_path / "m.json").write_text(text)
    with pytest.raises(LlmengError, match="not a manifest") as info:
        mf.load(tmp_path / "m.json", "project")
    assert "move m.json aside" in info.value.fix
