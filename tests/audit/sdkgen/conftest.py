from __future__ import annotations

import textwrap
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from llmeng.audit.sdkgen.wheel import Source, Wheel

MakeWheel = Callable[..., Wheel]


@pytest.fixture
def make_wheel(tmp_path: Path) -> MakeWheel:
    """A wheel (a zip of small modules) built in the test, as `Wheel` reads it."""

    def make(files: Mapping[str, str], dist: str = "toy", version: str = "1.0") -> Wheel:
        path = tmp_path / f"{dist}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as zf:
            for name, text in files.items():
                zf.writestr(name, textwrap.dedent(text).lstrip("\n"))
            zf.writestr(f"{dist}-{version}.dist-info/METADATA", "Name: toy\n")
        return Wheel(dist, version, path)

    return make


@pytest.fixture
def make_source(make_wheel: MakeWheel) -> Callable[..., Source]:
    def make(files: Mapping[str, str], **kw: str) -> Source:
        return Source([make_wheel(files, **kw)])

    return make
