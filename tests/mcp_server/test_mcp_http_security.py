"""Serving beyond loopback needs allow-lists and a bearer token; without them the server refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from mcp_server import main
from mcp_server.http import TOKEN_ENV, Exposure, plan_exposure, require_bearer

TOKEN = "t" * 40


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "example.internal"])
def test_a_wide_host_without_safeguards_is_refused(host: str) -> None:
    with pytest.raises(LlmengError, match="refusing to serve") as e:
        plan_exposure(host, allow_hosts=[], allow_origins=[], env={})
    assert "--allow-host" in str(e.value) and TOKEN_ENV in str(e.value) and TOKEN_ENV in e.value.fix


def test_a_short_token_is_refused_even_with_an_allow_list() -> None:
    with pytest.raises(LlmengError, match="at least 32"):
        plan_exposure(
            "0.0.0.0", allow_hosts=["mcp.internal:8765"], allow_origins=[], env={TOKEN_ENV: "short"}
        )


def test_a_wide_host_with_safeguards_is_planned_and_loopback_needs_none() -> None:
    wide = plan_exposure("0.0.0.0", allow_hosts=["h:1"], allow_origins=["https://o"], env={TOKEN_ENV: TOKEN})
    assert wide == Exposure("0.0.0.0", ("h:1",), ("https://o",), TOKEN)
    assert plan_exposure("127.0.0.1", allow_hosts=[], allow_origins=[], env={}) == Exposure("127.0.0.1")


def test_the_command_exits_2_before_serving_a_wide_host(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert main(["--root", str(tmp_path), "--http", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "refusing to serve on 0.0.0.0" in err and "fix:" in err


async def _echo(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"served"})


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([], 401),
        ([(b"authorization", b"Bearer wrong")], 401),
        ([(b"authorization", f"Basic {TOKEN}".encode())], 401),
        ([(b"authorization", f"Bearer {TOKEN}".encode())], 200),
    ],
)
async def test_every_request_needs_the_bearer_token(headers: list[tuple[bytes, bytes]], status: int) -> None:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/mcp", "headers": headers}
    await require_bearer(_echo, TOKEN)(scope, receive, send)
    assert sent[0]["status"] == status
    if status == 401:
        assert dict(sent[0]["headers"])[b"www-authenticate"].startswith(b"Bearer")
    else:
        assert sent[1]["body"] == b"served"
