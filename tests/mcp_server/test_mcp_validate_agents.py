"""validate_agents: the agent linter over MCP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mcp import Client

GOOD = "---\nname: reviewer\ndescription: Reviews diffs for LLM call-site problems.\ntools: Read, Grep\n---\nBody.\n"
BAD = "---\nname: broken\ndescription: x: y\ntools: Read, Bogus\n---\nBody.\n"


async def _call(client: Client, args: dict[str, Any]) -> Any:
    res = await client.call_tool("validate_agents", args)
    tool = next(t for t in (await client.list_tools()).tools if t.name == "validate_agents")
    if not res.is_error:
        jsonschema.validate(res.structured_content, tool.output_schema)
    return res


@pytest.fixture
def agents(root: Path) -> Path:
    folder = root / ".claude" / "agents"
    folder.mkdir(parents=True)
    (folder / "reviewer.md").write_text(GOOD)
    (folder / "broken.md").write_text(BAD)
    return folder


@pytest.mark.anyio
async def test_reports_findings_with_line_and_fix(client: Client, agents: Path) -> None:
    res = await _call(client, {"path": ".claude/agents/broken.md"})
    assert res.is_error is False
    out = res.structured_content
    assert out["summary"]["files"] == 1
    found = {(f["rule"], f["line"]) for f in out["files"][0]["findings"]}
    assert ("AG302", 4) in found  # the unknown tool `Bogus`
    bogus = next(f for f in out["files"][0]["findings"] if f["rule"] == "AG302")
    assert "Bogus" in bogus["message"] and bogus["fix"]
    assert out["files"][0]["path"] == ".claude/agents/broken.md"


@pytest.mark.anyio
async def test_default_folders_are_searched(client: Client, agents: Path, root: Path) -> None:
    (root / "agents").mkdir()
    (root / "agents" / "other.md").write_text(GOOD.replace("reviewer", "other"))
    out = (await _call(client, {})).structured_content
    assert sorted(f["path"] for f in out["files"]) == [
        ".claude/agents/broken.md",
        ".claude/agents/reviewer.md",
        "agents/other.md",
    ]


@pytest.mark.anyio
async def test_ignore_drops_a_rule(client: Client, agents: Path) -> None:
    out = (await _call(client, {"path": ".claude/agents/broken.md", "ignore": ["AG302"]})).structured_content
    assert "AG302" not in {f["rule"] for f in out["files"][0]["findings"]}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "message", "fix"),
    [
        ({}, "no agent files (*.md) found under: ", "Pass an agent file or a folder"),
        ({"path": "../elsewhere"}, ", outside ", "relative to it"),
        ({"path": "/etc"}, ", outside ", "relative to it"),
        ({"path": "missing.md"}, "does not exist", "Check the spelling"),
        ({"path": "empty"}, "no agent files (*.md) found under: empty", "e.g. `.claude/agents`"),
    ],
)
async def test_bad_input_says_what_to_fix(
    client: Client, root: Path, args: dict[str, Any], message: str, fix: str
) -> None:
    (root / "empty").mkdir()
    res = await _call(client, args)
    assert res.is_error is True
    text = res.content[0].text
    assert text.startswith("Error executing tool validate_agents: ")
    assert message in text and "Fix: " in text and fix in text


@pytest.mark.anyio
@pytest.mark.parametrize("args", [{"path": 7}, {"ignore": "AG302"}, {"path": "x" * 5000}])
async def test_wrong_types_are_rejected_by_the_schema(client: Client, args: dict[str, Any]) -> None:
    res = await _call(client, args)
    assert res.is_error is True
    assert "validation error for validate_agentsArguments" in res.content[0].text


@pytest.mark.anyio
async def test_a_link_out_of_the_project_root_is_not_read(client: Client, agents: Path, root: Path) -> None:
    # The server's root is the fence: a linked agent file (or folder) outside it gets a verdict, unread.
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (outside / "secret.md").write_text(GOOD.replace("reviewer", "secret-agent"))
    (agents / "linked.md").symlink_to(outside / "secret.md")
    (agents / "linkdir").symlink_to(outside, target_is_directory=True)
    res = await _call(client, {})
    out = res.structured_content
    assert "secret-agent" not in str(out)
    linked = [f for f in out["files"] if "linked.md" in f["path"] or "linkdir" in f["path"]]
    assert linked and all(not f["loads"] and {x["rule"] for x in f["findings"]} == {"AG113"} for f in linked)
    assert ".claude/agents/reviewer.md" in {f["path"] for f in out["files"] if f["loads"]}
