"""Planning the JSON edits: the SubagentStop hook and permissions in settings.json, the MCP server entry.

Each edit is recorded in the manifest exactly as made, so uninstall removes that and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
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
from llmeng.install.scopes import ScopeDirs, ensure_inside


def plan_settings(
    dirs: ScopeDirs, want: Components, after: Manifest
) -> tuple[list[Entry], Manifest, list[str]]:
    """The settings.json entry (hook + permissions), with the manifest and notes that follow from it."""
    names = sorted(r.name for r in after.agents().values())
    # Nothing of ours installed: no hook or permissions either (and ours from before go).
    hook = Want.ABSENT if want.hook is Want.PRESENT and not names else want.hook
    perms = Want.ABSENT if want.permissions is Want.PRESENT and not names else want.permissions
    if hook is Want.LEAVE and perms is Want.LEAVE:
        return [], after, []
    if (refused := _refused(dirs, dirs.settings, "settings")) is not None:
        return [refused], after, []
    doc = js.read_doc(dirs.settings)
    created = _created(after, "settings", doc)
    data, notes = doc.data, []
    prev = after.edits.get("hook")
    old_group = prev.value if prev else None
    new_group = _hook_group(names, want.launch, old_group) if hook is Want.PRESENT else None
    command = new_group["hooks"][0]["command"] if new_group else ""
    if hook is not Want.LEAVE and (prev or new_group):
        if (
            new_group is not None
            and old_group not in _groups(data)
            and js.has_hook_command(data, HOOK_EVENT, command)
        ):
            notes.append(f"{dirs.settings}: a {HOOK_EVENT} hook already runs `{command}`; left as is")
            new_group = None
        elif new_group is None and prev and old_group not in _groups(data):
            notes.append(f"{dirs.settings}: the {HOOK_EVENT} hook was edited by you; left in place")
        data = js.put_hook(data, HOOK_EVENT, old_group, new_group)
        after = after.with_edit(
            SettingsEdit("hook", "settings", new_group, created) if new_group else None, "hook"
        )
    if perms is Want.PRESENT or (perms is Want.ABSENT and "permissions" in after.edits):
        prev_rules = after.edits["permissions"].value if "permissions" in after.edits else []
        rules = permission_rules() if perms is Want.PRESENT else []
        data, ours = js.put_allow(data, prev_rules, rules)
        after = after.with_edit(
            SettingsEdit("permissions", "settings", ours, created) if ours else None, "permissions"
        )
    return _json_entry(dirs, doc, data, after, "settings", created), after, notes


def _hook_group(names: list[str], launch: Launch | None, old_group: Any) -> dict[str, Any]:
    if launch is None and isinstance(old_group, dict):  # the matcher follows the agents; the command stays
        return {**old_group, "matcher": hook_matcher(names)}
    return hook_group(names, launch)


def plan_mcp(
    dirs: ScopeDirs, want: Want, after: Manifest, launch: Launch | None = None
) -> tuple[list[Entry], Manifest, list[str]]:
    """The MCP server registration in .mcp.json (project) or ~/.claude.json (user).

    `launch` None keeps the command recorded by the last install, as for the hook."""
    if want is Want.PRESENT and not after.agents():
        want = Want.ABSENT
    prev = after.edits.get("mcp")
    entry = prev.value if launch is None and prev is not None else (launch or Launch()).mcp_entry()
    if want is Want.LEAVE or (want is Want.ABSENT and prev is None):
        return [], after, []
    if (refused := _refused(dirs, dirs.mcp_config, "mcp")) is not None:
        return [refused], after, []
    doc = js.read_doc(dirs.mcp_config)
    created = _created(after, "mcp", doc)
    current = js.server_entry(doc.data, MCP_SERVER)
    ours = prev is not None and current == prev.value
    data, notes, edit = doc.data, [], prev
    if want is Want.ABSENT and prev is not None:
        data, edit = js.remove_server(doc.data, MCP_SERVER, prev.value), None
        if not ours and current is not None:
            notes.append(f"{dirs.mcp_config}: the `{MCP_SERVER}` MCP server was edited by you; left in place")
    elif current is None or ours:
        data = js.add_server(doc.data, MCP_SERVER, entry)
        edit = SettingsEdit("mcp", "mcp", entry, created)
    elif current != entry:
        notes.append(
            f"{dirs.mcp_config}: an MCP server named `{MCP_SERVER}` is already configured "
            "differently; left as is"
        )
        edit = None
    if edit is not None and dirs.scope == "project":
        notes.append(
            "Claude Code asks once before starting servers from .mcp.json: approve `llmeng` "
            "(or set enabledMcpjsonServers in .claude/settings.local.json)"
        )
    after = after.with_edit(edit, "mcp")
    return _json_entry(dirs, doc, data, after, "mcp", created), after, notes


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


def _json_entry(
    dirs: ScopeDirs, doc: js.JsonDoc, data: dict[str, Any], after: Manifest, file: str, created: bool
) -> list[Entry]:
    expected = None if doc.raw is None else sha256(doc.raw)
    still_ours = any(e.file == file for e in after.edits.values())
    if data == doc.data:
        return [Entry(Action.SKIP, file, doc.path, doc.path.name, "up to date")] if still_ours else []
    if not data and created and not still_ours:
        return [
            Entry(
                Action.REMOVE,
                file,
                doc.path,
                doc.path.name,
                "only held our entries",
                expected=expected,
                old=doc.raw,
            )
        ]
    reason = "our entries merged in; the rest kept as it was" if still_ours else "our entries taken out"
    return [
        Entry(
            Action.CREATE if doc.raw is None else Action.UPDATE,
            file,
            doc.path,
            doc.path.name,
            reason,
            content=doc.render(data),
            expected=expected,
            old=doc.raw,
        )
    ]
