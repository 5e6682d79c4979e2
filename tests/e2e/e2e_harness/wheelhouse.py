"""Wheels of llmeng's dependencies in a cache, so a "fresh machine" test can install them offline.

Built once with pip from the package registry (like the npm install of Claude Code); keyed by the
content of pyproject.toml and the extra requirements, so a changed dependency list gets a new wheelhouse.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PIP_TIMEOUT_S = 900
# pip builds llmeng from the plugin folder through its build backend, which must be offline too; the
# plugin's launcher installs uv (one wheel) with pip before it builds its venv with uv.
BUILD_REQUIREMENTS = ("hatchling>=1.25", "uv")


def ensure_wheelhouse(repo_root: Path, cache: Path) -> Path:
    content = (repo_root / "pyproject.toml").read_bytes() + "\n".join(BUILD_REQUIREMENTS).encode()
    key = hashlib.sha256(content).hexdigest()[:16]
    target = cache / f"wheelhouse-{key}"
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".wheelhouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".complete").exists():
            return target
        building = cache / f"wheelhouse-{key}.building"
        shutil.rmtree(building, ignore_errors=True)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--quiet",
                "--wheel-dir",
                str(building),
                str(repo_root),
                *BUILD_REQUIREMENTS,
            ],
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"pip wheel for the offline wheelhouse failed:\n{done.stderr[-3000:]}")
        # Only the dependencies: the launcher must build llmeng itself from the plugin folder.
        for own in building.glob("llmeng-*.whl"):
            own.unlink()
        (building / ".complete").touch()
        building.rename(target)
    return target


def ensure_uv(wheelhouse: Path) -> Path:
    """The folder of a `uv` program taken from the wheelhouse's uv wheel, as a machine with uv installed
    has it on PATH (the wheel ships the static binary as a script)."""
    [wheel] = sorted(wheelhouse.glob("uv-*.whl"))
    target = wheelhouse.parent / f"uv-bin-{wheel.name.split('-')[1]}"
    with open(wheelhouse.parent / ".wheelhouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "uv").exists():
            building = target.with_name(target.name + ".building")
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            with zipfile.ZipFile(wheel) as archive:
                [member] = [n for n in archive.namelist() if n.endswith(".data/scripts/uv")]
                (building / "uv").write_bytes(archive.read(member))
            (building / "uv").chmod(0o755)
            building.rename(target)
    return target
