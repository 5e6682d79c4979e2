"""`fix_text`: each safe fix, the rule it addresses, and what it refuses to touch."""

from __future__ import annotations

import pytest

from llmeng.agents.fix import fix_text
from llmeng.agents.spec import load_spec

SPEC = load_spec()
CLEAN = "---\nname: reviewer\ndescription: Reviews diffs.\ntools: Read, Grep\n---\nYou review diffs.\n"


def test_clean_text_is_unchanged() -> None:
    result = fix_text(CLEAN, SPEC)
    assert (result.text, result.applied, result.changed) == (CLEAN, (), False)


@pytest.mark.parametrize(
    ("broken", "rule_id"),
    [
        ("\ufeff" + CLEAN, "AG106"),
        (CLEAN.replace("\n", "\r\n"), "AG107"),
        (CLEAN.replace("You review diffs.", "Caf\u00e9".encode().decode("cp1252")), "AG108"),
        (CLEAN.replace("Reviews diffs.", "Use when: asked"), "AG103"),
        (CLEAN.replace("tools:", "allowed-tools:"), "AG220"),
        (CLEAN.replace("Read, Grep", "Read   Grep,Bash"), "tools-format"),
    ],
)
def test_each_fix_names_what_it_fixed(broken: str, rule_id: str) -> None:
    result = fix_text(broken, SPEC)
    assert result.applied == (rule_id,)
    assert not fix_text(result.text, SPEC).changed


def test_quoting_keeps_the_value_claude_code_reads() -> None:
    result = fix_text(CLEAN.replace("Reviews diffs.", "Use when: the user asks #1"), SPEC)
    assert 'description: "Use when: the user asks #1"' in result.text


def test_quoting_keeps_what_claude_code_reads_including_its_tab_rewrite() -> None:
    # Claude Code's retry turns only leading tabs into spaces, so the value it loads keeps its tab, and
    # so does the fix's (tests/e2e/test_loader_facts_e2e.py).
    import yaml

    text = "---\nname: reviewer\ndescription: Use when: asked\nnote: 'a\tb'\n---\nBody.\n"
    result = fix_text(text, SPEC)
    assert result.applied == ("AG103",)
    assert yaml.safe_load(result.text.split("---\n")[1])["note"] == "a\tb"


def test_allowed_tools_is_not_renamed_when_tools_exists() -> None:
    text = CLEAN.replace("tools: Read, Grep\n", "tools: Read\nallowed-tools: Grep\n")
    assert "AG220" not in fix_text(text, SPEC).applied


def test_unbalanced_tools_are_left_alone() -> None:
    text = CLEAN.replace("Read, Grep", "Read Bash(git status:*")
    assert fix_text(text, SPEC).applied == ()


def test_replacement_characters_cannot_be_repaired() -> None:
    text = CLEAN.replace("You review diffs.", "You review \ufffd diffs.")
    assert fix_text(text, SPEC).text == text
