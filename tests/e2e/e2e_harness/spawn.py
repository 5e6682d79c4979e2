"""Spawn each agent of a project in turn in the real CLI, and read back what Claude Code did with it.

For the validator's loader facts: which files were listed, which one of a duplicate pair is active,
what the lenient YAML retry produced, which tools each subagent was given, and which spawns were
refused. Each agent's body holds `ID: <id>` after MARKER so the mock tells its requests apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from e2e_harness.evidence import offered_agents
from e2e_harness.mock_api import MockApi, Reply
from e2e_harness.runner import ClaudeRun, Sandbox, run_print
from e2e_harness.script import AGENT_TOOL_NAMES, result_text, system_text, tool_names, tool_results, tool_uses

MARKER = "LOADER-FACT-PROBE"


def body(probe_id: str) -> str:
    """The body of a probe agent: how its requests are recognised."""
    return f"{MARKER}\nID: {probe_id}\n"


@dataclass(frozen=True)
class SpawnEach:
    """Main thread: spawn `types` one after the other (in the foreground), then stop. Subagent: answer."""

    types: tuple[str, ...]

    def __call__(self, request: dict[str, Any]) -> Reply:
        if MARKER in system_text(request):
            return Reply(text="PROBE DONE")
        offered = [name for name in AGENT_TOOL_NAMES if name in tool_names(request)]
        if not offered:
            return Reply(text="ok")
        done = [use for use in tool_uses(request) if use["name"] in AGENT_TOOL_NAMES]
        if len(done) >= len(self.types):
            return Reply(text="MAIN DONE")
        return Reply(
            tool_name=offered[0],
            tool_input={
                "subagent_type": self.types[len(done)],
                "description": "loader probe",
                "prompt": "Answer in one line.",
                "run_in_background": False,
            },
        )


@dataclass(frozen=True)
class LoaderFacts:
    run: ClaudeRun
    listed: frozenset[str]  # agent types in the stream-json init
    listing: dict[str, str]  # agent type -> its line in the agent list sent to the model
    tools: dict[str, list[str]]  # probe id -> tools of its first subagent request
    results: tuple[str, ...]  # every tool result the main thread got, in order

    def refusal(self, agent_type: str) -> str | None:
        """The error Claude Code answered the spawn of `agent_type` with, if it refused."""
        return next((r for r in self.results if r.startswith("ERROR") and f"'{agent_type}'" in r), None)


def probe(
    claude: Path,
    box: Sandbox,
    files: Mapping[str, str | bytes],
    spawn: Sequence[str],
    *,
    extra_args: Sequence[str] = (),
) -> LoaderFacts:
    """Write `files` (paths relative to the project), run `claude -p` once, spawning each of `spawn`."""
    for rel, text in files.items():
        path = box.project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with MockApi(SpawnEach(tuple(spawn))) as api:
        result = run_print(claude, box, env=box.env(base_url=api.url), extra_args=extra_args)
        requests = api.messages_requests()
    assert result.returncode == 0 and requests, result.describe()
    tools: dict[str, list[str]] = {}
    for request in requests:
        for line in system_text(request).splitlines():
            if line.startswith("ID: "):
                tools.setdefault(line[4:].strip(), tool_names(request))
    results = tuple(dict.fromkeys(result_text(r) for req in requests for r in tool_results(req)))
    return LoaderFacts(
        run=result,
        listed=frozenset(result.inits()[0]["agents"]),
        listing=offered_agents(requests[0]),
        tools=tools,
        results=results,
    )
