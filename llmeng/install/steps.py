"""Planning steps for files: install one, remove one, write the manifest. They only read the disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from llmeng.errors import LlmengError
from llmeng.fsutil import NotReadable, read_regular
from llmeng.install import manifest as mf
from llmeng.install.components import SCRIPT_MODE, SCRIPT_PATH, Components, Want
from llmeng.install.manifest import FileRecord, Manifest, sha256
from llmeng.install.model import Action, Entry
from llmeng.install.scopes import ScopeDirs, ensure_inside
from llmeng.install.sources import SourceAgent
from llmeng.install.txn import TARGET_MAX_BYTES


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a file we may replace, or None when it is missing; anything but a file is an error."""
    try:
        return read_regular(path, max_bytes=TARGET_MAX_BYTES)
    except FileNotFoundError:
        return None
    except NotReadable as e:
        what = "a directory" if path.is_dir() else e.reason
        raise LlmengError(
            f"{path} is {what} where a file belongs", f"Move {path} aside, then run again."
        ) from None


def plan_file(
    dirs: ScopeDirs,
    rel: str,
    new: bytes,
    record: FileRecord | None,
    *,
    kind: str,
    name: str,
    force: bool,
    mode: int | None = None,
) -> list[Entry]:
    """Entries that put `new` at `rel` (under the scope's .claude): possibly a backup, then the file."""
    dest = dirs.root / rel
    try:
        ensure_inside(dest, dirs)
    except LlmengError as e:
        return [Entry(Action.CONFLICT, kind, dest, name, f"{e}; {e.fix}")]
    old = read_bytes(dest)
    if old is None:
        return [Entry(Action.CREATE, kind, dest, name, "new", content=new, mode=mode)]
    current = sha256(old)
    if current == sha256(new):
        # An identical file we did not write stays the user's: adopting it would let uninstall delete it.
        return [
            Entry(
                Action.SKIP,
                kind,
                dest,
                name,
                "up to date"
                if record
                else "an identical file is already there; not llmeng's, left untracked",
            )
        ]
    if record is not None and record.sha256 == current:
        return [
            Entry(
                Action.UPDATE,
                kind,
                dest,
                name,
                f"source changed since {record.version}",
                content=new,
                expected=current,
                old=old,
                mode=mode,
            )
        ]
    why = "changed since llmeng installed it" if record else "exists and was not installed by llmeng"
    if not force:
        return [
            Entry(
                Action.CONFLICT,
                kind,
                dest,
                name,
                f"{why}; kept (--force replaces it and keeps a backup)",
                old=old,
            )
        ]
    backup = dest.with_name(f"{dest.name}.bak-{current[:8]}")
    held = read_bytes(backup)
    return [
        Entry(
            Action.CREATE if held is None else Action.UPDATE,
            "backup",
            backup,
            name,
            f"copy of your {dest.name}",
            content=old,
            expected=None if held is None else sha256(held),
        ),
        Entry(
            Action.UPDATE,
            kind,
            dest,
            name,
            f"{why}; replaced (--force), backup {backup.name}",
            content=new,
            expected=current,
            old=old,
            mode=mode,
        ),
    ]


def plan_agents(
    dirs: ScopeDirs,
    agents: Sequence[SourceAgent],
    before: Manifest,
    *,
    version: str,
    source: str,
    force: bool,
) -> tuple[list[Entry], Manifest]:
    entries: list[Entry] = []
    after = before
    for agent in agents:
        rel = f"agents/{agent.filename}"
        if not agent.ok:
            entries.append(
                Entry(Action.INVALID, "agent", dirs.root / rel, agent.name, "; ".join(agent.problems))
            )
            continue
        record = before.files.get(rel)
        planned = plan_file(dirs, rel, agent.content, record, kind="agent", name=agent.name, force=force)
        entries += planned
        if _ours_after(planned[-1], record):
            kept = record is not None and record.sha256 == sha256(agent.content)
            after = after.with_file(
                FileRecord(
                    rel,
                    sha256(agent.content),
                    record.version if kept and record else version,
                    source,
                    "agent",
                    agent.name,
                )
            )
    return entries, after


def plan_script(
    dirs: ScopeDirs,
    want: Want,
    script: bytes | None,
    before: Manifest,
    after: Manifest,
    *,
    version: str,
    force: bool,
) -> tuple[list[Entry], Manifest]:
    record = before.files.get(SCRIPT_PATH)
    if want is Want.ABSENT or (want is Want.PRESENT and not after.agents()):
        return plan_remove(dirs, record, after) if record else ([], after)
    if want is Want.LEAVE or script is None:
        return [], after
    entries = plan_file(
        dirs, SCRIPT_PATH, script, record, kind="script", name="session script", force=force, mode=SCRIPT_MODE
    )
    if _ours_after(entries[-1], record):
        kept = record is not None and record.sha256 == sha256(script)
        after = after.with_file(
            FileRecord(
                SCRIPT_PATH,
                sha256(script),
                record.version if kept and record else version,
                "bundled",
                "script",
                "session script",
            )
        )
    return entries, after


def _ours_after(entry: Entry, record: FileRecord | None) -> bool:
    return entry.action in (Action.CREATE, Action.UPDATE) or (
        entry.action is Action.SKIP and record is not None
    )


def plan_remove(dirs: ScopeDirs, record: FileRecord, after: Manifest) -> tuple[list[Entry], Manifest]:
    """Remove one recorded file if it is unchanged; keep it (and stop tracking it) if not."""
    after = after.without_file(record.path)
    rel = PurePosixPath(record.path)
    dest = dirs.root / rel
    if rel.is_absolute() or ".." in rel.parts:
        return [
            Entry(Action.KEEP, record.kind, dest, record.name, "manifest path leaves the scope; ignored")
        ], after
    ensure_inside(dest, dirs)
    old = read_bytes(dest)
    if old is None:
        return [Entry(Action.SKIP, record.kind, dest, record.name, "already gone")], after
    if sha256(old) != record.sha256:
        return [
            Entry(
                Action.KEEP,
                record.kind,
                dest,
                record.name,
                "changed since install; kept and no longer tracked",
                old=old,
            )
        ], after
    return [
        Entry(
            Action.REMOVE,
            record.kind,
            dest,
            record.name,
            "unchanged since install",
            expected=record.sha256,
            old=old,
        )
    ], after


def plan_manifest(dirs: ScopeDirs, after: Manifest) -> list[Entry]:
    """The manifest write. `apply` performs it last, inside the same transaction as the files."""
    old = read_bytes(dirs.manifest)
    expected = None if old is None else sha256(old)
    if after.empty:
        return (
            []
            if old is None
            else [
                Entry(
                    Action.REMOVE,
                    "manifest",
                    dirs.manifest,
                    "manifest",
                    "nothing installed any more",
                    expected=expected,
                )
            ]
        )
    new = mf.dumps(after)
    if new == old:
        return []
    action = Action.CREATE if old is None else Action.UPDATE
    return [
        Entry(
            action,
            "manifest",
            dirs.manifest,
            "manifest",
            "record of installed files",
            content=new,
            expected=expected,
        )
    ]


def components_for_uninstall(after: Manifest, before: Manifest) -> Components:
    """All of our extras go once the last agent does; until then only the hook's matcher follows."""
    if not after.agents():
        return Components(Want.ABSENT, Want.ABSENT, Want.ABSENT, Want.ABSENT)
    hook = Want.PRESENT if "hook" in before.edits else Want.LEAVE
    return Components(Want.LEAVE, hook, Want.LEAVE, Want.LEAVE)
