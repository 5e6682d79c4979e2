"""A JSON Schema of agent frontmatter, generated from the spec data for editors."""

from __future__ import annotations

from typing import Any

from llmeng.agents.spec import Spec

_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "list": {"type": "array"},
    "mapping": {"type": "object"},
    "str_or_list": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "any": {},
}


def frontmatter_schema(spec: Spec) -> dict[str, Any]:
    """JSON Schema (draft-07) for the frontmatter of a project or user agent."""
    values = spec.values
    props: dict[str, Any] = {
        name: dict(_TYPES[f.type]) for name, f in spec.fields.items() if not f.plugin_only
    }
    props["name"] |= {
        "minLength": 1,
        "maxLength": spec.limits["name_max_chars"],
        "pattern": "^[^-:][^:]*$",
        "description": "The agent's identity. Claude Code never uses the file name.",
    }
    props["description"] |= {"minLength": 1, "description": "When to use the agent; sent with every request."}
    props["model"] = {
        "anyOf": [
            {"enum": values["model_aliases"]},
            {"type": "string", "pattern": values["model_id_pattern"]},
            {"type": "string"},
        ],
        "description": "inherit, an alias or a full model id. Not validated by Claude Code.",
    }
    props["color"] = {"enum": values["colors"]}
    props["permissionMode"] = {"enum": values["permission_modes"]}
    props["effort"] = {"anyOf": [{"enum": values["effort_levels"]}, {"type": "integer"}]}
    props["maxTurns"] = {
        "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": "^[1-9][0-9]*$"}]
    }
    props["memory"] = {"enum": values["memory"]}
    props["isolation"] = {"enum": values["isolation"]}
    props["background"] = {"anyOf": [{"type": "boolean"}, {"enum": ["true", "false"]}]}
    props["hooks"] = {
        "type": "object",
        "propertyNames": {"enum": sorted(spec.hook_events)},
        "additionalProperties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["hooks"],
                "properties": {
                    "matcher": {"type": "string"},
                    "hooks": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["type"],
                            "properties": {"type": {"enum": sorted(spec.hook_types)}},
                        },
                    },
                },
            },
        },
    }
    props["experimental"] = {
        "type": "object",
        "properties": {"cacheTtl": {"enum": values["experimental_cache_ttl"]}},
    }
    props["tools"] = dict(_TYPES["str_or_list"]) | {
        "description": "Comma/space separated or a list. Omit to inherit every tool; empty means no tools. "
        "Given to subagents: " + ", ".join(sorted(spec.tools))
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://llmeng.dev/schemas/claude-code-agent.json",
        "title": f"Claude Code agent frontmatter (Claude Code {spec.claude_code_version}, spec of {spec.as_of})",
        "type": "object",
        "required": [n for n, f in spec.fields.items() if f.required],
        "properties": props,
        "additionalProperties": False,
    }
