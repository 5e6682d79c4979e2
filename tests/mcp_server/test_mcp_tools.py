"""What every tool publishes: names, titles, descriptions, flat input schemas, output schemas, hints."""

from __future__ import annotations

import json

import pytest
from mcp import Client

from mcp_server.server import Tool


def _walk(schema: object) -> list[dict[str, object]]:
    if isinstance(schema, dict):
        return [schema, *(n for v in schema.values() for n in _walk(v))]
    if isinstance(schema, list):
        return [n for v in schema for n in _walk(v)]
    return []


@pytest.mark.anyio
async def test_every_tool_is_fully_described(client: Client) -> None:
    tools = (await client.list_tools()).tools
    assert tools, "no tools registered"
    for tool in tools:
        assert tool.name in {t.value for t in Tool}
        assert tool.title and tool.description and len(tool.description) > 80, tool.name
        assert tool.annotations is not None
        hints = tool.annotations
        assert None not in (
            hints.read_only_hint,
            hints.destructive_hint,
            hints.idempotent_hint,
            hints.open_world_hint,
        ), tool.name
        assert hints.destructive_hint is False and hints.open_world_hint is False
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"


@pytest.mark.anyio
async def test_input_schemas_are_flat(client: Client) -> None:
    # Nested models become $ref/$defs, which several hosts and models handle badly (mcp-sdk.md §2).
    for tool in (await client.list_tools()).tools:
        text = json.dumps(tool.input_schema)
        assert "$ref" not in text and "$defs" not in text, tool.name
        for name, prop in tool.input_schema["properties"].items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
            assert prop.get("type") in {"string", "integer", "number", "boolean", "array"} or "anyOf" in prop


@pytest.mark.anyio
async def test_only_the_append_tool_writes(client: Client) -> None:
    hints = {t.name: t.annotations for t in (await client.list_tools()).tools}
    for name, h in hints.items():
        assert h is not None
        writes = name == Tool.SESSION_APPEND
        assert h.read_only_hint is not writes and h.idempotent_hint is not writes, name


@pytest.mark.anyio
async def test_tool_list_is_the_same_on_every_call(client: Client) -> None:
    first = [t.model_dump() for t in (await client.list_tools()).tools]
    assert first == [t.model_dump() for t in (await client.list_tools()).tools]
