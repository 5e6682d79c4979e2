"""Reasoning tokens per request: which effort a model is priced at, and how many tokens that effort writes.

The figures come from llmeng/data/reasoning_tokens.toml (a source and a date on each), or from the user's
own measurement. Reasoning tokens are billed as output and count against the output limit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmeng.errors import LlmengError
from llmeng.fsutil import read_regular
from llmeng.models.facts import ModelFacts
from llmeng.models.quality import EFFORTS, Effort

REASONING_FILE = "reasoning_tokens.toml"
REASONING_MAX_BYTES = 1 << 20
MEASURED = "your measurement (--reasoning-tokens)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Strict):
    effort: Effort
    tokens: int = Field(ge=0)
    source: str = Field(min_length=1)
    as_of: date


class Estimate(_Strict):
    name: str
    figures: list[Figure] = Field(alias="figure", min_length=1)

    def tokens(self, effort: str) -> Figure:
        """The figure for `effort`, else the nearest higher effort listed (never a lower, cheaper one)."""
        for name in EFFORTS[EFFORTS.index(effort) :]:
            for fig in self.figures:
                if fig.effort == name:
                    return fig
        return max(self.figures, key=lambda f: EFFORTS.index(f.effort))


class Family(_Strict):
    prefix: list[str] = Field(min_length=1)
    default: Effort
    can_disable: bool
    basis: Literal["budget", "proxy", "measured"]
    estimate: str
    source: str = Field(min_length=1)
    as_of: date


class ReasoningTable(_Strict):
    schema_: int = Field(alias="schema")
    as_of: date
    estimates: list[Estimate] = Field(alias="estimate", min_length=1)
    families: list[Family] = Field(alias="family", min_length=1)

    @model_validator(mode="after")
    def _estimates_exist(self) -> ReasoningTable:
        names = {e.name for e in self.estimates}
        missing = sorted({f.estimate for f in self.families} - names)
        if missing:
            raise ValueError(f"families name unknown estimates {missing}; define them as [[estimate]]")
        return self

    def family(self, model_id: str) -> Family:
        """The family with the longest prefix of `model_id` (the file has a catch-all "" prefix)."""
        best = max(
            ((len(p), f) for f in self.families for p in f.prefix if model_id.startswith(p)),
            key=lambda pair: pair[0],
            default=None,
        )
        if best is None:
            raise LlmengError(
                f"no reasoning family covers {model_id!r}", f'add prefix = [""] to {REASONING_FILE}'
            )
        return best[1]


@dataclass(frozen=True)
class ReasoningPlan:
    """The effort a request is priced at and the reasoning tokens it writes; effort None: no reasoning."""

    effort: str | None
    tokens: int
    source: str | None = None
    basis: str | None = None
    note: str | None = None
    measured_at: str | None = None  # the effort the model's quality rating was measured at


NO_REASONING = ReasoningPlan(None, 0)


def load_reasoning(path: Path) -> ReasoningTable:
    """Parse and validate the reasoning-token file; errors name the file and the field."""
    try:
        raw = tomllib.loads(read_regular(path, max_bytes=REASONING_MAX_BYTES).decode("utf-8"))
        return ReasoningTable.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise LlmengError(
            f"{path}: invalid reasoning-token file: {e}",
            "fix the entry named above (see docs/models.md, 'Reasoning tokens')",
        ) from e


def plan(
    table: ReasoningTable, m: ModelFacts, *, requested: str | None, measured: int | None
) -> ReasoningPlan:
    """How `m` reasons for this workload: the requested effort, else the effort its rating was measured at,
    else its API default; tokens from the user's measurement, else the data file."""
    if m.cap("reasoning") is not True:
        return NO_REASONING
    fam = table.family(m.id)
    rated = m.rated_effort or fam.default
    effort, note = requested or rated, None
    if effort == "none" and not fam.can_disable:
        effort, note = "low", f"{m.id}: cannot turn reasoning off; priced at low effort"
    if effort == "none":
        return ReasoningPlan("none", 0, fam.source, fam.basis, note, rated)
    if measured is not None:
        return ReasoningPlan(effort, measured, MEASURED, "measured", note, rated)
    estimate = next(e for e in table.estimates if e.name == fam.estimate)
    fig = estimate.tokens(effort)
    return ReasoningPlan(effort, fig.tokens, f"{fig.source}, {fig.as_of}", fam.basis, note, rated)


def rating_applies(p: ReasoningPlan) -> bool:
    """A rating measured at a higher effort than the one priced does not describe this configuration."""
    if p.effort is None or p.measured_at is None:
        return True
    return EFFORTS.index(p.effort) >= EFFORTS.index(p.measured_at)
