"""AG1xx: reading the file and finding its frontmatter."""

from __future__ import annotations

import os
import socket

from llmeng.agents.spec import load_spec
from llmeng.findings import Severity, Verdict

from .conftest import Sandbox, agent, pairs

BOM = b"\xef\xbb\xbf"


def test_clean_fixture_has_no_findings(sandbox: Sandbox) -> None:
    assert sandbox.check_fixture("clean-reviewer.md") == set()


def test_AG101_file_without_frontmatter_is_not_loaded(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG101-no-frontmatter.md"))
    assert pairs(result) == {(1, "AG101")}
    assert result.findings[0].severity is Severity.ERROR
    assert result.files[0].verdict is Verdict.NOT_LOADED


def test_AG112_a_readme_without_frontmatter_is_advice_not_an_error(sandbox: Sandbox) -> None:
    agents = sandbox.project()
    for name in ("README.md", "sub/readme.md"):
        sandbox.copy_fixture("AG112-README.md", f".claude/agents/{name}")
    result = sandbox.lint(agents)
    assert pairs(result) == {(1, "AG112")}
    assert {f.severity for f in result.findings} == {Severity.INFO}
    assert [f.verdict for f in result.files] == [Verdict.NOT_LOADED, Verdict.NOT_LOADED]


def test_AG112_a_readme_with_frontmatter_is_an_agent(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("README.md", agent(name="readme")))
    assert pairs(result) == {(2, "AG205")} and result.files[0].verdict is Verdict.LOADED


def test_AG112_only_readme_is_exempt(sandbox: Sandbox) -> None:
    assert sandbox.check("# Notes\n", "NOTES.md") == {(1, "AG101")}


def test_AG101_dashes_later_in_the_file_are_not_frontmatter(sandbox: Sandbox) -> None:
    assert sandbox.check("# Reviewer\n---\nname: reviewer\n---\n") == {(1, "AG101")}


def test_AG101_also_reported_for_plugin_agent(sandbox: Sandbox) -> None:
    plugin = sandbox.plugin()
    result = sandbox.lint(sandbox.write("plugins/myplug/agents/notes.md", "# Notes\n"))
    assert pairs(result) == {(1, "AG101")}
    assert "plugin agent" in result.findings[0].message
    assert result.findings[0].severity is Severity.WARNING
    assert result.files[0].verdict is Verdict.LOADED
    assert plugin.name == "myplug"


def test_AG102_unparseable_frontmatter_does_not_load(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG102-unclosed-flow.md"))
    assert pairs(result) == {(4, "AG102")}
    assert not result.files[0].loads


def test_AG102_not_reported_for_valid_yaml(sandbox: Sandbox) -> None:
    assert sandbox.check(agent("hooks: {}\n")) == set()


def test_AG103_unquoted_colon_loads_only_leniently(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG103-unquoted-colon.md"))
    assert pairs(result) == {(3, "AG103")}
    assert result.files[0].loads
    assert result.files[0].name == "reviewer"


def test_AG103_quoted_or_block_scalar_is_strict_yaml(sandbox: Sandbox) -> None:
    quoted = agent(description='"Use when: the user asks for a review"')
    block = agent(description=">-\n  Use when: the user asks for a review")
    assert sandbox.check(quoted) == set()
    assert sandbox.check(block) == set()


def test_AG104_list_frontmatter_is_not_a_mapping(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.copy_fixture("AG104-list-frontmatter.md"))
    assert pairs(result) == {(2, "AG104")}
    assert not result.files[0].loads


def test_AG104_bare_string_frontmatter(sandbox: Sandbox) -> None:
    assert sandbox.check("---\njust a sentence\n---\nBody.\n") == {(2, "AG104")}


def test_AG105_file_over_one_mib_is_not_loaded(sandbox: Sandbox) -> None:
    limit = load_spec().limits["file_max_bytes"]
    text = agent().encode()
    result = sandbox.lint(sandbox.write("reviewer.md", text + b"x" * (limit + 1 - len(text))))
    assert pairs(result) == {(1, "AG105")}
    assert not result.files[0].loads


def test_AG105_file_of_exactly_one_mib_is_read(sandbox: Sandbox) -> None:
    limit = load_spec().limits["file_max_bytes"]
    text = agent().encode()
    assert sandbox.check(text + b"x" * (limit - len(text))) == set()


def test_AG106_byte_order_mark(sandbox: Sandbox) -> None:
    assert sandbox.check(BOM + agent().encode()) == {(1, "AG106")}


def test_AG106_bom_does_not_hide_other_findings(sandbox: Sandbox) -> None:
    assert sandbox.check(BOM + agent("color: magenta\n").encode()) == {(1, "AG106"), (5, "AG211")}


def test_AG107_crlf_line_endings(sandbox: Sandbox) -> None:
    assert sandbox.check(agent().replace("\n", "\r\n")) == {(1, "AG107")}


def test_AG107_lf_only_is_clean(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(body="One line.\rstray carriage return is not CRLF.\n")) == set()


def test_AG108_mac_roman_mojibake_in_body(sandbox: Sandbox) -> None:
    assert sandbox.check_fixture("AG108-mojibake-arrow.md") == {(8, "AG108")}


def test_AG108_cp1252_mojibake_in_description(sandbox: Sandbox) -> None:
    garbled = "caf\u00e9".encode().decode("cp1252")  # cafÃ©
    assert sandbox.check(agent(description=f"Reviews the {garbled} menu.")) == {(3, "AG108")}


def test_AG108_replacement_character_is_reported(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(body="You review\n\ufffd diffs.\n")) == {(7, "AG108")}


def test_AG108_correct_non_ascii_text_is_clean(sandbox: Sandbox) -> None:
    body = "Findings \u2192 report. Caf\u00e9, na\u00efve, \u65e5\u672c\u8a9e, \u00ab quotes \u00bb, \u2014 dash.\n"
    assert sandbox.check(agent(body=body)) == set()


def test_AG109_invalid_utf8_is_an_error(sandbox: Sandbox) -> None:
    result = sandbox.lint(sandbox.write("reviewer.md", b"---\nname: reviewer\n\xff\xfe\n---\n"))
    assert {f.rule_id for f in result.findings} == {"AG109"}
    assert "line 3" in result.findings[0].message
    assert not result.files[0].loads


def test_AG109_latin1_file_is_not_utf8(sandbox: Sandbox) -> None:
    text = agent(body="Caf\u00e9.\n").encode("latin-1")
    assert {rid for _, rid in sandbox.check(text)} == {"AG109"}


def test_AG110_dashes_inside_a_value_cut_the_frontmatter(sandbox: Sandbox) -> None:
    found = sandbox.check_fixture("AG110-dashes-in-value.md")
    assert "AG110" in {rid for _, rid in found}
    # Everything after the cut is body: the tools line is lost, so the agent inherits all tools.
    assert (2, "AG308") in found


def test_AG110_dashes_on_their_own_line_close_normally(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(description="Reviews diffs - then reports")) == set()


def test_AG111_empty_body(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(body="")) == {(6, "AG111")}


def test_AG111_whitespace_only_body(sandbox: Sandbox) -> None:
    assert {rid for _, rid in sandbox.check(agent(body="\n   \n\t\n"))} == {"AG111"}


def test_AG111_not_reported_when_body_present(sandbox: Sandbox) -> None:
    assert sandbox.check(agent(body="\n\nYou review diffs.")) == set()


def test_AG113_unreadable_file_gets_a_verdict(sandbox: Sandbox) -> None:
    # Tests run as root here, so permissions cannot make a file unreadable; a socket cannot be opened.
    path = sandbox.root / "sock.md"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        result = sandbox.lint(path, sandbox.write("reviewer.md", agent()))
    assert pairs(result, "sock.md") == {(1, "AG113")}
    assert pairs(result, "reviewer.md") == set()
    assert {f.display: f.loads for f in result.files} == {"sock.md": False, "reviewer.md": True}


def test_AG113_not_reported_for_a_readable_file(sandbox: Sandbox) -> None:
    assert "AG113" not in {rid for _, rid in sandbox.check(agent())}


def test_AG113_special_files_and_dangling_links_inside_a_folder_get_a_verdict(sandbox: Sandbox) -> None:
    # A folder walk used to pass over these in silence; each is now a file that does not load.
    folder = sandbox.root / ".claude/agents"
    sandbox.write(".claude/agents/ok.md", agent())
    os.mkfifo(folder / "pipe.md")
    (folder / "zero.md").symlink_to("/dev/zero")
    (folder / "gone.md").symlink_to(folder / "missing.md")
    result = sandbox.lint(folder)
    verdicts = {r.display.rsplit("/", 1)[-1]: {f.rule_id for f in r.findings} for r in result.files}
    assert {name for name, ids in verdicts.items() if "AG113" in ids} == {"pipe.md", "zero.md", "gone.md"}
    assert "AG113" not in verdicts["ok.md"]


def test_AG114_a_check_that_raises_costs_only_its_own_finding(sandbox: Sandbox, monkeypatch) -> None:
    from llmeng.agents import lint

    def explodes(doc, ctx):
        if doc.display.endswith("bad.md"):
            raise KeyError("boom")
        return iter(())

    monkeypatch.setattr(lint, "FILE_CHECKS", (*lint.FILE_CHECKS, explodes))
    sandbox.write("bad.md", agent(name="bad"))
    sandbox.write("good.md", agent(name="good"))
    result = sandbox.lint()
    by_file = {r.display.rsplit("/", 1)[-1]: r for r in result.files}
    crashed = [f for f in by_file["bad.md"].findings if f.rule_id == "AG114"]
    assert len(crashed) == 1 and "explodes" in crashed[0].message and "KeyError" in crashed[0].message
    assert not [f for f in by_file["good.md"].findings if f.rule_id == "AG114"]


def test_AG114_a_cross_file_check_that_raises_marks_every_file(sandbox: Sandbox, monkeypatch) -> None:
    from llmeng.agents import lint

    def explodes(ctx):
        raise TypeError("unhashable")

    monkeypatch.setattr(lint, "SET_CHECKS", (explodes,))
    sandbox.write("a.md", agent(name="a"))
    sandbox.write("b.md", agent(name="b"))
    result = sandbox.lint()
    assert all(any(f.rule_id == "AG114" for f in r.findings) for r in result.files) and len(result.files) == 2
