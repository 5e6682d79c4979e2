"""Claude Code's layout: one answer for the project root, the user folder and the agent folders."""

from __future__ import annotations

from pathlib import Path

from llmeng.claude_paths import agent_dirs, config_dir_is_set, project_root, user_config_dir


def test_project_root_is_the_enclosing_git_checkout_below_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "repo/.git").mkdir(parents=True)
    (home / "repo/src/pkg").mkdir(parents=True)
    (home / "loose/dir").mkdir(parents=True)
    assert project_root(home / "repo/src/pkg", env={}, home=home) == home / "repo"
    assert project_root(home / "loose/dir", env={}, home=home) == home / "loose/dir"
    (tmp_path / ".git").mkdir()  # above $HOME: Claude Code never walks that far
    assert project_root(home / "loose/dir", env={}, home=home) == home / "loose/dir"
    assert project_root(home / "loose/dir", env={}) == tmp_path  # no home given: no stop


def test_project_root_prefers_a_set_claude_project_dir(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "a"
    sub.mkdir()
    assert project_root(sub, env={"CLAUDE_PROJECT_DIR": "/elsewhere"}) == Path("/elsewhere")
    assert project_root(sub, env={"CLAUDE_PROJECT_DIR": "  "}) == tmp_path  # blank: not set


def test_project_root_is_absolute_for_a_relative_start(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert project_root(Path("."), env={}) == tmp_path


def test_user_config_dir_treats_a_blank_claude_config_dir_as_unset(tmp_path: Path) -> None:
    assert user_config_dir(env={}, home=tmp_path) == tmp_path / ".claude"
    assert user_config_dir(env={"CLAUDE_CONFIG_DIR": " "}, home=tmp_path) == tmp_path / ".claude"
    assert user_config_dir(env={"CLAUDE_CONFIG_DIR": "/cfg"}, home=tmp_path) == Path("/cfg")
    assert config_dir_is_set({"CLAUDE_CONFIG_DIR": "/cfg"}) and not config_dir_is_set(
        {"CLAUDE_CONFIG_DIR": ""}
    )


def test_agent_dirs_walk_up_to_the_git_root_then_add_the_user_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    repo = home / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".claude/agents").mkdir(parents=True)
    (repo / "pkg/.claude/agents").mkdir(parents=True)
    (home / ".claude/agents").mkdir(parents=True)
    (tmp_path / ".claude/agents").mkdir(parents=True)  # above home: not read
    got = agent_dirs(repo / "pkg", env={}, home=home)
    assert got == [
        ("project", repo / "pkg/.claude/agents"),
        ("project", repo / ".claude/agents"),
        ("user", home / ".claude/agents"),
    ]


def test_agent_dirs_leave_out_missing_folders(tmp_path: Path) -> None:
    assert agent_dirs(tmp_path, env={"CLAUDE_CONFIG_DIR": str(tmp_path / "none")}, home=tmp_path / "h") == []
