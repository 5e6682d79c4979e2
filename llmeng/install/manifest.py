"""The record of what llmeng installed in one scope: each file's sha256 and version, each settings edit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.fsutil import NotReadable, read_regular
from llmeng.install import restore
from llmeng.install.restore import Restore

SCHEMA = 1
MANIFEST_MAX_BYTES = 16 << 20  # ours, a few KiB; a bigger one was not written by llmeng


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileRecord:
    """One file we wrote. `path` is relative to the scope's `.claude` directory."""

    path: str
    sha256: str
    version: str
    source: str
    kind: str  # "agent" or "script"
    name: str = ""


@dataclass(frozen=True)
class SettingsEdit:
    """One edit we made to a JSON settings file, recorded exactly so uninstall can undo only that.

    `file` is "settings" (the scope's settings.json) or "mcp" (.mcp.json / ~/.claude.json).
    `value` is what we added: a hook group, a list of permission rules, or an MCP server entry.
    `created_file` says the file did not exist before, so an empty result may be deleted.
    `containers` names the keys we created to hold `value` ("hooks", "hooks.SubagentStop"): only
    those may go when they end up empty. None (manifests before 0.1.1): any emptied one goes.
    """

    kind: str  # "hook" | "permissions" | "mcp"
    file: str
    value: Any
    created_file: bool = False
    containers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Manifest:
    scope: str
    files: Mapping[str, FileRecord] = field(default_factory=dict)
    edits: Mapping[str, SettingsEdit] = field(default_factory=dict)
    dirs: tuple[str, ...] = ()  # directories llmeng created (relative; "." is the scope dir itself)
    restores: Mapping[str, Restore] = field(default_factory=dict)  # file -> how to give its bytes back

    @property
    def empty(self) -> bool:
        return not self.files and not self.edits

    def agents(self) -> dict[str, FileRecord]:
        return {p: r for p, r in self.files.items() if r.kind == "agent"}

    def with_file(self, record: FileRecord) -> Manifest:
        return replace(self, files={**self.files, record.path: record})

    def without_file(self, path: str) -> Manifest:
        return replace(self, files={p: r for p, r in self.files.items() if p != path})

    def with_edit(self, edit: SettingsEdit | None, kind: str) -> Manifest:
        edits = {k: e for k, e in self.edits.items() if k != kind}
        if edit is not None:
            edits[kind] = edit
        return replace(self, edits=edits)

    def with_restore(self, file: str, patch: Restore | None) -> Manifest:
        restores = {f: r for f, r in self.restores.items() if f != file}
        if patch is not None:
            restores[file] = patch
        return replace(self, restores=restores)


def dumps(manifest: Manifest) -> bytes:
    data = {
        "schema": SCHEMA,
        "tool": "llmeng",
        "scope": manifest.scope,
        "files": {p: _record_dict(r) for p, r in sorted(manifest.files.items())},
        "edits": {k: _edit_dict(e) for k, e in sorted(manifest.edits.items())},
        "dirs": sorted(manifest.dirs),
    }
    if manifest.restores:
        data["restore"] = {f: restore.to_json(r) for f, r in sorted(manifest.restores.items())}
    return (json.dumps(data, indent=2) + "\n").encode()


def load(path: Path, scope: str) -> Manifest:
    """The manifest at `path`, or an empty one when there is none."""
    try:
        raw = read_regular(path, max_bytes=MANIFEST_MAX_BYTES)
    except FileNotFoundError:
        return Manifest(scope=scope)
    except NotReadable as e:
        raise LlmengError(
            f"{path} is {e.reason}; it cannot be llmeng's manifest",
            f"Move {path.name} aside and run install again (your files are kept).",
        ) from None
    try:
        data = json.loads(raw)
        files = {p: FileRecord(path=p, **r) for p, r in data["files"].items()}
        edits = {k: _edit(e) for k, e in data.get("edits", {}).items()}
        restores = {f: restore.from_json(r) for f, r in data.get("restore", {}).items()}
        if data.get("schema") != SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        raise LlmengError(
            f"{path} is not a manifest this llmeng can read ({e})",
            f"Upgrade llmeng, or move {path.name} aside and run install again (your files are kept; "
            "changed ones are reported as conflicts).",
        ) from e
    return Manifest(
        scope=data.get("scope", scope),
        files=files,
        edits=edits,
        dirs=tuple(str(d) for d in data.get("dirs", ())),
        restores=restores,
    )


def _edit(d: dict[str, Any]) -> SettingsEdit:
    containers = d.pop("containers", None)
    return SettingsEdit(**d, containers=None if containers is None else tuple(map(str, containers)))


def _record_dict(r: FileRecord) -> dict[str, str]:
    return {"sha256": r.sha256, "version": r.version, "source": r.source, "kind": r.kind, "name": r.name}


def _edit_dict(e: SettingsEdit) -> dict[str, Any]:
    d = {"kind": e.kind, "file": e.file, "value": e.value, "created_file": e.created_file}
    return d if e.containers is None else {**d, "containers": list(e.containers)}
