"""A scripted stand-in for the Anthropic Messages API on 127.0.0.1, run in a thread.

Claude Code talks to it through ANTHROPIC_BASE_URL. Every answer is decided from the request body alone
(see script.py), so retries and the second main turn of a background subagent cannot make it loop.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

LOOPBACK = "127.0.0.1"
# Header names whose values are secrets; they are never recorded.
_SECRET_HEADERS = frozenset({"x-api-key", "authorization"})


@dataclass(frozen=True)
class Reply:
    """One assistant turn: a text answer, or a single tool call."""

    text: str = ""
    tool_name: str = ""
    tool_input: dict[str, Any] = field(default_factory=dict)

    @property
    def stop_reason(self) -> str:
        return "tool_use" if self.tool_name else "end_turn"


Decide = Callable[[dict[str, Any]], Reply]


@dataclass(frozen=True)
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = 0.0  # time.monotonic() when it arrived


class MockApi:
    """Serve `decide` on a free loopback port; keep every request for the test to inspect."""

    def __init__(self, decide: Decide) -> None:
        self._decide = decide
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._counter = 0
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def messages_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path.split("?")[0] == "/v1/messages"]

    def first_messages_request_at(self) -> float | None:
        """When (time.monotonic()) the first Messages-API request arrived; None: none did."""
        return next((r.at for r in self.requests if r.path.split("?")[0] == "/v1/messages"), None)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _record(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        with self._lock:
            self._requests.append(Recorded(path, headers, body, time.monotonic()))
            self._counter += 1
            return f"{self._counter:04d}"

    def answer(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[Reply, str]:
        serial = self._record(path, headers, body)
        return self._decide(body), serial


def message_json(reply: Reply, *, model: str, serial: str) -> dict[str, Any]:
    """The non-streaming Message object for `reply`."""
    return {
        "id": f"msg_mock{serial}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [_block(reply, serial)],
        "stop_reason": reply.stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5},
    }


def sse_events(reply: Reply, *, model: str, serial: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The streaming events for `reply`, in the order the real API sends them."""
    start = message_json(reply, model=model, serial=serial) | {"content": [], "stop_reason": None}
    yield "message_start", {"type": "message_start", "message": start}
    block = _block(reply, serial)
    if reply.tool_name:
        empty = block | {"input": {}}
        delta = {"type": "input_json_delta", "partial_json": json.dumps(reply.tool_input)}
    else:
        empty = block | {"text": ""}
        delta = {"type": "text_delta", "text": reply.text}
    yield "content_block_start", {"type": "content_block_start", "index": 0, "content_block": empty}
    yield "content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta}
    yield "content_block_stop", {"type": "content_block_stop", "index": 0}
    yield (
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": 5},
        },
    )
    yield "message_stop", {"type": "message_stop"}


def _block(reply: Reply, serial: str) -> dict[str, Any]:
    if reply.tool_name:
        return {
            "type": "tool_use",
            "id": f"toolu_mock{serial}",
            "name": reply.tool_name,
            "input": reply.tool_input,
        }
    return {"type": "text", "text": reply.text}


def _handler_for(api: MockApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Keep the test output clean; the request log is in `api.requests`."""

        def do_HEAD(self) -> None:
            self._send(200, b"", "text/plain")

        def do_GET(self) -> None:
            self._send(404, b'{"error": "not found"}', "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b"{}"
            body = json.loads(raw or b"{}")
            path = self.path.split("?")[0]
            headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in _SECRET_HEADERS}
            if path.endswith("/count_tokens"):
                self._send(200, b'{"input_tokens": 100}', "application/json")
            elif path == "/v1/messages":
                self._messages(api.answer(self.path, headers, body), body)
            else:
                self._send(404, b'{"error": "not found"}', "application/json")

        def _messages(self, decided: tuple[Reply, str], body: dict[str, Any]) -> None:
            reply, serial = decided
            model = str(body.get("model", "mock-model"))
            if not body.get("stream"):
                payload = json.dumps(message_json(reply, model=model, serial=serial)).encode()
                self._send(200, payload, "application/json")
                return
            chunks = b"".join(
                f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                for name, data in sse_events(reply, model=model, serial=serial)
            )
            self._send(200, chunks, "text/event-stream")

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            self.send_header("request-id", "req_mock")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

    return Handler
