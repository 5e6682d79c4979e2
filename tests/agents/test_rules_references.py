"""AG4xx: references outside the file and how a set of agents fits together, on real layouts."""

from __future__ import annotations

import pytest

from llmeng.agents.lint import LintResult
from llmeng.findings import Verdict

from .conftest import Sandbox, agent, pairs


def _severities(result: LintResult) -> dict[str, tuple[str, Verdict]]:
    """display -> (severity of its AG401, its verdict)."""
    return {
        f.display: (str(x.severity), f.verdict)
        for f in result.files
        for x in f.findings
        if x.rule_id == "AG401"
    }


def test_AG401_same_name_twice_in_one_folder(sandbox: Sandbox) -> None:
    sandbox.write("team/reviewer.md", agent())
    sandbox.write("team/reviewer-copy.md", agent())
    result = sandbox.lint("team")
    # Claude Code sorts the paths as strings ("-" before "."): `reviewer.md` comes last and is kept.
    assert pairs(result, "team/reviewer-copy.md") == {(2, "AG205"), (2, "AG401")}
    assert pairs(result, "team/reviewer.md") == {(2, "AG401")}
    assert _severities(result) == {
        "team/reviewer-copy.md": ("error", Verdict.NOT_LOADED),
        "team/reviewer.md": ("warning", Verdict.LOADED),
    }


def test_AG401_same_name_in_sibling_subfolders_the_later_path_wins(sandbox: Sandbox) -> None:
    agents = sandbox.project()
    sandbox.write(".claude/agents/a/reviewer.md", agent())
    sandbox.write(".claude/agents/b/reviewer.md", agent())
    result = sandbox.lint(agents)
    assert _severities(result) == {
        ".claude/agents/a/reviewer.md": ("error", Verdict.NOT_LOADED),
        ".claude/agents/b/reviewer.md": ("warning", Verdict.LOADED),
    }
    dropped, kept = (next(x for x in f.findings if x.rule_id == "AG401") for f in result.files)
    assert "also defined in .claude/agents/b/reviewer.md, which Claude Code keeps" in dropped.message
    assert "Claude Code keeps this copy" in kept.message and ".claude/agents/a/reviewer.md" in kept.message


def test_AG401_a_validated_folder_is_one_scan_root_for_loose_files(sandbox: Sandbox) -> None:
    sandbox.write("agents/review/reviewer.md", agent())
    sandbox.write("agents/legacy/reviewer.md", agent())
    assert set(_severities(sandbox.lint("agents"))) == {
        "agents/review/reviewer.md",
        "agents/legacy/reviewer.md",
    }


def test_AG401_same_name_in_nested_project_folders(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/reviewer.md", agent())
    sandbox.write(".claude/agents/sub/reviewer.md", agent())
    result = sandbox.lint(".claude/agents")
    assert _severities(result) == {
        ".claude/agents/reviewer.md": ("error", Verdict.NOT_LOADED),
        ".claude/agents/sub/reviewer.md": ("warning", Verdict.LOADED),
    }


def test_AG401_a_copy_that_does_not_load_anyway_does_not_compete(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/a/reviewer.md", agent())
    sandbox.write(".claude/agents/b/reviewer.md", agent("hooks: []\n"))
    result = sandbox.lint(".claude/agents")
    assert _severities(result) == {}
    assert [f.verdict for f in result.files] == [Verdict.LOADED, Verdict.NOT_LOADED]


def test_AG401_plugin_subfolders_are_namespaces_and_do_not_collide(sandbox: Sandbox) -> None:
    sandbox.plugin("one")
    sandbox.write("plugins/one/agents/a/reviewer.md", agent())
    sandbox.write("plugins/one/agents/b/reviewer.md", agent())
    assert _severities(sandbox.lint("plugins")) == {}


def test_AG401_unique_names_and_separate_plugins_are_clean(sandbox: Sandbox) -> None:
    sandbox.plugin("one")
    sandbox.plugin("two")
    sandbox.write("plugins/one/agents/reviewer.md", agent())
    sandbox.write("plugins/two/agents/reviewer.md", agent())
    sandbox.write("loose/reviewer.md", agent())
    sandbox.write("loose/writer.md", agent(name="writer"))
    assert pairs(sandbox.lint("plugins", "loose")) == set()


def test_AG402_project_agent_shadows_user_agent(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/reviewer.md", agent())
    user = sandbox.user_agents()
    (user / "reviewer.md").write_text(agent())
    result = sandbox.lint(".claude/agents")
    assert pairs(result) == {(2, "AG402")}
    assert "uses the project copy" in result.findings[0].message


def test_AG402_user_agent_is_shadowed_by_project_agent(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/reviewer.md", agent())
    user = sandbox.user_agents()
    path = user / "reviewer.md"
    path.write_text(agent())
    result = sandbox.lint(path)
    assert pairs(result) == {(2, "AG402")}
    assert result.files[0].scope == "user"
    assert "uses the project copy" in result.findings[0].message


def test_AG402_user_scope_follows_claude_config_dir(sandbox: Sandbox) -> None:
    sandbox.env["CLAUDE_CONFIG_DIR"] = str(sandbox.root.parent / "config")
    sandbox.project()
    sandbox.write(".claude/agents/reviewer.md", agent())
    (sandbox.user_agents() / "reviewer.md").write_text(agent())
    # A copy under HOME/.claude is not the user scope once CLAUDE_CONFIG_DIR is set.
    (sandbox.home / ".claude" / "agents").mkdir(parents=True)
    (sandbox.home / ".claude" / "agents" / "writer.md").write_text(agent(name="writer"))
    result = sandbox.lint(sandbox.user_agents())
    assert result.files[0].scope == "user"
    assert pairs(result) == {(2, "AG402")}


def test_AG402_distinct_names_across_scopes_are_clean(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/reviewer.md", agent())
    (sandbox.user_agents() / "writer.md").write_text(agent(name="writer"))
    assert pairs(sandbox.lint(".claude/agents")) == set()


def test_AG403_body_hands_off_to_a_missing_agent(sandbox: Sandbox) -> None:
    body = "You review diffs.\nHand security questions to security-auditor.\n"
    assert sandbox.check(agent(body=body)) == {(7, "AG403")}


def test_AG403_agent_restriction_names_a_missing_agent(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(tools="Read, Agent(writer, ghost)")) == {(4, "AG403")}


def test_AG403_references_to_validated_installed_and_builtin_agents_are_clean(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/agents/security-auditor.md", agent(name="security-auditor"))
    (sandbox.user_agents() / "test-engineer.md").write_text(agent(name="test-engineer"))
    sandbox.write("team/writer.md", agent(name="writer"))
    body = (
        "Hand security questions to security-auditor and tests to test-engineer.\n"
        "Ask the docs-writer? No: multi-agent setups use `subagent_type: general-purpose`.\n"
    )
    sandbox.write("team/docs-writer.md", agent(name="docs-writer"))
    sandbox.write("team/reviewer.md", agent(tools="Read, Agent(writer, Explore)", body=body))
    assert pairs(sandbox.lint("team")) == set()


def test_AG404_body_runs_a_missing_script(sandbox: Sandbox) -> None:
    body = "When done:\n\n```bash\n.claude/scripts/notify.sh done\n```\n"
    assert sandbox.check(agent(tools="Read, Bash", body=body)) == {(9, "AG404")}


def test_AG404_inline_code_script_in_prose(sandbox: Sandbox) -> None:
    body = "Run `scripts/lint.sh` before you report.\n"
    assert sandbox.check(agent(tools="Read, Bash", body=body)) == {(6, "AG404")}


def test_AG404_existing_scripts_are_clean(sandbox: Sandbox) -> None:
    sandbox.project()
    sandbox.write(".claude/scripts/notify.sh", "#!/bin/sh\n")
    body = (
        '```bash\n.claude/scripts/notify.sh done\n"$CLAUDE_PROJECT_DIR"/.claude/scripts/notify.sh\n'
        "../elsewhere/run.sh\n```\n"
    )
    assert sandbox.check(agent(tools="Read, Bash", body=body), rel=".claude/agents/reviewer.md") == set()


def test_AG404_plugin_root_scripts_resolve_in_the_plugin(sandbox: Sandbox) -> None:
    sandbox.plugin()
    sandbox.write("plugins/myplug/scripts/ok.sh", "#!/bin/sh\n")
    body = "```bash\n${CLAUDE_PLUGIN_ROOT}/scripts/ok.sh\n${CLAUDE_PLUGIN_ROOT}/scripts/gone.sh\n```\n"
    path = sandbox.write("plugins/myplug/agents/reviewer.md", agent(tools="Read, Bash", body=body))
    result = sandbox.lint(path)
    assert pairs(result) == {(8, "AG404")}
    assert "gone.sh" in result.findings[0].message


def _long_agents(sandbox: Sandbox, count: int, chars: int) -> None:
    for i in range(count):
        sandbox.write(f"many/agent-{i}.md", agent(name=f"agent-{i}", description="'" + "d" * chars + "'"))


def test_AG405_descriptions_over_the_budget(sandbox: Sandbox) -> None:
    _long_agents(sandbox, 61, 1000)  # 61,000 characters, about 15,250 tokens
    sandbox.write("many/agent-long.md", agent(name="agent-long", description="'" + "d" * 1020 + "'"))
    result = sandbox.lint("many")
    assert pairs(result) == {(3, "AG405")}
    assert result.findings[0].location.path == "many/agent-long.md"
    assert result.findings[0].evidence["agents"] == 62


def test_AG405_descriptions_within_the_budget(sandbox: Sandbox) -> None:
    _long_agents(sandbox, 59, 1000)  # 59,000 characters, about 14,750 tokens
    assert pairs(sandbox.lint("many")) == set()


def test_AG406_project_agent_named_like_a_builtin(sandbox: Sandbox) -> None:
    sandbox.project()
    path = sandbox.write(".claude/agents/general-purpose.md", agent(name="general-purpose"))
    assert pairs(sandbox.lint(path)) == {(2, "AG406")}


def test_AG406_user_agent_named_like_a_builtin(sandbox: Sandbox) -> None:
    path = sandbox.user_agents() / "Plan.md"
    path.write_text(agent(name="Plan"))
    assert pairs(sandbox.lint(path)) == {(2, "AG204"), (2, "AG406")}


def test_AG406_builtin_name_outside_an_agent_scope_is_not_installed(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(name="general-purpose"), rel="general-purpose.md") == set()


def test_AG406_distinct_name_is_clean(sandbox: Sandbox) -> None:
    sandbox.project()
    path = sandbox.write(".claude/agents/repo-explorer.md", agent(name="repo-explorer"))
    assert pairs(sandbox.lint(path)) == set()


@pytest.mark.parametrize(
    "sentence",
    [
        "Coordinate with schema-guru on migrations.",
        "Partner with react-pro for the UI.",
        "Partner with `api-wizard`.",
        "Hand off to the release-captain agent when done.",
        "Escalate to infra-oncall, then stop.",
        "Collaborate with **perf-hawk** when latency matters.",
    ],
)
def test_AG403_handoff_phrasings_name_agents_whatever_their_last_word(
    sandbox: Sandbox, sentence: str
) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", agent(body=f"You review diffs.\n{sentence}\n")))
    assert pairs(result) == {(7, "AG403")}


@pytest.mark.parametrize(
    "sentence",
    [
        "Coordinate with cross-functional teams on releases.",
        "Partner with long-running jobs carefully.",
        "Hand off to the security-reviewer skill for audits.",
        "Use the code-reviewer plugin before merging.",
    ],
)
def test_AG403_handoff_phrasings_without_an_agent_are_clean(sandbox: Sandbox, sentence: str) -> None:
    assert sandbox.check(agent(body=f"You review diffs.\n{sentence}\n")) == set()


def test_AG403_names_of_skills_commands_and_plugins_beside_the_agents_are_not_missing_agents(
    sandbox: Sandbox,
) -> None:
    sandbox.write("collection/skills/test-engineer/SKILL.md", "---\nname: test-engineer\n---\n")
    sandbox.write("collection/commands/release-manager.md", "Cut a release.\n")
    sandbox.write_json("collection/.claude-plugin/marketplace.json", {"plugins": [{"name": "docs-writer"}]})
    body = "Ask test-engineer for tests, release-manager for releases and docs-writer for docs.\n"
    sandbox.write("collection/agents/reviewer.md", agent(body=body))
    assert pairs(sandbox.lint("collection/agents")) == set()


def test_AG403_skills_the_agent_preloads_are_not_missing_agents(sandbox: Sandbox) -> None:
    text = agent("skills: pdf-designer, chart-designer\n", body="Use pdf-designer, then chart-designer.\n")
    assert sandbox.check(text) == set()
