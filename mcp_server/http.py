"""Streamable HTTP: loopback as the SDK serves it, anything wider only behind allow-lists and a token.

On loopback the SDK checks Host and Origin against localhost itself. Bound to any other address
those checks would have nothing to allow, so the server refuses to start unless it is told which
hosts and origins to accept and a bearer token (from the environment, never the command line,
where `ps` would show it) guards every request.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llmeng.errors import LlmengError

TOKEN_ENV = "LLMENG_MCP_TOKEN"
TOKEN_MIN_CHARS = 32
MCP_PATH = "/mcp"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Exposure:
    """How the HTTP server may be reached: None for the lists and token means loopback only."""

    host: str
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    token: str | None = None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plan_exposure(
    host: str, *, allow_hosts: Sequence[str], allow_origins: Sequence[str], env: Mapping[str, str]
) -> Exposure:
    """What serving on `host` needs; an address other than loopback without safeguards is refused."""
    if is_loopback(host):
        return Exposure(host)
    missing = []
    if not allow_hosts:
        missing.append("--allow-host HOST[:PORT] (the Host header clients send)")
    token = env.get(TOKEN_ENV, "").strip()
    if len(token) < TOKEN_MIN_CHARS:
        missing.append(f"a bearer token of at least {TOKEN_MIN_CHARS} characters in ${TOKEN_ENV}")
    if missing:
        raise LlmengError(
            f"refusing to serve on {host}: it is reachable from other machines, so it needs "
            + " and ".join(missing),
            f"Serve on 127.0.0.1 (the default), or pass --allow-host and --allow-origin and set {TOKEN_ENV}, "
            f"e.g. {TOKEN_ENV}=\"$(python -c 'import secrets; print(secrets.token_urlsafe(32))')\".",
        )
    return Exposure(host, tuple(allow_hosts), tuple(allow_origins), token)


def require_bearer(app: App, token: str) -> App:
    """Wrap an ASGI app so that every HTTP request must carry `Authorization: Bearer <token>`."""
    expected = f"Bearer {token}".encode()

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            sent = dict(scope.get("headers") or ()).get(b"authorization", b"")
            if not hmac.compare_digest(sent, expected):
                await _unauthorized(send)
                return
        await app(scope, receive, send)

    return guarded


async def _unauthorized(send: Send) -> None:
    body = b'{"error": "unauthorized: send Authorization: Bearer <token>"}'
    headers = [
        (b"content-type", b"application/json"),
        (b"www-authenticate", b'Bearer realm="llmeng-mcp"'),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def serve_http(server: Any, exposure: Exposure, port: int) -> None:
    """Serve `server` (an MCPServer) on `exposure.host`:`port` until interrupted."""
    if exposure.token is None:
        server.run("streamable-http", host=exposure.host, port=port, streamable_http_path=MCP_PATH)
        return
    import uvicorn
    from mcp.server.transport_security import TransportSecuritySettings

    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(exposure.allowed_hosts),
        allowed_origins=list(exposure.allowed_origins),
    )
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, transport_security=security, host=exposure.host
    )
    uvicorn.run(require_bearer(app, exposure.token), host=exposure.host, port=port, log_level="warning")
