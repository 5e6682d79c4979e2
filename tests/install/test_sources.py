"""Finding agent files in a source folder, naming them safely, selecting by pattern."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmeng.errors import LlmengError
from llmeng.install.sources import Linter, agent_files, read_agents, safe_filename, select

from .support import FIXTURES


@pytest.mark.parametrize(
    "name, filename",
    [
        ("llm-architect", "llm-architect.md"),
        ("../../etc/passwd", "etc-passwd.md"),
        ("a/b\\c", "a-b-c.md"),
        ("CON", "CON-agent.md"),
        ("...", "agent.md"),
        ("x" * 300, "x" * 100 + ".md"),
        ("café agent", "caf-agent.md"),
    ],
)
def test_safe_filename(name: str, filename: str) -> None:
    assert safe_filename(name) == filename


def test_agent_files_skip_documentation_and_hidden_folders(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/x.md").write_text("---\nname: x\n---\n")
    (tmp_path / "README.md").write_text("# docs\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub/a.md").write_text("---\nname: a\n---\n")
    assert agent_files(tmp_path) == [tmp_path / "sub/a.md"]


def test_missing_source_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LlmengError, match="not a directory"):
        agent_files(tmp_path / "nope")


def test_select_by_pattern_and_unknown_name(lint: Linter) -> None:
    agents = read_agents(agent_files(FIXTURES / "team"), lint)
    assert [a.name for a in select(agents, ["code-*"])] == ["code-reviewer"]
    assert len(select(agents, [])) == 2
    with pytest.raises(LlmengError, match="no agent in the source matches nope") as info:
        select(agents, ["nope"])
    assert "code-reviewer" in info.value.fix


def test_read_agents_of_nothing_is_nothing(lint: Linter) -> None:
    assert read_agents([], lint) == []


def test_a_file_the_validator_did_not_report_is_not_installable(tmp_path: Path) -> None:
    from llmeng.agents.lint import LintResult

    (tmp_path / "a.md").write_text("---\nname: a\ndescription: d. Use when x.\n---\n")
    agents = read_agents([tmp_path / "a.md"], lambda paths: LintResult((), (), "", ""))
    assert not agents[0].ok and "validator reported nothing" in agents[0].problems[0]
