import io
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from llmeng.cli import main
from llmeng.report.sessions import entry_text
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import current_session


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CLAUDE_PROJECT_DIR", raising=False)
    monkeypatch.delenv("LLMENG_SESSION", raising=False)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_full_workflow(project, capsys):
    code, out, _ = run(capsys, "session", "start", "Tune RAG", "--json")
    started = json.loads(out)
    assert code == 0 and started["title"] == "Tune RAG"
    (project / "r.md").write_text("# Findings\nuse hybrid search\n")
    code, out, _ = run(capsys, "session", "append", "--agent", "vector-search-engineer", "r.md")
    assert code == 0 and out.strip() == f"✅ Findings appended to: {started['path']}"
    code, out, _ = run(capsys, "session", "current")
    assert code == 0 and out.startswith(started["session_id"])
    code, out, _ = run(capsys, "session", "show", "--format", "json")
    shown = json.loads(out)
    assert code == 0 and shown["fields"]["branch"] == "main"
    assert [e["body"] for e in shown["entries"]] == ["# Findings\nuse hybrid search"]
    code, out, _ = run(capsys, "session", "show")
    assert "── vector-search-engineer · " in out and "use hybrid search" in out
    code, out, _ = run(capsys, "session", "list")
    assert out.startswith(f"* {started['session_id']}  active")
    code, out, _ = run(capsys, "session", "end")
    assert code == 0 and "archive" in out
    code, out, _ = run(capsys, "session", "current", "--json")
    assert code == 1 and json.loads(out) is None


def test_append_from_stdin_with_redaction_note(project, capsys, monkeypatch):
    import io
    import sys

    run(capsys, "session", "start")
    monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO(b"key AKIAABCDEFGHIJKLMNOP")})())
    code, out, _ = run(capsys, "session", "append", "--agent", "me", "-")
    assert code == 0 and "(1 secret redacted)" in out


def test_append_without_session_reports_standalone_artifact(project, capsys):
    (project / "r.md").write_text("x")
    code, out, _ = run(capsys, "session", "append", "--agent", "a", "r.md", "--json")
    data = json.loads(out)
    assert code == 0 and data["standalone"] and "/.claude/sessions/standalone/" in data["path"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe bad", "not valid UTF-8"),
        (b"\x00\x01binary", "control character"),
        (b"x" * 2000, "over the 1000-byte cap"),
    ],
)
def test_bad_reports_exit_2_with_fix_and_log_untouched(project, capsys, content, message):
    run(capsys, "session", "start")
    before = read_session(next((project / ".claude/sessions/active").iterdir())).entries
    (project / "r.md").write_bytes(content)
    code, _, err = run(capsys, "session", "append", "--agent", "a", "--max-bytes", "1000", "r.md")
    assert code == 2 and message in err and "fix:" in err
    assert read_session(next((project / ".claude/sessions/active").iterdir())).entries == before


def test_size_cap_from_environment(project, capsys, monkeypatch):
    run(capsys, "session", "start")
    (project / "r.md").write_bytes(b"x" * 50)
    monkeypatch.setenv("LLMENG_SESSION_MAX_BYTES", "10")
    code, _, err = run(capsys, "session", "append", "--agent", "a", "r.md")
    assert code == 2 and "10-byte cap" in err


def test_missing_report_and_directory_are_errors(project, capsys):
    code, _, err = run(capsys, "session", "append", "--agent", "a", "nope.md")
    assert code == 2 and "report file not found: nope.md" in err
    code, _, err = run(capsys, "session", "append", "--agent", "a", ".")
    assert code == 2 and "is a directory" in err


def test_a_fifo_or_device_report_is_refused_without_blocking(project, capsys):
    import os

    os.mkfifo(project / "report.md")  # nobody writes: a plain open() would wait forever
    code, _, err = run(capsys, "session", "append", "--agent", "a", "report.md")
    assert code == 2 and "not a regular file (a FIFO)" in err
    code, _, err = run(capsys, "session", "append", "--agent", "a", "/dev/zero")
    assert code == 2 and "not a regular file (a device)" in err


def test_bad_agent_and_session_id_exit_2(project, capsys):
    (project / "r.md").write_text("x")
    code, _, err = run(capsys, "session", "append", "--agent", "../evil", "r.md")
    assert code == 2 and "invalid agent name" in err
    code, _, err = run(capsys, "session", "show", "../../etc/passwd")
    assert code == 2 and "invalid session id" in err


def test_session_pinned_by_env(project, capsys, monkeypatch):
    _, out, _ = run(capsys, "session", "start", "first", "--json")
    first = json.loads(out)
    (project / ".claude/sessions/active" / "29991231-000000.md").write_text(
        "# later\n\n<!-- llmeng:session v=1 -->\n\n"
    )
    monkeypatch.setenv("LLMENG_SESSION", first["session_id"])
    (project / "r.md").write_text("x")
    code, out, _ = run(capsys, "session", "append", "--agent", "a", "r.md")
    assert code == 0 and first["path"] in out
    assert current_session(project) == "29991231-000000"


def test_show_damaged_log_exits_1(project, capsys):
    _, out, _ = run(capsys, "session", "start", "--json")
    path = json.loads(out)["path"]
    with open(path, "a") as f:
        f.write("<!-- llmeng:entry id=torn agent=a source=cli time=x -->\nhalf\n\n")
    code, out, _ = run(capsys, "session", "show")
    assert code == 1 and "problem: line" in out


def test_show_streams_the_same_output_the_whole_log_rendered_at_once_gave(project, capsys):
    _, out, _ = run(capsys, "session", "start", "Streamed", "--json")
    path = Path(json.loads(out)["path"])
    for i in range(5):
        (project / "r.md").write_text(f"# r{i}\n\n```python\nleft open {'✓' * i}")
        run(capsys, "session", "append", "--agent", f"a{i}", "r.md")
    with open(path, "a") as f:
        f.write("a hand-written note\n")
    log = read_session(path)
    code, out, _ = run(capsys, "session", "show", "--json")
    whole = {"session_id": path.stem, "path": json.loads(out)["path"], **asdict(log)}
    assert code == 1 and out == json.dumps(whole, indent=2, default=str) + "\n"
    code, out, _ = run(capsys, "session", "show")
    lines = [f"# {log.title}", *(f"{k}: {v}" for k, v in log.fields.items()), ""]
    lines += [entry_text(e) for e in log.entries] + [f"problem: {p}" for p in log.problems]
    assert code == 1 and out == "\n".join(lines) + "\n" and len(log.entries) == 5


def test_every_session_command_has_help_with_example(capsys):
    for command in ("start", "append", "end", "list", "show", "current", "tail"):
        code, out, _ = run(capsys, "session", command, "--help")
        assert code == 0 and "Example:" in out, command
    code, out, _ = run(capsys, "hook", "subagent-stop", "--help")
    assert code == 0 and "Example:" in out


def test_root_option_and_claude_project_dir(project, capsys, monkeypatch, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    code, out, _ = run(capsys, "session", "start", "--root", str(other), "--json")
    assert code == 0 and json.loads(out)["path"].startswith(str(other.resolve()))
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(other))
    code, out, _ = run(capsys, "session", "current", "--json")
    assert code == 0 and json.loads(out)["path"].startswith(str(other.resolve()))


def test_tail_prints_entries_as_they_arrive(project, capsys, monkeypatch):
    import llmeng.sessions.tail as tail_module
    from llmeng.sessions.parse import Entry

    run(capsys, "session", "start")
    entry = Entry("e1", "agent", "cli", "2026-11-22T03:04:05Z", "a1", 1, "hello", 10, True)

    def fake_follow(path, on_entries, stop, *, from_start):
        on_entries([entry])
        return False  # the session ended

    monkeypatch.setattr(tail_module, "follow", fake_follow)
    code, out, err = run(capsys, "session", "tail")
    assert code == 0 and "── agent · 2026-11-22T03:04:05Z · cli · agent id a1 · 1 redacted\nhello" in out
    assert "following" in err and "session ended" in err
    code, out, _ = run(capsys, "session", "tail", "--json")
    assert json.loads(out.splitlines()[0])["body"] == "hello"


def test_tail_stops_quietly_on_ctrl_c(project, capsys, monkeypatch):
    import llmeng.sessions.tail as tail_module

    run(capsys, "session", "start")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(tail_module, "follow", interrupted)
    code, _, err = run(capsys, "session", "tail")
    assert code == 0 and "session ended" not in err


def test_filesystem_errors_are_clear_errors(project, capsys):
    (project / ".claude").write_text("not a directory")
    code, _, err = run(capsys, "session", "start", "x")
    assert code == 2 and "error: " in err and "fix: " in err and "Traceback" not in err


def test_current_without_session_explains_on_stderr(project, capsys):
    code, out, err = run(capsys, "session", "current")
    assert code == 1 and out == "" and "llmeng session start" in err


def test_every_json_output_names_the_session_id_the_same_way(project, capsys):
    _, out, _ = run(capsys, "session", "start", "keys", "--json")
    started = json.loads(out)
    sid = started["session_id"]
    assert started == {"session_id": sid, "state": "active", "title": "keys", "path": started["path"]}
    (project / "r.md").write_text("x")
    _, out, _ = run(capsys, "session", "append", "--agent", "a", "r.md", "--json")
    appended = json.loads(out)
    assert sorted(appended) == ["entry_id", "path", "redacted", "session_id", "standalone"]
    assert (appended["session_id"], appended["path"]) == (sid, started["path"])
    _, out, _ = run(capsys, "session", "current", "--json")
    assert json.loads(out)["session_id"] == sid
    _, out, _ = run(capsys, "session", "list", "--json")
    assert [(r["session_id"], r["current"]) for r in json.loads(out)] == [(sid, True)]
    _, out, _ = run(capsys, "session", "show", "--json")
    shown = json.loads(out)
    assert shown["session_id"] == sid and [e["id"] for e in shown["entries"]] == [appended["entry_id"]]
    _, out, _ = run(capsys, "session", "end", "--json")
    assert json.loads(out) == {**started, "state": "archive", "path": json.loads(out)["path"]}


def test_a_read_error_partway_through_show_is_exit_2_with_a_fix(project, capsys, monkeypatch):
    import errno

    from llmeng.report import sessions as report

    run(capsys, "session", "start", "--json")

    def failing(view):
        yield "# first piece\n"
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(report, "show_text", failing)
    code, out, err = run(capsys, "session", "show")
    assert code == 2 and out == "# first piece\n"
    assert "failed partway: Input/output error" in err and "fix:" in err and "Traceback" not in err


def test_inside_claude_code_without_a_session_every_command_uses_its_log(project, capsys, monkeypatch):
    claude_session = "11111111-2222-4333-8444-555555555555"
    monkeypatch.setenv("CLAUDE_CODE_SESSION_ID", claude_session)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"found it")))
    code, out, _ = run(capsys, "session", "append", "--agent", "me", "--json", "-")
    appended = json.loads(out)
    assert code == 0 and appended["session_id"].endswith(f"-claude-code-{claude_session}")
    code, out, _ = run(capsys, "session", "current", "--json")
    assert code == 0 and json.loads(out)["session_id"] == appended["session_id"]
    code, out, _ = run(capsys, "session", "list")
    assert out.startswith(f"* {appended['session_id']}")
    code, out, _ = run(capsys, "session", "show", "--json")
    assert code == 0 and [e["body"] for e in json.loads(out)["entries"]] == ["found it"]
    code, out, _ = run(capsys, "session", "end", "--json")
    assert code == 0 and json.loads(out)["state"] == "archive"
    monkeypatch.delenv("CLAUDE_CODE_SESSION_ID")
    assert run(capsys, "session", "current")[0] == 1
