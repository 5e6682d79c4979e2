"""The click adapter. Subcommands live in their own modules and load only when used."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from llmeng import __version__
from llmeng.errors import LlmengError

# name -> "module:attribute". Keeping this a plain table keeps `llmeng --help` fast:
# a command module imports only click at the top and the core inside its function.
COMMANDS: dict[str, str] = {
    "validate": "llmeng.cli.validate:validate",
    "schema": "llmeng.cli.validate:schema",
    "rules": "llmeng.cli.rules:rules",
    "explain": "llmeng.cli.rules:explain",
    "models": "llmeng.cli.models:models",
    "select": "llmeng.cli.models:select",
    "usage": "llmeng.cli.usage:usage",
    "session": "llmeng.cli.session:session",
    "hook": "llmeng.cli.hook:hook",
    "audit": "llmeng.cli.audit:audit",
    "install": "llmeng.cli.install:install",
    "uninstall": "llmeng.cli.install:uninstall",
    "list": "llmeng.cli.install:list_",
    "diff": "llmeng.cli.install:diff",
    "update": "llmeng.cli.install:update",
}

EXIT_USAGE = 2


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="llmeng")
def cli() -> None:
    """LLM-engineering agent team for Claude Code, and the tools that keep it honest.

    \b
    Start here:
      llmeng validate agents/        lint agent definition files
      llmeng rules                   list every rule the linter knows
      llmeng explain AG301           what a rule means and how to fix it
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code instead of exiting."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="llmeng", standalone_mode=False
        )
    except LlmengError as e:
        click.echo(f"error: {e}\n  fix: {e.fix}", err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
