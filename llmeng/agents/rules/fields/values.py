"""AG211-AG218: fields with a fixed set of values or a type (color, permissionMode, effort, maxTurns,
memory, isolation, background) and `hooks`."""

from __future__ import annotations

import difflib
import re
import reprlib
from collections.abc import Iterator
from typing import Any

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import doc_finding
from llmeng.agents.rules.fields import CAT, FM, SOURCES, spec_values
from llmeng.findings import Finding, Severity, Verdict
from llmeng.rules import Rule

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
    effect=Verdict.NOT_LOADED,
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
            allowed = spec_values(ctx, values_key)
            if not isinstance(data[key], str) or data[key] not in allowed:
                yield doc_finding(
                    rule,
                    doc,
                    f"`{key}: {_show(data[key])}` is not one of {', '.join(allowed)}; Claude Code ignores it",
                    key=key,
                )
    if "effort" in data and not _valid_effort(data["effort"], spec_values(ctx, "effort_levels")):
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


FILE_CHECKS = (
    (INVALID_COLOR, enum_checks),
    (INVALID_PERMISSION_MODE, enum_checks),
    (INVALID_EFFORT, enum_checks),
    (INVALID_MAX_TURNS, enum_checks),
    (INVALID_MEMORY, enum_checks),
    (INVALID_ISOLATION, enum_checks),
    (INVALID_BACKGROUND, enum_checks),
    (INVALID_HOOKS, hooks_check),
)
