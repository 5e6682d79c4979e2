"""usage_report: the usage engine over MCP, paths confined to the project root."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mcp import Client

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "usage"


@pytest.fixture
def logs(root: Path) -> Path:
    target = root / "logs"
    target.mkdir()
    for name in ("otel_spans.jsonl", "litellm_spend_logs.json"):
        shutil.copy(SAMPLES / name, target / name)
    return target


async def _call(client: Client, args: dict[str, Any]) -> Any:
    res = await client.call_tool("usage_report", args)
    if not res.is_error:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "usage_report")
        jsonschema.validate(res.structured_content, tool.output_schema)
    return res


@pytest.mark.anyio
async def test_reports_spend_per_model_day_and_attribute(client: Client, logs: Path) -> None:
    res = await _call(client, {"paths": ["logs/otel_spans.jsonl", "logs/litellm_spend_logs.json"], "top": 2})
    assert res.is_error is False
    out = res.structured_content
    assert [f["format"] for f in out["files"]] == ["otel", "litellm"]
    assert Decimal(out["total"]["cost_usd"]) > 0 and out["total"]["unpriced_requests"] == 2
    by = {b["by"]: b for b in out["breakdowns"]}
    assert {"model", "day", "provider", "feature"} <= set(by)
    assert len(by["model"]["rows"]) == 2 and by["model"]["values"] > 2  # cut to top, the count kept
    assert {u["model"] for u in out["unpriced"]} == {"acme-llm-7", "my-finetune-v2"}


@pytest.mark.anyio
async def test_paths_outside_the_root_are_refused(client: Client, logs: Path) -> None:
    res = await _call(client, {"paths": ["../../etc/passwd"]})
    assert res.is_error is True
    text = res.content[0].text
    assert text.startswith("Error executing tool usage_report:") and "outside" in text and "Fix: " in text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"paths": []}, "paths"),
        ({"paths": ["a"], "top": 0}, "top"),
        ({"paths": ["a"], "format": "x"}, "format"),
    ],
)
async def test_arguments_are_bounded(client: Client, args: dict[str, Any], field: str) -> None:
    res = await _call(client, args)
    assert res.is_error is True and f"\n{field}\n" in res.content[0].text


@pytest.mark.anyio
async def test_is_read_only_and_idempotent(client: Client) -> None:
    tool = next(t for t in (await client.list_tools()).tools if t.name == "usage_report")
    assert tool.annotations.read_only_hint is True and tool.annotations.idempotent_hint is True
    assert tool.annotations.open_world_hint is False
    assert tool.input_schema["properties"]["paths"]["maxItems"] == 20
