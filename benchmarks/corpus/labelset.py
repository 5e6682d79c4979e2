"""The corpus labels and the dev/test split, shared by check_labels.py and eval_audit.py.

Labels live one file per release in `labels/<name>-<version>.jsonl`; `corpus.toml` says which half
each release is in. Round 1 held out the `test` half; its final numbers are in docs/benchmarks.md and it
is tuned on since. Round 2 holds out `holdout`: measured, never tuned on.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
CORPUS = HERE / "corpus.toml"
SPLITS = ("dev", "test", "holdout")
# What may be tuned on: the dev half, and round 1's test half once its final numbers were recorded
# (session 4). Round 2 holds out `holdout`, releases nobody here had read when it was split.
TUNED = ("dev", "test")


def splits(corpus: Path = CORPUS) -> dict[str, str]:
    """Release key (`<name>-<version>`) -> its half (one of SPLITS)."""
    data = tomllib.loads(corpus.read_text(encoding="utf-8"))
    return {f"{p['name']}-{p['version']}": p["split"] for p in data["package"]}


def release_of(label: dict) -> str:  # type: ignore[type-arg]
    return str(label["path"]).split("/", 1)[0]


def load_labels(path: Path = LABELS, split: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    """Every label in `path` (a .jsonl file, or a folder of them), optionally only one half's
    ("tuned" is every half in TUNED).

    Raises ValueError naming the file and line of a label that is not JSON."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    halves = splits() if split else {}
    labels = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                label = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{file}:{number}: not JSON ({e})") from e
            label["_source"] = f"{file.name}:{number}"
            half = halves.get(release_of(label))
            if split is None or half == split or (split == "tuned" and half in TUNED):
                labels.append(label)
    return labels
