"""The generated SDK defaults (data/sdk_defaults.toml) folded into the hand-written entries of sdks.toml.

An [sdk.*] table of sdks.toml links a generated entry with `defaults = "<dist>:<Name>"`; the timeout,
attempts, built-in retry wrapper and output bound then come from the wheel's own source, each with the
file:line it was read from. A number typed by hand beside such a link is refused, so the two cannot drift.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from llmeng.errors import LlmengError

# Fields of an [sdk.*] table that a generated entry provides.
GENERATED_FIELDS = (
    "timeout_s",
    "no_default_timeout",
    "attempts",
    "builtin_retry_wrapper",
    "max_tokens_required",
    "max_tokens_default",
)
_REFRESH = "Run scripts/gen_sdk_defaults.py (see docs/audit.md, 'SDK knowledge')."


def parse_generated(text: str) -> Mapping[str, Mapping[str, Any]]:
    """The entries of an sdk_defaults.toml text, keyed "<dist>:<Name>"."""
    entries: Mapping[str, Mapping[str, Any]] = tomllib.loads(text).get("sdk", {})
    for key, entry in entries.items():
        for kind, default in entry.items():
            if isinstance(default, dict) and "source" not in default:
                raise LlmengError(f"sdk_defaults.toml: {key} {kind} has no source", _REFRESH)
    return entries


def link(key: str, raw: Mapping[str, Any], generated: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """`raw` with the defaults of its linked generated entry filled in; raw itself when it links none."""
    name = raw.get("defaults")
    if name is None:
        return dict(raw)
    entry = generated.get(name)
    if entry is None:
        raise LlmengError(
            f"sdks.toml: sdk.{key} links defaults {name!r}, which sdk_defaults.toml lacks", _REFRESH
        )
    facts = _facts(entry)
    typed = sorted(set(facts) & set(raw))
    if typed:
        raise LlmengError(
            f"sdks.toml: sdk.{key} types {typed} by hand although {name} provides them",
            f"Delete {typed} from sdk.{key}; the generated file is the source of these numbers.",
        )
    return {**raw, **facts, "source": f"{entry['dist']} {entry['version']} ({name} in sdk_defaults.toml)"}


def _facts(entry: Mapping[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    sources: dict[str, str] = {}
    timeout = entry.get("timeout")
    if timeout is not None:
        if timeout["unit"] == "none":
            facts["no_default_timeout"] = True
        else:
            facts["timeout_s"] = float(timeout["seconds"])
        sources["timeout_source"] = _cite(timeout)
    retries, wrapper = entry.get("retries"), entry.get("wrapper_retries")
    if retries is not None:
        facts["attempts"] = retries["attempts"] * (wrapper["attempts"] if wrapper else 1)
        sources["attempts_source"] = _cite(retries) + (f"; wrapper {_cite(wrapper)}" if wrapper else "")
    if wrapper is not None and wrapper["attempts"] > 1 and retries is not None and retries["attempts"] > 1:
        # A retry loop around a client that retries too: the library nests retries by itself.
        facts["builtin_retry_wrapper"] = True
    bound = entry.get("max_tokens")
    if bound is not None and bound["unit"] == "required":
        facts["max_tokens_required"] = True
    elif bound is not None and bound["unit"] == "tokens":
        facts["max_tokens_default"] = bound["value"]
        sources["max_tokens_source"] = _cite(bound)
    return {**facts, **sources}


def _cite(default: Mapping[str, Any]) -> str:
    inherited = default.get("inherited")
    return str(default["source"]) + (f", from {inherited} {default['inherited_source']}" if inherited else "")
