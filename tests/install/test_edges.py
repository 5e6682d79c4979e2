"""Less common paths: tampered manifests, corrupt journals, odd files, missing pieces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install import bundle, txn
from llmeng.install import manifest as mf
from llmeng.install.apply import InstallReport, apply
from llmeng.install.components import Components, Want
from llmeng.install.manifest import FileRecord, sha256
from llmeng.install.model import Action
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.sources import Linter
from llmeng.report import install as render

from .support import Env, request, snapshot

ALL = Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT)


def test_a_directory_where_an_agent_file_belongs_is_an_error(env: Env, lint: Linter, team: Path) -> None:
    (env.dirs().agents / "code-reviewer.md").mkdir(parents=True)
    with pytest.raises(LlmengError, match="is a directory"):
        plan_install(request(env.dirs(), team), lint=lint)


def test_a_tampered_manifest_path_is_never_followed(
    env: Env, lint: Linter, team: Path, tmp_path: Path
) -> None:
    victim = env.project / "precious.md"
    victim.write_text("keep me")
    apply(plan_install(request(env.dirs(), team), lint=lint))
    dirs = env.dirs()
    record = FileRecord("../precious.md", sha256(b"keep me"), "0.1.0", "x", "agent", "evil")
    dirs.manifest.write_bytes(mf.dumps(mf.load(dirs.manifest, "project").with_file(record)))
    plan = plan_uninstall(dirs, ["evil"])
    apply(plan)
    assert victim.read_text() == "keep me"
    assert [e.action for e in plan.entries if e.name == "evil"] == [Action.KEEP]


def test_uninstall_of_an_already_deleted_file_just_forgets_it(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    (env.dirs().agents / "test-writer.md").unlink()
    plan = plan_uninstall(env.dirs(), ["test-writer"])
    apply(plan)
    assert [e.reason for e in plan.entries if e.name == "test-writer"] == ["already gone"]
    assert "agents/test-writer.md" not in mf.load(env.dirs().manifest, "project").files


def test_a_failure_while_staging_leaves_nothing_behind(
    env: Env, lint: Linter, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(env.project)
    plan = plan_install(request(env.dirs(), team), lint=lint)
    real, calls = txn._write_synced, []

    def flaky(path: Path, data: bytes, mode: int) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(txn, "_write_synced", flaky)
    with pytest.raises(LlmengError, match="No space left on device; nothing was changed"):
        apply(plan)
    assert snapshot(env.project) == before


def test_a_corrupt_journal_stops_with_a_fix(env: Env) -> None:
    env.dirs().root.mkdir()
    env.dirs().journal.write_text("{half")
    with pytest.raises(LlmengError, match="unreadable") as info:
        txn.recover(env.dirs().journal)
    assert "delete the journal" in info.value.fix


def test_dry_run_plan_mentions_an_interrupted_install(env: Env, lint: Linter, team: Path) -> None:
    env.dirs().root.mkdir()
    env.dirs().journal.write_text("[]")
    plan = plan_install(request(env.dirs(), team), lint=lint)
    assert any("interrupted install" in n for n in plan.notes)
    text = render.report_text(InstallReport(plan, applied=False, recovered=True), env.project, verb="install")
    assert "rolled back an interrupted earlier run" in text


def test_settings_json_with_nan_is_rewritten_whole_but_correctly(env: Env, lint: Linter, team: Path) -> None:
    env.dirs().root.mkdir()
    env.dirs().settings.write_text('{\n  "x": NaN\n}\n')
    apply(plan_install(request(env.dirs(), team), lint=lint))
    data = json.loads(env.dirs().settings.read_text())
    assert "x" in data and "SubagentStop" in data["hooks"]


def test_no_valid_agent_means_no_extras(env: Env, lint: Linter, tmp_path: Path) -> None:
    src = tmp_path / "bad"
    src.mkdir()
    (src / "x.md").write_text("---\nname: x\n---\nno description\n")
    plan = plan_install(request(env.dirs(), src, components=ALL), lint=lint)
    assert [e.action for e in plan.entries] == [Action.INVALID]


def test_uninstall_leaves_an_mcp_entry_the_user_edited(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team, components=ALL), lint=lint))
    mcp = env.project / ".mcp.json"
    data = json.loads(mcp.read_text())
    data["mcpServers"]["llmeng"]["args"] = ["--verbose"]
    mcp.write_text(json.dumps(data))
    plan = plan_uninstall(env.dirs())
    apply(plan)
    assert json.loads(mcp.read_text())["mcpServers"]["llmeng"]["args"] == ["--verbose"]
    assert any("edited by you" in n for n in plan.notes)


def test_diff_text_for_a_conflict_names_it(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    (env.dirs().agents / "test-writer.md").write_text("mine")
    plan = plan_install(request(env.dirs(), team, installed_only=True), lint=lint)
    assert "# .claude/agents/test-writer.md: changed since llmeng installed it" in render.diff_text(
        plan, env.project
    )


def test_empty_inventory_text() -> None:
    assert (
        render.inventory_text((), Path("/")) == "No agents installed in the project, user or plugin scopes."
    )


def test_not_an_editable_or_installed_distribution(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise bundle.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(bundle.metadata, "distribution", missing)
    assert bundle._editable_checkout() is None


def test_a_non_editable_install_has_no_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    class Dist:
        def read_text(self, name: str) -> str:
            return '{"url": "https://example.org/llmeng.whl", "archive_info": {}}'

    monkeypatch.setattr(bundle.metadata, "distribution", lambda name: Dist())
    assert bundle._editable_checkout() is None


def test_a_build_without_the_session_script_says_so(env: Env, lint: Linter, team: Path) -> None:
    plan = plan_install(request(env.dirs(), team, script=None), lint=lint)
    assert "this llmeng build does not ship the session script; skipped" in plan.notes
    assert not [e for e in plan.entries if e.kind == "script"]
