"""The corpus labels and the dev/test split, shared by check_labels.py and eval_audit.py.

Labels live one file per release in `labels/<name>-<version>.jsonl`; `corpus.toml` says which half
each release is in. The test half is held out: it is measured, never tuned on.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
CORPUS = HERE / "corpus.toml"
SPLITS = ("dev", "test")


def splits(corpus: Path = CORPUS) -> dict[str, str]:
    """Release key (`<name>-<version>`) -> "dev" or "test"."""
    data = tomllib.loads(corpus.read_text(encoding="utf-8"))
    return {f"{p['name']}-{p['version']}": p["split"] for p in data["package"]}


def release_of(label: dict) -> str:  # type: ignore[type-arg]
    return str(label["path"]).split("/", 1)[0]


def load_labels(path: Path = LABELS, split: str | None = None) -> list[dict]:  # type: ignore[type-arg]
    """Every label in `path` (a .jsonl file, or a folder of them), optionally only one half's.

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
            if split is None or halves.get(release_of(label)) == split:
                labels.append(label)
    return labels
