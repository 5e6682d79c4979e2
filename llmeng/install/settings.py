"""Merging our entries into a user's JSON settings without losing their keys, order or layout.

The merge functions are pure: they take parsed JSON and return a new value. Writing back edits the
original text in place (jsonedit), so only the spans we changed differ.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.install import jsonedit

_INDENT = re.compile(r"\n([ \t]+)\S")


@dataclass(frozen=True)
class JsonStyle:
    indent: str | None = "  "
    compact: bool = False  # single line without spaces after separators
    ensure_ascii: bool = False
    final_newline: bool = True


@dataclass(frozen=True)
class JsonDoc:
    """A JSON object file as read: its data, its style, and whether it existed."""

    path: Path
    data: dict[str, Any]
    style: JsonStyle
    raw: bytes | None  # None: the file does not exist yet

    @property
    def exists(self) -> bool:
        return self.raw is not None

    def render(self, data: dict[str, Any]) -> bytes:
        """`data` as file bytes: the original text edited in place where possible, else re-serialised."""
        if self.raw is None or not self.raw.strip():
            return dump(data, self.style)
        bom = b"\xef\xbb\xbf" if self.raw.startswith(b"\xef\xbb\xbf") else b""
        try:
            edited = jsonedit.splice(self.raw.decode("utf-8-sig"), self.data, data, indent=self.style.indent)
            if json.loads(edited) == data:  # belt and braces: never write what we did not mean
                return bom + edited.encode()
        except ValueError:
            pass
        return dump(data, self.style)


def detect_style(text: str) -> JsonStyle:
    match = _INDENT.search(text)
    non_ascii = any(ord(c) > 127 for c in text)
    escaped = "\\u" in text and not non_ascii
    if match is None:
        return JsonStyle(
            indent=None,
            compact=", " not in text and ": " not in text,
            ensure_ascii=escaped,
            final_newline=text.endswith("\n"),
        )
    return JsonStyle(indent=match.group(1), ensure_ascii=escaped, final_newline=text.endswith("\n"))


def dump(data: Any, style: JsonStyle) -> bytes:
    separators = (",", ":") if style.compact else None
    text = json.dumps(data, indent=style.indent, ensure_ascii=style.ensure_ascii, separators=separators)
    return (text + ("\n" if style.final_newline else "")).encode()


def read_doc(path: Path) -> JsonDoc:
    """Parse the JSON object at `path`; a missing file reads as `{}`. Invalid JSON is an error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return JsonDoc(path, {}, JsonStyle(), None)
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if text.strip() else {}
    except ValueError as e:
        raise LlmengError(
            f"{path} is not valid JSON ({e}); nothing was written",
            f"Fix the syntax in {path} (or move it aside), then run the command again.",
        ) from e
    if not isinstance(data, dict):
        raise LlmengError(
            f"{path} holds a JSON {type(data).__name__}, not an object; nothing was written",
            f"Make {path} a JSON object ({{...}}), then run again.",
        )
    return JsonDoc(path, data, detect_style(text), raw)


# ---- hooks ---------------------------------------------------------------------------------------


def has_hook_command(data: dict[str, Any], event: str, command: str) -> bool:
    """True when any group for `event` already runs `command` (ours or the user's own)."""
    for group in _list_at(data, "hooks", event):
        hooks = group.get("hooks", []) if isinstance(group, dict) else []
        if any(isinstance(h, dict) and h.get("command") == command for h in hooks):
            return True
    return False


def put_hook(data: dict[str, Any], event: str, old: Any, new: dict[str, Any] | None) -> dict[str, Any]:
    """Replace our previous group `old` by `new` in place (or append it; or drop it when None).

    Only a group equal to `old` counts as ours: one the user edited is never touched.
    """
    out = copy.deepcopy(data)
    groups = _ensure_list(out, "hooks", event)
    index = groups.index(old) if old is not None and old in groups else None
    if new is None:
        if index is not None:
            del groups[index]
    elif index is not None:
        groups[index] = copy.deepcopy(new)
    elif new not in groups:
        groups.append(copy.deepcopy(new))
    return _prune(out, "hooks", event)


# ---- permissions ---------------------------------------------------------------------------------


def put_allow(data: dict[str, Any], old: list[str], new: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Swap our previous allow rules `old` for `new`; returns the data and the rules now ours.

    A rule the user already had is never recorded as ours, so uninstall leaves it.
    """
    out = copy.deepcopy(data)
    allow = _ensure_list(out, "permissions", "allow")
    ours = [r for r in new if r in old or r not in allow]
    allow[:] = [r for r in allow if r not in old or r in new] + [r for r in new if r not in allow]
    return _prune(out, "permissions", "allow"), ours


# ---- MCP servers ---------------------------------------------------------------------------------


def server_entry(data: dict[str, Any], name: str) -> Any:
    servers = data.get("mcpServers")
    return servers.get(name) if isinstance(servers, dict) else None


def add_server(data: dict[str, Any], name: str, entry: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out.setdefault("mcpServers", {})[name] = copy.deepcopy(entry)
    return out


def remove_server(data: dict[str, Any], name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Remove the server only while it is still the entry we wrote."""
    out = copy.deepcopy(data)
    servers = out.get("mcpServers")
    if isinstance(servers, dict) and servers.get(name) == entry:
        del servers[name]
        if not servers:
            del out["mcpServers"]
    return out


def _list_at(data: dict[str, Any], outer: str, inner: str) -> list[Any]:
    section = data.get(outer)
    value = section.get(inner) if isinstance(section, dict) else None
    return value if isinstance(value, list) else []


def _ensure_list(data: dict[str, Any], outer: str, inner: str) -> list[Any]:
    section = data.setdefault(outer, {})
    value = section.setdefault(inner, []) if isinstance(section, dict) else None
    if not isinstance(value, list):
        raise LlmengError(
            f"settings key {outer}.{inner} is not what Claude Code expects (a list inside "
            "an object); nothing was written",
            f"Fix {outer}.{inner} in the settings file, then run again.",
        )
    return value


def _prune(data: dict[str, Any], outer: str, inner: str) -> dict[str, Any]:
    # Drop the containers our entry left empty, so install + uninstall restores the file exactly.
    section = data.get(outer)
    if isinstance(section, dict) and section.get(inner) == []:
        del section[inner]
        if not section:
            del data[outer]
    return data
