"""Agent files offered for install: found, validated by the linter, named, and checked for clashes."""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from llmeng.errors import LlmengError
from llmeng.findings import Finding, Severity
from llmeng.fsutil import read_regular

if TYPE_CHECKING:
    from llmeng.agents.lint import LintResult

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
FILENAME_MAX_CHARS = 100
MAX_REASONS = 3
AGENT_MAX_BYTES = 1 << 20  # Claude Code's agents are a few KiB; a larger file is not one to install
UNREADABLE_RULE = "AG113"  # the validator's unreadable-file, as it reports a FIFO or a device


Linter = Callable[[Sequence[Path]], "LintResult"]


@dataclass(frozen=True)
class SourceAgent:
    name: str  # the frontmatter name (the file stem when there is none)
    path: Path
    content: bytes
    filename: str  # the safe file name it installs as
    problems: tuple[str, ...] = ()  # why it cannot be installed; empty means it can

    @property
    def ok(self) -> bool:
        return not self.problems


def default_linter(*, env: Mapping[str, str], cwd: Path, home: Path) -> Linter:
    """The project's agent validator with its context bound; installs never validate any other way."""
    from llmeng.agents.lint import lint_paths

    def run(paths: Sequence[Path]) -> LintResult:
        return lint_paths(paths, env=env, cwd=cwd, home=home)

    return run


def safe_filename(name: str) -> str:
    """A file name for agent `name` that is safe on every OS and cannot climb out of its directory."""
    stem = _UNSAFE.sub("-", name).strip(".-")[:FILENAME_MAX_CHARS].rstrip(".-") or "agent"
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem += "-agent"
    return f"{stem}.md"


def agent_files(directory: Path) -> list[Path]:
    """Markdown files under `directory` that start with frontmatter (others are documentation)."""
    if not directory.is_dir():
        raise LlmengError(f"{directory} is not a directory", "Pass --from a folder of agent .md files.")
    found = []
    for path in sorted(directory.rglob("*.md")):
        hidden = any(part.startswith(".") for part in path.relative_to(directory).parts)
        if not hidden and not path.is_dir() and _maybe_agent(path):
            found.append(path)
    return found


def _maybe_agent(path: Path) -> bool:
    """Whether `path` starts with frontmatter, or cannot be read to tell (a FIFO, a device, a dangling
    link): the validator then gives it its verdict (AG113) instead of it vanishing in silence."""
    try:
        head = read_regular(path, max_bytes=16, cut=True)
    except OSError:
        return True
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"---")


def read_agents(paths: Sequence[Path], lint: Linter) -> list[SourceAgent]:
    """Each file as a SourceAgent, with the linter's errors and name clashes as its problems."""
    if not paths:
        return []
    result = lint(paths)
    # Each file's findings include the cross-file ones (duplicate names, references) located in it.
    by_path = {Path(f.path): f for f in result.files}
    agents = []
    for path in paths:
        file = by_path.get(path)
        name = (file.name if file is not None else None) or path.stem
        # Never install what the validator did not look at.
        errors = _reasons(file.findings) if file is not None else ("the validator reported nothing for it",)
        # A file the validator could not read (AG113: a FIFO, a device, a dangling link) is refused for
        # that, unread. Any other OSError (a file swapped for a FIFO since, one too large) stops the
        # install: exit 2, nothing written.
        unread = file is not None and any(f.rule_id == UNREADABLE_RULE for f in file.findings)
        raw = b"" if unread else read_regular(path, max_bytes=AGENT_MAX_BYTES)
        agents.append(SourceAgent(name, path, raw, safe_filename(name), errors))
    return _mark_clashes(agents)


def select(agents: Sequence[SourceAgent], patterns: Sequence[str]) -> list[SourceAgent]:
    """The agents whose names match any pattern (shell-style); all of them when none are given."""
    if not patterns:
        return list(agents)
    chosen = [a for a in agents if any(fnmatch.fnmatchcase(a.name, p) for p in patterns)]
    missing = [p for p in patterns if not any(fnmatch.fnmatchcase(a.name, p) for a in agents)]
    if missing:
        known = ", ".join(sorted({a.name for a in agents})[:20]) or "none"
        raise LlmengError(
            f"no agent in the source matches {', '.join(missing)}",
            f"Use a name from the source ({known}); patterns like 'llm-*' work too.",
        )
    return chosen


def _reasons(findings: Sequence[Finding]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for f in findings:
        if f.severity is Severity.ERROR:
            seen.setdefault(f"{f.rule_id} line {f.location.line}: {f.message} (fix: {f.fix})")
    return tuple(seen)[:MAX_REASONS]


def _mark_clashes(agents: list[SourceAgent]) -> list[SourceAgent]:
    # Two files with one name: Claude Code keeps one at random (claude-code.md §1.2). Installing
    # either would hide the choice, so both are refused until one is renamed.
    by_name: dict[str, list[SourceAgent]] = defaultdict(list)
    by_file: dict[str, list[SourceAgent]] = defaultdict(list)
    for agent in agents:
        by_name[agent.name].append(agent)
        by_file[agent.filename.casefold()].append(agent)
    out = []
    for agent in agents:
        told = any("also defined in" in p for p in agent.problems)  # the linter's AG401 already says so
        extra = [
            f"name '{agent.name}' is also defined in {o.path}"
            for o in by_name[agent.name]
            if o is not agent and not told
        ]
        extra += [
            f"installs as {agent.filename}, as does '{o.name}' ({o.path})"
            for o in by_file[agent.filename.casefold()]
            if o.name != agent.name
        ]
        out.append(replace(agent, problems=agent.problems + tuple(extra)) if extra else agent)
    return out
