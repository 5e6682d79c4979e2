"""The agents door: default folders, the one "no agent files" error, confinement, fixes, exit codes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from llmeng.agents import api
from llmeng.errors import LlmengError

CLEAN = (
    "---\nname: reviewer\ndescription: Reviews diffs for bugs.\ntools: Read, Grep\n---\nYou review diffs.\n"
)
ERROR = "---\nname: broken\ndescription: Reviews diffs.\ntools: Read\nhooks: []\n---\nBody.\n"
WARNING = "---\nname: colourful\ndescription: Reviews diffs.\ntools: Read\ncolor: magenta\n---\nBody.\n"
FIXABLE = (
    "\ufeff---\r\nname: fixme\r\ndescription: Reviews diffs.\r\nallowed-tools: Read, Grep\r\n---\r\nBody.\r\n"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git project, the current folder: relative paths are read from there, as the CLI reads them."""
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    monkeypatch.chdir(root)
    return root


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8", newline="")
    return path


def _validate(paths: list[str], *, cwd: Path, **options: object) -> api.Validation:
    return api.validate(paths, cwd=cwd, env={}, home=Path("/nonexistent-home"), **options)  # type: ignore[arg-type]


def test_defaults_are_both_agent_folders_of_the_project_root_even_from_a_subfolder(project: Path) -> None:
    _write(project / ".claude" / "agents" / "reviewer.md", CLEAN)
    _write(project / "agents" / "broken.md", ERROR)
    (project / "src" / "deep").mkdir(parents=True)
    done = _validate([], cwd=project / "src" / "deep")
    assert done.targets == (project / ".claude" / "agents", project / "agents")
    assert sorted(f.name or "" for f in done.result.files) == ["broken", "reviewer"]
    assert done.exit_code() == api.EXIT_FINDINGS


def test_claude_project_dir_names_the_project(project: Path, tmp_path: Path) -> None:
    _write(project / "agents" / "reviewer.md", CLEAN)
    found = api.targets([], cwd=tmp_path, env={"CLAUDE_PROJECT_DIR": str(project)}, home=tmp_path.parent)
    assert found == (project / "agents",)


def test_no_default_folder_and_an_empty_folder_give_the_same_error(project: Path) -> None:
    with pytest.raises(
        LlmengError, match=r"no agent files \(\*\.md\) found under: .*\.claude/agents or "
    ) as e:
        _validate([], cwd=project)
    (project / "empty").mkdir()
    with pytest.raises(LlmengError, match=r"no agent files \(\*\.md\) found under: empty$") as again:
        _validate(["empty"], cwd=project)
    assert (
        e.value.fix
        == again.value.fix
        == "Pass an agent file or a folder that holds them, e.g. `.claude/agents`."
    )


COMMAND = (
    "---\ndescription: Start a session log\nargument-hint: <title>\n"
    'allowed-tools: Bash(bash "${CLAUDE_PLUGIN_ROOT}/x.sh":*)\n---\n!`bash x.sh $ARGUMENTS`\n'
)


def test_slash_commands_and_skills_of_a_plugin_or_project_are_not_taken_for_agents(project: Path) -> None:
    _write(project / ".claude-plugin" / "plugin.json", '{"name": "p"}')
    _write(project / "agents" / "reviewer.md", CLEAN)
    _write(project / "agents" / "commands" / "nested.md", CLEAN.replace("reviewer", "nested"))  # an agent
    for command in ("commands/start.md", "commands/sub/end.md", ".claude/commands/x.md", "skills/s/SKILL.md"):
        _write(project / command, COMMAND)
    done = _validate(["."], cwd=project)
    assert sorted(f.name or "" for f in done.result.files) == ["nested", "reviewer"]
    assert done.exit_code() == api.EXIT_OK
    for given in (["commands"], ["commands/start.md"], [".claude/commands"]):
        with pytest.raises(LlmengError, match="no agent files"):
            _validate(given, cwd=project)
    _write(project / "notes" / "commands" / "agent.md", CLEAN)  # not a plugin's: a folder like any other
    assert [f.name for f in _validate(["notes"], cwd=project).result.files] == ["reviewer"]


def test_with_a_root_paths_are_confined_and_must_exist(project: Path) -> None:
    _write(project / "agents" / "reviewer.md", CLEAN)
    assert _validate(["agents"], cwd=project, root=project).exit_code() == api.EXIT_OK
    assert _validate([""], cwd=project, root=project).targets == (project / "agents",)  # empty: the defaults
    with pytest.raises(LlmengError, match="outside"):
        _validate(["../elsewhere"], cwd=project, root=project)
    with pytest.raises(LlmengError, match="does not exist"):
        _validate(["missing.md"], cwd=project, root=project)


def test_exit_codes_follow_missing_paths_errors_and_strict_warnings(project: Path) -> None:
    _write(project / "colourful.md", WARNING)
    _write(project / "broken.md", ERROR)
    warned = _validate(["colourful.md"], cwd=project)
    assert (warned.exit_code(), warned.exit_code(strict=True)) == (api.EXIT_OK, api.EXIT_FINDINGS)
    assert _validate(["broken.md"], cwd=project).exit_code() == api.EXIT_FINDINGS
    assert _validate(["colourful.md", "nope.md"], cwd=project).exit_code() == api.EXIT_USAGE


def test_ignore_takes_comma_separated_ids_in_any_case(project: Path) -> None:
    _write(project / "colourful.md", WARNING)
    _write(project / "broken.md", ERROR)
    loud = {f.rule_id for f in _validate(["."], cwd=project).result.findings}
    ignored = sorted(loud)[:2]
    quiet = _validate(["."], cwd=project, ignore=[",".join(i.lower() for i in ignored)])
    assert not {f.rule_id for f in quiet.result.findings} & set(ignored)


def test_fix_writes_each_changed_file_once_with_its_diff(project: Path) -> None:
    path = _write(project / "fixme.md", FIXABLE)
    done = _validate(["fixme.md"], cwd=project, fix=True)
    (fixed,) = done.fixed
    assert fixed.path == Path("fixme.md") and "AG106" in fixed.applied
    assert fixed.diff.startswith("--- a/fixme.md\n+++ b/fixme.md\n")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _validate(["fixme.md"], cwd=project, fix=True).fixed == ()


def test_fix_leaves_files_that_are_not_utf8_alone(project: Path) -> None:
    path = project / "latin.md"
    path.write_bytes(CLEAN.replace("diffs.\n", "caf\u00e9.\n").encode("latin-1"))
    assert api.fix_files([path]) == ()


def test_schema_and_rules() -> None:
    assert "name" in api.schema("agent")["properties"]
    with pytest.raises(LlmengError, match="no schema"):
        api.schema("skill")
    assert all(r.id.startswith("AG") for r in api.rules())


def test_watch_runs_once_then_stops(project: Path) -> None:
    stop = threading.Event()
    calls = []

    def on_change() -> None:
        calls.append(1)
        stop.set()

    api.watch([project], on_change, stop=stop)
    assert calls == [1]


def test_ctrl_c_ends_a_watch_quietly(project: Path) -> None:
    def on_change() -> None:
        raise KeyboardInterrupt

    api.watch([project / "missing.md"], on_change)  # a file: its folder is watched
