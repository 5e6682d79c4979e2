"""Data provenance: each source's version, date and age, and warnings when a layer is old."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from llmeng.models.facts import SourceInfo

# Prices change weekly (genai-prices releases that often); ratings move within weeks of a new model.
MAX_AGE_DAYS: dict[str, int] = {"prices": 30, "limits": 60, "quality": 60, "curation": 90}


@dataclass(frozen=True)
class SourceAge:
    source: SourceInfo
    age_days: int | None
    warning: str | None


def source_ages(sources: tuple[SourceInfo, ...], today: date) -> list[SourceAge]:
    """Each source with its age in days and a warning when older than its kind's limit or undated."""
    rows = []
    for src in sources:
        if src.as_of is None:
            rows.append(
                SourceAge(
                    src,
                    None,
                    f"{src.kind}: {src.name} {src.version} has no known date; "
                    "run `llmeng models refresh` or upgrade it",
                )
            )
            continue
        age = (today - src.as_of).days
        limit = MAX_AGE_DAYS.get(src.kind, 60)
        warning = (
            f"{src.kind} data is {age} days old (over {limit}); run `llmeng models refresh`"
            if age > limit
            else None
        )
        rows.append(SourceAge(src, age, warning))
    return rows
