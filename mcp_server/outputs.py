"""What the tools return: pydantic models, so each tool publishes an outputSchema.

Where a core already returns a pydantic model (the model selection), the tool returns that
directly; these cover the cores that return dataclasses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:  # the cores load on first use, not at start-up
    from llmeng.sessions.api import SessionView


class AppendOutput(BaseModel):
    entry_id: str = Field(description="id of the new entry")
    session_id: str | None = Field(description="the session appended to; null when no session was active")
    path: str = Field(description="file written, relative to the project root")
    standalone: bool = Field(description="true: no active session, so the report was kept as its own file")
    redacted: int = Field(description="how many likely secrets were masked")


class EntryOutput(BaseModel):
    id: str
    agent: str
    source: str
    time: str
    body: str
    intact: bool = Field(description="false when the stored checksum does not match (edited or torn)")


class SessionOutput(BaseModel):
    session_id: str | None
    title: str
    entries: list[EntryOutput]
    problems: list[str]


def session_output(view: SessionView | None) -> SessionOutput:
    """The active session's entries, or why there are none (the data comes from the report module)."""
    from llmeng.report.sessions import active_session_data

    return SessionOutput.model_validate(active_session_data(view))


class FindingOutput(BaseModel):
    rule: str = Field(description="rule id; `llmeng explain <rule>` prints why and how to fix")
    severity: str
    category: str
    message: str
    path: str = Field(description="relative to the project root")
    line: int
    col: int
    fix: str = Field(description="what to change")
    confidence: str
    evidence: dict[str, Any]
    effect: str | None = Field(
        default=None, description="agent files: the verdict this finding forces on its file, if any"
    )


class AgentFileOutput(BaseModel):
    path: str
    name: str | None
    scope: str
    verdict: str = Field(
        description="what Claude Code does with the file: 'not loaded', 'loaded but cannot be started' or 'loaded'"
    )
    loads: bool = Field(description="false: Claude Code does not load this agent (verdict 'not loaded')")
    findings: list[FindingOutput]


class LintSummary(BaseModel):
    files: int
    errors: int
    warnings: int
    info: int
    loads: int
    verdicts: dict[str, int] = Field(description="how many files got each verdict")


class ValidateOutput(BaseModel):
    claude_code_version: str = Field(description="the Claude Code release the rules were checked against")
    spec_as_of: str
    summary: LintSummary
    files: list[AgentFileOutput]


class SkippedOutput(BaseModel):
    path: str
    reason: str


class AuditOutput(BaseModel):
    files_scanned: int
    lines_scanned: int
    findings: list[FindingOutput] = Field(description="at or above min_severity, in file and line order")
    skipped: list[SkippedOutput] = Field(description="files not read (huge, binary, not UTF-8)")
    parse_errors: list[SkippedOutput] = Field(description="files that are not valid Python")
    sdk_versions: dict[str, str] = Field(description="SDK versions pinned by the project, used for defaults")
