"""Merging our entries into a user's JSON settings without losing their keys, order or layout.

The merge functions are pure: they take parsed JSON and return a new value. Writing back edits the
original text in place (jsonedit), so only the spans we changed differ.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.fsutil import NotReadable, read_regular
from llmeng.install import jsonedit
from llmeng.install.failures import hard_linked

_INDENT = re.compile(r"\n([ \t]+)\S")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# ~/.claude.json keeps per-project history and can reach megabytes; far beyond this is not settings.
SETTINGS_MAX_BYTES = 64 << 20
# Real settings nest a handful of levels. The merge, the in-place editor and deepcopy all recurse,
# so a limit well under Python's recursion limit keeps a pathological file an error, not a crash.
SETTINGS_MAX_DEPTH = 100


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
    """Parse the JSON object at `path`; a missing file reads as `{}`.

    Anything else that is not a plain JSON object file we may rewrite (unreadable, not a regular
    file, too large, too deeply nested, not UTF-8, not JSON, not an object, hard-linked) is an
    LlmengError that names the file and the fix, raised before anything is written.
    """
    try:
        raw = read_regular(path, max_bytes=SETTINGS_MAX_BYTES)
        links = os.stat(path).st_nlink
    except FileNotFoundError:
        return JsonDoc(path, {}, JsonStyle(), None)
    except NotReadable as e:
        raise _unusable(path, e.reason) from None
    except OSError as e:
        raise _unusable(path, f"unreadable ({e.strerror or e})") from None
    if links > 1:
        raise hard_linked(path, links)
    text, data = parse(path, raw)
    return JsonDoc(path, data, detect_style(text), raw)


def parse(path: Path, raw: bytes) -> tuple[str, dict[str, Any]]:
    """The text and object in `raw`, read from `path`; whitespace only reads as `{}`."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _unusable(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    if (depth := nesting(text)) > SETTINGS_MAX_DEPTH:
        raise _unusable(path, f"nested {depth} levels deep (llmeng reads up to {SETTINGS_MAX_DEPTH})")
    try:
        data = json.loads(text) if text.strip() else {}
    except ValueError as e:
        raise _unusable(path, f"not valid JSON ({e})", f"Fix the syntax in {path}") from None
    if not isinstance(data, dict):
        raise _unusable(path, f"a JSON {type(data).__name__}, not an object")
    return text, data


def nesting(text: str) -> int:
    """How deep arrays and objects nest in `text`, counted without recursion (strings skipped)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


def _unusable(path: Path, what: str, fix: str = "") -> LlmengError:
    fix = fix or f"Make {path} a plain JSON object ({{...}})"
    return LlmengError(f"{path} is {what}; nothing was written", f"{fix} (or move it aside), then run again.")


# ---- hooks ---------------------------------------------------------------------------------------


def has_hook_command(data: dict[str, Any], event: str, command: str) -> bool:
    """True when any group for `event` already runs `command` (ours or the user's own)."""
    for group in _list_at(data, "hooks", event):
        hooks = group.get("hooks", []) if isinstance(group, dict) else []
        if any(isinstance(h, dict) and h.get("command") == command for h in hooks):
            return True
    return False


Containers = tuple[str, ...] | None  # the keys we created ("hooks", "hooks.SubagentStop"); see SettingsEdit


def put_hook(
    data: dict[str, Any], event: str, old: Any, new: dict[str, Any] | None, made: Containers
) -> tuple[dict[str, Any], Containers]:
    """Replace our previous group `old` by `new` in place (or append it; or drop it when None).

    Only a group equal to `old` counts as ours: one the user edited is never touched. Returns the
    data and the containers we made for it, which are dropped again once empty.
    """
    out = copy.deepcopy(data)
    groups, made = _ensure_list(out, "hooks", event, made)
    index = groups.index(old) if old is not None and old in groups else None
    if new is None:
        if index is not None:
            del groups[index]
    elif index is not None:
        groups[index] = copy.deepcopy(new)
    elif new not in groups:
        groups.append(copy.deepcopy(new))
    return _prune(out, "hooks", event, made), made


# ---- permissions ---------------------------------------------------------------------------------


def put_allow(
    data: dict[str, Any], old: list[str], new: list[str], made: Containers
) -> tuple[dict[str, Any], list[str], Containers]:
    """Swap our previous allow rules `old` for `new`; returns the data, the rules now ours and our containers.

    A rule the user already had is never recorded as ours, so uninstall leaves it.
    """
    out = copy.deepcopy(data)
    allow, made = _ensure_list(out, "permissions", "allow", made)
    ours = [r for r in new if r in old or r not in allow]
    allow[:] = [r for r in allow if r not in old or r in new] + [r for r in new if r not in allow]
    return _prune(out, "permissions", "allow", made), ours, made


# ---- MCP servers ---------------------------------------------------------------------------------


def server_entry(data: dict[str, Any], name: str) -> Any:
    servers = data.get("mcpServers")
    return servers.get(name) if isinstance(servers, dict) else None


def add_server(
    data: dict[str, Any], name: str, entry: dict[str, Any], made: Containers
) -> tuple[dict[str, Any], Containers]:
    out = copy.deepcopy(data)
    if made is not None and "mcpServers" not in out:
        made = (*made, "mcpServers")
    out.setdefault("mcpServers", {})[name] = copy.deepcopy(entry)
    return out, made


def remove_server(data: dict[str, Any], name: str, entry: dict[str, Any], made: Containers) -> dict[str, Any]:
    """Remove the server only while it is still the entry we wrote."""
    out = copy.deepcopy(data)
    servers = out.get("mcpServers")
    if isinstance(servers, dict) and servers.get(name) == entry:
        del servers[name]
        if not servers and (made is None or "mcpServers" in made):
            del out["mcpServers"]
    return out


def _list_at(data: dict[str, Any], outer: str, inner: str) -> list[Any]:
    section = data.get(outer)
    value = section.get(inner) if isinstance(section, dict) else None
    return value if isinstance(value, list) else []


def _ensure_list(
    data: dict[str, Any], outer: str, inner: str, made: Containers
) -> tuple[list[Any], Containers]:
    created = [outer] if outer not in data else []
    section = data.setdefault(outer, {})
    if isinstance(section, dict) and inner not in section:
        created.append(f"{outer}.{inner}")
    value = section.setdefault(inner, []) if isinstance(section, dict) else None
    if not isinstance(value, list):
        raise LlmengError(
            f"settings key {outer}.{inner} is not what Claude Code expects (a list inside "
            "an object); nothing was written",
            f"Fix {outer}.{inner} in the settings file, then run again.",
        )
    if made is None:
        return value, None  # an edit recorded before containers were: its old rule stays
    return value, (*made, *(k for k in created if k not in made))


def _prune(data: dict[str, Any], outer: str, inner: str, made: Containers) -> dict[str, Any]:
    # Drop the containers our entry left empty, so install + uninstall restores the file; only
    # those we made: an empty `"hooks": {}` the user had stays.
    section = data.get(outer)
    if isinstance(section, dict) and section.get(inner) == [] and _ours(f"{outer}.{inner}", made):
        del section[inner]
        if not section and _ours(outer, made):
            del data[outer]
    return data


def _ours(key: str, made: Containers) -> bool:
    return made is None or key in made
