"""Agent files as the linter sees them: read safely, parsed, and placed in a Claude Code scope."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from llmeng.agents.body import BodyFacts, body_facts
from llmeng.agents.parse import ParsedAgent, parse_agent
from llmeng.agents.spec import Spec
from llmeng.fsutil import NotReadable, read_regular, resolves_within

SCOPE_PROJECT, SCOPE_USER, SCOPE_PLUGIN, SCOPE_SOURCE = "project", "user", "plugin", "source"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    root: Path
    manifest: Mapping[str, Any]


@dataclass(frozen=True)
class AgentDoc:
    path: Path
    display: str
    scope: str
    text: str | None = None
    parsed: ParsedAgent | None = None
    read_error: tuple[str, str, int] | None = None  # (rule id, message, line)
    has_bom: bool = False
    plugin: PluginInfo | None = None
    size: int = 0
    facts: BodyFacts = BodyFacts()  # noqa: RUF009 (frozen: one shared default is safe)

    @property
    def data(self) -> dict[str, Any] | None:
        return self.parsed.data if self.parsed is not None else None

    @property
    def name(self) -> str | None:
        data = self.data
        if data is None:
            return self.path.stem if self.plugin else None
        name = data.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
        return self.path.stem if self.plugin and "name" not in data else None

    @property
    def description(self) -> str:
        data = self.data or {}
        for key in ("description", "when_to_use", "when-to-use"):
            value = data.get(key)
            if isinstance(value, str):
                return value
        return ""


# Folders of a plugin (or of a project's .claude/) whose *.md files Claude Code loads as slash
# commands and skills, never as agents: their frontmatter (`allowed-tools`, `argument-hint`) is right there.
NOT_AGENT_DIRS = frozenset({"commands", "skills"})


def expand_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Agent files under the given paths (directories recursively, as Claude Code scans), and
    the paths that do not exist. The commands and skills of plugins and projects are left out."""
    found: dict[str, Path] = {}  # the real file -> the first path it was given as
    missing = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*.md")):
                # A FIFO, device or dangling link named *.md is kept: load_doc gives it its verdict
                # (AG113) instead of the walk passing over it in silence.
                if not f.is_dir() and not _in_command_dir(f):
                    found.setdefault(os.path.realpath(f), f)
        elif p.exists() or p.is_symlink():
            if not _in_command_dir(p):
                found.setdefault(os.path.realpath(p), p)
        else:
            missing.append(p)
    return list(found.values()), missing


def _in_command_dir(path: Path) -> bool:
    """Whether `path` sits in the commands/ or skills/ folder of a plugin or of a .claude/ folder."""
    return any(
        folder.name in NOT_AGENT_DIRS and (folder.parent.name == ".claude" or _plugin_at(folder.parent))
        for folder in Path(os.path.abspath(path)).parents
    )


def load_doc(
    path: Path, spec: Spec, *, cwd: Path, user_dir: Path, confine_to: Path | None = None
) -> AgentDoc:
    # Where the file *is listed* decides its scope (Claude Code follows symlinks in agents folders),
    # so the path is made absolute without resolving links.
    located = Path(os.path.abspath(path))
    display = _display(path, located, cwd)
    plugin = find_plugin(located)
    scope = _scope(located, user_dir, plugin)
    limit = spec.limits["file_max_bytes"]
    base: dict[str, Any] = {"path": path, "display": display, "scope": scope, "plugin": plugin}
    outside = _outside(path, confine_to)
    if outside is not None:
        return AgentDoc(**base, read_error=("AG113", outside, 1))
    try:
        # One byte past the limit tells an oversized file; a FIFO or device is refused unread.
        raw = read_regular(path, max_bytes=limit + 1, cut=True)
    except NotReadable as e:
        return AgentDoc(**base, read_error=("AG113", e.reason, 1))
    except OSError as e:
        return AgentDoc(
            **base,
            read_error=(
                "AG113",
                f"cannot read the file: {e.strerror or e}",
                1,
            ),
        )
    if len(raw) > limit:
        return AgentDoc(
            **base,
            size=len(raw),
            read_error=(
                "AG105",
                f"the file is over {limit // 1024} KiB; Claude Code does not load it",
                1,
            ),
        )
    has_bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        return AgentDoc(
            **base,
            size=len(raw),
            read_error=(
                "AG109",
                f"the file is not valid UTF-8 (byte {e.start}, line {line})",
                line,
            ),
        )
    # Parsed without the BOM so that every other check still runs; AG106 reports the BOM itself.
    parsed = parse_agent(text, spec)
    facts = body_facts(parsed.body, parsed.body_line) if parsed.data is not None else BodyFacts()
    return AgentDoc(
        **base,
        text=text,
        parsed=parsed,
        has_bom=has_bom,
        size=len(raw),
        facts=facts,
    )


def _outside(path: Path, confine_to: Path | None) -> str | None:
    """Why `path` is not read under `confine_to` (it resolves outside), or None."""
    if confine_to is None:
        return None
    if resolves_within(path, confine_to):
        return None
    return f"a link to a file outside {os.path.realpath(confine_to)}; not read"


def find_plugin(resolved: Path) -> PluginInfo | None:
    """The plugin whose agents/ folder holds this (resolved) file, if any."""
    for parent in resolved.parents:
        if parent.name == "agents":
            return _plugin_at(parent.parent)
    return None


@lru_cache(maxsize=256)
def _plugin_at(root: Path) -> PluginInfo | None:
    manifest_path = root / ".claude-plugin" / "plugin.json"
    if not manifest_path.is_file():
        return None
    manifest = _read_json(manifest_path)
    declared = manifest.get("name")
    name = declared if isinstance(declared, str) else root.name
    return PluginInfo(name=name, root=root, manifest=manifest)


def _scope(resolved: Path, user_dir: Path, plugin: PluginInfo | None) -> str:
    if plugin is not None:
        return SCOPE_PLUGIN
    try:
        resolved.relative_to(Path(os.path.abspath(user_dir / "agents")))
        return SCOPE_USER
    except ValueError:
        pass
    parts = resolved.parts
    for i in range(len(parts) - 1):
        if parts[i] == ".claude" and parts[i + 1] == "agents":
            return SCOPE_PROJECT
    return SCOPE_SOURCE


def _display(path: Path, resolved: Path, cwd: Path) -> str:
    try:
        return str(resolved.relative_to(Path(os.path.abspath(cwd))))
    except ValueError:
        return str(path)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_regular(path, max_bytes=1024 * 1024))  # a plugin.json
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
