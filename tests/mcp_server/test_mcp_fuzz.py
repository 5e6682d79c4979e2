"""1,000 randomly generated calls: every answer is a tool result or a -32602, and the server lives on."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer

from mcp_server.server import INVALID_PARAMS

CALLS = 1000
STRINGS = [
    "",
    "   ",
    "..",
    "../..",
    "../../etc/passwd",
    "/etc/passwd",
    "a\x00b",
    "src",
    "src/app.py",
    "agents",
    "agents/reviewer.md",
    "usage.jsonl",
    "reviewer",
    "ünïcödé ✓",
    "x" * 10_000,
    "import openai\nopenai.OpenAI().chat.completions.create()",
    "-rf",
    "{}",
    "null",
    "LLM101",
    "critical",
    "gpt-4o",
    "$(rm -rf /)",
    "\n\n\t",
]


def _value(rng: random.Random, schema: dict[str, Any] | None) -> Any:
    """A value that sometimes fits `schema` and often does not."""
    if schema is not None and rng.random() < 0.8:
        kind = schema.get("type")
        if "enum" in schema:
            return rng.choice(schema["enum"])
        if kind == "string":
            return rng.choice(STRINGS)
        if kind == "integer":
            return rng.choice([0, 1, -1, 7, 10**12])
        if kind == "number":
            return rng.choice([0, 0.5, -3.25, 1e9])
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "array":
            return [_value(rng, schema.get("items")) for _ in range(rng.randint(0, 4))]
    return rng.choice([None, 3, -2.5, True, [], {}, {"a": 1}, [1, "x"], *STRINGS[:8]])


def _arguments(rng: random.Random, schema: dict[str, Any]) -> dict[str, Any]:
    if rng.random() < 0.1:
        return {}  # all defaults: valid for some tools, a missing required argument for others
    props: dict[str, Any] = schema.get("properties", {})
    args = {k: _value(rng, v) for k, v in props.items() if rng.random() < 0.5}
    if rng.random() < 0.1:
        args["unexpected_field"] = _value(rng, None)
    return args


@pytest.mark.anyio
async def test_a_thousand_random_calls_leave_the_server_answering(server: MCPServer, root: Path) -> None:
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("import openai\n")
    (root / "agents").mkdir()
    (root / "agents" / "reviewer.md").write_text(
        "---\nname: reviewer\ndescription: Reviews diffs.\n---\nBody.\n"
    )
    (root / "usage.jsonl").write_text(
        '{"type": "message", "model": "claude-haiku-4-5", "usage": {"input_tokens": 9, "output_tokens": 1}}\n'
    )
    rng = random.Random(20261122)
    outcomes = {"ok": 0, "tool_error": 0, "protocol_error": 0}
    seen: dict[str, set[bool]] = {}
    async with Client(server, mode="auto") as c:
        tools = {t.name: t.input_schema for t in (await c.list_tools()).tools}
        for _ in range(CALLS):
            name = (
                rng.choice(list(tools)) if rng.random() < 0.9 else rng.choice(["nope", "", "audit ", "AUDIT"])
            )
            try:
                args = _arguments(rng, tools.get(name, {}))
                res = await c.call_tool(name, args)
            except MCPError as e:
                assert e.error.code == INVALID_PARAMS, e.error
                outcomes["protocol_error"] += 1
                continue
            seen.setdefault(name, set()).add(bool(res.is_error))
            text = " ".join(getattr(block, "text", "") for block in res.content)
            assert "Traceback" not in text
            if res.is_error:
                # The bare text is what an unexpected exception yields: a bug in us or in a core.
                assert text != f"Error executing tool {name}", f"{name} crashed on {args!r}"
                outcomes["tool_error"] += 1
            else:
                assert res.structured_content is not None, f"{name}: success without structured output"
                outcomes["ok"] += 1
        assert [t.name for t in (await c.list_tools()).tools] == list(tools)
        after = await c.call_tool("validate_agents", {"path": "agents"})
        assert after.is_error is False and after.structured_content["summary"]["files"] == 1
        # Random arguments almost never name a readable usage log: one known-good call covers that side.
        usage = await c.call_tool("usage_report", {"paths": ["usage.jsonl"]})
        seen.setdefault("usage_report", set()).add(bool(usage.is_error))
    assert outcomes["protocol_error"] > 0
    assert seen == {name: {True, False} for name in tools}, "every tool got both accepted and rejected calls"
