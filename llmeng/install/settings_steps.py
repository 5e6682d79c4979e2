"""Planning the JSON edits: the SubagentStop hook and permissions in settings.json, the MCP server entry.

Each edit is recorded in the manifest exactly as made, so uninstall removes that and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.install import restore
from llmeng.install import settings as js
from llmeng.install.components import (
    HOOK_EVENT,
    MCP_SERVER,
    Components,
    Launch,
    Want,
    hook_group,
    hook_matcher,
    permission_rules,
)
from llmeng.install.manifest import Manifest, SettingsEdit, sha256
from llmeng.install.model import Action, Entry
from llmeng.install.restore import Pristine
from llmeng.install.scopes import ScopeDirs, ensure_inside


def plan_settings(
    dirs: ScopeDirs, want: Components, after: Manifest
) -> tuple[list[Entry], Manifest, list[str]]:
    """The settings.json entry (hook + permissions), with the manifest and notes that follow from it."""
    names = sorted(r.name for r in after.agents().values())
    hook, perms = _unless_none_installed(want.hook, names), _unless_none_installed(want.permissions, names)
    if hook is Want.LEAVE and perms is Want.LEAVE:
        return [], after, []
    if (refused := _refused(dirs, dirs.settings, "settings")) is not None:
        return [refused], after, []
    doc = js.read_doc(dirs.settings)
    created, pristine = _created(after, "settings", doc), _pristine(after, "settings", doc)
    data, after, notes = _plan_hook(dirs.settings, hook, names, want.launch, doc.data, after, created)
    data, after = _plan_permissions(perms, data, after, created)
    entries, after = _json_entry(doc, data, after, "settings", created, pristine)
    return entries, after, notes


def _unless_none_installed(want: Want, our_agents: list[str]) -> Want:
    # No agent of ours installed: no hook, permissions or MCP server either (and ours from before go).
    return Want.ABSENT if want is Want.PRESENT and not our_agents else want


def _plan_hook(
    settings: Path,
    hook: Want,
    names: list[str],
    launch: Launch | None,
    data: dict[str, Any],
    after: Manifest,
    created: bool,
) -> tuple[dict[str, Any], Manifest, list[str]]:
    """Settings with our SubagentStop hook put in, replaced or taken out, and the manifest to match."""
    prev = after.edits.get("hook")
    old_group = prev.value if prev else None
    new_group = _hook_group(names, launch, old_group) if hook is Want.PRESENT else None
    if hook is Want.LEAVE or not (prev or new_group):
        return data, after, []
    new_group, notes = _spare_users_hook(settings, data, prev is not None, old_group, new_group)
    data, made = js.put_hook(data, HOOK_EVENT, old_group, new_group, prev.containers if prev else ())
    edit = SettingsEdit("hook", "settings", new_group, created, made) if new_group else None
    return data, after.with_edit(edit, "hook"), notes


def _spare_users_hook(
    settings: Path, data: dict[str, Any], had_ours: bool, old_group: Any, new_group: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The hook group to write: none when the user's own hook already runs our command, with a note saying so."""
    if old_group in _groups(data):
        return new_group, []
    if new_group is not None:
        command = new_group["hooks"][0]["command"]
        if js.has_hook_command(data, HOOK_EVENT, command):
            return None, [f"{settings}: a {HOOK_EVENT} hook already runs `{command}`; left as is"]
    elif had_ours:
        return None, [f"{settings}: the {HOOK_EVENT} hook was edited by you; left in place"]
    return new_group, []


def _plan_permissions(
    perms: Want, data: dict[str, Any], after: Manifest, created: bool
) -> tuple[dict[str, Any], Manifest]:
    """Settings with our permission rules put in or taken out, and the manifest to match."""
    if perms is Want.LEAVE or (perms is Want.ABSENT and "permissions" not in after.edits):
        return data, after
    prev = after.edits.get("permissions")
    rules = permission_rules() if perms is Want.PRESENT else []
    data, ours, made = js.put_allow(data, prev.value if prev else [], rules, prev.containers if prev else ())
    edit = SettingsEdit("permissions", "settings", ours, created, made) if ours else None
    return data, after.with_edit(edit, "permissions")


def _hook_group(names: list[str], launch: Launch | None, old_group: Any) -> dict[str, Any]:
    if launch is None and isinstance(old_group, dict):  # the matcher follows the agents; the command stays
        return {**old_group, "matcher": hook_matcher(names)}
    return hook_group(names, launch)


def plan_mcp(
    dirs: ScopeDirs, want: Want, after: Manifest, launch: Launch | None = None
) -> tuple[list[Entry], Manifest, list[str]]:
    """The MCP server registration in .mcp.json (project) or ~/.claude.json (user).

    `launch` None keeps the command recorded by the last install, as for the hook."""
    want = _unless_none_installed(want, list(after.agents()))
    prev = after.edits.get("mcp")
    entry = prev.value if launch is None and prev is not None else (launch or Launch()).mcp_entry()
    if want is Want.LEAVE or (want is Want.ABSENT and prev is None):
        return [], after, []
    if (refused := _refused(dirs, dirs.mcp_config, "mcp")) is not None:
        return [refused], after, []
    doc = js.read_doc(dirs.mcp_config)
    created, pristine = _created(after, "mcp", doc), _pristine(after, "mcp", doc)
    data, edit, notes = _mcp_edit(dirs.mcp_config, want, doc.data, prev, entry, created)
    if edit is not None and dirs.scope == "project":
        notes.append(
            "Claude Code asks once before starting servers from .mcp.json: approve `llmeng` "
            "(or set enabledMcpjsonServers in .claude/settings.local.json)"
        )
    entries, after = _json_entry(doc, data, after.with_edit(edit, "mcp"), "mcp", created, pristine)
    return entries, after, notes


def _mcp_edit(
    path: Path, want: Want, data: dict[str, Any], prev: SettingsEdit | None, entry: Any, created: bool
) -> tuple[dict[str, Any], SettingsEdit | None, list[str]]:
    """The config with our server entry added or removed, the edit to record, and notes on what was left."""
    current = js.server_entry(data, MCP_SERVER)
    ours = prev is not None and current == prev.value
    if want is Want.ABSENT and prev is not None:
        notes = (
            []
            if ours or current is None
            else [f"{path}: the `{MCP_SERVER}` MCP server was edited by you; left in place"]
        )
        return js.remove_server(data, MCP_SERVER, prev.value, prev.containers), None, notes
    if current is None or ours:
        data, made = js.add_server(data, MCP_SERVER, entry, prev.containers if prev else ())
        return data, SettingsEdit("mcp", "mcp", entry, created, made), []
    if current != entry:
        note = f"{path}: an MCP server named `{MCP_SERVER}` is already configured differently; left as is"
        return data, None, [note]
    return data, prev, []


def _refused(dirs: ScopeDirs, path: Path, kind: str) -> Entry | None:
    """A conflict entry when `path` may not be written (a symlink, or outside the scope)."""
    try:
        ensure_inside(path, dirs)
    except LlmengError as e:
        return Entry(Action.CONFLICT, kind, path, path.name, f"{e}; our entries were not added ({e.fix})")
    return None


def _groups(data: dict[str, Any]) -> list[Any]:
    hooks = data.get("hooks")
    groups = hooks.get(HOOK_EVENT) if isinstance(hooks, dict) else None
    return groups if isinstance(groups, list) else []


def _created(after: Manifest, file: str, doc: js.JsonDoc) -> bool:
    """Whether llmeng created this file: true if it is new now, or an earlier edit of ours created it."""
    earlier = [e for e in after.edits.values() if e.file == file]
    return any(e.created_file for e in earlier) if earlier else not doc.exists


def _pristine(after: Manifest, file: str, doc: js.JsonDoc) -> Pristine | None:
    """The file as it was before llmeng first edited it, while that is still known exactly."""
    patch = after.restores.get(file)
    if patch is not None:
        return restore.undo(patch, doc.raw)
    edited_before = any(e.file == file for e in after.edits.values())
    return None if edited_before else Pristine(doc.raw)


def _json_entry(
    doc: js.JsonDoc,
    data: dict[str, Any],
    after: Manifest,
    file: str,
    created: bool,
    pristine: Pristine | None,
) -> tuple[list[Entry], Manifest]:
    """The write that puts `data` in `doc`, and the manifest with the undo record to match.

    Once none of our entries is left, a file still holding exactly what we wrote gets its original
    bytes back; one changed since loses our entries and keeps the rest (layout included).
    """
    still_ours = any(e.file == file for e in after.edits.values())
    if not still_ours:
        after = after.with_restore(file, None)
        if pristine is not None and pristine.raw != doc.raw and _holds(doc.path, pristine, data):
            return [_restored(doc, file, pristine)], after
    if data == doc.data:
        skip = Entry(Action.SKIP, file, doc.path, doc.path.name, "up to date")
        return ([skip] if still_ours else []), after
    if not data and created and not still_ours:
        return [_entry(Action.REMOVE, doc, file, "only held our entries")], after
    content = doc.render(data)
    if still_ours:
        after = after.with_restore(file, None if pristine is None else restore.record(pristine, content))
    reason = "our entries merged in; the rest kept as it was" if still_ours else "our entries taken out"
    action = Action.CREATE if doc.raw is None else Action.UPDATE
    return [_entry(action, doc, file, reason, content)], after


def _holds(path: Path, pristine: Pristine, data: dict[str, Any]) -> bool:
    """Whether the bytes to restore hold exactly what taking our entries out leaves.

    Defense in depth: a tampered manifest cannot make uninstall write anything but the user's data.
    """
    if pristine.raw is None:
        return not data
    try:
        return js.parse(path, pristine.raw)[1] == data
    except LlmengError:
        return False


def _restored(doc: js.JsonDoc, file: str, pristine: Pristine) -> Entry:
    if pristine.raw is None:
        return _entry(Action.REMOVE, doc, file, "only held our entries")
    return _entry(
        Action.UPDATE, doc, file, "our entries taken out; your bytes restored exactly", pristine.raw
    )


def _entry(action: Action, doc: js.JsonDoc, file: str, reason: str, content: bytes | None = None) -> Entry:
    expected = None if doc.raw is None else sha256(doc.raw)
    return Entry(
        action, file, doc.path, doc.path.name, reason, content=content, expected=expected, old=doc.raw
    )
