"""AG5xx: instructions a Claude Code subagent cannot follow."""

from __future__ import annotations

from collections.abc import Iterator

from llmeng.agents.context import LintContext
from llmeng.agents.docs import AgentDoc
from llmeng.agents.rules import doc_finding
from llmeng.findings import Confidence, Finding, Severity
from llmeng.rules import Rule

CAT = "content"
FM = "---\nname: reviewer\ndescription: Reviews diffs.\n---\n"

INVENTED_PROTOCOL = Rule(
    id="AG501",
    name="invented-protocol",
    severity=Severity.WARNING,
    category=CAT,
    summary='The body tells the agent to message a "context manager" or send protocol JSON that Claude '
    "Code does not have.",
    why="Claude Code has no context-manager agent and no inter-agent JSON protocol; an agent told to use "
    "one wastes turns looking for it or invents its answers.",
    bad=FM + "First, query the context manager for requirements.",
    good=FM + "First, read the project's README and the code you were pointed at.",
    fix="Tell the agent to read the files it needs and to state its assumptions in its report.",
    sources=("prior-art.md §2 (VoltAgent #36, #41)",),
)
WAITS_FOR_CONFIRMATION = Rule(
    id="AG502",
    name="waits-for-confirmation",
    severity=Severity.WARNING,
    category=CAT,
    summary="The body tells the agent to wait for the user's confirmation, which a subagent cannot do.",
    why="A subagent runs to completion without a conversation with the user; it cannot ask and wait, so it "
    "either stops early or pretends it got an answer.",
    bad=FM + "State your assumption, then wait for explicit confirmation.",
    good=FM + 'State your assumptions under "Assumptions" in your report and proceed.',
    fix="Have the agent state its assumptions in its report instead of waiting.",
    sources=("claude-code.md §1.10",),
)


def content_checks(doc: AgentDoc, ctx: LintContext) -> Iterator[Finding]:
    for m in doc.facts.protocol[:1]:
        yield doc_finding(
            INVENTED_PROTOCOL,
            doc,
            f"invented protocol: {m.text!r}",
            line=m.line,
            confidence=Confidence.MEDIUM,
        )
    for m in doc.facts.wait_confirm[:1]:
        yield doc_finding(
            WAITS_FOR_CONFIRMATION,
            doc,
            f"a subagent cannot {m.text.lower()!r}",
            line=m.line,
            confidence=Confidence.MEDIUM,
        )


FILE_CHECKS = ((INVENTED_PROTOCOL, content_checks), (WAITS_FOR_CONFIRMATION, content_checks))
