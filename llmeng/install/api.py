"""Entry points for adapters (CLI, MCP): install, update, uninstall, diff, list and watch agents.

Each call takes what an adapter reads from its process (`env`, `home`, `cwd`, and for the commands
that write the hook, the running program's `argv0` and `executable`) and returns a result to render.
Nothing here prints or reads the environment or the clock.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from llmeng import __version__
from llmeng.claude_paths import project_root
from llmeng.errors import LlmengError
from llmeng.install import bundle
from llmeng.install import manifest as mf
from llmeng.install.apply import InstallReport, apply, recover_scope
from llmeng.install.components import Components, Launch, Want, choose_launch
from llmeng.install.failures import os_failure
from llmeng.install.inventory import InstalledAgent, inventory
from llmeng.install.model import InstallPlan
from llmeng.install.plan import Request, plan_install, plan_uninstall
from llmeng.install.scopes import Scope, ScopeDirs, scope_dirs
from llmeng.install.sources import Linter, default_linter

__all__ = [
    "Extras",
    "InstallPlan",
    "InstallReport",
    "InstalledAgent",
    "diff",
    "install",
    "list_agents",
    "running_programs",
    "uninstall",
    "update",
    "watch",
]


@dataclass(frozen=True)
class Extras:
    """What an install adds besides agents. None: on when the MCP server ships in this install."""

    script: bool = True
    hook: bool = True
    mcp: bool | None = None
    permissions: bool | None = None  # None: as `mcp`


@dataclass(frozen=True)
class _Place:
    """Where a command works: the caller's process facts and the scope they point at."""

    env: Mapping[str, str]
    home: Path
    cwd: Path
    project: Path
    dirs: ScopeDirs


def install(
    names: Sequence[str] = (),
    *,
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    source: Path | None = None,
    all_agents: bool = False,
    scope: str = Scope.PROJECT,
    target: Path | None = None,
    extras: Extras = Extras(),
    force: bool = False,
    dry_run: bool = False,
    argv0: str = "",
    executable: str = "",
) -> InstallReport:
    """Validate and install `names` (all, by default) from `source` (default: the bundled team).

    A dry run plans and applies nothing. Otherwise an interrupted earlier run is rolled back first.
    """
    _check_names(source, names, all_agents)
    place = _place(scope, target, env=env, home=home, cwd=cwd)
    launch = _launch(place, argv0, executable)
    with _os_errors():
        request = _request(place, source, names, _chosen(extras, launch), force=force)
    return _install(place, request, dry_run=dry_run)


def update(
    names: Sequence[str] = (),
    *,
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    source: Path | None = None,
    scope: str = Scope.PROJECT,
    target: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    argv0: str = "",
    executable: str = "",
) -> InstallReport:
    """Bring agents installed from `source` up to date, with the extras the manifest says we own."""
    place = _place(scope, target, env=env, home=home, cwd=cwd)
    launch = _launch(place, argv0, executable)
    with _os_errors():
        request = _request(place, source, names, _owned(place.dirs, launch), force=force, installed_only=True)
    return _install(place, request, dry_run=dry_run)


def uninstall(
    names: Sequence[str] = (),
    *,
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    scope: str = Scope.PROJECT,
    target: Path | None = None,
    dry_run: bool = False,
) -> InstallReport:
    """Remove what llmeng installed (`names`, or everything) and the user left unchanged."""
    place = _place(scope, target, env=env, home=home, cwd=cwd)
    with _os_errors():
        recovered = False if dry_run else recover_scope(place.dirs)
        plan = plan_uninstall(place.dirs, names)
        return InstallReport(plan, applied=False) if dry_run else apply(plan, recovered=recovered)


def diff(
    names: Sequence[str] = (),
    *,
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    source: Path | None = None,
    scope: str = Scope.PROJECT,
    target: Path | None = None,
) -> InstallPlan:
    """What `update` would do to the installed agents: a plan, never applied."""
    place = _place(scope, target, env=env, home=home, cwd=cwd)
    leave = Components(Want.LEAVE, Want.LEAVE, Want.LEAVE, Want.LEAVE)
    with _os_errors():
        request = _request(place, source, names, leave, installed_only=True)
        return plan_install(request, lint=_linter(place))


def list_agents(
    *, env: Mapping[str, str], home: Path, cwd: Path, target: Path | None = None
) -> tuple[InstalledAgent, ...]:
    """Every agent Claude Code would consider in the project, user and plugin scopes."""
    place = _place(Scope.PROJECT, target, env=env, home=home, cwd=cwd)
    with _os_errors():
        return inventory(env=env, home=home, project=place.project, lint=_linter(place))


def watch(
    names: Sequence[str] = (),
    *,
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    source: Path | None,
    on_report: Callable[[InstallReport], object],
    on_error: Callable[[LlmengError], object],
    all_agents: bool = False,
    scope: str = Scope.PROJECT,
    target: Path | None = None,
    extras: Extras = Extras(),
    force: bool = False,
    dry_run: bool = False,
    argv0: str = "",
    executable: str = "",
    stop: threading.Event | None = None,
) -> None:
    """Install now and again after each change under `source`, until `stop` is set.

    Each run's report goes to `on_report`. A run that fails goes to `on_error` and the watch goes on:
    one bad save must not end the session.
    """
    if source is None:
        raise LlmengError(
            "--watch needs --from DIR: the folder you are editing",
            "Pass --from with the folder of agent files you are working on.",
        )
    if dry_run:
        raise LlmengError("--watch installs on every change; it cannot be a --dry-run", "Drop one of them.")
    _check_names(source, names, all_agents)
    place = _place(scope, target, env=env, home=home, cwd=cwd)
    launch = _launch(place, argv0, executable)
    request = _request(place, source, names, _chosen(extras, launch), force=force)

    def once() -> None:
        try:
            on_report(_install(place, request, dry_run=False))
        except LlmengError as e:
            on_error(e)

    from llmeng.install import watch as watching  # watchdog loads only for --watch

    once()
    watching.watch_dir(request.source, once, stop=stop or threading.Event())


def running_programs(argv0: str, executable: str, *, cwd: Path) -> Path | None:
    """The folder holding the running `llmeng` (and `llmeng-mcp`, when it ships), unresolved, or None."""
    if not argv0 and not executable:
        return None
    script = Path(argv0)
    # The console script as invoked keeps a symlinked venv's path; `python -m llmeng` has no script.
    folder = (cwd / script).parent if script.name == "llmeng" else (cwd / executable).parent
    wanted = ("llmeng", "llmeng-mcp") if _mcp_ships() else ("llmeng",)
    return folder if all((folder / name).is_file() for name in wanted) else None


def _install(place: _Place, request: Request, *, dry_run: bool) -> InstallReport:
    with _os_errors():
        recovered = False if dry_run else recover_scope(place.dirs)
        plan = plan_install(request, lint=_linter(place))
        return InstallReport(plan, applied=False) if dry_run else apply(plan, recovered=recovered)


@contextlib.contextmanager
def _os_errors() -> Iterator[None]:
    # Writes already turn their OS errors into LlmengError after rolling back; this catches the
    # rest (an agent file or folder that cannot be read), so no command ends in a traceback.
    try:
        yield
    except OSError as e:
        raise os_failure(e) from e


def _check_names(source: Path | None, names: Sequence[str], all_agents: bool) -> None:
    # The bundled team installs whole by default; another folder may hold anything, so say which.
    if source is not None and not names and not all_agents:
        raise LlmengError(
            "with --from, name the agents to install (patterns work) or pass --all",
            "e.g. llmeng install --from DIR 'llm-*', or --from DIR --all.",
        )


def _place(scope: str, target: Path | None, *, env: Mapping[str, str], home: Path, cwd: Path) -> _Place:
    try:
        chosen = Scope(scope)
    except ValueError:
        raise LlmengError(f"unknown scope {scope!r}", "Use project or user.") from None
    if target is not None and chosen is Scope.USER:
        raise LlmengError(
            "--target names a project directory; it does not apply to --scope user",
            "Drop --target, or use --scope project.",
        )
    project = cwd / target if target is not None else project_root(cwd, env=env, home=home)
    return _Place(env, home, cwd, project, scope_dirs(chosen, env=env, home=home, project=project))


def _linter(place: _Place) -> Linter:
    try:
        return default_linter(env=place.env, cwd=place.cwd, home=place.home)
    except ImportError as e:
        raise LlmengError(
            "the agent validator is not available in this build",
            "Install a complete llmeng (`pip install -U llmeng`).",
        ) from e


def _request(
    place: _Place,
    source: Path | None,
    names: Sequence[str],
    components: Components,
    *,
    force: bool = False,
    installed_only: bool = False,
) -> Request:
    folder = bundle.agents_dir() if source is None else place.cwd / source
    other = Scope.USER if place.dirs.scope is Scope.PROJECT else Scope.PROJECT
    return Request(
        place.dirs,
        folder,
        "bundled" if source is None else str(folder),
        __version__,
        tuple(names),
        components,
        bundle.session_script(),
        force,
        installed_only,
        (scope_dirs(other, env=place.env, home=place.home, project=place.project),),
    )


def _chosen(extras: Extras, launch: Launch) -> Components:
    # The MCP step stays off until the server ships in this install.
    mcp = _mcp_ships() if extras.mcp is None else extras.mcp
    permissions = mcp if extras.permissions is None else extras.permissions
    return Components.from_flags(
        script=extras.script, hook=extras.hook, mcp=mcp, permissions=permissions, launch=launch
    )


def _owned(dirs: ScopeDirs, launch: Launch) -> Components:
    """update refreshes only the extras the manifest says an earlier install added."""
    before = mf.load(dirs.manifest, dirs.scope)
    ours = {r.kind for r in before.files.values()} | set(before.edits)
    return Components.from_flags(
        script="script" in ours,
        hook="hook" in ours,
        mcp="mcp" in ours,
        permissions="permissions" in ours,
        launch=launch,
    )


def _launch(place: _Place, argv0: str, executable: str) -> Launch:
    """How Claude Code should start this llmeng: from PATH, or from the folder it runs from."""
    programs = running_programs(argv0, executable, cwd=place.cwd)
    if programs is None:
        return Launch()
    found = shutil.which("llmeng", path=place.env.get("PATH", ""))
    project = place.project if place.dirs.scope is Scope.PROJECT else None
    return choose_launch(programs, Path(found).parent if found else None, project)


def _mcp_ships() -> bool:
    return importlib.util.find_spec("mcp_server") is not None
