"""The install commands' adapter: reads the environment, makes the core calls, prints, picks exit codes."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from llmeng import __version__
from llmeng.claude_paths import project_root
from llmeng.cli import install_render as render
from llmeng.errors import LlmengError
from llmeng.install import bundle
from llmeng.install.apply import apply, recover_scope
from llmeng.install.components import Components, Launch, Want, choose_launch
from llmeng.install.inventory import inventory
from llmeng.install.plan import InstallPlan, Request, plan_install, plan_uninstall
from llmeng.install.scopes import Scope, ScopeDirs, scope_dirs
from llmeng.install.sources import Linter, default_linter

EXIT_OK, EXIT_FINDINGS = 0, 1


@dataclass(frozen=True)
class Extras:
    script: bool
    hook: bool
    mcp: bool
    permissions: bool
    keep: bool = False  # update: refresh only what the manifest says we installed


def extras(
    *, script: bool, hook: bool, mcp: bool | None, permissions: bool | None, keep: bool = False
) -> Extras:
    # The MCP step stays off until the server ships in this install (mcp_server importable).
    mcp_on = importlib.util.find_spec("mcp_server") is not None if mcp is None else mcp
    return Extras(script, hook, mcp_on, mcp_on if permissions is None else permissions, keep)


@dataclass(frozen=True)
class Context:
    env: Mapping[str, str]
    home: Path
    cwd: Path
    project: Path
    dirs: ScopeDirs

    @classmethod
    def build(cls, scope: str, target: Path | None) -> Context:
        if target is not None and scope == "user":
            raise click.UsageError("--target names a project directory; it does not apply to --scope user")
        env = dict(os.environ)
        home = Path(env.get("HOME") or Path.home())
        cwd = Path.cwd()
        project = target.absolute() if target is not None else project_root(cwd, env=env, home=home)
        return cls(env, home, cwd, project, scope_dirs(Scope(scope), env=env, home=home, project=project))

    @property
    def lint(self) -> Linter:
        try:
            return default_linter(env=self.env, cwd=self.cwd, home=self.home)
        except ImportError as e:
            raise LlmengError(
                "the agent validator is not available in this build",
                "Install a complete llmeng (`pip install -U llmeng`).",
            ) from e

    def request(
        self,
        source: Path | None,
        names: Sequence[str],
        *,
        extras: Extras | None = None,
        force: bool = False,
        installed_only: bool = False,
    ) -> Request:
        label = "bundled" if source is None else str(source.absolute())
        other = Scope.USER if self.dirs.scope is Scope.PROJECT else Scope.PROJECT
        other_dirs = scope_dirs(other, env=self.env, home=self.home, project=self.project)
        return Request(
            self.dirs,
            bundle.agents_dir() if source is None else source.absolute(),
            label,
            __version__,
            tuple(names),
            self._components(extras),
            bundle.session_script(),
            force,
            installed_only,
            (other_dirs,),
        )

    def _components(self, extras: Extras | None) -> Components:
        if extras is None:
            return Components(Want.LEAVE, Want.LEAVE, Want.LEAVE, Want.LEAVE)
        if not extras.keep:
            return Components.from_flags(
                script=extras.script,
                hook=extras.hook,
                mcp=extras.mcp,
                permissions=extras.permissions,
                launch=self.launch(),
            )
        from llmeng.install import manifest

        before = manifest.load(self.dirs.manifest, self.dirs.scope)
        ours = {r.kind for r in before.files.values()} | set(before.edits)
        return Components.from_flags(
            script="script" in ours,
            hook="hook" in ours,
            mcp="mcp" in ours,
            permissions="permissions" in ours,
            launch=self.launch(),
        )

    def launch(self) -> Launch:
        """How Claude Code should start this llmeng: from PATH, or from the folder it runs from."""
        programs = running_programs()
        if programs is None:
            return Launch()
        found = shutil.which("llmeng", path=self.env.get("PATH", ""))
        project = self.project if self.dirs.scope is Scope.PROJECT else None
        return choose_launch(programs, Path(found).parent if found else None, project)


def running_programs() -> Path | None:
    """The folder holding the running `llmeng` and `llmeng-mcp` (a venv's bin), unresolved, or None."""
    argv0 = Path(sys.argv[0])
    # The console script as invoked keeps a symlinked venv's path; `python -m llmeng` has no script.
    folder = argv0.absolute().parent if argv0.name == "llmeng" else Path(sys.executable).absolute().parent
    wanted = ("llmeng", "llmeng-mcp") if importlib.util.find_spec("mcp_server") else ("llmeng",)
    return folder if all((folder / name).is_file() for name in wanted) else None


def install_once(ctx: Context, request: Request, *, dry_run: bool, as_json: bool) -> int:
    recovered = False if dry_run else recover_scope(ctx.dirs)
    plan = plan_install(request, lint=ctx.lint)
    verb = "update" if request.installed_only else "install"
    return _finish(ctx, plan, dry_run=dry_run, as_json=as_json, recovered=recovered, verb=verb)


def uninstall(ctx: Context, names: Sequence[str], *, dry_run: bool, as_json: bool) -> int:
    recovered = False if dry_run else recover_scope(ctx.dirs)
    plan = plan_uninstall(ctx.dirs, names)
    return _finish(ctx, plan, dry_run=dry_run, as_json=as_json, recovered=recovered, verb="uninstall")


def diff(ctx: Context, request: Request, *, as_json: bool) -> int:
    plan = plan_install(request, lint=ctx.lint)
    _emit(
        render.plan_json(plan, dry_run=True, applied=False) if as_json else render.diff_text(plan, ctx.cwd),
        as_json,
    )
    return EXIT_OK


def list_agents(ctx: Context, *, as_json: bool) -> int:
    rows = inventory(env=ctx.env, home=ctx.home, project=ctx.project, lint=ctx.lint)
    _emit(render.inventory_json(rows) if as_json else render.inventory_text(rows, ctx.cwd), as_json)
    return EXIT_OK


def watch(ctx: Context, request: Request, *, as_json: bool, stop: threading.Event | None = None) -> int:
    from llmeng.install.watch import watch_dir

    def once() -> None:
        # One bad save must not end the session: report it and keep watching.
        try:
            install_once(ctx, request, dry_run=False, as_json=as_json)
        except LlmengError as e:
            click.echo(f"error: {e}\n  fix: {e.fix}", err=True)

    once()
    try:
        watch_dir(request.source, once, stop=stop or threading.Event())
    except KeyboardInterrupt:
        click.echo("stopped watching", err=True)
    return EXIT_OK


def _finish(
    ctx: Context, plan: InstallPlan, *, dry_run: bool, as_json: bool, recovered: bool, verb: str
) -> int:
    report = None if dry_run else apply(plan, recovered=recovered)
    if as_json:
        _emit(render.plan_json(plan, dry_run=dry_run, applied=report is not None, recovered=recovered), True)
    else:
        _emit(render.plan_text(plan, ctx.cwd, dry_run=dry_run, verb=verb, recovered=recovered), False)
    return EXIT_OK if plan.ok else EXIT_FINDINGS


def _emit(payload: Any, as_json: bool) -> None:
    click.echo(json.dumps(payload, indent=2) if as_json else payload)
