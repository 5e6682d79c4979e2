"""The agents domain for adapters (CLI, MCP): validate, fix, schema, watch and the rule list."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmeng.agents.lint import LintResult
from llmeng.claude_paths import AGENTS_SUBDIR, project_root
from llmeng.errors import LlmengError
from llmeng.findings import Severity
from llmeng.rules import Rule

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# Claude Code reads a project's agents from .claude/agents; a plugin (this repository, too) keeps
# them in agents/. Both are taken at the project root (claude_paths.project_root), so a run from a
# subfolder checks the same files as one from the root.
DEFAULT_DIRS = (AGENTS_SUBDIR, Path("agents"))
DEFAULTS_HELP = ".claude/agents/ and agents/ of the project root ($CLAUDE_PROJECT_DIR, else the git root)"


@dataclass(frozen=True)
class FixedFile:
    path: Path
    diff: str
    applied: tuple[str, ...]


@dataclass(frozen=True)
class Validation:
    result: LintResult
    targets: tuple[Path, ...]
    fixed: tuple[FixedFile, ...] = ()

    def exit_code(self, *, strict: bool = False) -> int:
        """0 no errors; 1 errors (or warnings when strict); 2 a path that does not exist."""
        if self.result.missing:
            return EXIT_USAGE
        if self.result.count(Severity.ERROR) or (strict and self.result.count(Severity.WARNING)):
            return EXIT_FINDINGS
        return EXIT_OK


def targets(
    paths: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str], home: Path, root: Path | None = None
) -> tuple[Path, ...]:
    """`paths`, or the default folders that exist under the project root.

    With `root` (the MCP server's project), every path must exist and stay inside it, and the
    defaults are taken there.
    """
    from llmeng.fsutil import confine

    given = [p for p in paths if str(p)]
    if given:
        return tuple(Path(p) if root is None else confine(root, p, must_exist=True) for p in given)
    base = root if root is not None else project_root(cwd, env=env, home=home)
    found = tuple(base / d for d in DEFAULT_DIRS if (base / d).is_dir())
    if not found:
        raise _no_agent_files(" or ".join(str(base / d) for d in DEFAULT_DIRS))
    return found


def validate(
    paths: Sequence[str | Path],
    *,
    cwd: Path,
    env: Mapping[str, str],
    home: Path,
    root: Path | None = None,
    ignore: Collection[str] = (),
    jobs: int = 1,
    fix: bool = False,
) -> Validation:
    """Lint the agent files under `paths` (default: DEFAULT_DIRS), after the safe fixes if `fix`.

    `ignore` holds rule ids, each entry possibly comma-separated; `jobs` 0 means one per core.
    """
    from llmeng.agents.lint import lint_paths

    found = targets(paths, cwd=cwd, env=env, home=home, root=root)
    fixed = fix_files(found) if fix else ()
    ignored = {i.strip().upper() for chunk in ignore for i in chunk.split(",") if i.strip()}
    result = lint_paths(found, env=env, cwd=cwd, home=home, ignore=ignored, jobs=jobs, confine_to=root)
    if not result.files and not result.missing:
        raise _no_agent_files(", ".join(str(p) for p in paths if str(p)) or ", ".join(map(str, found)))
    return Validation(result=result, targets=found, fixed=fixed)


# Claude Code loads agent files up to 1 MiB; a larger one has nothing --fix could make loadable.
FIX_MAX_BYTES = 1024 * 1024


def fix_files(paths: Sequence[Path]) -> tuple[FixedFile, ...]:
    """Apply every safe fix to the agent files under `paths`, writing each changed file atomically."""
    from llmeng.agents.docs import expand_paths
    from llmeng.agents.fix import fix_text
    from llmeng.agents.spec import load_spec
    from llmeng.fsutil import atomic_write, read_regular

    files, _ = expand_paths(paths)
    done = []
    for path in files:
        try:
            text = read_regular(path, max_bytes=FIX_MAX_BYTES).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the linter reports it; there is nothing safe to fix
        result = fix_text(text, load_spec())
        if not result.changed:
            continue
        diff = difflib.unified_diff(
            text.splitlines(keepends=True),
            result.text.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
        atomic_write(path.resolve(), result.text.encode("utf-8"))  # through a link, fix what it points at
        done.append(FixedFile(path=path, diff="".join(diff), applied=result.applied))
    return tuple(done)


def watch(
    paths: Sequence[Path], on_change: Callable[[], object], *, stop: threading.Event | None = None
) -> None:
    """Call `on_change` now and after each burst of agent-file writes under `paths`, until `stop`
    is set or the user interrupts (Ctrl-C ends a watch; it is not an error)."""
    from llmeng.agents.watch import watch_paths

    try:
        watch_paths(paths, on_change, stop=stop)
    except KeyboardInterrupt:
        return


def schema(kind: str = "agent") -> dict[str, Any]:
    """The JSON Schema of agent frontmatter, for editors."""
    from llmeng.agents.schema import frontmatter_schema
    from llmeng.agents.spec import load_spec

    if kind != "agent":
        raise LlmengError(f"no schema for {kind!r}", "Use `agent`.")
    return frontmatter_schema(load_spec())


def rules() -> tuple[Rule, ...]:
    """Every agent-file rule, in registry order."""
    from llmeng.agents.registry import RULES

    return tuple(RULES)


def _no_agent_files(where: str) -> LlmengError:
    return LlmengError(
        f"no agent files (*.md) found under: {where}",
        "Pass an agent file or a folder that holds them, e.g. `.claude/agents`.",
    )
