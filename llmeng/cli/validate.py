"""`llmeng validate` and `llmeng schema`: the agent-file linter's adapter."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_DIRS = (".claude/agents", "agents")


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

    Each finding says whether Claude Code will not load the agent (error), loads it but drops or
    ignores something (warning), or is advice (info). Folders are searched recursively. With no
    PATHS, .claude/agents/ and agents/ in the current folder are checked.

    Exit codes: 0 no errors, 1 errors (or warnings with --strict), 2 nothing to validate or a
    path that does not exist.

    \b
    Example:
      llmeng validate agents/
      llmeng validate ~/.claude/agents --format sarif > agents.sarif
      llmeng validate .claude/agents/reviewer.md --fix
    """
    targets = list(paths) or [Path(d) for d in DEFAULT_DIRS if Path(d).is_dir()]
    if not targets:
        raise click.UsageError(
            "nothing to validate: pass agent files or folders, e.g. `llmeng validate .claude/agents`"
        )
    ignored = tuple(i.strip() for chunk in ignore for i in chunk.split(",") if i.strip())
    if watch:
        return _watch(targets, fmt=fmt, strict=strict, ignore=ignored, quiet=quiet, jobs=jobs)
    if fix:
        _apply_fixes(targets)
    return _run_once(targets, fmt=fmt, strict=strict, ignore=ignored, quiet=quiet, jobs=jobs)


def _run_once(
    targets: list[Path], *, fmt: str, strict: bool, ignore: tuple[str, ...], quiet: bool, jobs: int
) -> int:
    from llmeng.agents.lint import lint_paths
    from llmeng.findings import Severity

    result = lint_paths(targets, env=os.environ, cwd=Path.cwd(), home=Path.home(), ignore=ignore, jobs=jobs)
    _emit(result, fmt, quiet=quiet)
    if result.missing or not result.files:
        if not result.files and not result.missing:
            click.echo("error: no agent files (*.md) found under: " + ", ".join(map(str, targets)), err=True)
        return EXIT_USAGE
    if result.count(Severity.ERROR) or (strict and result.count(Severity.WARNING)):
        return EXIT_FINDINGS
    return EXIT_OK


def _emit(result: object, fmt: str, *, quiet: bool) -> None:
    from llmeng.agents import render
    from llmeng.agents.lint import LintResult

    assert isinstance(result, LintResult)
    if fmt == "json":
        click.echo(json.dumps(render.render_json(result), indent=2))
    elif fmt == "sarif":
        from llmeng.agents.registry import RULES
        from llmeng.report.sarif import render_sarif

        log = render_sarif(result.findings, RULES, artifacts=[f.display for f in result.files])
        click.echo(json.dumps(log, indent=2))
    else:
        click.echo(render.render_text(result, show_info=not quiet), nl=False)


def _apply_fixes(targets: list[Path]) -> None:
    import difflib

    from llmeng.agents.docs import expand_paths
    from llmeng.agents.fix import fix_text
    from llmeng.agents.spec import load_spec
    from llmeng.fsutil import atomic_write

    files, _ = expand_paths(targets)
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
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
        click.echo("".join(diff), err=True)
        atomic_write(path.resolve(), result.text.encode("utf-8"))  # through a link, fix what it points at
        click.echo(f"fixed {path}: {', '.join(result.applied)}", err=True)


def _watch(targets: list[Path], **options: object) -> int:
    import threading

    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if str(event.src_path).endswith(".md") or event.is_directory:
                changed.set()

    observer = Observer()
    for target in targets:
        folder = target if target.is_dir() else target.parent
        observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        while True:
            click.echo(click.style(f"--- validating {', '.join(map(str, targets))}", dim=True), err=True)
            _run_once(targets, **options)  # type: ignore[arg-type]
            changed.wait()
            changed.clear()
            changed.wait(0.3)  # let a burst of saves settle into one run
            changed.clear()
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        observer.stop()
        observer.join()


@click.command()
@click.argument("kind", type=click.Choice(["agent"]), default="agent")
def schema(kind: str) -> int:
    """Print the JSON Schema of agent frontmatter, for editors (YAML language servers).

    \b
    Example:
      llmeng schema agent > .vscode/claude-agent.schema.json
    """
    from llmeng.agents.schema import frontmatter_schema
    from llmeng.agents.spec import load_spec

    click.echo(json.dumps(frontmatter_schema(load_spec()), indent=2))
    return EXIT_OK
