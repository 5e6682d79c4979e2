import json
import subprocess
import sys
from pathlib import Path

import pytest

from llmeng.cli import main
from llmeng.errors import LlmengError
from llmeng.sessions.append import append_entry
from llmeng.sessions.hook import subagent_stop
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import start_session

from .conftest import CONTEXT, NOW

FIXTURES = Path(__file__).parent.parent / "fixtures" / "hooks"


def payload(name, cwd, **changes):
    text = (FIXTURES / name).read_text().replace("__CWD__", str(cwd)).replace("__DIR__", str(FIXTURES))
    data = json.loads(text)
    data.update(changes)
    return json.dumps(data).encode()


def run(name, root, **changes):
    return subagent_stop(payload(name, root, **changes), env={}, now=NOW)


@pytest.mark.parametrize(
    "name, agent, agent_id, body",
    [
        (
            "subagent-stop-2.1.197.json",
            "llm-architect",
            "a3524a6ba1ae003cf",
            "## Findings\n\n- The client has no timeout.\n- Retries are unbounded.",
        ),
        (
            "subagent-stop-2.1.330.json",
            "llmeng:vector-search-engineer",
            "b81f0c2d9e4a7765a",
            "Recall@10 drops from 0.91 to 0.74 with int8 quantization.",
        ),
    ],
)
def test_real_payload_shapes_append_final_message(tmp_path, session, name, agent, agent_id, body):
    outcome = run(name, tmp_path)
    assert outcome.status == "appended" and outcome.path == session.path
    [entry] = read_session(session.path).entries
    assert (entry.agent, entry.agent_id, entry.source, entry.body) == (agent, agent_id, "hook", body)


def test_falls_back_to_transcript_when_payload_has_no_message(tmp_path, session):
    assert run("subagent-stop-2.1.330-no-message.json", tmp_path).status == "appended"
    [entry] = read_session(session.path).entries
    assert entry.body == "Recall@10 drops from 0.91 to 0.74 with int8 quantization."


def test_empty_message_and_missing_transcript_is_no_message(tmp_path, session):
    outcome = run(
        "subagent-stop-2.1.330.json",
        tmp_path,
        last_assistant_message="  ",
        agent_transcript_path=str(tmp_path / "gone.jsonl"),
    )
    assert outcome.status == "no-message"
    assert read_session(session.path).entries == ()


def test_does_not_duplicate_entry_already_logged_for_same_agent_id(tmp_path, session):
    append_entry(
        tmp_path, "llm-architect", b"my own report", source="mcp", now=NOW, agent_id="a3524a6ba1ae003cf"
    )
    assert run("subagent-stop-2.1.197.json", tmp_path).status == "already-logged"
    assert [e.body for e in read_session(session.path).entries] == ["my own report"]


def test_second_invocation_for_same_agent_is_a_no_op(tmp_path, session):
    assert run("subagent-stop-2.1.197.json", tmp_path).status == "appended"
    assert run("subagent-stop-2.1.197.json", tmp_path).status == "already-logged"
    assert len(read_session(session.path).entries) == 1


def test_agent_that_appended_via_script_is_not_logged_twice(tmp_path, session):
    assert run("subagent-stop-self-appended.json", tmp_path).status == "agent-appended"
    assert read_session(session.path).entries == ()


def test_agent_whose_own_append_failed_is_captured(tmp_path, session):
    assert run("subagent-stop-append-failed.json", tmp_path).status == "appended"
    assert read_session(session.path).entries[0].body == "Could not append; findings: cache the embeddings."


def test_no_active_session_and_no_claude_session_writes_nothing(tmp_path):
    assert run("subagent-stop-2.1.197.json", tmp_path, session_id=None).status == "no-session"
    assert not (tmp_path / ".claude").exists()


def test_no_active_session_logs_to_the_claude_code_sessions_own_log(tmp_path):
    outcome = run("subagent-stop-2.1.197.json", tmp_path)
    assert outcome.status == "appended"
    assert outcome.path.name == "20261122-030405-claude-code-21558d17-5f0e-4c1b-9a51-0c3c0a6e9b11.md"
    log = read_session(outcome.path)
    assert log.title == "Claude Code session 21558d17"
    assert log.fields["claude"] == "21558d17-5f0e-4c1b-9a51-0c3c0a6e9b11"
    [entry] = log.entries
    assert (entry.agent, entry.source) == ("llm-architect", "hook")


def test_a_started_session_wins_over_the_claude_code_sessions_log(tmp_path):
    tied = run("subagent-stop-2.1.197.json", tmp_path, agent_id="first").path
    started = start_session(tmp_path, "Named", now=NOW, context=CONTEXT)
    assert run("subagent-stop-2.1.197.json", tmp_path, agent_id="second").path == started.path
    assert [e.agent_id for e in read_session(tied).entries] == ["first"]


def test_other_events_are_ignored(tmp_path, session):
    assert run("stop-main-thread.json", tmp_path).status == "ignored"


def test_project_dir_from_env_wins_over_payload_cwd(tmp_path, session):
    outcome = subagent_stop(
        payload("subagent-stop-2.1.197.json", "/nonexistent"),
        env={"CLAUDE_PROJECT_DIR": str(tmp_path)},
        now=NOW,
    )
    assert outcome.status == "appended"


def test_odd_agent_type_and_id_are_sanitised(tmp_path, session):
    run("subagent-stop-2.1.197.json", tmp_path, agent_type="my agent/../x", agent_id="bad id!")
    [entry] = read_session(session.path).entries
    assert entry.agent == "my-agent-..-x" and entry.agent_id is None


def test_oversized_message_is_cut_with_a_note_not_dropped(tmp_path, session):
    outcome = subagent_stop(
        payload("subagent-stop-2.1.197.json", tmp_path, last_assistant_message="é" * 5000),
        env={},
        now=NOW,
        max_bytes=2000,
    )
    assert outcome.status == "appended"
    body = read_session(session.path).entries[0].body
    assert body.startswith("éé") and "truncated 10000 bytes" in body
    assert len(body.encode()) <= 2000


@pytest.mark.parametrize(
    "transcript",
    [
        "/tmp/t\x1b[31m.jsonl",
        "/tmp/" + "deep/" * 2000 + "t.jsonl",
        "",
        None,
        "/tmp/t\x00.jsonl",
        "/tmp/\ud800",
    ],
    ids=["control-character", "very-long", "empty", "missing", "nul-byte", "lone-surrogate"],
)
def test_a_cut_message_is_kept_whatever_the_transcript_path(tmp_path, session, transcript):
    # The note names the transcript; a path with a control character, or longer than the cap, used to
    # get the whole entry refused: the finding was lost.
    changes = {"last_assistant_message": "finding " * 1000, "agent_transcript_path": transcript}
    outcome = subagent_stop(
        payload("subagent-stop-2.1.197.json", tmp_path, **changes), env={}, now=NOW, max_bytes=1500
    )
    assert outcome.status == "appended"
    body = read_session(session.path).entries[0].body
    assert body.startswith("finding finding") and "truncated" in body and len(body.encode()) <= 1500


def test_a_cut_never_leaves_part_of_a_private_key_unmasked(tmp_path, session):
    from tests.sessions.secret_shapes import SHAPES

    key = next(text for shape, _, text in SHAPES if shape == "pem-rsa")
    message = "Found a key in config.py:\n" + key + "\nRotate it." + " more" * 400
    # The cap falls inside the key block: cutting there would keep its first lines without an END line.
    cap = len(message.encode()) - len(key) // 2 - len("\nRotate it." + " more" * 400)
    subagent_stop(
        payload("subagent-stop-2.1.197.json", tmp_path, last_assistant_message=message),
        env={},
        now=NOW,
        max_bytes=cap,
    )
    body = read_session(session.path).entries[0].body
    assert "MIIEow" not in body and "x9Y8" not in body and body.startswith("Found a key")


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]"])
def test_bad_payload_is_an_error_in_core(raw):
    with pytest.raises(LlmengError):
        subagent_stop(raw, env={}, now=NOW)


def _cli(monkeypatch, capsys, data, env=None):
    class Stdin:
        buffer = __import__("io").BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    code = main(["hook", "subagent-stop"])
    return code, capsys.readouterr()


def test_cli_hook_appends_silently_and_exits_zero(tmp_path, session, monkeypatch, capsys):
    code, out = _cli(monkeypatch, capsys, payload("subagent-stop-2.1.197.json", tmp_path))
    assert (code, out.out, out.err) == (0, "", "")
    assert len(read_session(session.path).entries) == 1


@pytest.mark.parametrize("data", [b"garbage", b"", b'{"hook_event_name": "SubagentStop", "cwd": 5}'])
def test_cli_hook_fails_open_on_bad_payload(monkeypatch, capsys, data, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, out = _cli(monkeypatch, capsys, data)
    assert code == 0 and out.out == ""


def test_cli_hook_reports_problems_on_stderr(tmp_path, monkeypatch, capsys):
    (tmp_path / ".claude").write_text("a file where the directory should be")
    code, out = _cli(monkeypatch, capsys, payload("subagent-stop-2.1.197.json", tmp_path))
    assert code == 0 and out.out == ""
    assert out.err.startswith("llmeng hook subagent-stop: ") and out.err.count("\n") == 1


def test_control_characters_in_a_final_message_are_replaced_not_fatal(tmp_path, session):
    outcome = run(
        "subagent-stop-2.1.197.json", tmp_path, last_assistant_message="red \x1b[31mALERT\x1b[0m \ud800"
    )
    assert outcome.status == "appended"
    assert read_session(session.path).entries[0].body == "red \ufffd[31mALERT\ufffd[0m ?"


def test_cli_hook_verbose_says_what_it_did(tmp_path, session, monkeypatch, capsys):
    code, out = _cli(
        monkeypatch, capsys, payload("subagent-stop-2.1.197.json", tmp_path), env={"LLMENG_HOOK_VERBOSE": "1"}
    )
    assert code == 0 and "appended: entry " in out.err


HEAVY = ("pydantic", "markdown_it", "watchdog", "yaml")


def test_hook_import_path_stays_light(tmp_path, session):
    code = (
        "import sys, io\n"
        "from llmeng.cli import main\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({payload('subagent-stop-2.1.197.json', tmp_path)!r}))\n"
        "assert main(['hook', 'subagent-stop']) == 0\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert len(read_session(session.path).entries) == 1


def test_payload_without_transcript_path_still_appends_message(tmp_path, session):
    data = json.loads(payload("subagent-stop-2.1.197.json", tmp_path))
    del data["agent_transcript_path"]
    assert subagent_stop(json.dumps(data).encode(), env={}, now=NOW).status == "appended"
