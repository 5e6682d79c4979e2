"""Serve over stdio so that every message gets an answer, malformed or not.

The SDK's stdio reader hands a line it cannot validate to the session as an exception, and the
session only logs it: a client that sent invalid JSON, a batch or `"jsonrpc": "1.0"` then waits
forever. A guard between the reader and the server answers each such line with the JSON-RPC error
the spec names (parse error, invalid request, invalid params) and bounds how deep arguments nest.

The SDK also decodes stdin leniently (invalid UTF-8 becomes U+FFFD, so a corrupt line would be
served as if valid) and reads a line of any length into memory. The server therefore reads stdin
itself: each line strictly as UTF-8 and at most MAX_LINE_BYTES long, and hands the SDK a marker
line in place of one it must refuse, which the guard turns into the matching error.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import AsyncIterator
from typing import IO, Any, cast

import anyio
import mcp_types as types
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.server.mcpserver import MCPServer
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

# pydantic's JSON parser stops at 200 levels; arguments this deep are never a real tool call.
MAX_PARAMS_DEPTH = 64
# Tool arguments are capped far below this (tools.CODE_MAX_CHARS is the largest); a longer line is
# refused unread rather than held in memory.
MAX_LINE_BYTES = 4 * 1024 * 1024
# Stand-ins for refused lines: not JSON, so the SDK passes them on as a json_invalid error, and
# never a line a client could send (a NUL is not valid anywhere in JSON text).
NOT_UTF8 = "\x00llmeng:not-utf-8"
TOO_LONG = "\x00llmeng:line-too-long"
_ID_IN_RAW = re.compile(r'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")')

Inbound = SessionMessage | Exception


async def serve_stdio(server: MCPServer) -> None:
    """Run `server` on the process's stdin and stdout, with the guard in front of it."""
    from mcp.server.stdio import stdio_server

    # MCPServer.run_stdio_async does the same minus the guard; the low-level server is the one
    # place a transport's streams are handed over.
    lowlevel = server._lowlevel_server
    async with stdio_server(stdin=cast(Any, StrictLines(_claim_stdin()))) as (read_stream, write_stream):
        send, receive = anyio.create_memory_object_stream[Inbound](0)
        async with anyio.create_task_group() as tg:
            tg.start_soon(guard, read_stream, send, write_stream)
            await lowlevel.run(receive, write_stream, lowlevel.create_initialization_options())


def _claim_stdin() -> IO[bytes]:
    """The wire on a private descriptor; fd 0 then reads the null device, as the SDK arranges
    when it reads stdin itself, so that nothing else in the process can consume a request."""
    wire = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    return os.fdopen(wire, "rb")


class StrictLines:
    """Lines of a binary stream as text: strict UTF-8, bounded length, a marker for a refused one."""

    def __init__(self, stream: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> None:
        self._stream = stream
        self._max = max_bytes

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        while True:
            line = await anyio.to_thread.run_sync(self.read_line)
            if line is None:
                return
            yield line

    def read_line(self) -> str | None:
        """The next line, a marker in its place, or None at the end of the stream."""
        raw = self._stream.readline(self._max + 1)
        if not raw:
            return None
        if len(raw) > self._max and not raw.endswith(b"\n"):
            while (rest := self._stream.readline(1 << 16)) and not rest.endswith(b"\n"):
                pass  # skip to the end of the oversized line: the next line is a new message
            return TOO_LONG
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return NOT_UTF8


async def guard(
    inbound: ObjectReceiveStream[Inbound],
    forward: ObjectSendStream[Inbound],
    outbound: ObjectSendStream[SessionMessage],
) -> None:
    """Pass valid messages on; answer every malformed one at once with its JSON-RPC error."""
    async with forward:
        async for item in inbound:
            error = rejection(item)
            if error is None:
                await forward.send(item)
            else:
                await outbound.send(SessionMessage(error))


def rejection(item: Inbound) -> types.JSONRPCError | None:
    """The error answer for a malformed inbound item, or None when it may go on to the server."""
    if isinstance(item, ValidationError):
        return _for_invalid(item)
    if isinstance(item, Exception):
        return _error(None, types.INVALID_REQUEST, f"Invalid request: {item}")
    message = item.message
    if isinstance(message, types.JSONRPCRequest) and _depth(message.params) > MAX_PARAMS_DEPTH:
        return _error(message.id, types.INVALID_PARAMS, _TOO_DEEP)
    return None


_TOO_DEEP = f"Invalid params: arguments nest deeper than {MAX_PARAMS_DEPTH} levels."
_TOO_LONG = f"Invalid request: the message is longer than {MAX_LINE_BYTES} bytes; it was not read."


def _for_invalid(exc: ValidationError) -> types.JSONRPCError:
    errors = exc.errors(include_url=False)
    for err in errors:
        if err["type"] == "json_invalid":
            raw = err.get("input")
            if raw == NOT_UTF8:
                return _error(None, types.PARSE_ERROR, "Parse error: the line is not valid UTF-8.")
            if raw == TOO_LONG:
                return _error(None, types.INVALID_REQUEST, _TOO_LONG)
            reason = str(err.get("ctx", {}).get("error", ""))
            if "recursion" in reason:  # parsed as far as the nesting limit: the JSON itself was fine
                return _error(_raw_id(raw), types.INVALID_PARAMS, _TOO_DEEP)
            return _error(None, types.PARSE_ERROR, f"Parse error: the line is not valid JSON ({reason}).")
    envelope = next((e["input"] for e in errors if isinstance(e.get("input"), dict)), None)
    request_id = _request_id(envelope)
    if (
        isinstance(envelope, dict)
        and any(e["loc"][-1:] == ("params",) for e in errors)
        and envelope.get("jsonrpc") == "2.0"
        and isinstance(envelope.get("method"), str)
    ):
        return _error(request_id, types.INVALID_PARAMS, "Invalid params: `params` must be an object.")
    return _error(request_id, types.INVALID_REQUEST, _invalid_request_reason(envelope, errors))


def _invalid_request_reason(envelope: Any, errors: list[Any]) -> str:
    if any(len(e["loc"]) <= 1 and isinstance(e.get("input"), list) for e in errors):
        return "Invalid request: batches are not supported; send one JSON-RPC object per line."
    if not isinstance(envelope, dict):
        return "Invalid request: each line must be one JSON-RPC 2.0 object."
    if envelope.get("jsonrpc") != "2.0":
        return 'Invalid request: "jsonrpc" must be "2.0".'
    if not isinstance(envelope.get("method"), str):
        return 'Invalid request: "method" must be a string.'
    return "Invalid request: not a JSON-RPC 2.0 request, notification or response."


def _request_id(envelope: Any) -> types.RequestId | None:
    if not isinstance(envelope, dict):
        return None
    value = envelope.get("id")
    return (
        value if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)) else None
    )


def _raw_id(raw: Any) -> types.RequestId | None:
    match = _ID_IN_RAW.search(raw) if isinstance(raw, str) else None
    if match is None:
        return None
    value = json.loads(match.group(1))
    return value if isinstance(value, (int, str)) else None


def _depth(value: Any) -> int:
    """How deep `value` nests, counted without recursion (it may be deeper than Python's stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_PARAMS_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _error(request_id: types.RequestId | None, code: int, message: str) -> types.JSONRPCError:
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message))
