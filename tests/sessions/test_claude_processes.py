"""The link between a hook, an MCP server and a script of one Claude Code session, with real processes.

A stand-in for Claude Code starts them as Claude Code does (claude-code.md; seen in 2.1.330): hooks as
`sh -c` children with `$CLAUDE_PID`, the MCP server as a direct child with neither `$CLAUDE_PID` nor, here,
`$CLAUDE_CODE_SESSION_ID` (as after a `/clear`), and the Bash tool's shell running the session script.
The MCP server and the script find the session only through the hook's record for their ancestor.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from llmeng.sessions.parse import read_session

SCRIPT = Path(__file__).resolve().parents[2] / ".claude" / "scripts" / "update-active-session.sh"
A = "11111111-2222-4333-8444-555555555555"
B = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

FAKE_CLAUDE = r"""
import json, os, subprocess, sys
session, project, python, script = sys.argv[1:5]
llmeng = f"{python} -m llmeng"
hook_env = {**os.environ, "CLAUDE_PID": str(os.getpid()), "CLAUDE_PROJECT_DIR": project}
def hook(event, command, **fields):
    payload = json.dumps({"hook_event_name": event, "session_id": session, "cwd": project, **fields})
    subprocess.run(["sh", "-c", command], input=payload.encode(), env=hook_env, check=True)
hook("SessionStart", f"{llmeng} hook session-start", source="startup")
# The MCP server: a direct child, told nothing about the session.
subprocess.run([python, "-m", "llmeng", "session", "append", "--agent", "mcp-agent", "--source", "mcp",
                "--root", project, "-"], input=b"from the mcp server", check=True)
# The Bash tool: `bash -c` under Claude Code, running the session script.
subprocess.run(["bash", "-c", f"printf 'from the script' | bash {script} script-agent -"],
               env={**hook_env, "PATH": os.path.dirname(python) + ":/usr/bin:/bin"}, check=True)
hook("SubagentStop", f"{llmeng} hook subagent-stop", agent_type="hook-agent", agent_id="a1",
     last_assistant_message="from the hook")
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "project" / ".git").mkdir(parents=True)
    return tmp_path / "project"


def claude_code(session: str, project: Path, state: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(state.parent), "XDG_STATE_HOME": str(state)}
    subprocess.run(
        [sys.executable, "-c", FAKE_CLAUDE, session, str(project), sys.executable, str(SCRIPT)],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )


def test_the_hook_mcp_server_and_script_of_one_claude_code_session_share_one_log(project, tmp_path):
    state = tmp_path / "state"
    claude_code(A, project, state)
    claude_code(B, project, state)  # a second Claude Code session in the same project
    logs = sorted((project / ".claude/sessions/active").glob("*.md"))
    assert [p.name.split("-claude-code-")[1] for p in logs] == [f"{s}.md" for s in sorted((A, B))]
    for log in logs:
        entries = read_session(log).entries
        assert [(e.agent, e.source, e.body) for e in entries] == [
            ("mcp-agent", "mcp", "from the mcp server"),
            ("script-agent", "script", "from the script"),
            ("hook-agent", "hook", "from the hook"),
        ]
    assert not (project / ".claude/sessions/standalone").exists()
    records = sorted(p.read_text().split("\n")[0] for p in (state / "llmeng/claude-sessions").iterdir())
    assert records == sorted((A, B))


def test_outside_claude_code_a_report_stays_standalone(project, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path / "state")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "llmeng",
            "session",
            "append",
            "--agent",
            "me",
            "--root",
            str(project),
            "--json",
            "-",
        ],
        input=b"by hand",
        env=env,
        capture_output=True,
        check=True,
    )
    assert json.loads(done.stdout)["standalone"] is True
