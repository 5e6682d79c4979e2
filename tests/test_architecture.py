"""The import graph keeps the layers apart: no cycles, adapters use only the doors, the core no adapter.

The graph is read from the source with `ast`, so every import counts: at module level, inside
functions and under `if TYPE_CHECKING:`. Relative imports are resolved, and `from pkg import mod`
is an edge to `pkg.mod` when `mod` is a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("llmeng", "mcp_server")
DOMAINS = ("agents", "audit", "sessions", "install", "models", "usage")
ADAPTERS = ("llmeng.cli", "mcp_server")
# What an adapter may import from llmeng besides its own package: each domain's door, the
# renderers, the errors, the clock and the version.
ADAPTER_MAY_IMPORT = (
    *(f"llmeng.{d}.api" for d in DOMAINS),
    "llmeng.report",
    "llmeng.errors",
    "llmeng.clock",
    "llmeng",
)
# The core (llmeng outside cli/ and report/) never reaches up into an adapter or a renderer.
CORE_MUST_NOT_IMPORT = ("llmeng.cli", "llmeng.report", "mcp_server")
# `python -m llmeng` runs the CLI: its entry module belongs to the CLI adapter.
ENTRY_POINTS = {"llmeng.__main__": "llmeng.cli"}

Graph = dict[str, set[str]]


def module_files(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of `packages` under `root`."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> Graph:
    """Module -> the modules of `packages` it imports, anywhere in its source."""
    files = module_files(root, packages)
    graph: Graph = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(_known(alias.name, files) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, name, is_package)
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    targets.add(child if child in files else _known(base, files))
        graph[name] = {t for t in targets if t and t != name}
    return graph


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _known(name: str, files: Mapping[str, Path]) -> str:
    """The module itself, or its nearest package we have, or "" for a module from elsewhere."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in files:
            return ".".join(parts)
        parts.pop()
    return ""


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (a -> b -> ... -> a) for each strongly connected group of modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: Graph) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt_frontier = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return [*paths[node], start]
                if nxt not in paths:
                    paths[nxt] = [*paths[node], nxt]
                    nxt_frontier.append(nxt)
        frontier = nxt_frontier
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover (a group always has one)


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _adapter_of(module: str) -> str | None:
    module = ENTRY_POINTS.get(module, module)
    return next((a for a in ADAPTERS if _under(module, a)), None)


def adapter_violations(graph: Graph) -> list[str]:
    """'importer -> imported' for each adapter import of llmeng outside the doors, or of the other adapter."""
    found = []
    for module, targets in sorted(graph.items()):
        adapter = _adapter_of(module)
        if adapter is None:
            continue
        for target in sorted(targets):
            if _under(target, adapter):
                continue
            other_adapter = _adapter_of(target) is not None
            door = any(_under(target, a) if a == "llmeng.report" else target == a for a in ADAPTER_MAY_IMPORT)
            if other_adapter or (_under(target, "llmeng") and not door):
                found.append(f"{module} -> {target}")
    return found


def core_violations(graph: Graph) -> list[str]:
    """'importer -> imported' for each core module that imports an adapter or a renderer."""
    return [
        f"{module} -> {target}"
        for module, targets in sorted(graph.items())
        if _under(module, "llmeng") and _adapter_of(module) is None and not _under(module, "llmeng.report")
        for target in sorted(targets)
        if any(_under(target, banned) for banned in CORE_MUST_NOT_IMPORT)
    ]


# The tree itself.


def test_the_import_graph_has_no_cycles() -> None:
    found = cycles(import_graph(REPO))
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_adapters_import_only_the_domain_doors_renderers_errors_and_clock() -> None:
    found = adapter_violations(import_graph(REPO))
    assert not found, "adapters reaching past the doors:\n" + "\n".join(found)


def test_the_core_never_imports_an_adapter_or_a_renderer() -> None:
    found = core_violations(import_graph(REPO))
    assert not found, "core modules importing adapters or renderers:\n" + "\n".join(found)


# The checks themselves, on small fake trees.


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name in ("llmeng/__init__.py", "mcp_server/__init__.py", *files):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files.get(name, ""), "utf-8")
    return root


def test_a_cycle_through_a_function_level_relative_import_is_found_and_named(tmp_path: Path) -> None:
    graph = import_graph(
        _tree(
            tmp_path,
            {
                "llmeng/a.py": "import llmeng.b\n",
                "llmeng/b.py": "def f():\n    from . import c\n",
                "llmeng/c.py": "from llmeng.a import thing\n",
                "llmeng/d.py": "import llmeng.a\n",
            },
        )
    )
    assert cycles(graph) == [["llmeng.a", "llmeng.b", "llmeng.c", "llmeng.a"]]


def test_a_tree_without_cycles_passes(tmp_path: Path) -> None:
    graph = import_graph(_tree(tmp_path, {"llmeng/a.py": "import llmeng.b\n", "llmeng/b.py": "import os\n"}))
    assert graph == {"llmeng": set(), "llmeng.a": {"llmeng.b"}, "llmeng.b": set(), "mcp_server": set()}
    assert cycles(graph) == []


def test_an_adapter_import_under_type_checking_or_in_a_function_is_forbidden(tmp_path: Path) -> None:
    graph = import_graph(
        _tree(
            tmp_path,
            {
                "llmeng/audit/__init__.py": "",
                "llmeng/audit/api.py": "",
                "llmeng/audit/engine.py": "",
                "llmeng/cli/__init__.py": "",
                "llmeng/cli/audit.py": (
                    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                    "    from llmeng.audit.engine import audit_paths\n"
                ),
                "mcp_server/tools.py": "def tool():\n    from llmeng.audit import engine\n",
            },
        )
    )
    assert adapter_violations(graph) == [
        "llmeng.cli.audit -> llmeng.audit.engine",
        "mcp_server.tools -> llmeng.audit.engine",
    ]


def test_adapters_may_use_the_doors_renderers_errors_clock_version_and_their_own_package(
    tmp_path: Path,
) -> None:
    graph = import_graph(
        _tree(
            tmp_path,
            {
                "llmeng/errors.py": "",
                "llmeng/clock.py": "",
                "llmeng/agents/__init__.py": "",
                "llmeng/agents/api.py": "",
                "llmeng/audit/__init__.py": "",
                "llmeng/audit/api.py": "",
                "llmeng/report/__init__.py": "",
                "llmeng/report/audit.py": "",
                "llmeng/cli/__init__.py": "",
                "llmeng/cli/helpers.py": "",
                "llmeng/cli/audit.py": (
                    "from llmeng import __version__, clock\nfrom llmeng.errors import LlmengError\n"
                    "from ..audit import api\nfrom llmeng.report.audit import render\nfrom . import helpers\n"
                ),
                "mcp_server/tools.py": "from llmeng.agents import api\nimport llmeng.report\nfrom .server import x\n",
                "mcp_server/server.py": "",
            },
        )
    )
    assert graph["llmeng.cli.audit"] == {
        "llmeng",
        "llmeng.clock",
        "llmeng.errors",
        "llmeng.audit.api",
        "llmeng.report.audit",
        "llmeng.cli.helpers",
    }
    assert adapter_violations(graph) == []


def test_one_adapter_may_not_import_the_other(tmp_path: Path) -> None:
    graph = import_graph(
        _tree(
            tmp_path, {"llmeng/cli/__init__.py": "", "mcp_server/tools.py": "from llmeng.cli import main\n"}
        )
    )
    assert adapter_violations(graph) == ["mcp_server.tools -> llmeng.cli"]


def test_the_core_may_not_import_adapters_or_renderers(tmp_path: Path) -> None:
    graph = import_graph(
        _tree(
            tmp_path,
            {
                "llmeng/__main__.py": "from llmeng.cli import run\n",
                "llmeng/cli/__init__.py": "",
                "llmeng/report/__init__.py": "",
                "llmeng/report/audit.py": "from llmeng.audit import engine\n",
                "llmeng/audit/__init__.py": "",
                "llmeng/audit/engine.py": "def f():\n    from llmeng.report import audit\n    import mcp_server\n",
            },
        )
    )
    assert core_violations(graph) == [
        "llmeng.audit.engine -> llmeng.report.audit",
        "llmeng.audit.engine -> mcp_server",
    ]
