"""audit: the LLM-integration audit over MCP, on files under the root and on snippets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from mcp import Client

APP = """from openai import OpenAI

client = OpenAI()


def answer(question):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
"""
NO_TIMEOUT = (
    'import openai\nopenai.OpenAI(timeout=None).chat.completions.create(model="gpt-4o", messages=[])\n'
)


async def _audit(client: Client, args: dict[str, Any]) -> Any:
    res = await client.call_tool("audit", args)
    if not res.is_error:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "audit")
        jsonschema.validate(res.structured_content, tool.output_schema)
    return res


@pytest.fixture
def project(root: Path) -> Path:
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(APP)
    (root / "src" / "broken.py").write_text("import openai\ndef (:\n")
    return root


@pytest.mark.anyio
async def test_audits_a_folder_with_paths_relative_to_the_root(client: Client, project: Path) -> None:
    res = await _audit(client, {"path": "src"})
    assert res.is_error is False
    out = res.structured_content
    assert out["files_scanned"] == 2
    by_rule = {f["rule"]: f for f in out["findings"]}
    assert "LLM102" in by_rule  # relies on the SDK's 600 s default timeout
    assert by_rule["LLM102"]["path"] == "src/app.py" and by_rule["LLM102"]["line"] == 7
    assert by_rule["LLM102"]["fix"]
    assert [e["path"] for e in out["parse_errors"]] == ["src/broken.py"]


@pytest.mark.anyio
async def test_audits_a_single_file(client: Client, project: Path) -> None:
    out = (await _audit(client, {"path": "src/app.py"})).structured_content
    assert out["files_scanned"] == 1 and {f["path"] for f in out["findings"]} == {"src/app.py"}


@pytest.mark.anyio
async def test_audits_a_snippet(client: Client) -> None:
    out = (await _audit(client, {"code": NO_TIMEOUT})).structured_content
    found = {(f["rule"], f["line"]) for f in out["findings"]}
    assert ("LLM101", 2) in found
    assert {f["path"] for f in out["findings"]} == {"<snippet>"}


@pytest.mark.anyio
async def test_severity_and_rule_filters(client: Client) -> None:
    everything = (await _audit(client, {"code": NO_TIMEOUT})).structured_content["findings"]
    high = (await _audit(client, {"code": NO_TIMEOUT, "min_severity": "high"})).structured_content["findings"]
    assert high and {f["severity"] for f in high} <= {"high", "critical"}
    assert len(high) < len(everything)
    only = (await _audit(client, {"code": NO_TIMEOUT, "rules": ["llm101"]})).structured_content["findings"]
    assert {f["rule"] for f in only} == {"LLM101"}


@pytest.mark.anyio
async def test_project_config_disables_rules(client: Client, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.llmeng.audit]\ndisable = ["LLM102"]\n')
    out = (await _audit(client, {"code": APP})).structured_content
    assert "LLM102" not in {f["rule"] for f in out["findings"]}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("args", "message", "fix"),
    [
        ({}, "Nothing to audit", "Pass `path`"),
        ({"code": "   \n"}, "Nothing to audit", "Pass `path`"),
        ({"path": "src", "code": "x = 1"}, "Both `path` and `code`", "Pass one of them"),
        ({"code": "def (:"}, "The code does not parse", "valid Python 3 source"),
        ({"code": "x = 1", "rules": ["LLM999"]}, "Unknown rule id(s): LLM999", "LLM101"),
        ({"path": "../outside"}, ", outside ", "relative to it"),
        ({"path": "nope/"}, "does not exist", "Check the spelling"),
        ({"path": "notes"}, "no Python files found", "directory or .py file"),
    ],
)
async def test_bad_input_says_what_to_fix(
    client: Client, project: Path, args: dict[str, Any], message: str, fix: str
) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "readme.txt").write_text("no python here")
    res = await _audit(client, args)
    assert res.is_error is True
    text = res.content[0].text
    assert text.startswith("Error executing tool audit: ") and message in text
    assert "Fix: " in text and fix in text


@pytest.mark.anyio
@pytest.mark.parametrize(
    "args",
    [{"code": 42}, {"min_severity": "urgent", "code": "x"}, {"rules": "LLM101"}, {"code": "x", "typo": 1}],
)
async def test_schema_violations_are_tool_errors(client: Client, args: dict[str, Any]) -> None:
    res = await _audit(client, args)
    assert res.is_error is True and "validation error for auditArguments" in res.content[0].text


@pytest.mark.anyio
async def test_model_facts_come_from_the_catalog(client: Client) -> None:
    code = (
        "from openai import OpenAI\n"
        'OpenAI(timeout=30).chat.completions.create(model="gpt-9-turbo-nonexistent", messages=[], max_tokens=99)\n'
    )
    out = (await _audit(client, {"code": code, "rules": ["LLM304"]})).structured_content
    [finding] = out["findings"]
    assert "gpt-9-turbo-nonexistent" in finding["message"] and finding["line"] == 2
