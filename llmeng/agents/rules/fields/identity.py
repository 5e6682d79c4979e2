"""AG201-AG210: who the agent is: `name`, `description` and `model`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import doc_finding
from llmeng.agents.rules.fields import CAT, FM, SOURCES, spec_values
from llmeng.findings import Finding, Severity, Verdict
from llmeng.rules import Rule

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MISSING_NAME = Rule(
    id="AG201",
    name="missing-name",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
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
    effect=Verdict.NOT_LOADED,
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
    effect=Verdict.NOT_LOADED,
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
    effect=Verdict.NOT_LOADED,
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
    effect=Verdict.NOT_LOADED,
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
    if value.lower() in spec_values(ctx, "model_aliases") or ctx.spec.model_id_pattern.match(value):
        return
    yield doc_finding(
        UNKNOWN_MODEL,
        doc,
        f"`model: {value}` is not a Claude alias or model id (spec of "
        f"{ctx.spec.as_of}); Claude Code sends it to the API as written",
        key="model",
    )


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
)
