"""install, uninstall, list, diff, update: thin click wrappers over llmeng.install."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_FINDINGS = 0, 1
F = Callable[..., Any]


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
@click.option("--watch", is_flag=True, help="With --from: re-validate and re-install on every change.")
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
    """
    from llmeng.cli import install_run as run

    if source is not None and not names and not all_:
        raise click.UsageError("with --from, name the agents to install (patterns work) or pass --all")
    if watch and source is None:
        raise click.UsageError("--watch needs --from DIR: the folder you are editing")
    extras = run.extras(script=script, hook=hook, mcp=mcp, permissions=permissions)
    ctx = run.Context.build(scope, target)
    request = ctx.request(source, names, extras=extras, force=force)
    if watch:
        return run.watch(ctx, request, as_json=as_json)
    return run.install_once(ctx, request, dry_run=dry_run, as_json=as_json)


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
    from llmeng.cli import install_run as run

    return run.uninstall(run.Context.build(scope, target), names, dry_run=dry_run, as_json=as_json)


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
    from llmeng.cli import install_run as run

    return run.list_agents(run.Context.build("project", target), as_json=as_json)


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
    from llmeng.cli import install_run as run

    ctx = run.Context.build(scope, target)
    return run.diff(ctx, ctx.request(source, names, installed_only=True), as_json=as_json)


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
    from llmeng.cli import install_run as run

    ctx = run.Context.build(scope, target)
    request = ctx.request(
        source,
        names,
        installed_only=True,
        force=force,
        extras=run.extras(script=True, hook=True, mcp=None, permissions=None, keep=True),
    )
    return run.install_once(ctx, request, dry_run=dry_run, as_json=as_json)
