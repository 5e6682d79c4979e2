"""AG4xx: what an agent refers to outside itself, and how the set of agents fits together."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from llmeng.agents.context import LintContext
from llmeng.agents.docs import SCOPE_PLUGIN, SCOPE_PROJECT, SCOPE_USER, AgentDoc
from llmeng.agents.rules import SRC_REF, doc_finding
from llmeng.agents.rules.tools import split_tools
from llmeng.findings import Confidence, Finding, Severity, Verdict
from llmeng.rules import Rule

CAT = "references"
FM = "---\nname: {}\ndescription: Reviews diffs.\n---\n"


SOURCES = (SRC_REF + " §1.2, §1.7a",)


DUPLICATE_NAME = Rule(
    id="AG401",
    name="duplicate-name",
    severity=Severity.ERROR,
    effect=Verdict.NOT_LOADED,
    category=CAT,
    summary="Two files in one agents folder (subfolders included) define the same agent name: Claude Code "
    "keeps one and does not load the other.",
    why="Claude Code reads an agents folder recursively, sorts the paths and lets the last file of a name "
    "win, so `b/reviewer.md` silently replaces `a/reviewer.md`; only its debug log says so. The finding is "
    "an error on each copy that is dropped and a warning on the copy that is kept.",
    bad="(a/reviewer.md and b/reviewer.md both with `name: reviewer`)",
    good="(names unique within the folder and its subfolders)",
    fix="Rename one of the agents, or delete the copy you do not use.",
    sources=(*SOURCES, "tests/e2e/test_loader_facts_e2e.py (the active copy, from the debug log)"),
)
SHADOWED = Rule(
    id="AG402",
    name="shadowed-agent",
    severity=Severity.WARNING,
    category=CAT,
    summary="An agent of the same name exists in another scope; only one of them is used.",
    why="Claude Code resolves names by scope: managed > --agents > project > user > "
    "plugin. The copy in the losing scope is never used, which surprises whoever edits it.",
    bad="(reviewer in ~/.claude/agents and in .claude/agents)",
    good="(one reviewer, or distinct names)",
    fix="Remove or rename one copy, or keep them identical on purpose.",
    sources=SOURCES,
)
UNKNOWN_AGENT = Rule(
    id="AG403",
    name="unknown-agent-reference",
    severity=Severity.WARNING,
    category=CAT,
    summary="The agent hands work to an agent that is neither in the validated set nor installed.",
    why="A handoff to an agent that does not exist sends the coordinator "
    "looking for it; Claude Code answers `Agent type 'x' not found`.",
    bad=FM.format("reviewer") + "Hand security questions to security-auditor.\n",
    good=FM.format("reviewer") + "Hand security questions to the user in your report.\n",
    fix="Refer only to agents that ship with this set or are installed; otherwise name the work, not an agent.",
    sources=SOURCES,
)
MISSING_SCRIPT = Rule(
    id="AG404",
    name="missing-script",
    severity=Severity.WARNING,
    category=CAT,
    summary="The body runs a script that does not exist.",
    why="The agent will run the command, fail, and either stop or improvise.",
    bad=FM.format("reviewer") + "```bash\n.claude/scripts/notify.sh done\n```\n",
    good=FM.format("reviewer") + "```bash\ngit status\n```\n",
    fix="Create the script, fix its path, or install what provides it (e.g. `llmeng install`).",
    sources=SOURCES,
)
DESCRIPTION_BUDGET = Rule(
    id="AG405",
    name="description-budget",
    severity=Severity.WARNING,
    category=CAT,
    summary="All descriptions together exceed Claude Code's description budget.",
    why="Every loaded agent's description is sent with every request; Claude Code warns "
    "past about 15,000 tokens, and large collections installed whole add hundreds of kilobytes per request.",
    bad="(300 agents with 1,000-character descriptions)",
    good="(the agents you use, with short descriptions)",
    fix="Install only the agents you use and shorten long descriptions.",
    sources=(SRC_REF + " §1.7a", "prior-art.md §1.1"),
)
SHADOWS_BUILTIN = Rule(
    id="AG406",
    name="shadows-builtin-agent",
    severity=Severity.WARNING,
    category=CAT,
    summary="The agent has the name of a built-in agent and replaces it.",
    why="A project or user agent named like `general-purpose`, `Explore` or `Plan` silently "
    "replaces Claude Code's own agent of that name.",
    bad=FM.format("Explore"),
    good=FM.format("repo-explorer"),
    fix="Choose another name.",
    sources=SOURCES,
)


def scan_base(doc: AgentDoc, roots: Sequence[Path]) -> tuple[Path, tuple[str, ...]]:
    """The folder Claude Code scans for this file, and the namespace a name is unique within there.

    A `.claude/agents` folder (project), the user's agents folder, a plugin's `agents/` (where each
    subfolder is a namespace of its own), or else the validated folder the file was found in.
    """
    located = Path(os.path.abspath(doc.path))
    if doc.plugin is not None:
        base = doc.plugin.root / "agents"
        parts = located.relative_to(base).parts[:-1] if located.is_relative_to(base) else ()
        return base, parts
    parts = located.parts
    for i in range(len(parts) - 1):
        if parts[i] == ".claude" and parts[i + 1] == "agents":
            return Path(*parts[: i + 2]), ()
    inside = [r for r in roots if located.is_relative_to(r)]
    return (max(inside, key=lambda r: len(r.parts)) if inside else located.parent), ()


def duplicates(ctx: LintContext) -> Iterator[Finding]:
    groups: dict[tuple[Path, tuple[str, ...], str], list[tuple[str, AgentDoc]]] = defaultdict(list)
    for doc in ctx.docs:
        if doc.name and doc.data is not None and doc.display not in ctx.not_loaded:
            base, namespace = scan_base(doc, ctx.roots)
            order = Path(os.path.abspath(doc.path)).relative_to(base).as_posix()
            groups[(base, namespace, doc.name)].append((order, doc))
    for (_, _, name), found in groups.items():
        if len(found) < 2:
            continue
        # Claude Code sorts the paths of a folder as strings and the last file of a name wins.
        ordered = [doc for _, doc in sorted(found, key=lambda pair: pair[0])]
        kept, dropped = ordered[-1], ordered[:-1]
        for doc in dropped:
            yield doc_finding(
                DUPLICATE_NAME,
                doc,
                f"agent name {name!r} is also defined in {kept.display}, which Claude Code keeps: "
                "this copy is not loaded",
                key="name",
                evidence={"kept": kept.display},
            )
        others = ", ".join(d.display for d in dropped)
        yield doc_finding(
            DUPLICATE_NAME,
            kept,
            f"agent name {name!r} is also defined in {others}; Claude Code keeps this copy "
            "(the last path in sort order) and drops the other",
            key="name",
            severity=Severity.WARNING,
            effect=Verdict.LOADED,
            evidence={"kept": kept.display},
        )


_PRECEDENCE = {SCOPE_PROJECT: 3, SCOPE_USER: 2, SCOPE_PLUGIN: 1}


def shadowing(ctx: LintContext) -> Iterator[Finding]:
    for doc in ctx.docs:
        if doc.data is None or not doc.name or doc.scope not in (SCOPE_PROJECT, SCOPE_USER):
            continue
        if doc.name in ctx.spec.builtin_agents:
            yield doc_finding(
                SHADOWS_BUILTIN, doc, f"{doc.name!r} replaces Claude Code's built-in agent", key="name"
            )
        for other in ctx.installed:
            if other.name != doc.name or other.scope == doc.scope or _same(other.path, doc.path):
                continue
            winner = doc.scope if _PRECEDENCE[doc.scope] > _PRECEDENCE[other.scope] else other.scope
            yield doc_finding(
                SHADOWED,
                doc,
                f"{doc.name!r} is also a {other.scope} agent ({other.path}); "
                f"Claude Code uses the {winner} copy",
                key="name",
            )


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def references(ctx: LintContext) -> Iterator[Finding]:
    known = ctx.known_agents | ctx.other_names
    for doc in ctx.docs:
        if doc.data is None:
            continue
        own = doc.name
        seen: set[str] = set(_skills_of(doc))
        for entry in split_tools(doc.data.get("tools")) or []:
            if entry.base in ("Agent", "Task") and "(" in entry.raw and entry.balanced:
                for name in entry.raw[entry.raw.index("(") + 1 : -1].replace(",", " ").split():
                    if name not in known and name not in seen:
                        seen.add(name)
                        yield doc_finding(
                            UNKNOWN_AGENT,
                            doc,
                            f"`{entry.raw}` allows spawning {name!r}, which is "
                            "not in the validated set or installed",
                            key="tools",
                        )
        for m in doc.facts.agent_refs:
            name = m.text.split(":")[-1]
            if name != own and name not in known and name not in seen:
                seen.add(name)
                yield doc_finding(
                    UNKNOWN_AGENT,
                    doc,
                    f"the body refers to agent {name!r}, which is not in the validated set or installed",
                    line=m.line,
                    confidence=Confidence.MEDIUM,
                )


def _skills_of(doc: AgentDoc) -> list[str]:
    skills = (doc.data or {}).get("skills")
    items = [skills] if isinstance(skills, str) else skills if isinstance(skills, list) else []
    return [s.strip() for item in items if isinstance(item, str) for s in item.split(",")]


def scripts(ctx: LintContext) -> Iterator[Finding]:
    for doc in ctx.docs:
        seen: set[str] = set()
        for m in doc.facts.scripts:
            if m.text in seen:
                continue
            seen.add(m.text)
            path = _resolve_script(m.text, doc, ctx)
            if path is not None and not path.exists():
                yield doc_finding(
                    MISSING_SCRIPT,
                    doc,
                    f"the body runs `{m.text}`, which does not exist (looked for {path})",
                    line=m.line,
                    confidence=Confidence.MEDIUM,
                )


def _resolve_script(text: str, doc: AgentDoc, ctx: LintContext) -> Path | None:
    cleaned = text.replace('"', "")
    for var in ("${CLAUDE_PLUGIN_ROOT}", "$CLAUDE_PLUGIN_ROOT"):
        if cleaned.startswith(var):
            return doc.plugin.root / cleaned[len(var) + 1 :] if doc.plugin else None
    for var in ("${CLAUDE_PROJECT_DIR}", "$CLAUDE_PROJECT_DIR"):
        if cleaned.startswith(var):
            cleaned = cleaned[len(var) + 1 :]
    if cleaned.startswith("../"):
        return None  # relative to wherever the agent runs; cannot be checked
    base = doc.plugin.root if doc.plugin else _project_of(doc.path) or ctx.project_root
    return base / cleaned.removeprefix("./")


def _project_of(path: Path) -> Path | None:
    """The project an agent file belongs to: the folder holding its `.claude/`, else its git root."""
    for parent in Path(os.path.abspath(path)).parents:
        if parent.name == ".claude":
            return parent.parent
        if (parent / ".git").exists():
            return parent
    return None


def budget(ctx: LintContext) -> Iterator[Finding]:
    limits = ctx.spec.limits
    loaded = [d for d in ctx.docs if d.data is not None and d.description]
    total_tokens = sum(len(d.description) for d in loaded) // limits["chars_per_token"]
    if loaded and total_tokens > limits["description_budget_tokens"]:
        longest = max(loaded, key=lambda d: len(d.description))
        yield doc_finding(
            DESCRIPTION_BUDGET,
            longest,
            f"the {len(loaded)} descriptions total about {total_tokens} "
            f"tokens, over Claude Code's ~{limits['description_budget_tokens']}-token budget "
            f"(this one is the longest)",
            key="description",
            evidence={"tokens": total_tokens, "agents": len(loaded)},
        )


SET_CHECKS = (
    (DUPLICATE_NAME, duplicates),
    (SHADOWED, shadowing),
    (SHADOWS_BUILTIN, shadowing),
    (UNKNOWN_AGENT, references),
    (MISSING_SCRIPT, scripts),
    (DESCRIPTION_BUDGET, budget),
)
