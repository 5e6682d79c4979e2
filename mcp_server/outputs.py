"""What the tools return: pydantic models, so each tool publishes an outputSchema.

Where a core already returns a pydantic model (the model selection), the tool returns that
directly; these cover the cores that return dataclasses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, Field

if TYPE_CHECKING:  # the cores load on first use, not at start-up
    from llmeng.sessions.api import SessionView

_T = TypeVar("_T")


class AppendOutput(BaseModel):
    entry_id: str = Field(description="id of the new entry")
    session_id: str | None = Field(description="the session appended to; null when no session was active")
    path: str = Field(description="file written, relative to the project root")
    standalone: bool = Field(
        description="true: no active session and no Claude Code session to tie it to, so the report was "
        "kept as its own file"
    )
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


def json_safe(value: _T) -> _T:
    """`value` (a tool's result or message) with each lone surrogate as U+FFFD, so it encodes as JSON.

    Lone surrogates reach a result from file names that are not UTF-8 (os.walk hands the bytes over as
    surrogate escapes) and from escapes in the files themselves (`model='\\ud800'` in Python, `"\\ud800"`
    in YAML). pydantic refuses to encode them, and the client then got only "Error executing tool
    <name>" (issue 13). An escaped pair is joined into its character. A result with none is returned as is.
    """
    if isinstance(value, BaseModel):
        dumped = value.model_dump()
        safe = _scrub(dumped)
        return value if safe is dumped else type(value).model_validate(safe)
    return _scrub(value)  # type: ignore[no-any-return]


def _scrub(value: Any) -> Any:
    """`value` itself when it holds no lone surrogate, else a copy with each one replaced."""
    if isinstance(value, str):
        if value.isascii():
            return value
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        items = [(_scrub(k), _scrub(v)) for k, v in value.items()]
        same = all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True))
        return value if same else dict(items)
    if isinstance(value, (list, tuple)):
        parts = [_scrub(v) for v in value]
        return value if all(a is b for a, b in zip(parts, value, strict=True)) else type(value)(parts)
    return value
