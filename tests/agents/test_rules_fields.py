"""AG2xx: frontmatter fields as Claude Code accepts, drops or ignores them."""

from __future__ import annotations

import pytest

from llmeng.findings import Verdict

from .conftest import Sandbox, agent, pairs


def test_AG201_missing_name(sandbox: Sandbox) -> None:
    text = "---\ndescription: Reviews diffs.\ntools: Read\n---\nYou review diffs.\n"
    result = sandbox.lint(sandbox.write("reviewer.md", text))
    assert pairs(result) == {(2, "AG201")}
    assert not result.files[0].loads
    assert "name: reviewer" in result.findings[0].fix


def test_AG201_plugin_agent_may_omit_name(sandbox: Sandbox) -> None:
    sandbox.plugin()
    text = "---\ndescription: Reviews diffs.\ntools: Read\n---\nYou review diffs.\n"
    result = sandbox.lint(sandbox.write("plugins/myplug/agents/reviewer.md", text))
    assert pairs(result) == set()
    assert result.files[0].name == "reviewer"


def test_AG202_numeric_name(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="42")) == {(2, "AG202")}


def test_AG202_list_name(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="[reviewer]")) == {(2, "AG202")}


def test_AG203_name_with_colon(sandbox: Sandbox) -> None:
    assert sandbox.check_fixture("AG203-name-with-colon.md") == {(2, "AG203")}


@pytest.mark.parametrize("name", ["-reviewer", '""', "'   '", "r" * 257])
def test_AG203_invalid_names(sandbox: Sandbox, name: str) -> None:
    assert sandbox.check(agent(name=name)) == {(2, "AG203")}


def test_AG203_name_of_256_characters_is_allowed(sandbox: Sandbox) -> None:
    name = "r" * 256
    assert "AG203" not in {rid for _, rid in sandbox.check(agent(name=name), rel=f"{name[:200]}.md")}


def test_AG204_name_with_spaces_and_capitals(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="Code Reviewer"), rel="Code Reviewer.md") == {(2, "AG204")}


def test_AG204_kebab_case_is_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="code-reviewer-2"), rel="code-reviewer-2.md") == set()


def test_AG205_name_differs_from_file_name(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="code-checker"), rel="reviewer.md") == {(2, "AG205")}


def test_AG205_matching_file_name_in_a_subfolder(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="code-checker"), rel="team/code-checker.md") == set()


def test_AG206_missing_description(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", "---\nname: reviewer\ntools: Read\n---\nBody.\n"))
    assert pairs(result) == {(2, "AG206")}
    assert not result.files[0].loads


def test_AG206_plugin_agent_falls_back_to_when_to_use(sandbox: Sandbox) -> None:
    sandbox.plugin()
    text = "---\nname: reviewer\nwhen_to_use: After every change.\ntools: Read\n---\nBody.\n"
    assert pairs(sandbox.lint(sandbox.write("plugins/myplug/agents/reviewer.md", text))) == set()


def test_AG206_when_to_use_outside_a_plugin_is_unknown(sandbox: Sandbox) -> None:
    text = "---\nname: reviewer\nwhen_to_use: After every change.\ntools: Read\n---\nBody.\n"
    assert sandbox.check(text) == {(2, "AG206"), (3, "AG219")}


@pytest.mark.parametrize("value", ["123", '""', "[a, b]", "", "true"])
def test_AG207_description_not_text(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(description=value)) == {(3, "AG207")}


def test_AG208_long_description(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(description="x" * 1025)) == {(3, "AG208")}


def test_AG208_description_at_the_advice_limit(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(description="x" * 1024)) == set()


@pytest.mark.parametrize("model", ["gpt-4", "gemini-2.5-pro", "sonet"])
def test_AG209_unknown_model(sandbox: Sandbox, model: str) -> None:
    assert sandbox.check(agent(f"model: {model}\n")) == {(5, "AG209")}


@pytest.mark.parametrize(
    "model",
    [
        "sonnet",
        "Opus",
        "inherit",
        "haiku",
        "fable",
        "claude-sonnet-4-5-20250929",
        "us.anthropic.claude-opus-4-1-20250805-v1:0",
    ],
)
def test_AG209_aliases_and_claude_ids_are_clean(sandbox: Sandbox, model: str) -> None:
    assert sandbox.check(agent(f"model: '{model}'\n")) == set()


@pytest.mark.parametrize("value", ["[sonnet, haiku]", "42", '""', "{a: b}"])
def test_AG210_model_not_a_string(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"model: {value}\n")) == {(5, "AG210")}


@pytest.mark.parametrize("value", ["magenta", "white", "'#ff0000'", "Purple"])
def test_AG211_invalid_color(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"color: {value}\n")) == {(5, "AG211")}


@pytest.mark.parametrize("value", ["red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"])
def test_AG211_every_known_color_is_clean(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"color: {value}\n")) == set()


def test_AG212_invalid_permission_mode(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("permissionMode: yolo\n")) == {(5, "AG212")}


@pytest.mark.parametrize("mode", ["acceptEdits", "plan", "bypassPermissions", "manual"])
def test_AG212_valid_permission_modes(sandbox: Sandbox, mode: str) -> None:
    assert sandbox.check(agent(f"permissionMode: {mode}\n")) == set()


@pytest.mark.parametrize("value", ["extreme", "true", "1.5"])
def test_AG213_invalid_effort(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"effort: {value}\n")) == {(5, "AG213")}


@pytest.mark.parametrize("value", ["high", "med", "MAX", "3"])
def test_AG213_levels_and_integers_are_clean(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"effort: {value}\n")) == set()


@pytest.mark.parametrize("value", ["-3", "0", "true", "many", "2.5"])
def test_AG214_invalid_max_turns(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"maxTurns: {value}\n")) == {(5, "AG214")}


@pytest.mark.parametrize("value", ["20", "'7'"])
def test_AG214_positive_integers_and_numeric_strings_are_clean(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"maxTurns: {value}\n")) == set()


def test_AG215_invalid_memory(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("memory: global\n")) == {(5, "AG215")}


def test_AG215_valid_memory(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("memory: project\n")) == set()


def test_AG216_invalid_isolation(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("isolation: docker\n")) == {(5, "AG216")}


def test_AG216_remote_is_valid_outside_plugins(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("isolation: remote\n")) == set()


def test_AG216_remote_is_invalid_in_a_plugin(sandbox: Sandbox) -> None:
    sandbox.plugin()
    path = sandbox.write("plugins/myplug/agents/reviewer.md", agent("isolation: remote\n"))
    assert pairs(sandbox.lint(path)) == {(5, "AG216")}
    worktree = sandbox.write("plugins/myplug/agents/reviewer.md", agent("isolation: worktree\n"))
    assert pairs(sandbox.lint(worktree)) == set()


def test_AG217_invalid_background(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("background: sometimes\n")) == {(5, "AG217")}


@pytest.mark.parametrize("value", ["true", "false", "'true'"])
def test_AG217_booleans_are_clean(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"background: {value}\n")) == set()


def test_AG218_hooks_list_drops_the_agent(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG218-hooks-list.md"))
    assert pairs(result) == {(5, "AG218")}
    assert not result.files[0].loads


@pytest.mark.parametrize(
    "hooks",
    [
        "hooks:\n  Stpo:\n    - hooks:\n        - type: command\n          command: x\n",
        "hooks:\n  Stop: {}\n",
        "hooks:\n  Stop:\n    - matcher: Bash\n",
        "hooks:\n  Stop:\n    - matcher: [Bash]\n      hooks: []\n",
        "hooks:\n  Stop:\n    - hooks:\n        - type: shell\n",
        "hooks:\n  Stop:\n    - hooks:\n        - type: command\n",
    ],
)
def test_AG218_malformed_hooks(sandbox: Sandbox, hooks: str) -> None:
    assert sandbox.check(agent(hooks)) == {(5, "AG218")}


def test_AG218_unknown_event_suggests_the_close_one(sandbox: Sandbox) -> None:
    path = sandbox.write("reviewer.md", agent("hooks:\n  Stpo:\n    - hooks: []\n"))
    assert "did you mean 'Stop'" in sandbox.lint(path).findings[0].message


def test_AG218_settings_shaped_hooks_are_clean(sandbox: Sandbox) -> None:
    hooks = (
        "hooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n        - type: command\n"
        "          command: ./check.sh\n  Stop:\n    - hooks:\n        - type: prompt\n"
    )
    assert sandbox.check(agent(hooks)) == set()


def test_AG218_not_reported_in_plugins_where_hooks_are_ignored(sandbox: Sandbox) -> None:
    sandbox.plugin()
    path = sandbox.write("plugins/myplug/agents/reviewer.md", agent("hooks: []\n"))
    assert pairs(sandbox.lint(path)) == {(5, "AG221")}


def test_AG219_unknown_key_with_suggestion(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent("tool: Read\n")))
    assert pairs(result) == {(5, "AG219")}
    assert "`tools`" in result.findings[0].message


def test_AG219_non_string_key(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("42: answer\n")) == {(5, "AG219")}


def test_AG219_every_known_field_is_clean(sandbox: Sandbox) -> None:
    extra = (
        "disallowedTools: Bash\nmodel: sonnet\ncolor: red\npermissionMode: plan\neffort: low\nmaxTurns: 3\n"
        "skills: [pdf]\nmcpServers: [github]\nmemory: user\nbackground: false\nisolation: worktree\n"
        "initialPrompt: Start.\nautoCompactWindow: 100000\nomitClaudeMd: true\nobserver: true\n"
        "observerMessage: hi\nobserveToolResults: true\nobserveSubagents: false\n"
        "experimental:\n  cacheTtl: 1h\n"
    )
    assert sandbox.check(agent(extra)) == set()


def test_AG220_allowed_tools_in_an_agent(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent("allowed-tools: Read, Grep\n", tools=None)))
    assert pairs(result) == {(4, "AG220")}
    assert result.files[0].verdict is Verdict.LOADED  # loaded, with every tool: the error is the grant


def test_AG220_tools_is_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, Grep")) == set()


@pytest.mark.parametrize(
    "field", ["permissionMode: plan", "hooks: {}", "mcpServers: [github]", "initialPrompt: Start."]
)
def test_AG221_fields_ignored_in_plugin_agents(sandbox: Sandbox, field: str) -> None:
    sandbox.plugin()
    path = sandbox.write("plugins/myplug/agents/reviewer.md", agent(field + "\n"))
    assert pairs(sandbox.lint(path)) == {(5, "AG221")}


def test_AG221_same_fields_apply_in_a_project(sandbox: Sandbox) -> None:
    agents = sandbox.project()
    path = sandbox.write(".claude/agents/reviewer.md", agent("permissionMode: plan\nmcpServers: [github]\n"))
    assert path.parent == agents
    assert pairs(sandbox.lint(path)) == set()


@pytest.mark.parametrize("value", ["github", "{github: {}}", "[42]", "[{a: 1, b: 2}]"])
def test_AG222_invalid_mcp_servers(sandbox: Sandbox, value: str) -> None:
    assert sandbox.check(agent(f"mcpServers: {value}\n")) == {(5, "AG222")}


def test_AG222_names_and_inline_configs_are_clean(sandbox: Sandbox) -> None:
    value = "mcpServers:\n  - github\n  - local:\n      command: ./srv\n"
    assert sandbox.check(agent(value)) == set()


@pytest.mark.parametrize(
    "field",
    [
        "omitClaudeMd: maybe",
        "autoCompactWindow: big",
        "autoCompactWindow: true",
        "skills: [1, 2]",
        "initialPrompt: [a]",
        "experimental: on",
        "experimental:\n  cacheTtl: 10m",
        "observerMessage: 3",
    ],
)
def test_AG223_wrong_field_type(sandbox: Sandbox, field: str) -> None:
    assert sandbox.check(agent(field + "\n")) == {(5, "AG223")}


def test_AG223_documented_types_are_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("omitClaudeMd: false\nskills: pdf\nexperimental:\n  cacheTtl: 5m\n")) == set()
