"""AG3xx: `tools`, `disallowedTools`, and the tools the body relies on."""

from __future__ import annotations

import pytest

from llmeng.findings import Verdict

from .conftest import Sandbox, agent, pairs


@pytest.mark.parametrize("value", ["", "''", "[]", "'   '"])
def test_AG301_empty_tools_gives_no_tools(sandbox: Sandbox, value: str) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent(tools=value)))
    assert pairs(result) == {(4, "AG301")}
    # Claude Code 2.1.330 starts such an agent with zero tools (tests/e2e/test_loader_facts_e2e.py).
    assert result.files[0].verdict is Verdict.LOADED


def test_AG301_listed_tools_are_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="[Read, Grep, Glob]")) == set()


def test_AG302_unknown_tool_with_suggestion(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent(tools="Read, Grepp")))
    assert pairs(result) == {(4, "AG302")}
    assert "`Grep`" in result.findings[0].message
    assert result.findings[0].fix == "Write `Grep`."


def test_AG302_unknown_tool_in_disallowed_tools(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("disallowedTools: Bsh\n")) == {(5, "AG302")}


def test_AG302_star_and_restricted_tools_are_known(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read Bash(git status:*) Edit(src/**)")) == set()
    assert sandbox.check(agent(tools="'*'")) == set()


@pytest.mark.parametrize("tool", ["LS", "MultiEdit", "NotebookRead"])
def test_AG303_retired_tools(sandbox: Sandbox, tool: str) -> None:
    assert sandbox.check(agent(tools=f"Read, {tool}")) == {(4, "AG303")}


def test_AG303_current_tools_are_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, Glob, Edit")) == set()


def test_AG304_only_unknown_tools_cannot_start(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG304-vscode-tools.md"))
    assert pairs(result) == {(4, "AG302"), (4, "AG304")}
    assert result.files[0].verdict is Verdict.CANNOT_START
    assert result.files[0].loads


def test_AG304_only_retired_tools_cannot_start(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="LS, MultiEdit")) == {(4, "AG303"), (4, "AG304")}


def test_AG304_one_usable_tool_is_enough(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="codebase, Read")) == {(4, "AG302")}


def test_AG304_not_reported_for_disallowed_tools(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("disallowedTools: LS\n")) == {(5, "AG303")}


@pytest.mark.parametrize(
    "value", ["Read, Bash(git status:*, Grep", "Read, Bash()", "Read, (x)", "42", "{Read: true}"]
)
def test_AG305_malformed_tools(sandbox: Sandbox, value: str) -> None:
    assert "AG305" in {rid for line, rid in sandbox.check(agent(tools=value)) if line == 4}


def test_AG305_balanced_arguments_are_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, Bash(git status:*), Grep")) == set()


def test_AG306_mcp_tool_of_an_unconfigured_server(sandbox: Sandbox) -> None:
    sandbox.write_json(".mcp.json", {"mcpServers": {"github": {"command": "gh-mcp"}}})
    result = sandbox.lint(sandbox.write("reviewer.md", agent(tools="Read, mcp__githb__create_issue")))
    assert pairs(result) == {(4, "AG306")}
    assert result.findings[0].evidence["configured"] == ["mcp__github"]


def test_AG306_configured_server_tools_and_wildcards_are_clean(sandbox: Sandbox) -> None:
    sandbox.write_json(".mcp.json", {"mcpServers": {"github": {"command": "gh-mcp"}}})
    tools = "Read, mcp__github__create_issue, mcp__github, mcp__github__*"
    assert sandbox.check(agent(tools=tools)) == set()


def test_AG306_not_reported_when_no_mcp_config_exists(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, mcp__anything__tool")) == set()


def test_AG306_user_servers_from_claude_json(sandbox: Sandbox) -> None:
    (sandbox.home / ".claude.json").write_text('{"mcpServers": {"linear": {"url": "http://x"}}}')
    assert sandbox.check(agent(tools="Read, mcp__linear__list")) == set()
    assert sandbox.check(agent(tools="Read, mcp__github__list")) == {(4, "AG306")}


def test_AG306_plugin_servers_are_prefixed_with_the_plugin(sandbox: Sandbox) -> None:
    root = sandbox.plugin("kit", manifest={"name": "kit", "mcpServers": {"db": {"command": "db-mcp"}}})
    good = sandbox.write("plugins/kit/agents/reviewer.md", agent(tools="Read, mcp__plugin_kit_db__query"))
    assert pairs(sandbox.lint(good)) == set()
    bad = sandbox.write("plugins/kit/agents/reviewer.md", agent(tools="Read, mcp__db__query"))
    assert pairs(sandbox.lint(bad)) == {(4, "AG306")}
    assert root.name == "kit"


def test_AG306_both_names_of_one_server_are_accepted_together(sandbox: Sandbox) -> None:
    # Agents that ship as a plugin and into .claude/agents grant the tool under both names.
    sandbox.plugin("kit", manifest={"name": "kit", "mcpServers": {"db": {"command": "db-mcp"}}})
    both = sandbox.write(
        "plugins/kit/agents/reviewer.md", agent(tools="Read, mcp__db__query, mcp__plugin_kit_db__query")
    )
    assert pairs(sandbox.lint(both)) == set()
    other_tool = sandbox.write(
        "plugins/kit/agents/reviewer.md", agent(tools="Read, mcp__db__drop, mcp__plugin_kit_db__query")
    )
    assert pairs(sandbox.lint(other_tool)) == {(4, "AG306")}


@pytest.mark.parametrize("legacy", ["Task", "KillShell", "KillBash", "ListPeers"])
def test_AG307_legacy_alias(sandbox: Sandbox, legacy: str) -> None:
    assert sandbox.check(agent(tools=f"Read, {legacy}")) == {(4, "AG307")}


def test_AG307_current_name_is_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, Agent, TaskStop")) == set()


@pytest.mark.parametrize(
    "name", ["BashOutput", "AgentOutputTool", "TaskOutput", "TeamCreate", "SlashCommand"]
)
def test_AG303_names_2_1_330_does_not_map_are_retired_not_legacy(sandbox: Sandbox, name: str) -> None:
    # Older references mapped BashOutput and AgentOutputTool to TaskOutput; 2.1.330 has no such alias
    # and no TaskOutput tool (tests/e2e/test_loader_facts_e2e.py).
    assert sandbox.check(agent(tools=f"Read, {name}")) == {(4, "AG303")}


def test_AG309_a_session_only_tool_is_advice_and_not_enough_to_start(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, TodoWrite")) == {(4, "AG309")}
    result = sandbox.lint(sandbox.write("todo.md", agent(name="todo", tools="TodoWrite, AskUserQuestion")))
    assert {(f.rule_id, str(f.severity)) for f in result.findings} == {("AG309", "info"), ("AG304", "error")}
    assert result.files[0].verdict is Verdict.CANNOT_START


def test_AG309_a_legacy_name_of_a_session_only_tool(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent(tools="Read, Brief")))
    assert pairs(result) == {(4, "AG309")}
    assert "legacy name of `SendUserMessage`" in result.findings[0].message


def test_AG302_a_main_thread_tool_is_never_given_to_a_subagent(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent(tools="Read, Workflow")))
    assert pairs(result) == {(4, "AG302")} and "main-thread tool" in result.findings[0].message


def test_AG308_no_tools_key_inherits_everything(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools=None)) == {(2, "AG308")}


def test_AG308_explicit_tools_are_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read")) == set()


def test_AG310_shell_block_without_bash(sandbox: Sandbox) -> None:
    body = "Run the checks:\n\n```bash\npytest -q\n```\n"
    assert sandbox.check(agent(tools="Read", body=body)) == {(8, "AG310")}


def test_AG310_shell_block_with_bash_denied(sandbox: Sandbox) -> None:
    body = "Run the checks:\n\n```sh\npytest -q\n```\n"
    assert sandbox.check(agent("disallowedTools: Bash\n", tools=None, body=body)) == {
        (2, "AG308"),
        (8, "AG310"),
    }


def test_AG310_body_names_a_tool_not_granted(sandbox: Sandbox) -> None:
    body = "Read the diff.\nThen use the Write tool to save the report.\n"
    assert sandbox.check(agent(tools="Read, Grep", body=body)) == {(7, "AG310")}


def test_AG310_body_calls_an_mcp_tool_not_granted(sandbox: Sandbox) -> None:
    body = "File issues with mcp__github__create_issue.\n"
    assert sandbox.check(agent(tools="Read", body=body)) == {(6, "AG310")}


def test_AG310_granted_tools_are_clean(sandbox: Sandbox) -> None:
    body = (
        "Run the checks:\n\n```bash\npytest -q\n```\nThen use the Write tool.\n"
        "File issues with mcp__github__create_issue.\n"
    )
    assert sandbox.check(agent(tools="Read, Bash(pytest:*), Write, mcp__github", body=body)) == set()


def test_AG310_not_reported_when_all_tools_are_inherited(sandbox: Sandbox) -> None:
    body = "```bash\npytest\n```\nUse the Write tool.\n"
    assert sandbox.check(agent(tools=None, body=body)) == {(2, "AG308")}


def test_AG310_negated_mention_in_a_plain_block_is_still_prose(sandbox: Sandbox) -> None:
    body = "```text\nuse the Write tool\n```\n"
    assert sandbox.check(agent(tools="Read", body=body)) == set()
