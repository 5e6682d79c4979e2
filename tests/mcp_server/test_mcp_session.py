"""session_append and the active-session resource: the session log over MCP."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
from mcp import Client

from llmeng.sessions import api, append
from llmeng.sessions.parse import read_session
from llmeng.sessions.store import SessionContext, start_session
from mcp_server.server import create_server

RESOURCE = "llmeng://session/active"


def _start(root: Path, title: str = "harden retries", *, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    info = start_session(root, title, now=now, context=SessionContext(str(root), None))
    return info.id


async def _append(client: Client, args: dict[str, Any]) -> Any:
    res = await client.call_tool("session_append", args)
    if not res.is_error:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "session_append")
        jsonschema.validate(res.structured_content, tool.output_schema)
    return res


@pytest.mark.anyio
async def test_appends_to_the_active_session_as_the_cli_does(client: Client, root: Path) -> None:
    session_id = _start(root)
    res = await _append(client, {"agent": "llm-architect", "report": "## Findings\nNo timeout on 3 calls."})
    assert res.is_error is False
    out = res.structured_content
    assert out["session_id"] == session_id and out["standalone"] is False
    assert out["path"] == f".claude/sessions/active/{session_id}.md"
    [entry] = read_session(root / out["path"]).entries
    assert (entry.agent, entry.source, entry.id, entry.intact) == (
        "llm-architect",
        "mcp",
        out["entry_id"],
        True,
    )
    assert "No timeout on 3 calls." in entry.body


@pytest.mark.anyio
async def test_secrets_are_masked_before_writing(client: Client, root: Path) -> None:
    _start(root)
    key = "sk-ant-api03-" + "A" * 90
    out = (await _append(client, {"agent": "me", "report": f"used {key} to test"})).structured_content
    assert out["redacted"] == 1
    assert key not in (root / out["path"]).read_text()


@pytest.mark.anyio
async def test_without_a_session_the_report_is_kept_standalone(client: Client, root: Path) -> None:
    out = (await _append(client, {"agent": "me", "report": "kept"})).structured_content
    assert out["standalone"] is True and out["session_id"] is None
    assert out["path"].startswith(".claude/sessions/standalone/") and (root / out["path"]).is_file()


@pytest.mark.anyio
async def test_under_claude_code_without_a_session_the_report_goes_to_its_sessions_log(root: Path) -> None:
    claude_session = "11111111-2222-4333-8444-555555555555"
    server = create_server(root, env={"CLAUDE_CODE_SESSION_ID": claude_session, "CLAUDECODE": "1"})
    async with Client(server) as client:
        first = (await _append(client, {"agent": "a1", "report": "one"})).structured_content
        second = (await _append(client, {"agent": "a2", "report": "two"})).structured_content
        doc = json.loads((await client.read_resource(RESOURCE)).contents[0].text)
    assert first["standalone"] is False and first["session_id"].endswith(f"-claude-code-{claude_session}")
    assert second["path"] == first["path"] == f".claude/sessions/active/{first['session_id']}.md"
    assert doc["session_id"] == first["session_id"] and [e["body"] for e in doc["entries"]] == ["one", "two"]
    # A session someone starts takes the next report.
    started = _start(root)
    async with Client(server) as client:
        assert (await _append(client, {"agent": "a3", "report": "three"})).structured_content[
            "session_id"
        ] == started


@pytest.mark.anyio
async def test_a_pinned_session_id_wins_over_the_newest(client: Client, root: Path) -> None:
    first = _start(root, "first", now=datetime(2026, 11, 22, 3, 4, 5, tzinfo=UTC))
    _start(root, "second", now=datetime(2026, 11, 22, 3, 5, 5, tzinfo=UTC))  # newer: it is the current one
    out = (
        await _append(client, {"agent": "me", "report": "to the first", "session_id": first})
    ).structured_content
    assert out["session_id"] == first


@pytest.mark.anyio
async def test_concurrent_appends_all_land_intact(server: Any, root: Path) -> None:
    session_id = _start(root)
    # Sync tools run in worker threads, so these calls really overlap.
    async with Client(server) as c, anyio.create_task_group() as tg:
        for i in range(40):
            tg.start_soon(
                c.call_tool, "session_append", {"agent": f"agent-{i}", "report": f"report {i}\n" * 50}
            )
    log = read_session(root / ".claude" / "sessions" / "active" / f"{session_id}.md")
    assert sorted(e.agent for e in log.entries) == sorted(f"agent-{i}" for i in range(40))
    assert all(e.intact for e in log.entries) and not log.problems


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "message", "fix"),
    [
        ({"agent": "bad name", "report": "x"}, "invalid agent name 'bad name'", "Use 1-64 characters"),
        ({"agent": "me", "report": "  \n "}, "report is empty", "Write the findings"),
        ({"agent": "me", "report": "a\x1b[31mred"}, "control character", "Append only markdown text"),
        (
            {"agent": "me", "report": "x", "session_id": "../../etc"},
            "invalid session id",
            "llmeng session list",
        ),
        ({"agent": "me", "report": "x", "session_id": "20200101-000000"}, "not active", "start one"),
    ],
)
async def test_bad_input_says_what_to_fix(
    client: Client, root: Path, args: dict[str, Any], message: str, fix: str
) -> None:
    _start(root)
    res = await _append(client, args)
    assert res.is_error is True
    text = res.content[0].text
    assert text.startswith("Error executing tool session_append: ") and message in text
    assert "Fix: " in text and fix in text


@pytest.mark.anyio
@pytest.mark.parametrize(
    "args",
    [
        {"agent": "me"},
        {"report": "x"},
        {"agent": "me", "report": 5},
        {"agent": "a" * 65, "report": "x"},
        {"agent": "me", "report": "x" * 262_145},
        {"agent": "me", "report": "lone \ud800 surrogate"},
    ],
)
async def test_missing_or_oversized_arguments_fail_validation(
    client: Client, root: Path, args: dict[str, Any]
) -> None:
    _start(root)
    res = await _append(client, args)
    assert res.is_error is True
    assert "validation error for session_appendArguments" in res.content[0].text
    assert not any(root.glob(".claude/sessions/*/*.md")) or all(
        not read_session(p).entries for p in root.glob(".claude/sessions/active/*.md")
    )


@pytest.mark.anyio
async def test_resource_lists_the_active_session_entries(client: Client, root: Path) -> None:
    empty = json.loads((await client.read_resource(RESOURCE)).contents[0].text)
    assert empty["session_id"] is None and "llmeng session start" in empty["problems"][0]
    session_id = _start(root)
    await _append(client, {"agent": "a1", "report": "one"})
    await _append(client, {"agent": "a2", "report": "two"})
    res = (await client.read_resource(RESOURCE)).contents[0]
    assert res.mime_type == "application/json"
    doc = json.loads(res.text)
    assert doc["session_id"] == session_id and doc["title"] == "harden retries"
    assert [(e["agent"], e["body"]) for e in doc["entries"]] == [("a1", "one"), ("a2", "two")]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Every prepare, redaction and write the tool makes, with each write's lock wait."""
    calls: dict[str, list[Any]] = {"prepare": [], "redact": [], "write": []}
    real_prepare, real_redact, real_write = api.prepare_entry, append.redact, api.write_entry

    def prepare(*args: Any, **kwargs: Any) -> Any:
        calls["prepare"].append(args)
        return real_prepare(*args, **kwargs)

    def redact(text: str) -> Any:
        calls["redact"].append(text)
        return real_redact(text)

    def write(root: Path, entry: Any, **kwargs: Any) -> Any:
        calls["write"].append(kwargs.get("lock_timeout_s", api.DEFAULT_LOCK_TIMEOUT_S))
        return real_write(root, entry, **kwargs)

    monkeypatch.setattr(api, "prepare_entry", prepare)
    monkeypatch.setattr(append, "redact", redact)
    monkeypatch.setattr(api, "write_entry", write)
    return calls


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "redactions", "writes"),
    [
        ({"agent": "bad name", "report": "ghp_" + "x" * 36}, 0, []),  # refused while preparing
        ({"agent": "me", "report": "a\x1b[31mred"}, 0, []),
        (
            {"agent": "me", "report": "ghp_" + "x" * 36, "session_id": "20200101-000000"},
            1,
            [0],
        ),  # by the write
    ],
)
async def test_a_refused_request_is_prepared_once_and_not_retried(
    client: Client,
    root: Path,
    counted: dict[str, list[Any]],
    args: dict[str, Any],
    redactions: int,
    writes: list[float],
) -> None:
    _start(root)
    res = await _append(client, args)
    assert res.is_error is True
    assert len(counted["prepare"]) == 1 and len(counted["redact"]) == redactions
    assert counted["write"] == writes


@pytest.mark.anyio
async def test_a_busy_lock_is_waited_for_in_a_worker_thread_without_preparing_again(
    client: Client, root: Path, counted: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _start(root)
    path = root / ".claude" / "sessions" / "active" / f"{session_id}.md"
    holder = os.open(path, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    real_flock, waiting = fcntl.flock, threading.Event()

    def flock(fd: int, op: int) -> None:
        try:
            real_flock(fd, op)
        except BlockingIOError:
            if counted["write"][-1]:  # the write that may wait, not the one non-blocking attempt
                waiting.set()
            raise

    monkeypatch.setattr(fcntl, "flock", flock)
    results = []

    async def call() -> None:
        results.append(await _append(client, {"agent": "me", "report": "key ghp_" + "x" * 36}))

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            assert await anyio.to_thread.run_sync(waiting.wait, 30)
            real_flock(holder, fcntl.LOCK_UN)
    finally:
        os.close(holder)
    [res] = results
    assert res.is_error is False and res.structured_content["redacted"] == 1
    assert len(counted["prepare"]) == 1 and len(counted["redact"]) == 1
    assert counted["write"] == [0, api.DEFAULT_LOCK_TIMEOUT_S]
    [entry] = read_session(path).entries
    assert entry.id == res.structured_content["entry_id"]
