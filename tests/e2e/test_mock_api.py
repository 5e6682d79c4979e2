"""The mock Messages API and its script, without Claude Code (these run even where npm is missing)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from e2e_harness.evidence import offered_agents
from e2e_harness.mock_api import MockApi, Reply, sse_events
from e2e_harness.script import MAIN_DONE, Delegations, TeamScript

SCRIPT = TeamScript(
    agent_type="p:a", recognise="MARK", final_text="DONE", mcp_tool="mcp__s__t", mcp_input={"x": 1}
)


def _post(url: str, body: dict[str, Any]) -> tuple[str, bytes]:
    request = urllib.request.Request(
        f"{url}/v1/messages?beta=true",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", "x-api-key": "k"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["content-type"], response.read()


def _tools(*names: str) -> list[dict[str, str]]:
    return [{"name": name} for name in names]


def test_stream_has_the_event_order_of_the_real_api() -> None:
    names = [
        name for name, _ in sse_events(Reply(tool_name="Agent", tool_input={"a": 1}), model="m", serial="1")
    ]
    assert names == [
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]


def test_tool_call_streams_its_input_as_one_json_delta() -> None:
    events = dict(sse_events(Reply(tool_name="Agent", tool_input={"a": 1}), model="m", serial="7"))
    assert events["content_block_start"]["content_block"] == {
        "type": "tool_use",
        "id": "toolu_mock7",
        "name": "Agent",
        "input": {},
    }
    assert json.loads(events["content_block_delta"]["delta"]["partial_json"]) == {"a": 1}
    assert events["message_delta"]["delta"]["stop_reason"] == "tool_use"


def test_server_streams_sse_and_records_requests_without_the_key() -> None:
    with MockApi(SCRIPT) as api:
        content_type, raw = _post(api.url, {"model": "m", "stream": True, "messages": []})
        plain_type, plain = _post(api.url, {"model": "m", "messages": []})
        recorded = api.requests
    assert content_type == "text/event-stream"
    assert raw.startswith(b"event: message_start\ndata: ")
    assert plain_type == "application/json"
    assert json.loads(plain)["content"] == [{"type": "text", "text": "ok"}]
    assert len(recorded) == 2
    assert all("x-api-key" not in r.headers for r in recorded)


def test_main_thread_delegates_once_then_finishes() -> None:
    first = {"tools": _tools("Agent", "Read"), "messages": [{"role": "user", "content": "go"}]}
    call = SCRIPT(first)
    assert (call.tool_name, call.tool_input["subagent_type"]) == ("Agent", "p:a")
    after = first | {
        "messages": [
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Agent", "input": {}}]}
        ]
    }
    assert SCRIPT(after) == Reply(text=MAIN_DONE)


def test_delegations_start_each_agent_in_turn_then_finish() -> None:
    other = TeamScript(agent_type="p:b", recognise="OTHER", final_text="B DONE")
    script = Delegations((SCRIPT, other))
    body: dict[str, Any] = {"tools": _tools("Agent"), "messages": [{"role": "user", "content": "go"}]}
    started = []
    for _ in range(3):
        reply = script(body)
        if not reply.tool_name:
            break
        started.append(reply.tool_input["subagent_type"])
        use = {"type": "tool_use", "id": f"t{len(started)}", "name": "Agent", "input": {}}
        body = body | {"messages": [*body["messages"], {"role": "assistant", "content": [use]}]}
    assert started == ["p:a", "p:b"] and reply == Reply(text=MAIN_DONE)
    assert script({"system": "OTHER", "tools": _tools("Read")}).text == "B DONE"
    assert script({"system": "MARK", "tools": _tools("mcp__s__t")}).tool_name == "mcp__s__t"


def test_first_messages_request_time_is_recorded() -> None:
    with MockApi(SCRIPT) as api:
        assert api.first_messages_request_at() is None
        _post(api.url, {"model": "m", "messages": []})
        assert (api.first_messages_request_at() or 0) > 0


def test_subagent_calls_the_tool_then_reports_its_result() -> None:
    first = {"system": [{"type": "text", "text": "you are MARK"}], "tools": _tools("mcp__s__t")}
    assert SCRIPT(first) == Reply(tool_name="mcp__s__t", tool_input={"x": 1})
    after = first | {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "t",
                        "is_error": True,
                        "content": [{"text": "boom"}],
                    }
                ],
            }
        ]
    }
    assert SCRIPT(after).text == "DONE\nTOOL RESULT: ERROR boom"


def test_subagent_says_when_the_tool_was_not_offered() -> None:
    reply = SCRIPT({"system": "MARK", "tools": _tools("Read")})
    assert reply.text == "DONE\nMCP TOOL NOT OFFERED: mcp__s__t"


def test_offered_agents_reads_the_listing_message() -> None:
    listing = (
        "Available agent types for the Agent tool:\n- Explore: Search. (Tools: *)\n"
        "- llmeng:llm-architect: Designs. (Tools: Read)\n\nWhen you launch ...\n- not: an agent"
    )
    body = {"messages": [{"role": "user", "content": [{"type": "text", "text": listing}]}]}
    assert offered_agents(body) == {
        "Explore": "Search. (Tools: *)",
        "llmeng:llm-architect": "Designs. (Tools: Read)",
    }
