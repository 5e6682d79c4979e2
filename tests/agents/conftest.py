"""Sandboxes for linting agent files: a work folder (the cwd), a temp HOME and an env dict."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from llmeng.agents.lint import LintResult, lint_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "agents"
DESCRIPTION = "Reviews diffs for bugs."


def agent(
    extra: str = "",
    *,
    name: str = "reviewer",
    description: str = DESCRIPTION,
    tools: str | None = "Read, Grep",
    body: str = "You review diffs.\n",
) -> str:
    """A clean agent file; `extra` frontmatter lines start at line 5 (line 4 without tools)."""
    lines = [f"name: {name}", f"description: {description}"]
    if tools is not None:
        lines.append(f"tools: {tools}")
    return "---\n" + "\n".join(lines) + "\n" + extra + "---\n" + body


def pairs(result: LintResult, display: str | None = None) -> set[tuple[int, str]]:
    """(line, rule id) of every finding, or of one file's findings."""
    return {
        (f.location.line, f.rule_id) for r in result.files if display in (None, r.display) for f in r.findings
    }


def ids(result: LintResult) -> set[str]:
    return {f.rule_id for f in result.findings}


@dataclass
class Sandbox:
    root: Path
    home: Path
    env: dict[str, str] = field(default_factory=dict)

    def write(self, rel: str, content: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    def write_json(self, rel: str, data: Any) -> Path:
        return self.write(rel, json.dumps(data))

    def copy_fixture(self, fixture: str, rel: str = "reviewer.md") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, path)
        return path

    def lint(self, *paths: Path | str, ignore: Iterable[str] = ()) -> LintResult:
        targets = [self.root / p if isinstance(p, str) else p for p in paths] or [self.root]
        return lint_paths(targets, env=self.env, cwd=self.root, home=self.home, ignore=tuple(ignore))

    def check(self, text: str | bytes, rel: str = "reviewer.md") -> set[tuple[int, str]]:
        """(line, rule id) pairs for one file written at `rel`."""
        path = self.write(rel, text)
        return pairs(self.lint(path))

    def check_fixture(self, fixture: str, rel: str = "reviewer.md") -> set[tuple[int, str]]:
        return pairs(self.lint(self.copy_fixture(fixture, rel)))

    def plugin(self, name: str = "myplug", *, manifest: dict[str, Any] | None = None) -> Path:
        """A plugin folder `plugins/<name>` with its manifest; agents go in its `agents/`."""
        root = self.root / "plugins" / name
        self.write_json(f"plugins/{name}/.claude-plugin/plugin.json", manifest or {"name": name})
        (root / "agents").mkdir(parents=True, exist_ok=True)
        return root

    def project(self) -> Path:
        """Make the work folder a git project with a `.claude/agents/` folder."""
        (self.root / ".git").mkdir(exist_ok=True)
        agents = self.root / ".claude" / "agents"
        agents.mkdir(parents=True, exist_ok=True)
        return agents

    def user_agents(self) -> Path:
        """The user scope's agents folder: under CLAUDE_CONFIG_DIR when set, else HOME/.claude."""
        base = (
            Path(self.env["CLAUDE_CONFIG_DIR"]) if "CLAUDE_CONFIG_DIR" in self.env else self.home / ".claude"
        )
        folder = base / "agents"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    root, home = tmp_path / "work", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    return Sandbox(root=root, home=home)
