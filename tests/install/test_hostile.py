"""A hostile user's files: every OS error and every pathological settings file is exit 2 with a fix.

Each case runs the real command through main([...]) and checks four things: exit 2, a message that
names the file, a fix, no traceback, and every file exactly as it was.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmeng.cli import main
from llmeng.install import settings as js
from llmeng.install import txn
from llmeng.install.failures import os_failure
from llmeng.install.sources import Linter

from .support import Env

USERS = b'{\n  "model": "opus",\n  "hooks": {}\n}\n'


@pytest.fixture
def cli(env: Env, lint: Linter, monkeypatch: pytest.MonkeyPatch) -> Env:
    monkeypatch.setenv("HOME", str(env.home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(env.project)
    monkeypatch.setattr("llmeng.install.api.default_linter", lambda **kw: lint)
    monkeypatch.setattr("llmeng.install.api.running_programs", lambda *a, **kw: None)
    return env


@pytest.fixture
def settings(cli: Env) -> Path:
    path = cli.dirs().settings
    path.parent.mkdir(parents=True)
    path.write_bytes(USERS)
    return path


def snapshot(*roots: Path) -> dict[str, str]:
    """conftest.snapshot, but a FIFO is noted, never read (reading one would block)."""
    out: dict[str, str] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            st = path.lstat()
            kind = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else "special"
            out[str(path)] = f"{kind}:{st.st_mode:o}:{st.st_nlink}"
    return out


def install(team: Path) -> list[str]:
    return ["install", "--from", str(team), "--all", "--mcp", "--permissions"]


def refused(capsys: pytest.CaptureFixture[str], env: Env, argv: list[str], names: Path) -> str:
    """Run `argv`, which must fail cleanly without touching a file; returns the message."""
    before = snapshot(env.project, env.home)
    code = main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    assert "Traceback" not in text
    assert f"error: {names}" in text or f"{names}" in text.split("fix:")[0], text
    assert "\n  fix: " in text, text
    assert snapshot(env.project, env.home) == before
    return text


def installed(capsys: pytest.CaptureFixture[str], team: Path) -> None:
    assert main(install(team)) == 0
    capsys.readouterr()


# ---- settings files llmeng cannot use ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "nested 50000 levels deep"),
        (b'{"a": ' * 101 + b"1" + b"}" * 101, "nested 101 levels deep"),
        (b'{"model": "opus",}', "not valid JSON"),
        (b'["a list"]', "a JSON list, not an object"),
        (b'{"model": "op\xffus"}', "not UTF-8 text"),
        (b'{"n": NaN, "deep": "[[[[" }', None),  # brackets in strings do not count; NaN is JSON to Python
    ],
    ids=["50000-deep", "101-deep", "invalid", "not-an-object", "not-utf8", "brackets-in-strings"],
)
def test_a_settings_file_llmeng_cannot_read_is_exit_2_on_install_and_uninstall(
    cli: Env, settings: Path, team: Path, capsys: pytest.CaptureFixture[str], raw: bytes, says: str | None
) -> None:
    installed(capsys, team)
    settings.write_bytes(raw)
    if says is None:  # the control: a strange but readable file installs and uninstalls fine
        assert main(["uninstall"]) == 0
        assert settings.read_bytes() == raw
        return
    assert says in refused(capsys, cli, install(team), settings)
    assert says in refused(capsys, cli, ["uninstall"], settings)


def test_a_settings_file_over_the_size_cap_is_refused(
    cli: Env, settings: Path, team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(js, "SETTINGS_MAX_BYTES", 16)
    assert "too large" in refused(capsys, cli, install(team), settings)


def test_a_fifo_or_a_folder_where_settings_belong_is_refused_without_hanging(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = cli.dirs().settings
    settings.parent.mkdir(parents=True)
    os.mkfifo(settings)  # reading it would block forever
    assert "a FIFO" in refused(capsys, cli, install(team), settings)
    settings.unlink()
    settings.mkdir()
    assert "a directory" in refused(capsys, cli, install(team), settings)


def test_a_manifest_that_is_a_fifo_is_refused(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = cli.dirs().manifest
    manifest.parent.mkdir(parents=True)
    os.mkfifo(manifest)
    assert "a FIFO" in refused(capsys, cli, ["uninstall"], manifest)


# ---- hard links ----------------------------------------------------------------------------------


def test_a_hard_linked_settings_file_is_refused(
    cli: Env, settings: Path, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.link(settings, cli.home / "dotfiles-settings.json")
    text = refused(capsys, cli, install(team), settings)
    assert "2 hard links" in text and "cp " in text


def test_a_hard_linked_agent_file_is_refused_at_write_time(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    installed(capsys, team)
    agent = cli.dirs().agents / "code-reviewer.md"
    os.link(agent, cli.home / "elsewhere.md")
    assert "2 hard links" in refused(capsys, cli, ["uninstall"], agent)


# ---- files the OS will not let us write ----------------------------------------------------------


@pytest.fixture
def immutable(settings: Path) -> Iterator[Path]:
    """`settings` with the immutable flag set, or a skip where the filesystem has no such flag."""
    made = subprocess.run(["chattr", "+i", str(settings)], capture_output=True, check=False).returncode == 0
    try:
        try:
            with settings.open("ab"):
                pass
        except PermissionError:
            yield settings  # really immutable: even root cannot open it for writing
            return
        pytest.skip("chattr +i is not supported here")
    finally:
        if made:
            subprocess.run(["chattr", "-i", str(settings)], check=True)


def test_an_immutable_settings_file_is_exit_2_and_every_file_rolled_back(
    cli: Env, immutable: Path, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = refused(capsys, cli, install(team), immutable)
    assert "nothing was changed" in text and "chattr -i" in text


@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_an_os_error_on_any_swap_is_exit_2_naming_the_target(
    cli: Env,
    settings: Path,
    team: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    if command == "uninstall":
        installed(capsys, team)
    real = txn._swap

    def read_only(swap: txn._Swap) -> None:
        if swap.target == settings:  # after the agent files were swapped in: they must go back
            raise PermissionError(errno.EPERM, "Operation not permitted", str(swap.target))
        real(swap)

    monkeypatch.setattr(txn, "_swap", read_only)
    argv = install(team) if command == "install" else ["uninstall"]
    assert "Operation not permitted; nothing was changed" in refused(capsys, cli, argv, settings)


def test_a_read_only_folder_while_staging_names_the_target_not_our_temporary_file(
    cli: Env, settings: Path, team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(path: Path, data: bytes, mode: int) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(txn, "_write_synced", read_only)
    text = refused(capsys, cli, install(team), cli.dirs().agents / "code-reviewer.md")
    assert txn.STAGED_MARK not in text


def test_a_failed_rollback_says_the_next_run_completes_it(tmp_path: Path) -> None:
    journal = tmp_path / "journal"
    journal.write_text("[]")
    error = os_failure(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x")), journal)
    assert "the next run completes it" in str(error) and "disk space" in error.fix


def test_an_unreadable_source_agent_is_exit_2(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmeng.install import sources

    real = sources.read_regular

    def unreadable(path: Path, **kwargs: Any) -> bytes:
        if path == team / "code-reviewer.md" and kwargs.get("max_bytes") == sources.AGENT_MAX_BYTES:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(sources, "read_regular", unreadable)
    refused(capsys, cli, install(team), team / "code-reviewer.md")


def test_a_settings_file_that_cannot_be_opened_is_refused(
    cli: Env, settings: Path, team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(path: Path, **kwargs: object) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(js, "read_regular", denied)
    assert "unreadable (Permission denied)" in refused(capsys, cli, install(team), settings)


def test_a_fifo_where_the_session_script_belongs_is_refused(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The script, not an agent: the agent validator reads .claude/agents itself (another domain).
    script = cli.dirs().root / "scripts" / "update-active-session.sh"
    script.parent.mkdir(parents=True)
    os.mkfifo(script)
    assert "a FIFO" in refused(capsys, cli, install(team), script)


def test_an_os_error_while_sweeping_is_exit_2(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed(capsys, team)

    def denied(journal: Path, places: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(cli.dirs().agents))

    monkeypatch.setattr(txn, "sweep", denied)
    refused(capsys, cli, ["uninstall"], cli.dirs().agents)


def test_an_os_error_without_a_file_name_still_has_a_fix() -> None:
    error = os_failure(OSError(errno.EIO, "Input/output error"))
    assert str(error) == "Input/output error; nothing was changed" and error.fix


def test_a_source_agent_too_large_to_be_one_is_exit_2(
    cli: Env, team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from llmeng.install.sources import AGENT_MAX_BYTES

    big = team / "code-reviewer.md"
    big.write_bytes(big.read_bytes() + b"\n" + b"x" * AGENT_MAX_BYTES)
    text = refused(capsys, cli, install(team), big)
    assert "too large" in text
