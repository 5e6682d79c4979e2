"""AG2xx: frontmatter fields and their values, as Claude Code accepts, drops or ignores them."""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Iterator
from typing import Any

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import SRC_REF, doc_finding
from llmeng.findings import Finding, Severity
from llmeng.rules import Rule

CAT = "fields"
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


SOURCES = (SRC_REF + " §1.4, §1.7",)


FM = "---\nname: reviewer\ndescription: Reviews diffs for bugs.\n{}---\nYou review diffs.\n"
MISSING_NAME = Rule(
    id="AG201",
    name="missing-name",
    severity=Severity.ERROR,
    category=CAT,
    summary="The frontmatter has no `name`: Claude Code skips the agent.",
    why="Claude Code identifies project and user agents by their frontmatter `name` (never the file name) and "
    "skips a file without one, silently.",
    bad="---\ndescription: Reviews diffs.\n---\n",
    good=FM.format(""),
    fix="Add `name: <kebab-case-name>` to the frontmatter.",
    sources=SOURCES,
)
NAME_NOT_STRING = Rule(
    id="AG202",
    name="name-not-string",
    severity=Severity.ERROR,
    category=CAT,
    summary="`name` is not a string: Claude Code skips the agent.",
    why="A number or list in `name` fails Claude Code's check; the agent is dropped and listed in /doctor.",
    bad="---\nname: 42\ndescription: Reviews diffs.\n---\n",
    good=FM.format(""),
    fix="Write `name` as a string.",
    sources=SOURCES,
)
NAME_INVALID = Rule(
    id="AG203",
    name="name-invalid",
    severity=Severity.ERROR,
    category=CAT,
    summary="`name` is empty, starts with `-`, contains `:` or is over 256 characters: Claude Code skips the agent.",
    why="Claude Code 2.1.330 rejects these names (`:` is reserved for plugin namespacing) and logs the error "
    "only in its debug log.",
    bad="---\nname: team:reviewer\ndescription: Reviews diffs.\n---\n",
    good=FM.format(""),
    fix="Use a short kebab-case name such as `code-reviewer`.",
    sources=SOURCES,
)
NAME_STYLE = Rule(
    id="AG204",
    name="name-not-kebab-case",
    severity=Severity.INFO,
    category=CAT,
    summary="`name` is not lowercase kebab-case.",
    why="Claude Code accepts any name, but names are typed by people and models and used in `Agent(...)` "
    "restrictions and hook matchers; kebab-case avoids quoting and case mistakes.",
    bad="---\nname: Code Reviewer\ndescription: Reviews diffs.\n---\n",
    good=FM.format(""),
    fix="Rename to lowercase words joined by hyphens.",
    sources=SOURCES,
)
NAME_FILENAME = Rule(
    id="AG205",
    name="name-filename-mismatch",
    severity=Severity.INFO,
    category=CAT,
    summary="`name` differs from the file name.",
    why="Claude Code uses only the frontmatter `name`; people look for the file by name, and installers that "
    "name files after agents will write a different file.",
    bad="(file reviewer.md)\n---\nname: code-checker\n---\n",
    good="(file code-checker.md)\n---\nname: code-checker\n---\n",
    fix="Rename the file or the agent so they match.",
    sources=SOURCES,
)
MISSING_DESCRIPTION = Rule(
    id="AG206",
    name="missing-description",
    severity=Severity.ERROR,
    category=CAT,
    summary="The frontmatter has no `description`: Claude Code skips the agent.",
    why="The description is how the main agent decides when to delegate; Claude Code "
    "requires it and drops agents without it.",
    bad="---\nname: reviewer\n---\n",
    good=FM.format(""),
    fix="Add `description:` saying when to use the agent, with an example request.",
    sources=SOURCES,
)
DESCRIPTION_NOT_STRING = Rule(
    id="AG207",
    name="description-not-string",
    severity=Severity.ERROR,
    category=CAT,
    summary="`description` is not a string: Claude Code skips the agent.",
    why="Claude Code requires a non-empty string.",
    bad="---\nname: reviewer\ndescription: 123\n---\n",
    good=FM.format(""),
    fix="Write the description as text.",
    sources=SOURCES,
)
DESCRIPTION_LONG = Rule(
    id="AG208",
    name="description-too-long",
    severity=Severity.WARNING,
    category=CAT,
    summary="The description is longer than one agent's fair share of Claude Code's description budget.",
    why="Every loaded agent's description is sent with every request; long ones crowd out the others and cost "
    "tokens on each turn.",
    bad="(a description of 2,000 characters, mostly examples)",
    good=FM.format(""),
    fix="Keep the description to when to use the agent and one or two short examples; move detail into the body.",
    sources=SOURCES,
)
UNKNOWN_MODEL = Rule(
    id="AG209",
    name="unknown-model",
    severity=Severity.WARNING,
    category=CAT,
    summary="`model` is neither an alias nor a Claude model id.",
    why="Claude Code does not validate `model`: it sends the string to the API as written, and the agent "
    "fails only when it is called.",
    bad=FM.format("model: gpt-4\n"),
    good=FM.format("model: sonnet\n"),
    fix="Use `inherit`, `sonnet`, `opus`, `haiku`, `fable` or a full `claude-...` model id.",
    sources=SOURCES,
)
MODEL_NOT_STRING = Rule(
    id="AG210",
    name="model-not-string",
    severity=Severity.WARNING,
    category=CAT,
    summary="`model` is not a string, so Claude Code ignores it.",
    why="A list or number in `model` is dropped and the agent inherits the parent's model.",
    bad=FM.format("model: [sonnet, haiku]\n"),
    good=FM.format("model: sonnet\n"),
    fix="Name one model as a string.",
    sources=SOURCES,
)
INVALID_COLOR = Rule(
    id="AG211",
    name="invalid-color",
    severity=Severity.WARNING,
    category=CAT,
    summary="`color` is not one Claude Code knows; it is dropped.",
    why="Claude Code drops unknown colours with no message; `magenta`, `white`, `gray` and hex codes are not "
    "accepted.",
    bad=FM.format("color: magenta\n"),
    good=FM.format("color: purple\n"),
    fix="Use red, blue, green, yellow, purple, orange, pink or cyan.",
    sources=SOURCES,
)
INVALID_PERMISSION_MODE = Rule(
    id="AG212",
    name="invalid-permission-mode",
    severity=Severity.WARNING,
    category=CAT,
    summary="`permissionMode` is not a valid mode; Claude Code ignores it.",
    why="An invalid mode is dropped with only a debug-log line, so the agent runs with the "
    "default permissions instead of the ones written.",
    bad=FM.format("permissionMode: yolo\n"),
    good=FM.format("permissionMode: acceptEdits\n"),
    fix="Use acceptEdits, auto, bypassPermissions, default, dontAsk or plan.",
    sources=SOURCES,
)
INVALID_EFFORT = Rule(
    id="AG213",
    name="invalid-effort",
    severity=Severity.WARNING,
    category=CAT,
    summary="`effort` is not a valid level; Claude Code ignores it.",
    why="Claude Code accepts low, medium, high, xhigh, max or an integer, and drops anything else.",
    bad=FM.format("effort: extreme\n"),
    good=FM.format("effort: high\n"),
    fix="Use low, medium, high, xhigh or max.",
    sources=SOURCES,
)
INVALID_MAX_TURNS = Rule(
    id="AG214",
    name="invalid-max-turns",
    severity=Severity.WARNING,
    category=CAT,
    summary="`maxTurns` is not a positive integer; Claude Code ignores it.",
    why="An invalid limit is dropped, so the agent runs without the turn cap you meant to set.",
    bad=FM.format("maxTurns: -3\n"),
    good=FM.format("maxTurns: 20\n"),
    fix="Use a positive integer.",
    sources=SOURCES,
)
INVALID_MEMORY = Rule(
    id="AG215",
    name="invalid-memory",
    severity=Severity.WARNING,
    category=CAT,
    summary="`memory` is not user, project or local; Claude Code ignores it.",
    why="The agent runs without the memory scope you meant.",
    bad=FM.format("memory: global\n"),
    good=FM.format("memory: project\n"),
    fix="Use user, project or local.",
    sources=SOURCES,
)
INVALID_ISOLATION = Rule(
    id="AG216",
    name="invalid-isolation",
    severity=Severity.WARNING,
    category=CAT,
    summary="`isolation` is not a valid value; Claude Code ignores it.",
    why="Claude Code accepts worktree or remote (plugin agents: worktree only); anything else "
    "means the agent runs in the shared working tree.",
    bad=FM.format("isolation: docker\n"),
    good=FM.format("isolation: worktree\n"),
    fix="Use worktree (or remote outside plugins).",
    sources=SOURCES,
)
INVALID_BACKGROUND = Rule(
    id="AG217",
    name="invalid-background",
    severity=Severity.WARNING,
    category=CAT,
    summary="`background` is not true or false; Claude Code ignores it.",
    why="An invalid value is dropped with a debug-log line.",
    bad=FM.format("background: sometimes\n"),
    good=FM.format("background: true\n"),
    fix="Use true or false.",
    sources=SOURCES,
)
INVALID_HOOKS = Rule(
    id="AG218",
    name="invalid-hooks",
    severity=Severity.ERROR,
    category=CAT,
    summary="`hooks` does not have the settings-file shape: Claude Code 2.1.330 does not load the agent at all.",
    why="Since 2.1.330 an invalid `hooks` value (for example `hooks: []`) makes Claude Code drop the whole "
    "agent, visible only in /doctor and the debug log (anthropics/claude-code#91781).",
    bad=FM.format("hooks: []\n"),
    good=FM.format(
        "hooks:\n  Stop:\n    - hooks:\n        - type: command\n          command: ./notify.sh\n"
    ),
    fix="Write `hooks` as a mapping from event name to a list of `{matcher, hooks: [{type, command}]}`, or "
    "remove it.",
    sources=SOURCES,
)
UNKNOWN_KEY = Rule(
    id="AG219",
    name="unknown-key",
    severity=Severity.WARNING,
    category=CAT,
    summary="A frontmatter key Claude Code does not know; it is ignored.",
    why="Claude Code ignores unknown keys (2.1.330 mentions them only in its debug log), so a typo such as "
    "`tool:` silently loses the setting.",
    bad=FM.format("tool: Read\n"),
    good=FM.format("tools: Read\n"),
    fix="Fix the key's spelling or remove it.",
    sources=SOURCES,
)
ALLOWED_TOOLS = Rule(
    id="AG220",
    name="allowed-tools-in-agent",
    severity=Severity.ERROR,
    category=CAT,
    summary="`allowed-tools` does nothing in an agent: the agent gets every tool.",
    why="`allowed-tools` is a skill and command field. In an agent Claude Code ignores it, "
    "so the restriction you wrote does not hold and the agent inherits every tool (anthropics/claude-code"
    "#27099).",
    bad=FM.format("allowed-tools: Read, Grep\n"),
    good=FM.format("tools: Read, Grep\n"),
    fix="Rename `allowed-tools` to `tools`.",
    fixable=True,
    sources=SOURCES,
)
PLUGIN_IGNORED = Rule(
    id="AG221",
    name="ignored-in-plugin",
    severity=Severity.WARNING,
    category=CAT,
    summary="Claude Code ignores this field in plugin agents.",
    why="Plugin agents cannot set `permissionMode`, `hooks`, `mcpServers` or `initialPrompt`; Claude Code "
    "drops them with a warning in its debug log.",
    bad=FM.format("permissionMode: acceptEdits\n"),
    good=FM.format(""),
    fix="Remove the field, or install the agent into .claude/agents/ where it applies.",
    sources=(SRC_REF + " §1.8",),
)
INVALID_MCP_SERVERS = Rule(
    id="AG222",
    name="invalid-mcp-servers",
    severity=Severity.WARNING,
    category=CAT,
    summary="`mcpServers` is not a list of server names or inline configurations; Claude Code drops the bad entries.",
    why="Each item must be a configured server's name or a one-key mapping `{name: config}`.",
    bad=FM.format("mcpServers: github\n"),
    good=FM.format("mcpServers:\n  - github\n"),
    fix="Write `mcpServers` as a YAML list.",
    sources=SOURCES,
)
FIELD_TYPE = Rule(
    id="AG223",
    name="wrong-field-type",
    severity=Severity.WARNING,
    category=CAT,
    summary="A field has the wrong type; Claude Code ignores it.",
    why="Claude Code reads each field with a fixed type; a value of another type is dropped.",
    bad=FM.format("omitClaudeMd: maybe\n"),
    good=FM.format("omitClaudeMd: true\n"),
    fix="Give the field a value of the documented type.",
    sources=SOURCES,
)


def _values(ctx: LintContext, key: str) -> list[str]:
    return list(ctx.spec.values[key])


def name_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    limit = ctx.spec.limits["name_max_chars"]
    if "name" not in data:
        if doc.plugin is None:
            yield doc_finding(
                MISSING_NAME,
                doc,
                "no `name` in the frontmatter: Claude Code will not load this agent",
                fix=f"Add `name: {doc.path.stem}`.",
            )
        return
    name = data["name"]
    if not isinstance(name, str):
        yield doc_finding(
            NAME_NOT_STRING,
            doc,
            f"`name` is a {type(name).__name__}, not a string: Claude Code will not load this agent",
            key="name",
        )
        return
    stripped = name.strip()
    problem = (
        "empty"
        if not stripped
        else "starts with `-`"
        if stripped.startswith("-")
        else "contains `:`"
        if ":" in stripped
        else f"is over {limit} characters"
        if len(stripped) > limit
        else None
    )
    if problem:
        yield doc_finding(
            NAME_INVALID, doc, f"`name` {problem}: Claude Code will not load this agent", key="name"
        )
        return
    if not _KEBAB.match(stripped):
        yield doc_finding(NAME_STYLE, doc, f"`name` {stripped!r} is not lowercase kebab-case", key="name")
    if stripped != doc.path.stem:
        yield doc_finding(
            NAME_FILENAME,
            doc,
            f"`name` {stripped!r} differs from the file name {doc.path.name!r}",
            key="name",
        )


def description_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    keys = ("description", "when_to_use", "when-to-use") if doc.plugin else ("description",)
    present = [k for k in keys if k in data]
    if not present:
        if doc.plugin is None:
            yield doc_finding(
                MISSING_DESCRIPTION, doc, "no `description`: Claude Code will not load this agent"
            )
        return
    value = data[present[0]]
    if not isinstance(value, str) or not value.strip():
        what = "empty" if isinstance(value, str) or value is None else f"a {type(value).__name__}"
        yield doc_finding(
            DESCRIPTION_NOT_STRING,
            doc,
            f"`{present[0]}` is {what}, not text: Claude Code will not load this agent",
            key=present[0],
        )
        return
    limit = ctx.spec.limits["description_advice_max_chars"]
    if len(value) > limit:
        yield doc_finding(
            DESCRIPTION_LONG,
            doc,
            f"the description is {len(value)} characters (advice: at most {limit})",
            key=present[0],
        )


def model_check(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None or "model" not in data:
        return
    model = data["model"]
    if not isinstance(model, str) or not model.strip():
        yield doc_finding(
            MODEL_NOT_STRING,
            doc,
            "`model` is not a model name; Claude Code ignores it and the agent inherits the parent's model",
            key="model",
        )
        return
    value = model.strip()
    if value.lower() in _values(ctx, "model_aliases") or ctx.spec.model_id_pattern.match(value):
        return
    yield doc_finding(
        UNKNOWN_MODEL,
        doc,
        f"`model: {value}` is not a Claude alias or model id (spec of "
        f"{ctx.spec.as_of}); Claude Code sends it to the API as written",
        key="model",
    )


def enum_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    isolation_key = "isolation_plugin" if doc.plugin else "isolation"
    enums = (
        ("color", "colors", INVALID_COLOR, False),
        ("permissionMode", "permission_modes", INVALID_PERMISSION_MODE, False),
        ("memory", "memory", INVALID_MEMORY, False),
        ("isolation", isolation_key, INVALID_ISOLATION, False),
    )
    for key, values_key, rule, _ in enums:
        if key in data and (doc.plugin is None or not ctx.spec.fields[key].plugin_ignored):
            allowed = _values(ctx, values_key)
            if not isinstance(data[key], str) or data[key] not in allowed:
                yield doc_finding(
                    rule,
                    doc,
                    f"`{key}: {_show(data[key])}` is not one of {', '.join(allowed)}; Claude Code ignores it",
                    key=key,
                )
    if "effort" in data and not _valid_effort(data["effort"], _values(ctx, "effort_levels")):
        yield doc_finding(
            INVALID_EFFORT, doc, f"`effort: {_show(data['effort'])}` is not a valid level", key="effort"
        )
    if "maxTurns" in data and not _positive_int(data["maxTurns"]):
        yield doc_finding(
            INVALID_MAX_TURNS,
            doc,
            f"`maxTurns: {_show(data['maxTurns'])}` is not a positive integer",
            key="maxTurns",
        )
    if "background" in data and data["background"] not in (True, False, "true", "false"):
        yield doc_finding(
            INVALID_BACKGROUND,
            doc,
            f"`background: {_show(data['background'])}` is not true or false",
            key="background",
        )


def _show(value: Any) -> str:
    """A short, recursion-safe rendering of a frontmatter value for a message."""
    return value if isinstance(value, str) and len(value) <= 80 else reprlib.repr(value)


def _valid_effort(value: Any, levels: list[str]) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.strip().lower() in levels)


def _positive_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value.strip())
    return isinstance(value, int) and value > 0


def hooks_check(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None or "hooks" not in data or doc.plugin is not None:
        return
    problem = hooks_problem(data["hooks"], ctx)
    if problem:
        yield doc_finding(
            INVALID_HOOKS,
            doc,
            f"invalid `hooks` ({problem}): Claude Code 2.1.330 will not load this agent",
            key="hooks",
        )


def hooks_problem(hooks: Any, ctx: LintContext) -> str | None:
    """Why `hooks` fails Claude Code's schema, or None."""
    if not isinstance(hooks, dict):
        return f"expected a mapping of events, got a {type(hooks).__name__}"
    for event, groups in hooks.items():
        if event not in ctx.spec.hook_events:
            close = difflib.get_close_matches(str(event), sorted(ctx.spec.hook_events), n=1)
            return f"unknown event {event!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        if not isinstance(groups, list):
            return f"{event}: expected a list of matcher groups"
        for group in groups:
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                return f"{event}: each group needs a `hooks` list"
            if "matcher" in group and not isinstance(group["matcher"], str):
                return f"{event}: `matcher` must be a string"
            for hook in group["hooks"]:
                if (
                    not isinstance(hook, dict)
                    or not isinstance(hook.get("type"), str)
                    or hook["type"] not in ctx.spec.hook_types
                ):
                    return f"{event}: each hook needs a `type` of {', '.join(sorted(ctx.spec.hook_types))}"
                if hook["type"] == "command" and not isinstance(hook.get("command"), str):
                    return f"{event}: a command hook needs a `command` string"
    return None


def key_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    fields = ctx.spec.fields
    for raw_key in data:
        key = str(raw_key)
        if key == "allowed-tools" and "tools" not in data:
            yield doc_finding(
                ALLOWED_TOOLS,
                doc,
                "`allowed-tools` is ignored in agents: this agent gets every tool",
                key=key,
            )
        elif key == "allowed-tools":
            yield doc_finding(
                UNKNOWN_KEY,
                doc,
                "`allowed-tools` is ignored in agents; `tools` is what applies",
                key=key,
                fix="Remove `allowed-tools`; keep the list in `tools`.",
            )
        elif key not in fields or (fields[key].plugin_only and doc.plugin is None):
            close = difflib.get_close_matches(key, [k for k in fields if not fields[k].plugin_only], n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            yield doc_finding(
                UNKNOWN_KEY,
                doc,
                f"unknown key `{key}`{hint}; Claude Code ignores it",
                key=key,
                fix=f"Rename it to `{close[0]}`." if close else UNKNOWN_KEY.fix,
            )
        elif doc.plugin is not None and fields[key].plugin_ignored:
            yield doc_finding(PLUGIN_IGNORED, doc, f"`{key}` is ignored for plugin agents", key=key)


def type_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    data = doc.data
    if data is None:
        return
    if "mcpServers" in data and doc.plugin is None and not _valid_mcp_servers(data["mcpServers"]):
        yield doc_finding(
            INVALID_MCP_SERVERS,
            doc,
            "`mcpServers` must be a list of names or `{name: config}` items",
            key="mcpServers",
        )
    checked = {
        "skills": "str_or_list",
        "initialPrompt": "str",
        "autoCompactWindow": "int",
        "omitClaudeMd": "bool",
        "observerMessage": "str",
        "experimental": "mapping",
    }
    for key, kind in checked.items():
        if key in data and not _has_type(data[key], kind):
            yield doc_finding(
                FIELD_TYPE, doc, f"`{key}` should be {_KIND_WORDS[kind]}; Claude Code ignores it", key=key
            )
    experimental = data.get("experimental")
    if (
        isinstance(experimental, dict)
        and "cacheTtl" in experimental
        and experimental["cacheTtl"] not in _values(ctx, "experimental_cache_ttl")
    ):
        yield doc_finding(FIELD_TYPE, doc, "`experimental.cacheTtl` should be 5m or 1h", key="experimental")


_KIND_WORDS = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "mapping": "a mapping",
    "str_or_list": "a string or a list of strings",
}


def _has_type(value: Any, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "mapping":
        return isinstance(value, dict)
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _valid_mcp_servers(value: Any) -> bool:
    if not isinstance(value, list):
        return False
    return all(isinstance(v, str) or (isinstance(v, dict) and len(v) == 1) for v in value)


FILE_CHECKS = (
    (MISSING_NAME, name_checks),
    (NAME_NOT_STRING, name_checks),
    (NAME_INVALID, name_checks),
    (NAME_STYLE, name_checks),
    (NAME_FILENAME, name_checks),
    (MISSING_DESCRIPTION, description_checks),
    (DESCRIPTION_NOT_STRING, description_checks),
    (DESCRIPTION_LONG, description_checks),
    (UNKNOWN_MODEL, model_check),
    (MODEL_NOT_STRING, model_check),
    (INVALID_COLOR, enum_checks),
    (INVALID_PERMISSION_MODE, enum_checks),
    (INVALID_EFFORT, enum_checks),
    (INVALID_MAX_TURNS, enum_checks),
    (INVALID_MEMORY, enum_checks),
    (INVALID_ISOLATION, enum_checks),
    (INVALID_BACKGROUND, enum_checks),
    (INVALID_HOOKS, hooks_check),
    (UNKNOWN_KEY, key_checks),
    (ALLOWED_TOOLS, key_checks),
    (PLUGIN_IGNORED, key_checks),
    (INVALID_MCP_SERVERS, type_checks),
    (FIELD_TYPE, type_checks),
)
