"""The real processes: stdio (what Claude Code spawns) and streamable HTTP on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from mcp_server import main
from mcp_server.http import is_loopback
from mcp_server.server import Tool

# Deadlines, not durations: a busy machine can take long to start Python and import the SDK.
READY_DEADLINE_S = 120.0
STOP_DEADLINE_S = 120.0
AGENT = "---\nname: reviewer\ndescription: Reviews diffs for LLM call-site problems.\n---\nBody.\n"


@pytest.fixture
def agent_root(root: Path) -> Path:
    (root / "agents").mkdir()
    (root / "agents" / "reviewer.md").write_text(AGENT)
    return root


async def _exercise(c: Client) -> None:
    assert c.server_info.name == "llmeng"
    assert [t.name for t in (await c.list_tools()).tools] == sorted(t.value for t in Tool)
    ok = await c.call_tool("validate_agents", {"path": "agents"})
    assert ok.is_error is False and ok.structured_content["summary"]["files"] == 1
    bad = await c.call_tool("validate_agents", {"path": "../"})
    assert bad.is_error is True and ", outside " in bad.content[0].text


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stdio_subprocess_serves_both_eras(agent_root: Path, mode: str) -> None:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_server", "--root", str(agent_root)]
    )
    async with Client(params, mode=mode) as c:
        await _exercise(c)


@pytest.mark.anyio
async def test_a_stdio_server_ties_appends_to_its_clients_claude_code_session(
    root: Path, tmp_path: Path
) -> None:
    claude_session = "11111111-2222-4333-8444-555555555555"
    env = {**os.environ, "CLAUDE_CODE_SESSION_ID": claude_session, "XDG_STATE_HOME": str(tmp_path / "state")}
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "mcp_server", "--root", str(root)], env=env
    )
    async with Client(params) as c:
        out = (await c.call_tool("session_append", {"agent": "a", "report": "r"})).structured_content
    assert out["standalone"] is False and out["session_id"].endswith(f"-claude-code-{claude_session}")


def _raw_session(root: Path, *options: str) -> tuple[list[dict[str, object]], str]:
    requests = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "nope", "arguments": {}}},
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "validate_agents", "arguments": {"path": "agents"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 5,
            "method": "tools/call",
            "params": {"name": "validate_agents", "arguments": {"path": 7}},
        },
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_server", "--root", str(root), *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("".join(json.dumps(r) + "\n" for r in requests).encode())
    proc.stdin.flush()
    lines = [proc.stdout.readline() for _ in range(5)]  # keep stdin open until all answers are in
    rest, err = proc.communicate(timeout=STOP_DEADLINE_S)  # closes stdin: the server exits at EOF
    assert proc.returncode == 0
    return [json.loads(line) for line in lines + rest.splitlines()], err.decode()  # every line is JSON


def test_stdout_carries_only_protocol_messages_and_stderr_stays_quiet(agent_root: Path) -> None:
    answers, err = _raw_session(agent_root)
    assert sorted(a["id"] for a in answers) == [1, 2, 3, 4, 5]  # type: ignore[type-var]
    by_id = {a["id"]: a for a in answers}
    assert by_id[3]["error"]["code"] == -32602  # type: ignore[index]
    assert by_id[4]["result"]["isError"] is False and by_id[5]["result"]["isError"] is True  # type: ignore[index]
    assert err == ""  # WARNING by default: a rejected argument is not worth a line


def test_log_level_option_turns_on_stderr_logging(agent_root: Path) -> None:
    _, err = _raw_session(agent_root, "--log-level", "INFO")
    assert "rejected arguments" in err and "['path']" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except OSError:
        return False
    return True


def _stop(proc: subprocess.Popen[bytes]) -> str:
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    return err.decode(errors="replace") if err else ""


def _serve_http(root: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the HTTP server and return it once its port accepts connections."""
    for _ in range(3):  # the free port can be taken by another process before the server binds it
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mcp_server", "--root", str(root), "--http", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + READY_DEADLINE_S
        while proc.poll() is None and time.monotonic() < deadline:
            if _accepts(port):
                return proc, port
            time.sleep(0.1)
        err = _stop(proc)
        if "address already in use" not in err.lower():
            pytest.fail(f"the HTTP server did not accept connections within {READY_DEADLINE_S:.0f} s:\n{err}")
    pytest.fail("three free ports were taken before the server could bind them")


@pytest.fixture
def http_url(agent_root: Path) -> Iterator[str]:
    proc, port = _serve_http(agent_root)
    try:
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        _stop(proc)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_http_on_loopback_serves_both_eras(http_url: str, mode: str) -> None:
    async with Client(http_url, mode=mode) as c:
        await _exercise(c)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_only_loopback_hosts_count_as_local(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_missing_root_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path / "absent")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "is not a directory" in err and "fix: pass --root" in err


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "Example:" in capsys.readouterr().out


def test_bad_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--port", "not-a-number"]) == 2
    assert "invalid int value" in capsys.readouterr().err


def test_start_up_loads_no_domain_engine(tmp_path: Path) -> None:
    # Hosts wait for the first tools/list; the engines load on the first call that needs them.
    # select_model's schema is built from Requirements, which the models api hands out: the api
    # module loads at start-up, its engines (catalog, prices, selection) inside the tool body.
    probe = (
        "import sys; from pathlib import Path; from mcp_server.server import create_server; "
        "create_server(Path('.')); print(sorted(m for m in sys.modules if m.startswith(("
        "'llmeng.audit', 'llmeng.sessions', 'llmeng.agents', 'llmeng.report', 'llmeng.models.catalog', "
        "'llmeng.models.prices', 'llmeng.models.selection', 'genai_prices', 'markdown_it'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
