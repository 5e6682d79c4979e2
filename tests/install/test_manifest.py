from __future__ import annotations

import json
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


def test_a_manifest_with_a_broken_undo_record_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    record = {"sha256": "0" * 64, "prefix": -1, "suffix": 0, "middle": ""}
    path.write_text(json.dumps({"schema": 1, "files": {}, "restore": {"settings": record}}))
    with pytest.raises(LlmengError, match="not a manifest this llmeng can read") as info:
        mf.load(path, "project")
    assert "move" in info.value.fix
