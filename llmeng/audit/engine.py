"""Walk the tree, read and summarize files (in parallel for large trees), then analyse the project."""

from __future__ import annotations

import fnmatch
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from llmeng.audit.analyse import analyse
from llmeng.audit.flow import bearers
from llmeng.audit.knowledge import Knowledge, load_knowledge
from llmeng.audit.model import AuditConfig, AuditResult, FileSummary, ModelLookup, Skipped
from llmeng.audit.summarize import summarize
from llmeng.errors import LlmengError
from llmeng.findings import Finding
from llmeng.fsutil import NotReadable, read_regular, special_file_reason

Progress = Callable[[int, int], None]
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
        ".eggs",
    }
)
# Config files whose text can switch tracing on without code (env vars read by the SDKs).
_CONFIG_NAMES = (".env*", "docker-compose*.yml", "docker-compose*.yaml", "*.env", "litellm_config.yaml")
_CONFIG_TRACING = re.compile(
    r"LANGSMITH_TRACING|LANGCHAIN_TRACING_V2|LANGFUSE_|HELICONE|OTEL_EXPORTER|"
    r"TRACELOOP_|LOGFIRE_|PHOENIX_|success_callback"
)
_CONFIG_MAX_BYTES = 1 << 20  # an env or compose file; the tracing switch sits near the top
# Below this many files a process pool costs more to start than it saves.
_PARALLEL_MIN_FILES = 300
_CHUNK = 16
_CALLER_ROUNDS = 3
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Names that cannot link a caller: module bodies and dunder entry points.
_UNLINKABLE = frozenset({"<module>", "__init__", "__call__", "main"})


@dataclass(frozen=True)
class Source:
    display: str  # path as reported
    relative: str  # path under the audited root: names the module


def audit_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    config: AuditConfig | None = None,
    catalog: ModelLookup | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    knowledge: Knowledge | None = None,
) -> AuditResult:
    """Audit the Python files under `paths` as one project."""
    config = config or AuditConfig()
    k = (knowledge or load_knowledge()).with_pins(config.pins)
    sources, configs, passed_over = _collect(paths, config)
    if not sources:
        raise LlmengError(
            f"no Python files found under {', '.join(map(str, paths))}",
            "Point llmeng audit at a directory or .py file of the project.",
        )
    summaries, skipped = _summarize_all(sources, k, config, jobs, progress)
    skipped = passed_over + skipped
    summaries = _add_callers(summaries, sources, k, config, jobs)
    findings = analyse(
        summaries, config=config, knowledge=k, catalog=catalog, extra_signals=_config_signals(configs)
    )
    return _result(findings, summaries, skipped, config)


def audit_source(
    text: str,
    filename: str = "<snippet>",
    *,
    config: AuditConfig | None = None,
    catalog: ModelLookup | None = None,
) -> AuditResult:
    """Audit one snippet of Python source as if it were a whole project."""
    config = config or AuditConfig()
    k = load_knowledge().with_pins(config.pins)
    summary = summarize(filename, text, k, force=True)
    findings = analyse([summary], config=config, knowledge=k, catalog=catalog)
    return _result(findings, [summary], [], config)


def _result(
    findings: Iterable[Finding],
    summaries: Sequence[FileSummary],
    skipped: Sequence[Skipped],
    config: AuditConfig,
) -> AuditResult:
    errors = tuple(Skipped(s.path, s.parse_error) for s in summaries if s.parse_error)
    return AuditResult(
        tuple(findings),
        len(summaries),
        sum(s.lines for s in summaries),
        tuple(skipped),
        errors,
        dict(config.pins),
    )


def _collect(
    paths: Sequence[str | os.PathLike[str]], config: AuditConfig
) -> tuple[list[Source], list[Path], list[Skipped]]:
    """The sources and config files under `paths`, and each file a walk passed over, with why.

    A named file is read as given (the reader refuses a FIFO or device); a walk stays inside its root:
    os.walk does not enter linked folders, and a linked or special file is passed over with a note.
    """
    sources: list[Source] = []
    configs: list[Path] = []
    passed_over: list[Skipped] = []
    for raw in paths:
        root = Path(raw)
        if root.exists() and not root.is_dir():
            sources.append(Source(str(root), root.name))
            continue
        if not root.is_dir():
            raise LlmengError(
                f"{root}: no such file or directory", "Check the path you passed to llmeng audit."
            )
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info"))
            for name in sorted(filenames):
                full = Path(dirpath, name)
                rel = full.relative_to(root).as_posix()
                is_source = name.endswith(".py")
                if _excluded(rel, config.exclude) or not (
                    is_source or any(fnmatch.fnmatch(name, p) for p in _CONFIG_NAMES)
                ):
                    continue
                reason = special_file_reason(full, root)
                if reason is not None:
                    passed_over.append(Skipped(str(full), reason))
                elif is_source:
                    sources.append(Source(str(full), rel))
                else:
                    configs.append(full)
    return sources, configs, passed_over


def _excluded(rel: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or rel.startswith(p.rstrip("/*") + "/") for p in patterns)


def _config_signals(configs: Sequence[Path]) -> dict[str, str]:
    for path in configs:
        try:
            text = read_regular(path, max_bytes=_CONFIG_MAX_BYTES, cut=True).decode("utf-8", "replace")
        except OSError:
            continue
        m = _CONFIG_TRACING.search(text)
        if m:
            line = text.count("\n", 0, m.start()) + 1
            return {"observability": f"{path}:{line} {m.group(0)} (configured elsewhere)"}
    return {}


def read_source(path: str, max_bytes: int) -> str | Skipped:
    """The text of a source file, or why it is skipped (unreadable, huge, binary, not UTF-8)."""
    try:
        data = read_regular(path, max_bytes=max_bytes)
    except NotReadable as e:
        return Skipped(path, e.reason)
    except OSError as e:
        return Skipped(path, f"unreadable ({e.strerror or e})")
    if b"\0" in data[:8192]:
        return Skipped(path, "binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Skipped(path, "not UTF-8")


_WORKER_KNOWLEDGE: list[Knowledge] = []


def _init_worker(knowledge: Knowledge) -> None:
    # Sent once per worker process instead of once per file.
    _WORKER_KNOWLEDGE[:] = [knowledge]


def _summarize_in_worker(job: tuple[Source, int, bool]) -> FileSummary | Skipped:
    source, max_bytes, force = job
    return _summarize_one((source, _WORKER_KNOWLEDGE[0], max_bytes, force))


def _summarize_one(job: tuple[Source, Knowledge, int, bool]) -> FileSummary | Skipped:
    source, knowledge, max_bytes, force = job
    text = read_source(source.display, max_bytes)
    if isinstance(text, Skipped):
        return text
    with _collector_paused():
        summary = summarize(source.relative, text, knowledge, force=force)
    # The module name comes from the relative path; findings report the path as the user gave it.
    return _relocate(summary, source.display)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is analysed.

    The syntax tree of a large file is millions of objects and holds no cycles; the collector's full
    passes over it cost about as much as the analysis itself (a 16k-function file: 6.2 s with it,
    see docs/benchmarks.md). Whatever the file left behind is collected when the pause ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _relocate(summary: FileSummary, display: str) -> FileSummary:
    if summary.path == display:
        return summary
    from dataclasses import replace

    return replace(
        summary,
        path=display,
        sites=tuple(replace(s, path=display) for s in summary.sites),
        functions=tuple(replace(f, path=display) for f in summary.functions),
    )


def _summarize_all(
    sources: Sequence[Source],
    k: Knowledge,
    config: AuditConfig,
    jobs: int,
    progress: Progress | None,
    force: bool = False,
) -> tuple[list[FileSummary], list[Skipped]]:
    total, done = len(sources), 0
    out: list[FileSummary | Skipped] = []
    if jobs > 1 and total >= _PARALLEL_MIN_FILES:
        work = [(s, config.max_file_bytes, force) for s in sources]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(k,)) as pool:
            for item in pool.map(_summarize_in_worker, work, chunksize=_CHUNK):
                out.append(item)
                done += 1
                if progress and (done % _CHUNK == 0 or done == total):
                    progress(done, total)
    else:
        for source in sources:
            out.append(_summarize_one((source, k, config.max_file_bytes, force)))
            done += 1
            if progress:
                progress(done, total)
    return [o for o in out if isinstance(o, FileSummary)], [o for o in out if isinstance(o, Skipped)]


def _add_callers(
    summaries: list[FileSummary], sources: Sequence[Source], k: Knowledge, config: AuditConfig, jobs: int
) -> list[FileSummary]:
    """Parse the unparsed files that may call LLM-calling functions, up to 3 levels of callers.

    Files with no LLM hint are not parsed in the first pass; a caller's try/except or retry still
    counts, so files that name a function on an LLM call path are parsed here.
    """
    by_path = {s.path: i for i, s in enumerate(summaries)}
    pending = {
        s.display: s
        for s in sources
        if s.display in by_path
        and not summaries[by_path[s.display]].functions
        and not summaries[by_path[s.display]].parse_error
    }
    words: dict[str, frozenset[str]] = {}
    reached = {site.function.rsplit(".", 1)[-1] for s in summaries for site in s.sites if not site.pending}
    for _ in range(_CALLER_ROUNDS):
        # Also files naming a function or class that hands out a client: their calls on it are sites.
        names = (reached | bearers(summaries)) - _UNLINKABLE
        if not names or not pending:
            break
        hits = [src for src in pending.values() if _identifiers(src.display, words, config) & names]
        for src in hits:
            del pending[src.display]
        fresh, _ = _summarize_all(hits, k, config, jobs, None, force=True)
        for item in fresh:
            summaries[by_path[item.path]] = item
        # Callers of what was reached (by name, as the call graph links them).
        reached = {
            f.key.rsplit(".", 1)[-1]
            for s in summaries
            for f in s.functions
            if any(e.callee.rsplit(".", 1)[-1] in names for e in f.edges)
        }
    return summaries


def _identifiers(path: str, cache: dict[str, frozenset[str]], config: AuditConfig) -> frozenset[str]:
    if path not in cache:
        text = read_source(path, config.max_file_bytes)
        cache[path] = frozenset(_IDENT.findall(text)) if isinstance(text, str) else frozenset()
    return cache[path]
