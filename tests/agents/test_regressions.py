"""Regression tests for bugs found while writing the validator's tests (all fixed). Each comment
describes the bug as it was found."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from llmeng.agents import body
from llmeng.agents.fix import fix_text
from llmeng.agents.registry import get_rule
from llmeng.agents.spec import load_spec

from .conftest import Sandbox, agent, pairs

# A hang guard for subprocesses, not a speed claim: a busy machine may take long to start Python.
HANG_S = 120

# Registry examples that start like a file but do not fire; test_registry leaves them to this module.
BROKEN_EXAMPLES: frozenset[tuple[str, str]] = frozenset()


def test_AG208_fires_on_the_file_its_bad_example_describes(sandbox: Sandbox) -> None:
    # fields.py:66: the example is the placeholder "(a description of 2,000 characters, mostly
    # examples)", not a file, so the docs test cannot lint it. Lint the file it describes instead.
    rule = get_rule("AG208")
    assert rule is not None and rule.bad.startswith("(")
    examples = "".join(
        f"<example>the user asks for a review of change {i:03d}; use reviewer</example> " for i in range(27)
    )
    description = "Use when a diff needs review. " + examples
    assert 1_900 <= len(description) <= 2_100
    assert sandbox.check(agent(description=description)) == {(3, "AG208")}


def test_hooks_type_that_is_a_list_is_reported_not_raised(sandbox: Sandbox) -> None:
    # fields.py:283 `hook.get("type") not in ctx.spec.hook_types` hashes a list: TypeError aborts the run.
    text = agent("hooks:\n  Stop:\n    - hooks:\n        - type: [command]\n")
    assert sandbox.check(text) == {(5, "AG218")}


def test_malformed_claude_json_projects_does_not_abort_the_run(sandbox: Sandbox) -> None:
    # context.py:96 calls .get on `projects` whatever its type: AttributeError for a list or a string.
    (sandbox.home / ".claude.json").write_text('{"projects": ["not", "a", "mapping"]}')
    assert sandbox.check(agent()) == set()


def test_claude_json_without_mcp_servers_configures_no_servers(sandbox: Sandbox) -> None:
    # context.py:129 falls back to the whole ~/.claude.json when it has no `mcpServers`, so every
    # dict-valued setting (projects, oauthAccount, ...) becomes an "MCP server" and AG306 fires.
    (sandbox.home / ".claude.json").write_text('{"numStartups": 3, "projects": {}, "oauthAccount": {"a": 1}}')
    assert sandbox.check(agent(tools="Read, mcp__github__create_issue")) == set()


def test_symlinked_project_agent_keeps_its_project_scope(sandbox: Sandbox) -> None:
    # docs.py:127 (_scope) and docs.py:142 (_display) use the symlink's target: an agent installed as a
    # symlink in .claude/agents is judged as a loose source file, so AG406/AG402 are never checked.
    sandbox.project()
    target = sandbox.write("agents/general-purpose.md", agent(name="general-purpose"))
    link = sandbox.root / ".claude" / "agents" / "general-purpose.md"
    link.symlink_to(target)
    result = sandbox.lint(link)
    assert result.files[0].scope == "project"
    assert pairs(result) == {(2, "AG406")}


def test_same_file_given_relative_and_absolute_is_linted_once(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # docs.py:76-78 dedupe Path objects, not files: `.claude/agents` plus the absolute path of a file in it
    # lints the file twice, and AG401 then reports the file as a duplicate of itself.
    sandbox.project()
    path = sandbox.write(".claude/agents/reviewer.md", agent())
    monkeypatch.chdir(sandbox.root)
    result = sandbox.lint(Path(".claude/agents"), path)
    assert len(result.files) == 1
    assert pairs(result) == set()


def test_tools_fix_is_idempotent_for_a_multi_line_value() -> None:
    # fix.py:78 rewrites only the first line of a `tools` plain scalar that continues on the next line,
    # so each --fix run appends another copy of the continuation (Read, Bash -> Read, Bash, Bash, ...).
    spec = load_spec()
    once = fix_text("---\nname: reviewer\ndescription: d\ntools: Read\n  Bash\n---\nBody.\n", spec)
    twice = fix_text(once.text, spec)
    assert not twice.changed, twice.text


def test_AG110_reported_on_the_line_of_the_dashes(sandbox: Sandbox) -> None:
    # file.py:133 uses body_line - 1, which is right only when the match consumed a newline; a mid-line
    # `---` leaves body_line on the same line, so the finding points one line too high.
    assert sandbox.check_fixture("AG110-dashes-in-value.md") == {(3, "AG110"), (2, "AG308")}


def test_AG109_reported_on_the_line_of_the_bad_byte(sandbox: Sandbox) -> None:
    # docs.py:102 computes the line for the message, but file.py:109 anchors every read error at line 1.
    assert sandbox.check(b"---\nname: reviewer\n\xff\xfe\n---\n") == {(3, "AG109")}


def test_alias_free_frontmatter_with_many_keys_is_not_a_bomb(sandbox: Sandbox) -> None:
    # parse.py:109 counts every node, not only alias expansions: 10,001 plain keys are reported as AG102
    # "expands ... through aliases" (Claude Code will not load), though the YAML has no alias at all.
    extra = "".join(f"k{i}: v\n" for i in range(10_001))
    found = sandbox.check(agent(extra))
    assert "AG102" not in {rid for _, rid in found}


def test_fifo_given_as_a_path_gets_a_verdict(sandbox: Sandbox) -> None:
    # docs.py:91 opens whatever exists; a FIFO blocks the open forever, so the run never ends.
    fifo = sandbox.root / "pipe.md"
    os.mkfifo(fifo)
    code = (
        "import sys; from pathlib import Path; from llmeng.agents.lint import lint_paths; "
        "r = lint_paths([Path(sys.argv[1])], env={}, cwd=Path(sys.argv[2]), home=Path(sys.argv[2])); "
        "print([f.rule_id for f in r.findings])"
    )
    try:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(fifo), str(sandbox.root)],
            check=False,
            capture_output=True,
            text=True,
            timeout=HANG_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"linting a FIFO did not finish in {HANG_S} s: it blocks on the open")
    assert proc.returncode == 0 and "AG113" in proc.stdout


@pytest.mark.parametrize("opener", ["[", "{a: "])
def test_deeply_nested_flow_collection_does_not_crash_the_process(tmp_path: Path, opener: str) -> None:
    # parse.py:99 composes with libyaml's recursive CParser: ~30,000 nested `[` (60 KB, far under the
    # 1 MiB limit) overflow the C stack and the whole process dies with SIGSEGV.
    depth = 50_000
    path = tmp_path / "deep.md"
    closer = "]" if opener == "[" else "}"
    path.write_text(f"---\nname: {opener * depth}{closer * depth}\ndescription: d\n---\nBody.\n")
    code = (
        "import sys; from pathlib import Path; from llmeng.agents.lint import lint_paths; "
        "r = lint_paths([Path(sys.argv[1])], env={}, cwd=Path(sys.argv[2]), home=Path(sys.argv[2])); "
        "print(len(r.files))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(path), str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=HANG_S,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-300:]}"
    assert proc.stdout.strip() == "1"


def test_body_with_many_mentions_indexes_its_newlines_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # body.py:130 `_line_of` counted newlines from the start of the block for every mention: quadratic
    # (a 1 MiB file of mentions took 15-25 s). Counting the characters scanned for newlines, not the
    # seconds taken, keeps the check independent of how busy the machine is.
    scanned: list[int] = []

    class CountingNewline:
        def finditer(self, text: str) -> Iterator[re.Match[str]]:
            scanned.append(len(text))
            return re.finditer("\n", text)

    monkeypatch.setattr(body, "_NEWLINE", CountingNewline())
    body._newlines.cache_clear()
    text = "".join(f"Call mcp__srv__tool{i} here.\n" for i in range(20_000))
    facts = body.body_facts(text, 5)
    assert [m.line for m in facts.mcp_tools] == list(range(5, 20_005))
    assert sum(scanned) <= 2 * len(text), f"{sum(scanned):,} characters scanned for a {len(text):,} body"


@pytest.mark.parametrize(
    "key",
    [
        "tools",
        "disallowedTools",
        "color",
        "permissionMode",
        "effort",
        "maxTurns",
        "memory",
        "background",
        "isolation",
    ],
)
def test_deeply_nested_value_in_a_checked_field_is_reported_not_raised(sandbox: Sandbox, key: str) -> None:
    # tools.py:87 `repr(v)` and fields.py:231/234/236/239 f-strings format the value into the message:
    # 1,500 nested `[` (3 KB) raise RecursionError and abort the whole run. Found by test_hostile.py.
    text = agent(f"{key}: {'[' * 1500}{']' * 1500}\n", tools=None)
    result = sandbox.lint(sandbox.write("reviewer.md", text))
    assert len(result.files) == 1


def test_max_turns_with_a_superscript_digit_is_reported_not_raised(sandbox: Sandbox) -> None:
    # fields.py:252 `str.isdigit()` is true for "²", then int("²") raises ValueError and aborts the run.
    assert sandbox.check(agent("maxTurns: '\u00b2'\n")) == {(5, "AG214")}


def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cli/validate.py:110 atomic_write(path) renames over the symlink itself: the link becomes a plain copy
    # and the real file (e.g. an agent installed as a symlink into .claude/agents) is never fixed.
    from llmeng.cli import main

    target = sandbox.write("real/reviewer.md", agent().replace("\n", "\r\n"))
    link = sandbox.root / "reviewer.md"
    link.symlink_to(target)
    monkeypatch.setenv("HOME", str(sandbox.home))
    monkeypatch.chdir(sandbox.root)
    main(["validate", "--fix", "reviewer.md"])
    assert link.is_symlink()
    assert b"\r\n" not in target.read_bytes()


def test_project_agent_scripts_resolve_in_its_own_project(sandbox: Sandbox) -> None:
    # context.py:44 takes the project root from the cwd, and references.py:153 resolves scripts against it:
    # validating another project's .claude/agents from elsewhere reports its existing scripts as missing.
    project = sandbox.root / "other-project"
    (project / ".git").mkdir(parents=True)
    script = project / ".claude" / "scripts" / "notify.sh"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    body = "```bash\n.claude/scripts/notify.sh\n```\n"
    path = sandbox.write("other-project/.claude/agents/reviewer.md", agent(tools="Read, Bash", body=body))
    assert pairs(sandbox.lint(path)) == set()


def test_agent_inline_mcp_server_counts_as_configured(sandbox: Sandbox) -> None:
    # tools.py:147 checks MCP tools only against .mcp.json, ~/.claude.json and plugins; a server the agent
    # defines itself in `mcpServers` (claude-code.md §1.4, §4.2) is reported as not configured (AG306).
    sandbox.write_json(".mcp.json", {"mcpServers": {"github": {"command": "gh-mcp"}}})
    extra = "mcpServers:\n  - local:\n      command: ./srv\n"
    assert sandbox.check(agent(extra, tools="Read, mcp__local__query")) == set()


def test_allowed_tools_beside_tools_does_not_claim_every_tool(sandbox: Sandbox) -> None:
    # fields.py:298 reports AG220 (an error: "this agent gets every tool") whenever `allowed-tools` is a
    # key, even when `tools` is also set and restricts the agent; the file is then marked as not loading.
    result = sandbox.lint(sandbox.write("reviewer.md", agent("allowed-tools: Read\n", tools="Read")))
    assert result.files[0].loads
    assert not any("every tool" in f.message for f in result.findings)


def test_fix_with_a_duplicate_key_is_idempotent() -> None:
    # fix.py:77-80 take the value from the parsed data (PyYAML: the last duplicate wins) but rewrite the
    # first `tools:` line, so a file with `tools` twice changes on every --fix run. Found by a property test.
    spec = load_spec()
    once = fix_text(
        "---\nname: reviewer\ndescription: d\ntools: Read, Grep\ntools: [Read, Grep\n---\nB.\n", spec
    )
    assert not fix_text(once.text, spec).changed, once.text


def test_every_rule_cites_a_source() -> None:
    # Registry completeness (style.md: rules carry fix and sources): AG107, AG109, AG111 and AG113
    # (rules/file.py) have an empty `sources`, so `llmeng explain` shows no basis for them.
    from llmeng.agents.registry import RULES

    assert [r.id for r in RULES if not r.sources] == []


@pytest.mark.parametrize("model", [3, None, [], ["sonnet"], {}])
def test_schema_rejects_a_model_that_is_not_a_string(model: object) -> None:
    # schema.py:27: the `{"pattern": ...}` branch of `model`'s anyOf has no `"type": "string"`, and JSON
    # Schema applies `pattern` to strings only, so any non-string passes (the linter reports AG210).
    import jsonschema

    from llmeng.agents.schema import frontmatter_schema

    validator = jsonschema.Draft7Validator(frontmatter_schema(load_spec()))
    assert not validator.is_valid({"name": "reviewer", "description": "d", "model": model})


def test_fix_never_turns_a_yaml_line_break_into_text() -> None:
    # Found by test_hostile: mojibake repair turned U+0085 (NEL, a YAML line break) into an ellipsis,
    # and the fixed frontmatter no longer parsed.
    spec = load_spec()
    text = "---\nkey: \x85\u2028\u2029\n- item\n---\n"
    result = fix_text(text, spec)
    assert result.text == text and not result.changed


@pytest.mark.parametrize("tagged", ["!!bool maybe", "!!int ''", "!!float ''", "!!timestamp x", "!!int 0x"])
def test_a_tagged_value_pyyaml_cannot_build_is_a_yaml_problem_not_a_crash(
    sandbox: Sandbox, tagged: str
) -> None:
    # PyYAML's constructors raise KeyError, IndexError or AttributeError on these: the whole run died.
    other = sandbox.write("other.md", agent(name="other"))
    bad = sandbox.write("reviewer.md", agent(f"model: {tagged}\n"))
    result = sandbox.lint(bad, other)
    assert sorted(r.display.rsplit("/", 1)[-1] for r in result.files) == ["other.md", "reviewer.md"]
    found = pairs(result, next(r.display for r in result.files if r.display.endswith("reviewer.md")))
    assert "AG103" in {rule_id for _, rule_id in found}
