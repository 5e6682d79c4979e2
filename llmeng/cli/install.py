"""install, uninstall, list, diff, update: thin click wrappers over llmeng.install.api."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from llmeng.errors import LlmengError
    from llmeng.install.api import InstallReport

EXIT_OK, EXIT_FINDINGS = 0, 1
F = Callable[..., Any]


def _process() -> dict[str, Any]:
    """What the install api needs from this process: the environment, home and working directory."""
    return {"env": dict(os.environ), "home": Path.home(), "cwd": Path.cwd()}


def _program() -> dict[str, Any]:
    """The running llmeng, from which the api works out how Claude Code should start it."""
    return {"argv0": sys.argv[0], "executable": sys.executable}


def _emit(payload: Any, as_json: bool) -> None:
    click.echo(json.dumps(payload, indent=2) if as_json else payload)


def _show(report: InstallReport, *, verb: str, as_json: bool) -> int:
    from llmeng.report import install as render

    _emit(
        render.report_json(report) if as_json else render.report_text(report, Path.cwd(), verb=verb), as_json
    )
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _scope_options(f: F) -> F:
    f = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(f)
    f = click.option(
        "--target",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Project directory for --scope project (default: the enclosing git checkout, "
        "else the current directory).",
    )(f)
    return click.option(
        "--scope",
        type=click.Choice(["project", "user"]),
        default="project",
        show_default=True,
        help="project: <project>/.claude; user: ~/.claude ($CLAUDE_CONFIG_DIR).",
    )(f)


def _source_options(f: F) -> F:
    f = click.option("--force", is_flag=True, help="Replace files you changed; a backup is kept.")(f)
    f = click.option("--dry-run", is_flag=True, help="Print what would happen; write nothing.")(f)
    return click.option(
        "--from",
        "source",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder of agent files (default: the bundled team).",
    )(f)


def _extras_options(f: F) -> F:
    f = click.option(
        "--permissions/--no-permissions",
        default=None,
        help="Allow the agents to call the llmeng MCP tools (default: with --mcp).",
    )(f)
    f = click.option(
        "--mcp/--no-mcp",
        default=None,
        help="Register the llmeng MCP server (default: on when the server is installed).",
    )(f)
    f = click.option(
        "--hook/--no-hook",
        default=True,
        show_default=True,
        help="Merge the SubagentStop hook into settings.json.",
    )(f)
    return click.option(
        "--script/--no-script",
        default=True,
        show_default=True,
        help="Install .claude/scripts/update-active-session.sh.",
    )(f)


@click.command()
@click.argument("names", nargs=-1)
@click.option(
    "--all", "all_", is_flag=True, help="Install every agent in the source (the bundled team: the default)."
)
@_source_options
@_scope_options
@_extras_options
@click.option(
    "--watch", is_flag=True, help="With --from: re-validate and re-install on every change (no --dry-run)."
)
def install(
    names: tuple[str, ...],
    all_: bool,
    source: Path | None,
    dry_run: bool,
    force: bool,
    scope: str,
    target: Path | None,
    as_json: bool,
    script: bool,
    hook: bool,
    mcp: bool | None,
    permissions: bool | None,
    watch: bool,
) -> int:
    """Validate agents and install them into Claude Code, with a manifest of what was written.

    NAMES are agent names or patterns ('llm-*'). Agents with errors are not installed; files you
    changed are never overwritten without --force. Running it twice changes nothing.

    The hook and the MCP server entry run this llmeng: from a venv inside the project by a
    path relative to it, else by name when PATH finds it, else by its absolute path.

    \b
    Example:
      llmeng install                          # the bundled team, into ./.claude
      llmeng install --scope user --dry-run   # what would go into ~/.claude
      llmeng install --from ~/src/agents 'llm-*' --json
      llmeng install --from ./my-agents --all --watch   # re-install on every save
    """
    from llmeng.install import api

    options: dict[str, Any] = {
        "source": source,
        "all_agents": all_,
        "scope": scope,
        "target": target,
        "extras": api.Extras(script=script, hook=hook, mcp=mcp, permissions=permissions),
        "force": force,
        "dry_run": dry_run,
    }
    if watch:
        return _watch(names, as_json=as_json, **options)
    return _show(api.install(names, **options, **_process(), **_program()), verb="install", as_json=as_json)


def _watch(names: tuple[str, ...], *, as_json: bool, **options: Any) -> int:
    from llmeng.install import api

    def failed(e: LlmengError) -> None:
        click.echo(f"error: {e}\n  fix: {e.fix}", err=True)

    def done(report: InstallReport) -> None:
        _show(report, verb="install", as_json=as_json)

    try:
        api.watch(names, **options, **_process(), **_program(), on_report=done, on_error=failed)
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
    return EXIT_OK


@click.command()
@click.argument("names", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Print what would happen; write nothing.")
@_scope_options
def uninstall(names: tuple[str, ...], dry_run: bool, scope: str, target: Path | None, as_json: bool) -> int:
    """Remove what llmeng installed: unchanged files and its settings entries; changed files are kept.

    \b
    Example:
      llmeng uninstall                  # everything llmeng installed in ./.claude
      llmeng uninstall llm-architect --scope user --dry-run
    """
    from llmeng.install import api

    report = api.uninstall(names, scope=scope, target=target, dry_run=dry_run, **_process())
    return _show(report, verb="uninstall", as_json=as_json)


@click.command(name="list")
@click.option(
    "--target",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Project directory (default: the enclosing git checkout, else the current directory).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_(target: Path | None, as_json: bool) -> int:
    """Show agents in every scope (project, user, plugin): source, version, changed, shadowed.

    \b
    Example:
      llmeng list
      llmeng list --json | jq '.[] | select(.shadowed_by != "")'
    """
    from llmeng.install import api
    from llmeng.report import install as render

    rows = api.list_agents(target=target, **_process())
    _emit(render.inventory_json(rows) if as_json else render.inventory_text(rows, Path.cwd()), as_json)
    return EXIT_OK


@click.command()
@click.argument("names", nargs=-1)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The folder the agents came from (default: the bundled team).",
)
@_scope_options
def diff(names: tuple[str, ...], source: Path | None, scope: str, target: Path | None, as_json: bool) -> int:
    """Show how installed agents differ from their source (what `llmeng update` would change).

    \b
    Example:
      llmeng diff
      llmeng diff llm-architect --scope user
    """
    from llmeng.install import api
    from llmeng.report import install as render

    plan = api.diff(names, source=source, scope=scope, target=target, **_process())
    _emit(render.plan_json(plan) if as_json else render.diff_text(plan, Path.cwd()), as_json)
    return EXIT_OK


@click.command()
@click.argument("names", nargs=-1)
@_source_options
@_scope_options
def update(
    names: tuple[str, ...],
    source: Path | None,
    dry_run: bool,
    force: bool,
    scope: str,
    target: Path | None,
    as_json: bool,
) -> int:
    """Bring installed agents up to date with their source, keeping the ones you changed.

    \b
    Example:
      llmeng update --dry-run
      llmeng update --from ~/src/agents --scope user
    """
    from llmeng.install import api

    report = api.update(
        names,
        source=source,
        scope=scope,
        target=target,
        force=force,
        dry_run=dry_run,
        **_process(),
        **_program(),
    )
    return _show(report, verb="update", as_json=as_json)
