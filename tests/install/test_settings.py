"""settings.json, .mcp.json and ~/.claude.json: merged, never clobbered, undone exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install import settings as js
from llmeng.install.apply import apply
from llmeng.install.components import HOOK_COMMAND, MCP_ENTRY, Components, Want, hook_group
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.scopes import Scope
from llmeng.install.sources import Linter

from .support import Env, request, snapshot

USER_SETTINGS = """{
    "model": "opus",
    "permissions": {
        "allow": ["Bash(git status)"],
        "deny": []
    },
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "echo pre"}]}
        ]
    },
    "zeta": "last key stays last"
}
"""

ALL = Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT)


def test_merge_keeps_user_keys_order_and_indent_then_uninstall_restores_bytes(
    env: Env, lint: Linter, team: Path
) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    canonical = js.dump(json.loads(USER_SETTINGS), js.JsonStyle(indent="    "))
    settings.write_bytes(canonical)
    apply(plan_install(request(env.dirs(), team, components=ALL), lint=lint))
    text = settings.read_text()
    data = json.loads(text)
    assert list(data) == ["model", "permissions", "hooks", "zeta"]
    assert data["permissions"]["allow"][0] == "Bash(git status)"
    assert "mcp__llmeng__session_append" in data["permissions"]["allow"]
    assert data["hooks"]["PreToolUse"] == json.loads(USER_SETTINGS)["hooks"]["PreToolUse"]
    assert text.startswith('{\n    "model"')  # four-space indent kept
    apply(plan_uninstall(env.dirs()))
    assert settings.read_bytes() == canonical


def test_hand_formatted_settings_keep_their_layout(env: Env, lint: Linter, team: Path) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    settings.write_text(USER_SETTINGS)  # inline arrays and objects: a full re-dump would change them
    apply(plan_install(request(env.dirs(), team, components=ALL), lint=lint))
    text = settings.read_text()
    assert '"allow": ["Bash(git status)", "mcp__llmeng__audit",' in text
    assert '{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo pre"}]}' in text
    apply(plan_uninstall(env.dirs()))
    assert settings.read_text() == USER_SETTINGS


def test_invalid_settings_json_is_refused_and_nothing_is_written(env: Env, lint: Linter, team: Path) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    settings.write_text('{"model": "opus",}')
    before = snapshot(env.project)
    with pytest.raises(LlmengError, match="not valid JSON") as info:
        plan_install(request(env.dirs(), team), lint=lint)
    assert "Fix the syntax" in info.value.fix
    assert snapshot(env.project) == before


def test_hook_is_never_added_twice(env: Env, lint: Linter, team: Path) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    own = {"hooks": {"SubagentStop": [{"hooks": [{"type": "command", "command": HOOK_COMMAND}]}]}}
    settings.write_text(json.dumps(own, indent=2) + "\n")
    plan = plan_install(request(env.dirs(), team), lint=lint)
    apply(plan)
    assert json.loads(settings.read_text()) == own
    assert any("already runs" in n for n in plan.notes)
    apply(plan_install(request(env.dirs(), team), lint=lint))
    assert len(json.loads(settings.read_text())["hooks"]["SubagentStop"]) == 1


def test_uninstall_leaves_a_hook_the_user_edited(env: Env, lint: Linter, team: Path) -> None:
    apply(plan_install(request(env.dirs(), team), lint=lint))
    settings = env.dirs().settings
    data = json.loads(settings.read_text())
    data["hooks"]["SubagentStop"][0]["hooks"][0]["timeout"] = 99
    settings.write_text(json.dumps(data, indent=2) + "\n")
    plan = plan_uninstall(env.dirs())
    apply(plan)
    assert json.loads(settings.read_text())["hooks"]["SubagentStop"][0]["hooks"][0]["timeout"] == 99
    assert any("edited by you" in n for n in plan.notes)


def test_project_mcp_registration_merges_into_mcp_json(env: Env, lint: Linter, team: Path) -> None:
    mcp = env.project / ".mcp.json"
    mcp.write_text('{\n  "mcpServers": {\n    "other": {\n      "command": "x"\n    }\n  }\n}\n')
    plan = plan_install(request(env.dirs(), team, components=ALL), lint=lint)
    apply(plan)
    servers = json.loads(mcp.read_text())["mcpServers"]
    assert servers == {"other": {"command": "x"}, "llmeng": MCP_ENTRY}
    assert any("approve `llmeng`" in n for n in plan.notes)
    apply(plan_uninstall(env.dirs()))
    assert json.loads(mcp.read_text()) == {"mcpServers": {"other": {"command": "x"}}}


def test_user_mcp_registration_keeps_everything_else_in_claude_json(
    env: Env, lint: Linter, team: Path
) -> None:
    state = {"numStartups": 42, "projects": {"/p": {"allowedTools": []}}, "oauthAccount": {"x": 1}}
    claude_json = env.home / ".claude.json"
    claude_json.write_text(json.dumps(state, indent=2))
    claude_json.chmod(0o600)
    apply(plan_install(request(env.dirs(Scope.USER), team, components=ALL), lint=lint))
    data = json.loads(claude_json.read_text())
    assert data == {**state, "mcpServers": {"llmeng": MCP_ENTRY}}
    assert claude_json.stat().st_mode & 0o777 == 0o600
    apply(plan_uninstall(env.dirs(Scope.USER)))
    assert claude_json.read_text() == json.dumps(state, indent=2)


def test_an_mcp_server_named_llmeng_that_differs_is_left_alone(env: Env, lint: Linter, team: Path) -> None:
    mcp = env.project / ".mcp.json"
    mine = {"mcpServers": {"llmeng": {"command": "/opt/my-llmeng"}}}
    mcp.write_text(json.dumps(mine))
    plan = plan_install(request(env.dirs(), team, components=ALL), lint=lint)
    apply(plan)
    assert json.loads(mcp.read_text()) == mine
    assert any("already configured differently" in n for n in plan.notes)
    apply(plan_uninstall(env.dirs()))
    assert json.loads(mcp.read_text()) == mine


def test_permissions_the_user_already_had_are_not_taken_away(env: Env, lint: Linter, team: Path) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"permissions": {"allow": ["mcp__llmeng__audit"]}}, indent=2) + "\n")
    apply(plan_install(request(env.dirs(), team, components=ALL), lint=lint))
    apply(plan_uninstall(env.dirs()))
    assert json.loads(settings.read_text()) == {"permissions": {"allow": ["mcp__llmeng__audit"]}}


@pytest.mark.parametrize(
    "text, indent", [('{\n\t"a": 1\n}', "\t"), ('{\n  "a": 1\n}', "  "), ('{"a": 1}', None)]
)
def test_style_detection_round_trips(text: str, indent: str | None) -> None:
    style = js.detect_style(text)
    assert style.indent == indent
    assert js.dump(json.loads(text), style).decode() == text


def test_compact_and_escaped_json_round_trips() -> None:
    text = '{"a":[1,2],"b":"caf\\u00e9"}\n'
    assert js.dump(json.loads(text), js.detect_style(text)).decode() == text


def test_put_hook_replaces_ours_in_place_and_keeps_the_users_order() -> None:
    old, new = hook_group(["a"]), hook_group(["a", "b"])
    user = {"matcher": "x", "hooks": []}
    data = {"hooks": {"SubagentStop": [old, user]}}
    assert js.put_hook(data, "SubagentStop", old, new, ())[0]["hooks"]["SubagentStop"] == [new, user]
    assert js.put_hook(data, "SubagentStop", old, None, ())[0] == {"hooks": {"SubagentStop": [user]}}


def test_only_containers_we_made_are_pruned() -> None:
    group = hook_group(["a"])
    data, made = js.put_hook({}, "SubagentStop", None, group, ())
    assert made == ("hooks", "hooks.SubagentStop")
    assert js.put_hook(data, "SubagentStop", group, None, made)[0] == {}
    users = {"hooks": {"SubagentStop": []}}
    data, made = js.put_hook(users, "SubagentStop", None, group, ())
    assert made == ()
    assert js.put_hook(data, "SubagentStop", group, None, made)[0] == users


def test_an_edit_recorded_before_containers_prunes_every_emptied_one() -> None:
    data, ours, made = js.put_allow({"permissions": {"allow": ["x"]}}, ["x"], [], None)
    assert (data, ours, made) == ({}, [], None)
    servers, made = js.add_server({}, "s", {"command": "c"}, None)
    assert made is None
    assert js.remove_server(servers, "s", {"command": "c"}, None) == {}


def test_hook_matcher_is_anchored_and_javascript_safe() -> None:
    assert hook_group(["b-agent", "a.x"])["matcher"] == r"^(a\.x|b-agent)$"


def test_settings_key_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(LlmengError, match="permissions.allow"):
        js.put_allow({"permissions": {"allow": "Bash"}}, [], ["x"], ())


def test_non_object_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text("[]")
    with pytest.raises(LlmengError, match="not an object"):
        js.read_doc(tmp_path / "s.json")


def test_an_empty_settings_file_is_treated_as_empty_object(env: Env, lint: Linter, team: Path) -> None:
    settings = env.dirs().settings
    settings.parent.mkdir(parents=True)
    settings.write_text("")
    apply(plan_install(request(env.dirs(), team), lint=lint))
    assert "SubagentStop" in json.loads(settings.read_text())["hooks"]
