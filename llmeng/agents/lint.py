"""Lint agent definition files: `lint_paths(...) -> LintResult`."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from llmeng.agents.context import LintContext, build_context, other_names
from llmeng.agents.docs import AgentDoc, expand_paths, find_plugin, load_doc
from llmeng.agents.registry import FILE_CHECKS, SET_CHECKS
from llmeng.agents.rules import FileCheck
from llmeng.agents.rules.file import check_failed
from llmeng.agents.spec import Spec, load_spec
from llmeng.claude_paths import user_config_dir
from llmeng.findings import Finding, Severity, Verdict, verdict_of

# Below this many files a process pool costs more than it saves (measured: benchmarks/bench_validate.py).
PARALLEL_MIN_FILES = 200


@dataclass(frozen=True)
class FileResult:
    path: Path
    display: str
    name: str | None
    scope: str
    findings: tuple[Finding, ...]
    # From every finding, ignored rules included: ignoring a rule hides it, it does not change
    # what Claude Code does with the file.
    verdict: Verdict = Verdict.LOADED

    @property
    def loads(self) -> bool:
        """Whether Claude Code loads (lists) this agent; it may still refuse to start it."""
        return self.verdict is not Verdict.NOT_LOADED


@dataclass(frozen=True)
class LintResult:
    files: tuple[FileResult, ...]
    missing: tuple[Path, ...]
    claude_code_version: str
    spec_as_of: str

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for r in self.files for f in r.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def verdicts(self) -> dict[Verdict, int]:
        """How many files got each verdict, every verdict listed."""
        return {v: sum(1 for f in self.files if f.verdict is v) for v in Verdict}


def lint_paths(
    paths: Sequence[Path],
    *,
    env: Mapping[str, str],
    cwd: Path,
    home: Path,
    ignore: Collection[str] = (),
    jobs: int = 1,
    spec: Spec | None = None,
    confine_to: Path | None = None,
) -> LintResult:
    """Lint every agent file under `paths`; every file found gets a result.

    With `confine_to`, a file found through a link that leads outside that folder is not read.
    """
    spec = spec or load_spec()
    files, missing = expand_paths(paths)
    user_dir = user_config_dir(env=env, home=home)
    plugins = [p for p in (find_plugin(Path(os.path.abspath(f))) for f in files) if p is not None]
    ctx = build_context(plugins, spec, env=env, cwd=cwd, home=home, user_dir=user_dir)
    ctx = replace(ctx, confine_to=confine_to)
    checked = _check_all(files, ctx, cwd=cwd, user_dir=user_dir, jobs=jobs)
    roots = tuple(Path(os.path.abspath(p)) for p in paths if p.is_dir())
    by_doc: dict[str, list[Finding]] = defaultdict(list)
    for doc, found in checked:
        by_doc[doc.display].extend(found)
    ctx = replace(
        ctx,
        docs=tuple(doc for doc, _ in checked),
        roots=roots,
        other_names=other_names(
            [
                ctx.project_root / ".claude",
                user_dir,
                *(p.root for p in plugins),
                *(r.parent for r in roots),
                *roots,
            ]
        ),
        not_loaded=frozenset(
            d for d, found in by_doc.items() if verdict_of(f.effect for f in found) is Verdict.NOT_LOADED
        ),
    )
    for set_check in SET_CHECKS:
        try:
            found_in_set = list(set_check(ctx))
        except Exception as e:  # noqa: BLE001 - a cross-file check failing leaves every file unverified
            found_in_set = [check_failed(doc, set_check.__name__, e) for doc in ctx.docs]
        for f in found_in_set:
            by_doc[f.location.path].append(f)
    ignored = {i.upper() for i in ignore}
    results = tuple(
        FileResult(
            path=d.path,
            display=d.display,
            name=d.name,
            scope=d.scope,
            findings=tuple(
                sorted(
                    (f for f in by_doc[d.display] if f.rule_id not in ignored),
                    key=lambda f: (f.location.line, f.location.col, f.rule_id),
                )
            ),
            verdict=verdict_of(f.effect for f in by_doc[d.display]),
        )
        for d in ctx.docs
    )
    return LintResult(
        files=results,
        missing=tuple(missing),
        claude_code_version=spec.claude_code_version,
        spec_as_of=spec.as_of,
    )


def _guarded(check: FileCheck, doc: AgentDoc, ctx: LintContext) -> list[Finding]:
    """The check's findings; if it raises, the one finding that says so, and the run goes on."""
    try:
        return list(check(doc, ctx))
    except Exception as e:  # noqa: BLE001 - one check failing on one file must not cost every other verdict
        return [check_failed(doc, check.__name__, e)]


def _check_all(
    files: list[Path], ctx: LintContext, *, cwd: Path, user_dir: Path, jobs: int
) -> list[tuple[AgentDoc, list[Finding]]]:
    check = partial(_load_and_check, ctx=ctx, cwd=cwd, user_dir=user_dir)
    workers = min(jobs if jobs > 0 else (os.cpu_count() or 1), len(files) // (PARALLEL_MIN_FILES // 2) or 1)
    if workers <= 1 or len(files) < PARALLEL_MIN_FILES:
        return [check(f) for f in files]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(check, files, chunksize=64))


def _load_and_check(
    path: Path, *, ctx: LintContext, cwd: Path, user_dir: Path
) -> tuple[AgentDoc, list[Finding]]:
    """Read, parse and run every per-file check; return the document without the text the set
    checks do not need, so that results from worker processes stay small."""
    doc = load_doc(path, ctx.spec, cwd=cwd, user_dir=user_dir, confine_to=ctx.confine_to)
    found = [f for check in FILE_CHECKS for f in _guarded(check, doc, ctx)]
    parsed = doc.parsed and replace(doc.parsed, body="", frontmatter_text="")
    return replace(doc, text=None, parsed=parsed), found
