"""The tool bodies. Each parses its input, makes one core call and returns a pydantic model.

Cores are imported inside the bodies (start-up stays at hello-world speed). A method's docstring
is the tool's description: it tells a model when to call it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import anyio
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import Field

from llmeng.errors import LlmengError
from mcp_server.outputs import (
    AppendOutput,
    AuditOutput,
    SessionOutput,
    ValidateOutput,
    json_safe,
    session_output,
)

if TYPE_CHECKING:  # the sessions core loads on the first call that needs it
    from llmeng.sessions.api import Tie

TEXT_MAX_CHARS = 262_144  # the session log's per-entry cap is 256 KiB; a longer string cannot fit
CODE_MAX_CHARS = 1_000_000
PATH_MAX_CHARS = 4096


@contextmanager
def core_errors(kind: type[Exception] = ToolError) -> Iterator[None]:
    """Turn the core's LlmengError into a tool (or resource) error the model can act on.

    Anything else propagates: the SDK answers "Error executing tool <name>" and logs the
    traceback to stderr, so internals never reach the client.
    """
    try:
        yield
    except LlmengError as e:
        raise kind(json_safe(f"{e} Fix: {e.fix}")) from e  # a path in it may not be UTF-8


class LlmengTools:
    """The tools that need the project root, bound to one."""

    def __init__(self, root: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self._root_prefix = os.path.join(root, "")
        self._env = env
        self._tie: Tie | None = None

    def session_tie(self) -> Tie | None:
        """What ties this server to its client's Claude Code session; None without an environment.

        Worked out once: a server's ancestors do not change, and the records it reads are read per call.
        """
        if self._env is not None and self._tie is None:
            import llmeng.sessions.api as api  # noqa: PLR0402

            self._tie = api.tie_of(self._env, pid=os.getpid(), home=Path.home())
        return self._tie

    def audit(
        self,
        path: Annotated[
            str,
            Field(
                description="A Python file or folder to audit, relative to the project "
                "root. Give either path or code.",
                max_length=PATH_MAX_CHARS,
            ),
        ] = "",
        code: Annotated[
            str,
            Field(
                description="Python source to audit instead of files, e.g. the function you are writing.",
                max_length=CODE_MAX_CHARS,
            ),
        ] = "",
        rules: Annotated[
            list[str],
            Field(
                description="Only report these rule ids, e.g. ['LLM101', 'LLM105']; empty: all rules.",
                max_length=50,
            ),
        ] = [],  # noqa: B006
        min_severity: Annotated[
            Literal["low", "medium", "high", "critical"],
            Field(description="Leave out findings below this severity."),
        ] = "low",
    ) -> AuditOutput:
        """Audit Python code that calls LLM APIs (OpenAI, Anthropic, Gemini, LiteLLM, LangChain, ...).

        Use it when writing or reviewing code that calls a model: it finds missing timeouts,
        retries and fallbacks, unbounded tokens or costs, prompt injection paths, leaked secrets,
        deprecated or unknown models and missing tracing. Each finding has a rule id, severity,
        line, evidence and a concrete fix. Pass `path` for files in the project, or `code` for a
        snippet. Read-only: nothing is changed or sent anywhere.
        """
        from llmeng import clock
        from llmeng.audit import api
        from llmeng.report.audit import as_dict

        with core_errors():
            done = api.audit(
                [path], code=code, root=self.root, today=clock.today(), rules=rules, min_severity=min_severity
            )
        return AuditOutput.model_validate(as_dict(done.result, done.shown, root=self.root))

    async def session_append(
        self,
        agent: Annotated[
            str,
            Field(
                description="Your agent name, e.g. 'llm-architect' (1-64 characters: "
                "letters, digits, '.', '_', ':' or '-').",
                max_length=64,
            ),
        ],
        report: Annotated[
            str,
            Field(
                description="The report, as markdown. Likely secrets are masked before it is written.",
                max_length=TEXT_MAX_CHARS,
            ),
        ],
        session_id: Annotated[
            str,
            Field(
                description="Append to this session instead of the active one (an id "
                "like 20261122-031500-title); empty: the active session.",
                max_length=80,
            ),
        ] = "",
    ) -> AppendOutput:
        """Append your report to the team's shared session log, as one entry.

        Call it once at the end of your task with what you found, decided and changed, so the other
        agents and the user can read it. The entry is kept in .claude/sessions/active/<session>.md
        under the project root with your agent name and the time; likely secrets (API keys, tokens)
        are masked first. With no active session it goes to the log of the Claude Code session you run
        in, created on first use (outside Claude Code: a standalone file under
        .claude/sessions/standalone/). Each call adds a new entry; nothing is overwritten.
        """
        # `import a.b as b`, not `from a import b`: a third of the cost on this hot path.
        import llmeng.clock as clock  # noqa: PLR0402
        import llmeng.report.sessions as report_render
        import llmeng.sessions.api as api  # noqa: PLR0402

        # A bad request is refused here, once: the entry is checked, redacted and rendered before any
        # lock is tried, and only the write is ever repeated. Uncontended, a write is a few syscalls:
        # done here, on the event loop, it skips a thread hop that cost more than the write. Only one
        # non-blocking lock attempt is made here; a busy lock is waited for in a worker thread, where
        # the bounded wait cannot stall other requests.
        try:
            entry = api.prepare_entry(
                agent,
                report,
                source="mcp",
                now=clock.now(),
                session_id=session_id or None,
                tie=self.session_tie(),
            )
            result = api.try_write_entry(self.root, entry)
        except LlmengError:
            with core_errors():  # on the error path only: entering it costs more than the write's lock
                raise
        if result is None:
            with core_errors():
                result = await anyio.to_thread.run_sync(partial(api.write_entry, self.root, entry))
        return AppendOutput(**report_render.append_data(result, root_prefix=self._root_prefix))

    def validate_agents(
        self,
        path: Annotated[
            str,
            Field(
                description="An agent definition file or a folder of them (searched "
                "recursively), relative to the project root; empty: "
                ".claude/agents and agents/ of the project root.",
                max_length=PATH_MAX_CHARS,
            ),
        ] = "",
        ignore: Annotated[
            list[str], Field(description="Rule ids to skip, e.g. ['AG205'].", max_length=100)
        ] = [],  # noqa: B006 (pydantic copies it)
    ) -> ValidateOutput:
        """Check Claude Code subagent definition files (*.md with YAML frontmatter) for mistakes.

        Use it after creating or editing an agent file, before relying on the agent: it reports what
        would stop Claude Code from loading the agent (errors), what it would silently ignore
        (warnings) and advice (info), each with the line and the fix. Read-only.
        """
        from llmeng.agents import api
        from llmeng.report.agents import render_json

        with core_errors():
            done = api.validate(
                [path], cwd=self.root, env=os.environ, home=Path.home(), root=self.root, ignore=ignore
            )
        return ValidateOutput.model_validate(render_json(done.result))

    def active_session(self) -> str:
        """The active session's entries, as JSON."""
        from llmeng.sessions import api

        with core_errors(ResourceError):
            view = api.read_active(self.root, tie=self.session_tie())
        output: SessionOutput = session_output(view)
        return output.model_dump_json()

    def model_sources(self) -> str:
        """The model catalog's sources and their ages, as JSON."""
        from llmeng import clock
        from llmeng.models import api
        from llmeng.report.models import render_sources_json

        day = clock.today()
        with core_errors(ResourceError):
            ages = api.source_ages(today=day, cache_dir=api.cache_dir(os.environ, Path.home()))
        return render_sources_json(day, ages)
