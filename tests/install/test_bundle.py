"""The bundled team is found through importlib (wheel) or PEP 610 metadata (editable checkout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install import bundle

REPO_AGENTS = Path(__file__).resolve().parents[2] / "agents"


def test_bundled_agents_are_the_repository_team() -> None:
    found = bundle.agents_dir()
    assert sorted(p.name for p in found.glob("*.md")) == sorted(p.name for p in REPO_AGENTS.glob("*.md"))
    for f in found.glob("*.md"):
        assert f.read_bytes() == (REPO_AGENTS / f.name).read_bytes()


def test_packaged_copy_wins_over_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / bundle.AGENTS_DIR).mkdir()
    (tmp_path / "bundled_scripts").mkdir()
    (tmp_path / bundle.SCRIPT).write_bytes(b"#!/bin/sh\n")
    monkeypatch.setattr(bundle.resources, "files", lambda package: tmp_path)
    assert bundle.agents_dir() == tmp_path / bundle.AGENTS_DIR
    assert bundle.session_script() == b"#!/bin/sh\n"


def test_no_bundle_anywhere_is_an_error_with_a_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle.resources, "files", lambda package: tmp_path)
    monkeypatch.setattr(bundle, "_editable_checkout", lambda: None)
    with pytest.raises(LlmengError, match="no bundled agents") as info:
        bundle.agents_dir()
    assert "--from" in info.value.fix
    assert bundle.session_script() is None


def test_bundled_session_script_is_the_repository_script() -> None:
    repo_script = REPO_AGENTS.parent / ".claude/scripts/update-active-session.sh"
    assert bundle.session_script() == repo_script.read_bytes()


def test_the_hook_command_we_install_exists() -> None:
    import shlex

    import click

    from llmeng.cli import cli
    from llmeng.install.components import HOOK_COMMAND

    program, group, sub = shlex.split(HOOK_COMMAND)
    assert program == "llmeng"
    command = cli.get_command(click.Context(cli), group)
    assert isinstance(command, click.Group) and sub in command.commands


def test_mcp_registration_matches_the_shipped_server() -> None:
    import tomllib

    from llmeng.install.components import MCP_ENTRY, MCP_SERVER, MCP_TOOLS
    from mcp_server import server

    assert MCP_SERVER == server.SERVER_NAME
    assert set(MCP_TOOLS) == {t.value for t in server.Tool}  # a rename must reach the permissions too
    scripts = tomllib.loads((REPO_AGENTS.parent / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[MCP_ENTRY["command"]] == "mcp_server:main"
