"""Export the agent files of public agent collections, at pinned commits, into one tree for benchmarks.

The files are never committed: the script reads each collection's git directory (for example one
brought onto the machine by the search tool's `fetch`, under /work/.mirror/<owner>+<name>/repo) and
writes `<out>/<owner>+<name>/<path>` for every agent file, as the collection lays them out (subfolders
kept, so cross-folder checks see what a user who copies the collection gets).

Run: python benchmarks/export_collections.py OUT [--mirrors /work/.mirror]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Collection:
    repo: str
    commit: str
    folders: tuple[str, ...]  # where its agent files are; every *.md under them is exported


# Pinned 2026-12-02. noricha-vr/claude-code-subagents was asked for too; no snapshot could be had.
COLLECTIONS = (
    Collection("rshah515/claude-code-subagents", "872758205aa89f50ddd689db40d5162da278ff25", ("*/",)),
    Collection(
        "vanzan01/claude-code-sub-agent-collective",
        "dfbb43a7583fc9ab68d43645cc09660e338e5408",
        ("templates/agents/",),
    ),
    Collection(
        "vijaythecoder/awesome-claude-agents", "19ed92a2c176a1720b7f2d8e15ba4bf7ec85c9a5", ("agents/",)
    ),
    Collection("ubehera/claude-agents-pro", "a913e97facf8eba3483e070ff84528e9fb145f85", ("agents/",)),
    Collection("osbornesec/claude-agents", "ef55c4dd4ab9f09fceff8f9c44925e85b23b9bfb", (".claude/agents/",)),
    Collection(
        "BlueSkyXN/claude-code-subagents-box", "113b2904461dc51952736a2f063db75a27901a4b", ("en/", "cn/")
    ),
)


def _git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, check=True).stdout


def _selected(path: str, folders: tuple[str, ...]) -> bool:
    if not path.endswith(".md"):
        return False
    # "*/" means any file inside a top-level folder (not the collection's own README and guides).
    return any(path.startswith(f) if f != "*/" else "/" in path for f in folders)


def export(collection: Collection, mirrors: Path, out: Path) -> int:
    """Write the collection's agent files under `out`; return how many."""
    owner_name = collection.repo.replace("/", "+")
    git_dir = mirrors / owner_name / "repo"
    listing = _git(git_dir, "ls-tree", "-r", "-z", "--name-only", collection.commit).split(b"\0")
    count = 0
    for raw in listing:
        path = raw.decode("utf-8")
        if raw and _selected(path, collection.folders):
            target = out / owner_name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(git_dir, "show", f"{collection.commit}:{path}"))
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args(argv)
    total = 0
    for collection in COLLECTIONS:
        n = export(collection, args.mirrors, args.out)
        print(f"{collection.repo}@{collection.commit[:12]}: {n} files", file=sys.stderr)
        total += n
    print(f"{total} files under {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
