"""Provider names as people write them (google, vertex, bedrock, azure ...) -> the catalog's provider ids."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmeng.errors import LlmengError
from llmeng.fsutil import read_regular

ALIASES_FILE = "provider_aliases.toml"
ALIASES_MAX_BYTES = 1 << 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AliasRow(_Strict):
    names: list[str] = Field(min_length=1)
    providers: list[str] = Field(min_length=1)
    note: str | None = None
    source: str = Field(min_length=1)


class AliasTable(_Strict):
    schema_: int = Field(alias="schema")
    as_of: date
    aliases: list[AliasRow] = Field(alias="alias")


@dataclass(frozen=True)
class Resolved:
    providers: tuple[str, ...]
    notes: tuple[str, ...]


def load_aliases(path: Path) -> AliasTable:
    """Parse and validate the alias file; errors name the file and the field."""
    try:
        return AliasTable.model_validate(
            tomllib.loads(read_regular(path, max_bytes=ALIASES_MAX_BYTES).decode("utf-8"))
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as e:
        raise LlmengError(f"{path}: invalid provider aliases: {e}", "fix the entry named above") from e


def resolve(names: Sequence[str], known: Collection[str], table: AliasTable, *, option: str) -> Resolved:
    """Each name as a catalog provider id or through an alias; an unknown name is an error with suggestions."""
    out: list[str] = []
    notes: list[str] = []
    for name in names:
        key = name.strip().lower()
        if key in known:
            out.append(key)
            continue
        row = next((r for r in table.aliases if key in r.names), None)
        if row is None:
            raise _unknown(name, known, table, option)
        present = [p for p in row.providers if p in known]
        if not present:  # an empty list would mean "every provider": refuse instead
            raise LlmengError(
                f"{option} {name}: none of its providers ({', '.join(row.providers)}) is in the catalog",
                f"use one of {', '.join(sorted(known))}",
            )
        out += present
        notes.append(
            f"{option} {name} means {', '.join(row.providers)}" + (f": {row.note}" if row.note else "")
        )
    return Resolved(tuple(sorted(set(out))), tuple(notes))


def _unknown(name: str, known: Collection[str], table: AliasTable, option: str) -> LlmengError:
    words = sorted({*known, *(n for r in table.aliases for n in r.names)})
    close = difflib.get_close_matches(name.strip().lower(), words, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return LlmengError(
        f"{option} {name!r} is not a provider in the catalog{hint}",
        f"use one of {', '.join(sorted(known))}, or an alias such as google, vertex, bedrock or azure "
        "(`llmeng models list` shows each model's provider)",
    )
