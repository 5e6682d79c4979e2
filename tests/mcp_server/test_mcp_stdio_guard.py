"""Every line a client sends over stdio gets an answer: the JSON-RPC error for a malformed one."""

from __future__ import annotations

import io
import json
import os
import selectors
import subprocess
import sys
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from pydantic import ValidationError

from mcp_server.stdio import MAX_LINE_BYTES, MAX_PARAMS_DEPTH, NOT_UTF8, TOO_LONG, StrictLines, rejection

# Generous: an answer is expected at once, but a busy machine must not fail the test.
ANSWER_DEADLINE_S = 60.0


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


def _call(request_id: int, arguments: Any) -> bytes:
    params = {"name": "audit", "arguments": arguments}
    return json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}).encode()


# (name, raw line, expected code, expected id)
MALFORMED = [
    ("invalid-json", b'{"jsonrpc": "2.0", "id": 5, "method"', types.PARSE_ERROR, None),
    ("empty-object", b"{}", types.INVALID_REQUEST, None),
    ("empty-array", b"[]", types.INVALID_REQUEST, None),
    ("batch", b'[{"jsonrpc": "2.0", "id": 6, "method": "tools/list"}]', types.INVALID_REQUEST, None),
    ("jsonrpc-1.0", b'{"jsonrpc": "1.0", "id": 7, "method": "tools/list"}', types.INVALID_REQUEST, 7),
    (
        "params-string",
        b'{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": "x"}',
        types.INVALID_PARAMS,
        9,
    ),
    ("500-deep-arguments", _call(10, _nested(500)), types.INVALID_PARAMS, 10),
    ("100-deep-arguments", _call(11, _nested(100)), types.INVALID_PARAMS, 11),
    ("no-method", b'{"jsonrpc": "2.0", "id": 12}', types.INVALID_REQUEST, 12),
    ("method-not-a-string", b'{"jsonrpc": "2.0", "id": 13, "method": 5}', types.INVALID_REQUEST, 13),
    ("bare-number", b"42", types.INVALID_REQUEST, None),
    ("bare-string", b'"hello"', types.INVALID_REQUEST, None),
    # JSON text is UTF-8: a line that is not must not be served with U+FFFD in place of its bytes.
    (
        "invalid-utf-8",
        b'{"jsonrpc": "2.0", "id": 14, "method": "tools/list", "x": "\xff\xfe"}',
        types.PARSE_ERROR,
        None,
    ),
]


class _Server:
    def __init__(self, root: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mcp_server", "--root", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.selector = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        if not self.selector.select(ANSWER_DEADLINE_S):
            raise AssertionError(f"no answer within {ANSWER_DEADLINE_S} s")
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def stdio_server(tmp_path: Path):
    server = _Server(tmp_path)
    init = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}
    server.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init}).encode())
    assert "result" in server.answer()
    server.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
    yield server
    server.close()


def test_each_malformed_line_gets_its_error_and_the_server_still_serves(stdio_server: _Server) -> None:
    got = []
    for _, line, _, _ in MALFORMED:
        stdio_server.send(line)
        answer = stdio_server.answer()
        got.append((answer["error"]["code"], answer["id"]))
    assert got == [(code, request_id) for _, _, code, request_id in MALFORMED]
    stdio_server.send(b'{"jsonrpc": "2.0", "id": 99, "method": "tools/list"}')
    answer = stdio_server.answer()
    assert answer["id"] == 99 and {t["name"] for t in answer["result"]["tools"]} >= {
        "audit",
        "session_append",
    }


def test_a_valid_call_after_garbage_is_answered_normally(stdio_server: _Server) -> None:
    stdio_server.send(b"\x00\x01 not json at all")
    assert stdio_server.answer()["error"]["code"] == types.PARSE_ERROR
    stdio_server.send(
        _call(20, {"code": "import openai\nopenai.OpenAI().chat.completions.create(model='x')\n"})
    )
    answer = stdio_server.answer()
    assert answer["id"] == 20 and answer["result"]["isError"] is False


def _invalid(line: str) -> ValidationError:
    try:
        types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as e:
        return e
    raise AssertionError(f"{line!r} validated")


def test_rejection_lets_valid_messages_through_and_bounds_nesting() -> None:
    from mcp.shared.message import SessionMessage

    ok = types.JSONRPCRequest(
        jsonrpc="2.0", id=1, method="tools/call", params={"a": _nested(MAX_PARAMS_DEPTH - 3)}
    )
    assert rejection(SessionMessage(ok)) is None
    deep = types.JSONRPCRequest(
        jsonrpc="2.0", id=2, method="tools/call", params={"a": _nested(MAX_PARAMS_DEPTH)}
    )
    error = rejection(SessionMessage(deep))
    assert error is not None and (error.id, error.error.code) == (2, types.INVALID_PARAMS)


def test_rejection_keeps_a_string_id_and_names_the_problem() -> None:
    error = rejection(_invalid('{"jsonrpc": "2.0", "id": "abc", "method": ["x"]}'))
    assert error is not None and error.id == "abc" and '"method" must be a string' in error.error.message


def test_a_line_over_the_size_cap_is_refused_unread_and_the_next_line_is_served(
    stdio_server: _Server,
) -> None:
    huge = _call(30, {"code": "x" * (MAX_LINE_BYTES + 10)})
    stdio_server.send(huge)
    answer = stdio_server.answer()
    assert (answer["id"], answer["error"]["code"]) == (None, types.INVALID_REQUEST)
    assert str(MAX_LINE_BYTES) in answer["error"]["message"]
    stdio_server.send(b'{"jsonrpc": "2.0", "id": 31, "method": "tools/list"}')
    assert stdio_server.answer()["id"] == 31


def test_strict_lines_decode_strictly_bound_length_and_resynchronise() -> None:
    stream = io.BytesIO(b'{"a": 1}\n' + b"\xc3\x28\n" + b"y" * 50 + b"\n" + "é\n".encode() + b"tail")
    reader = StrictLines(stream, max_bytes=20)
    lines = []
    while (line := reader.read_line()) is not None:
        lines.append(line)
    assert lines == ['{"a": 1}\n', NOT_UTF8, TOO_LONG, "é\n", "tail"]


def test_markers_become_their_errors() -> None:
    for marker, code in ((NOT_UTF8, types.PARSE_ERROR), (TOO_LONG, types.INVALID_REQUEST)):
        error = rejection(_invalid(marker))
        assert error is not None and (error.id, error.error.code) == (None, code)
