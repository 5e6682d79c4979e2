"""Interrupted installs leave the old state or the new one, never a mix; the manifest always matches."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install import manifest as mf
from llmeng.install import txn
from llmeng.install.apply import apply, recover_scope
from llmeng.install.manifest import sha256
from llmeng.install.plan import plan_install
from llmeng.install.sources import Linter

from .support import Env, request, snapshot


class Boom(Exception):
    pass


def fail_after(n: int):
    def hook(index: int) -> None:
        if index == n:
            raise Boom(f"injected after swap {index}")

    return hook


def assert_manifest_matches_disk(env: Env) -> None:
    dirs = env.dirs()
    for rel, record in mf.load(dirs.manifest, "project").files.items():
        assert sha256((dirs.root / rel).read_bytes()) == record.sha256, rel


def test_error_between_two_files_rolls_back_a_first_install(
    env: Env, lint: Linter, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(env.project)
    plan = plan_install(request(env.dirs(), team), lint=lint)
    monkeypatch.setattr(txn, "after_swap", fail_after(1))
    with pytest.raises(Boom):
        apply(plan)
    assert snapshot(env.project) == before  # no file, no folder, no journal, no temp


def test_error_between_two_files_keeps_the_previous_install(
    env: Env, lint: Linter, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    for f in team.glob("*.md"):
        f.write_text(f.read_text() + "\nv2\n")
    before = snapshot(env.project)
    plan = plan_install(request(env.dirs(), team), lint=lint)
    assert len(plan.writes) >= 3  # two agents and the manifest
    monkeypatch.setattr(txn, "after_swap", fail_after(0))
    with pytest.raises(Boom):
        apply(plan)
    assert snapshot(env.project) == before
    assert_manifest_matches_disk(env)


def test_a_killed_install_is_rolled_back_by_the_next_run(
    env: Env, lint: Linter, team: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    for f in team.glob("*.md"):
        f.write_text(f.read_text() + "\nv2\n")
    before = snapshot(env.project)
    plan = plan_install(request(env.dirs(), team), lint=lint)
    # A kill (SIGKILL, power loss) runs no rollback: simulate it by disabling recovery for this run.
    monkeypatch.setattr(txn, "after_swap", fail_after(0))
    monkeypatch.setattr(txn, "recover", lambda journal: False)
    with pytest.raises(Boom):
        apply(plan)
    monkeypatch.undo()
    assert env.dirs().journal.exists()
    assert recover_scope(env.dirs()) is True
    assert snapshot(env.project) == before
    assert_manifest_matches_disk(env)
    # ... and the interrupted install can simply be run again.
    report = apply(plan_install(request(env.dirs(), team), lint=lint))
    assert {e.action.value for e in report.plan.entries if e.kind == "agent"} == {"update"}
    assert_manifest_matches_disk(env)


def test_stray_staged_files_from_a_kill_before_the_journal_are_swept(
    env: Env, lint: Linter, team: Path
) -> None:
    agents = env.dirs().agents
    agents.mkdir(parents=True)
    stray = agents / f".code-reviewer.md{txn.STAGED_MARK}deadbeef"
    stray.write_text("half")
    apply(plan_install(request(env.dirs(), team), lint=lint))
    assert not stray.exists()


def test_a_file_changed_after_planning_stops_the_whole_apply(env: Env, lint: Linter, team: Path) -> None:
    plan = plan_install(request(env.dirs(), team), lint=lint)
    env.dirs().agents.mkdir(parents=True)
    racer = env.dirs().agents / "test-writer.md"
    racer.write_text("written by someone else meanwhile")
    with pytest.raises(LlmengError, match="changed after the plan was made"):
        apply(plan)
    assert racer.read_text() == "written by someone else meanwhile"
    assert not (env.dirs().agents / "code-reviewer.md").exists()


def test_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "claude.json"
    target.write_text("{}")
    os.chmod(target, 0o600)
    txn.commit([txn.Op(target, b'{"a": 1}', sha256(b"{}"))], tmp_path / "journal")
    assert target.read_bytes() == b'{"a": 1}'
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claude.json"]


def test_lock_is_exclusive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(txn, "LOCK_TRIES", 2)
    monkeypatch.setattr(txn, "LOCK_PAUSE_S", 0.01)
    with txn.locked(tmp_path), pytest.raises(LlmengError, match="another llmeng run"), txn.locked(tmp_path):
        pass
    with txn.locked(tmp_path):  # released on exit
        pass


def test_installs_running_at_once_leave_one_consistent_state(env: Env, lint: Linter, team: Path) -> None:
    import threading

    outcomes: list[str] = []

    def install_once() -> None:
        try:
            apply(plan_install(request(env.dirs(), team), lint=lint))
            outcomes.append("ok")
        except LlmengError as e:  # another run changed a file after this one planned
            outcomes.append(str(e))

    threads = [threading.Thread(target=install_once) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert "ok" in outcomes
    assert all(o == "ok" or "changed after the plan" in o for o in outcomes)
    assert_manifest_matches_disk(env)
    assert not env.dirs().journal.exists()
    leftovers = [p for p in env.project.rglob("*") if txn.STAGED_MARK in p.name or txn.OLD_MARK in p.name]
    assert leftovers == []
    assert apply(plan_install(request(env.dirs(), team), lint=lint)).plan.writes == ()


KILLED_MIDWAY = """
import os, sys
from pathlib import Path
from llmeng.install import txn
from llmeng.install.apply import apply
from llmeng.install.components import Components, Want
from llmeng.install.plan import Request, plan_install
from llmeng.install.scopes import Scope, scope_dirs
from llmeng.install.sources import default_linter

project, home, source = (Path(p) for p in sys.argv[1:4])
dirs = scope_dirs(Scope.PROJECT, env={}, home=home, project=project)
lint = default_linter(env={}, cwd=project, home=home)
plan = plan_install(Request(dirs, source, str(source), "0.1.0", (), Components(), None), lint=lint)

def die(index):
    if index == 1:
        os.kill(os.getpid(), 9)  # no finally, no rollback: as if the power went out

txn.after_swap = die
apply(plan)
"""


def test_a_process_killed_between_two_files_is_repaired_by_the_next_run(
    env: Env, lint: Linter, team: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    apply(plan_install(request(env.dirs(), team), lint=lint))
    for f in team.glob("*.md"):
        f.write_text(f.read_text() + "\nv2\n")
    before = snapshot(env.project)
    script = tmp_path / "killed.py"
    script.write_text(KILLED_MIDWAY)
    done = subprocess.run(
        [sys.executable, str(script), str(env.project), str(env.home), str(team)],
        check=False,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()
    assert env.dirs().journal.exists() and snapshot(env.project) != before  # really half-done
    assert recover_scope(env.dirs())
    assert snapshot(env.project) == before
    assert_manifest_matches_disk(env)


def test_a_lock_on_a_folder_that_was_replaced_meanwhile_is_retaken(tmp_path: Path) -> None:
    folder = tmp_path / "scope"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    try:
        folder.rmdir()  # a failing twin or an uninstall removed it while we waited
        assert not txn._same_dir(fd, folder)
        folder.mkdir()  # and someone made a new one with the same name
        assert not txn._same_dir(fd, folder)
    finally:
        os.close(fd)
    with txn.locked(folder):  # locking by name gets the folder that is there now
        assert folder.is_dir()


def test_locked_retries_until_it_holds_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([False, True])
    monkeypatch.setattr(txn, "_same_dir", lambda fd, directory: next(answers))
    with txn.locked(tmp_path):
        pass
    assert next(answers, "used up") == "used up"


def test_a_rerun_with_nothing_to_write_sweeps_what_a_kill_after_the_journal_left(
    env: Env, lint: Linter, team: Path
) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    dirs = env.dirs()
    # Killed between removing the journal and deleting the old copies: nothing refers to these.
    left = [
        dirs.root / f".settings.json{txn.OLD_MARK}0123abcd",
        dirs.agents / f".code-reviewer.md{txn.OLD_MARK}0123abcd",
        env.project / f"..mcp.json{txn.STAGED_MARK}89abcdef",  # staged beside .mcp.json
    ]
    # Not ours by name, or not a plain file: a sweep never touches these.
    kept = [
        dirs.root / f".notes{txn.OLD_MARK}not-hex!",
        dirs.root / f"settings.json{txn.OLD_MARK}0123abcd",  # no leading dot
        env.project / f".README.md{txn.OLD_MARK}0123abcd",  # beside the project: only .mcp.json's
    ]
    for path in left + kept:
        path.write_text("stray")
    folder = dirs.agents / f".x.md{txn.OLD_MARK}01234567"
    folder.mkdir()
    assert recover_scope(dirs) is False
    assert [p for p in left if p.exists()] == []
    assert all(p.read_text() == "stray" for p in kept) and folder.is_dir()


def test_nothing_is_swept_while_a_journal_still_needs_its_files(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    journal.write_text("[]")
    old = tmp_path / f".a.json{txn.OLD_MARK}0123abcd"
    old.write_text("the only copy of the user's bytes until recovery")
    txn.sweep(journal, [(tmp_path, None)])
    assert old.exists()


def test_a_journal_naming_files_that_are_not_ours_is_refused_and_followed_nowhere(
    env: Env, tmp_path: Path
) -> None:
    dirs = env.dirs()
    dirs.root.mkdir()
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    swap = {
        "target": str(victim),
        "staged": str(victim.with_name(f".precious.txt{txn.STAGED_MARK}0123abcd")),
        "old": str(victim.with_name(f".precious.txt{txn.OLD_MARK}0123abcd")),
        "existed": False,  # a rollback would delete the target
        "delete": False,
    }
    dirs.journal.write_text(json.dumps([swap]))
    with pytest.raises(LlmengError, match="not llmeng's"):
        recover_scope(dirs)
    assert victim.read_text() == "keep me" and dirs.journal.exists()


def test_a_journal_for_the_mcp_config_beside_the_scope_is_followed(env: Env) -> None:
    dirs = env.dirs()
    dirs.root.mkdir()
    dirs.mcp_config.write_text("half-written by a killed run")
    name = dirs.mcp_config.name
    swap = {
        "target": str(dirs.mcp_config),
        "staged": str(dirs.mcp_config.with_name(f".{name}{txn.STAGED_MARK}0123abcd")),
        "old": str(dirs.mcp_config.with_name(f".{name}{txn.OLD_MARK}0123abcd")),
        "existed": False,
        "delete": False,
    }
    dirs.journal.write_text(json.dumps([swap]))
    assert recover_scope(dirs) is True
    assert not dirs.mcp_config.exists()
