"""Load the catalog: bundled (or refreshed) LiteLLM limits + curated Arena quality, joined by catalog id.

`load_catalog()` is cached and does not import genai-prices (0.3-0.5 s); `llmeng.models.prices.attach_prices`
adds prices when a caller needs them. `lookup_model` is what the audit (LLM302-304) uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmeng.errors import LlmengError
from llmeng.fsutil import read_regular
from llmeng.models.facts import CAPABILITIES, FlatPrice, ModelFacts, PriceRef, SourceInfo, SpeedFigure
from llmeng.models.quality import load_quality_map, open_weights_for, parse_arena_rows, ratings_by_id
from llmeng.models.reasoning import REASONING_FILE, ReasoningTable, load_reasoning

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LIMITS_FILE = "models_litellm.json"
ARENA_FILE = "models_arena.json"
QUALITY_MAP_FILE = "models_quality_map.toml"
# The bundled snapshots are a few MiB; a refreshed one far past this is not a snapshot.
SNAPSHOT_MAX_BYTES = 256 << 20

# LiteLLM flag(s) behind each capability; several flags are OR-ed (any True wins, else any False, else None).
_CAP_FLAGS: dict[str, tuple[str, ...]] = {
    "tools": ("supports_function_calling",),
    "structured_output": ("supports_response_schema", "supports_native_structured_output"),
    "vision": ("supports_vision",),
    "pdf_input": ("supports_pdf_input",),
    "audio_input": ("supports_audio_input",),
    "prompt_caching": ("supports_prompt_caching",),
    "reasoning": ("supports_reasoning",),
}
# Dated snapshot suffixes (`-20250929`, `-2024-08-06`) so `lookup_model` can fall back to the undated id.
# Other spellings of our provider prefixes (genai-prices' ids) that code may use.
_PROVIDER_SYNONYMS = {"google": "gemini", "x-ai": "xai"}
_DATE_SUFFIX = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2})$")


class _SnapshotFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    schema_: int = Field(alias="schema")
    kind: str
    as_of: date
    source: dict[str, str]


class LimitsEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    litellm_provider: str
    mode: str
    max_input_tokens: int | None = Field(default=None, ge=0)
    max_output_tokens: int | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    supports_function_calling: bool | None = None
    supports_response_schema: bool | None = None
    supports_native_structured_output: bool | None = None
    supports_vision: bool | None = None
    supports_pdf_input: bool | None = None
    supports_audio_input: bool | None = None
    supports_prompt_caching: bool | None = None
    supports_reasoning: bool | None = None
    deprecation_date: date | None = None
    input_cost_per_token: float | None = Field(default=None, ge=0)
    output_cost_per_token: float | None = Field(default=None, ge=0)
    cache_read_input_token_cost: float | None = Field(default=None, ge=0)
    source: str | None = None


@dataclass(frozen=True)
class Catalog:
    """All models plus their sources; `prices` is None until attach_prices, `speed` empty unless supplied."""

    models: tuple[ModelFacts, ...]
    sources: tuple[SourceInfo, ...]
    index: Mapping[str, ModelFacts] = field(default_factory=dict, repr=False)
    prices: Mapping[str, PriceRef] | None = field(default=None, repr=False)
    speed: Mapping[str, SpeedFigure] = field(default_factory=dict, repr=False)
    reasoning: ReasoningTable | None = field(default=None, repr=False)
    # Open-weights model id -> the other genai-prices providers that host it (filled by attach_prices).
    hosts: Mapping[str, tuple[PriceRef, ...]] = field(default_factory=dict, repr=False)

    def get(self, model_id: str) -> ModelFacts | None:
        return self.index.get(model_id.lower())


def _cap(entry: LimitsEntry, flags: tuple[str, ...]) -> bool | None:
    values = [getattr(entry, flag) for flag in flags]
    if any(v is True for v in values):
        return True
    return False if any(v is False for v in values) else None


def _canonical(key: str, provider: str) -> tuple[str, str]:
    model = key[len(provider) + 1 :] if key.startswith(provider + "/") else key
    return f"{provider}/{model}", model


def read_snapshot(path: Path, kind: str) -> dict[str, Any]:
    """Read one snapshot JSON and check its header; errors say how to rebuild it."""
    try:
        payload: dict[str, Any] = json.loads(read_regular(path, max_bytes=SNAPSHOT_MAX_BYTES))
        header = _SnapshotFile.model_validate(payload)
    except (OSError, ValueError) as e:
        raise LlmengError(
            f"{path}: cannot read the {kind} snapshot: {e}",
            "reinstall llmeng, or delete the file if it is in your cache and refresh",
        ) from e
    if header.kind != kind:
        raise LlmengError(
            f"{path}: expected a {kind!r} snapshot, found {header.kind!r}", "point at the right file"
        )
    return payload


def _source(payload: Mapping[str, Any], kind: str, origin: str) -> SourceInfo:
    src = payload["source"]
    return SourceInfo(
        kind=kind,
        name=src.get("package", kind),
        version=src.get("version", "?"),
        as_of=date.fromisoformat(str(payload["as_of"])),
        license=src.get("license", "?"),
        url=src.get("url", ""),
        origin=origin,
    )


def _facts(key: str, entry: LimitsEntry) -> ModelFacts:
    model_id, model = _canonical(key, entry.litellm_provider)
    flat = FlatPrice(
        entry.input_cost_per_token, entry.output_cost_per_token, entry.cache_read_input_token_cost
    )
    return ModelFacts(
        id=model_id,
        provider=entry.litellm_provider,
        model=model,
        litellm_key=key,
        max_input_tokens=entry.max_input_tokens,
        max_output_tokens=entry.max_output_tokens
        if entry.max_output_tokens is not None
        else entry.max_tokens,
        caps={name: _cap(entry, flags) for name, flags in _CAP_FLAGS.items()},
        deprecation_date=entry.deprecation_date,
        flat_price=flat,
        doc_url=entry.source,
    )


def build_catalog(
    limits: Mapping[str, Any],
    arena: Mapping[str, Any],
    qmap_path: Path,
    *,
    origins: tuple[str, str] = ("bundled", "bundled"),
    reasoning_path: Path = DATA_DIR / REASONING_FILE,
) -> Catalog:
    """Join a limits snapshot, an Arena snapshot, the curated map and the reasoning figures into a Catalog."""
    qmap = load_quality_map(qmap_path)
    ratings = ratings_by_id(qmap, parse_arena_rows(arena["rows"], where=ARENA_FILE))
    by_id: dict[str, ModelFacts] = {}
    aliases: dict[str, list[str]] = {}
    for key in sorted(limits["models"]):
        try:
            entry = LimitsEntry.model_validate(limits["models"][key])
        except ValidationError as e:
            raise LlmengError(
                f"{LIMITS_FILE}: entry {key!r} is invalid: {e}",
                "rebuild the snapshot with scripts/build_model_snapshots.py",
            ) from e
        facts = _facts(key, entry)
        aliases.setdefault(facts.id, []).append(key)
        # LiteLLM lists some models twice (`deepseek-chat`, `deepseek/deepseek-chat`): keep the prefixed one.
        if facts.id not in by_id or key == facts.id:
            by_id[facts.id] = facts
    models = tuple(_finish(by_id[i], aliases[i], ratings, qmap.open_weights) for i in sorted(by_id))
    sources = (
        _source(limits, "limits", origins[0]),
        _source(arena, "quality", origins[1]),
        SourceInfo(
            "curation", QUALITY_MAP_FILE, f"schema {qmap.schema_}", qmap.as_of, "MIT (llmeng)", qmap.source
        ),
    )
    return Catalog(
        models=models, sources=sources, index=_index(models), reasoning=load_reasoning(reasoning_path)
    )


def _finish(facts: ModelFacts, keys: list[str], ratings: Mapping[str, Any], ow_rows: Any) -> ModelFacts:
    quality, note, effort = ratings.get(facts.id, ({}, None, None))
    ow = open_weights_for(facts.id, ow_rows)
    extra = tuple(sorted({*keys, facts.model} - {facts.id}))
    return ModelFacts(
        **{
            **facts.__dict__,
            "aliases": extra,
            "quality": quality,
            "quality_note": note,
            "rated_effort": effort,
            "open_weights": ow.open if ow else None,
            "open_weights_source": ow.source if ow else None,
            "hosted_as": tuple(ow.hosted_as) if ow else (),
        }
    )


def _index(models: tuple[ModelFacts, ...]) -> dict[str, ModelFacts]:
    index: dict[str, ModelFacts] = {}
    for m in models:  # ids first, so an alias never shadows another model's id
        index[m.id.lower()] = m
    for m in models:
        for alias in m.aliases:
            index.setdefault(alias.lower(), m)
    return index


@lru_cache(maxsize=8)
def _load(data_dir: Path, cache_dir: Path | None) -> Catalog:
    limits, l_origin = _newest(data_dir, cache_dir, LIMITS_FILE, "limits")
    arena, a_origin = _newest(data_dir, cache_dir, ARENA_FILE, "quality")
    return build_catalog(
        limits,
        arena,
        data_dir / QUALITY_MAP_FILE,
        origins=(l_origin, a_origin),
        reasoning_path=data_dir / REASONING_FILE,
    )


def _newest(data_dir: Path, cache_dir: Path | None, name: str, kind: str) -> tuple[dict[str, Any], str]:
    bundled = read_snapshot(data_dir / name, kind)
    cached_path = cache_dir / name if cache_dir else None
    if cached_path is None or not cached_path.is_file():
        return bundled, "bundled"
    cached = read_snapshot(cached_path, kind)
    newer = date.fromisoformat(str(cached["as_of"])) >= date.fromisoformat(str(bundled["as_of"]))
    return (cached, "cache") if newer else (bundled, "bundled")


def load_catalog(*, data_dir: Path | None = None, cache_dir: Path | None = None) -> Catalog:
    """The catalog from the bundled snapshots, or from refreshed ones in `cache_dir` when newer. Cached."""
    return _load(data_dir or DATA_DIR, cache_dir)


def lookup_model(catalog: Catalog, model_id: str, provider_hint: str | None = None) -> ModelFacts | None:
    """Facts for an id as written in code (`gpt-4o`, `openai/gpt-4o`, dated ids), or None when unknown."""
    ref = model_id.strip()
    prefix, _, rest = ref.partition("/")
    if rest and prefix.lower() in _PROVIDER_SYNONYMS:
        ref = f"{_PROVIDER_SYNONYMS[prefix.lower()]}/{rest}"
    candidates = [ref]
    if provider_hint:
        candidates.insert(0, f"{provider_hint}/{ref.split('/', 1)[-1]}")
    for cand in list(candidates):
        candidates.append(_DATE_SUFFIX.sub("", cand))
    for cand in candidates:
        if found := catalog.get(cand):
            return found
    return None


__all__ = ["CAPABILITIES", "Catalog", "build_catalog", "load_catalog", "lookup_model"]
