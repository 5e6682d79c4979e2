"""User-supplied speed figures (TOML). No offline source of latency may be redistributed, so speed is unknown
unless the user measures it; see docs/models.md, "Speed file".
"""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmeng.errors import LlmengError
from llmeng.fsutil import read_regular
from llmeng.models.catalog import Catalog, lookup_model
from llmeng.models.facts import SpeedFigure


class _SpeedRow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str = Field(min_length=1)
    ttft_s: float = Field(ge=0, description="seconds to the first token")
    tokens_per_s: float = Field(gt=0, description="output tokens per second after the first")
    source: str = Field(min_length=1)
    as_of: date


class _SpeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    speed: list[_SpeedRow]


def load_speed(path: Path, catalog: Catalog) -> Catalog:
    """The catalog with the file's speed figures attached; unknown model ids are an error, not skipped."""
    try:
        text = read_regular(path, max_bytes=1024 * 1024).decode("utf-8")
        parsed = _SpeedFile.model_validate(tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise LlmengError(
            f"{path}: invalid speed file: {e}",
            "each [[speed]] row needs model, ttft_s, tokens_per_s, source, as_of",
        ) from e
    figures = dict(catalog.speed)
    for row in parsed.speed:
        facts = lookup_model(catalog, row.model)
        if facts is None:
            raise LlmengError(
                f"{path}: unknown model {row.model!r}",
                "use an id from `llmeng models list` (for example openai/gpt-5.5)",
            )
        figures[facts.id] = SpeedFigure(row.ttft_s, row.tokens_per_s, row.source, row.as_of)
    return dataclasses.replace(catalog, speed=figures)
