"""The curated Arena mapping and open-weights table (TOML), and the bundled Arena rating rows (JSON)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmeng.errors import LlmengError
from llmeng.fsutil import read_regular
from llmeng.models.facts import QualityRating

QUALITY_MAP_MAX_BYTES = 4 << 20  # a curated TOML of a few KiB


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Reasoning efforts in increasing order; Arena rates some models only at one of them ("-high", "-max").
EFFORTS: tuple[str, ...] = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
Effort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]


class RatingMap(_Strict):
    arena: str = Field(min_length=1)
    ids: list[str] = Field(min_length=1)
    note: str | None = None
    effort: Effort | None = None  # the effort Arena rated; None: the API's default effort


class OpenWeightsRow(_Strict):
    ids: list[str] = []
    prefix: list[str] = []
    open: bool
    license: str | None = None
    hosted_as: list[str] = []  # organisation prefixes hosts list the weights under (`openai/gpt-oss-120b`)
    source: str = Field(min_length=1)
    as_of: date

    @model_validator(mode="after")
    def _needs_a_target(self) -> OpenWeightsRow:
        if not self.ids and not self.prefix:
            raise ValueError("an open_weights row needs `ids` or `prefix`")
        return self


class QualityMap(_Strict):
    schema_: int = Field(alias="schema")
    as_of: date
    source: str
    ratings: list[RatingMap] = Field(alias="rating")
    open_weights: list[OpenWeightsRow]


class ArenaRow(_Strict):
    arena: str
    category: str
    rating: float = Field(gt=0)
    ci_lo: float
    ci_hi: float
    votes: int = Field(ge=0)
    source: str = Field(min_length=1)
    as_of: date


def load_quality_map(path: Path) -> QualityMap:
    """Parse and validate the curated mapping file; errors name the file and the field."""
    try:
        return QualityMap.model_validate(
            tomllib.loads(read_regular(path, max_bytes=QUALITY_MAP_MAX_BYTES).decode("utf-8"))
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise LlmengError(
            f"{path}: invalid quality map: {e}",
            "fix the entry named above (see docs/models.md, 'Quality data')",
        ) from e


def parse_arena_rows(rows: Sequence[Mapping[str, Any]], *, where: str) -> list[QualityRating]:
    """Validate bundled Arena rows into QualityRating records."""
    try:
        parsed = [ArenaRow.model_validate(row) for row in rows]
    except ValidationError as e:
        raise LlmengError(
            f"{where}: invalid Arena row: {e}",
            "rebuild it with scripts/build_model_snapshots.py or `llmeng models refresh`",
        ) from e
    return [QualityRating(**row.model_dump()) for row in parsed]


Rated = tuple[dict[str, QualityRating], str | None, str | None]  # ({category: rating}, note, effort)


def ratings_by_id(qmap: QualityMap, rows: Sequence[QualityRating]) -> dict[str, Rated]:
    """Catalog id -> ({category: rating}, note, rated effort) through the curated mapping."""
    by_arena: dict[str, dict[str, QualityRating]] = {}
    for row in rows:
        by_arena.setdefault(row.arena, {})[row.category] = row
    out: dict[str, Rated] = {}
    for entry in qmap.ratings:
        if entry.arena in by_arena:
            for model_id in entry.ids:
                out[model_id] = (by_arena[entry.arena], entry.note, entry.effort)
    return out


def open_weights_for(model_id: str, rows: Sequence[OpenWeightsRow]) -> OpenWeightsRow | None:
    """The first row naming the id exactly, else the one with the longest matching prefix, else None."""
    for row in rows:
        if model_id in row.ids:
            return row
    best: tuple[int, OpenWeightsRow] | None = None
    for row in rows:
        for prefix in row.prefix:
            if model_id.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), row)
    return best[1] if best else None
