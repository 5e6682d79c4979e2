"""`llmeng validate` and `llmeng schema`: the agent-file linter's adapter."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import click


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--ignore",
    "ignore",
    multiple=True,
    metavar="RULE[,RULE]",
    help="Rule ids to leave out (repeatable, or comma-separated).",
)
@click.option("--quiet", "-q", is_flag=True, help="Hide info-level findings in text output.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply safe fixes (quoting, CRLF, BOM, mojibake, tools "
    "formatting, allowed-tools), show the diff, then validate the result.",
)
@click.option("--watch", is_flag=True, help="Validate again whenever a file under PATHS changes.")
@click.option(
    "--jobs",
    "-j",
    type=int,
    default=0,
    show_default=True,
    help="Worker processes for large sets (0 = one per core).",
)
def validate(
    paths: tuple[Path, ...],
    fmt: str,
    strict: bool,
    ignore: tuple[str, ...],
    quiet: bool,
    fix: bool,
    watch: bool,
    jobs: int,
) -> int:
    """Check Claude Code agent definition files (*.md) against what Claude Code 2.1.330 accepts.

    Every file gets a verdict: not loaded, loaded but cannot be started (Claude Code lists the agent
    but refuses to spawn it), or loaded. Each finding is an error (the agent will not work as
    written), a warning (Claude Code drops or ignores something) or advice (info). Folders are
    searched recursively. With no
    PATHS, .claude/agents/ and agents/ of the project root are checked: $CLAUDE_PROJECT_DIR when
    set, else the git root above the current folder, else the current folder.

    Exit codes: 0 no errors, 1 errors (or warnings with --strict), 2 no agent files found or a
    path that does not exist.

    \b
    Example:
      llmeng validate agents/
      llmeng validate ~/.claude/agents --format sarif > agents.sarif
      llmeng validate .claude/agents/reviewer.md --fix
    """
    from llmeng.agents import api

    check = partial(_check, paths, fmt=fmt, strict=strict, quiet=quiet, ignore=ignore, jobs=jobs)
    if not watch:
        return check(fix=fix)
    api.watch(api.targets(paths, **_here()), partial(_watched, check, paths))
    return api.EXIT_OK


def _here() -> dict[str, Any]:
    return {"cwd": Path.cwd(), "env": os.environ, "home": Path.home()}


def _check(paths: tuple[Path, ...], *, fmt: str, strict: bool, quiet: bool, **options: Any) -> int:
    from llmeng.agents import api
    from llmeng.report.agents import render

    done = api.validate(paths, **_here(), **options)
    for fixed in done.fixed:
        click.echo(fixed.diff, err=True)
        click.echo(f"fixed {fixed.path}: {', '.join(fixed.applied)}", err=True)
    click.echo(render(done.result, fmt, show_info=not quiet), nl=False)
    return done.exit_code(strict=strict)


def _watched(check: Callable[[], int], paths: tuple[Path, ...]) -> None:
    """One run of --watch: an error is shown and the watch goes on, since the next save may fix it."""
    from llmeng.errors import LlmengError

    click.echo(
        click.style(f"--- validating {', '.join(map(str, paths)) or 'the defaults'}", dim=True), err=True
    )
    try:
        check()
    except LlmengError as e:
        click.echo(f"error: {e}\n  fix: {e.fix}", err=True)


@click.command()
@click.argument("kind", type=click.Choice(["agent"]), default="agent")
def schema(kind: str) -> int:
    """Print the JSON Schema of agent frontmatter, for editors (YAML language servers).

    \b
    Example:
      llmeng schema agent > .vscode/claude-agent.schema.json
    """
    from llmeng.agents import api

    click.echo(json.dumps(api.schema(kind), indent=2))
    return api.EXIT_OK
