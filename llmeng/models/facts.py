"""The catalog's record types: small frozen dataclasses, built once per load."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Capability names, in display order. Each is True / False / None (unknown: the source has no flag).
CAPABILITIES: tuple[str, ...] = (
    "tools",
    "structured_output",
    "vision",
    "pdf_input",
    "audio_input",
    "prompt_caching",
    "reasoning",
)


@dataclass(frozen=True)
class SourceInfo:
    """Where one layer of data came from: name, version, date, license."""

    kind: str  # limits | quality | prices | curation
    name: str
    version: str
    as_of: date | None
    license: str
    url: str = ""
    origin: str = "bundled"  # bundled | cache | installed


@dataclass(frozen=True)
class QualityRating:
    """One Arena rating row, as bundled (rating with its 95 % CI and vote count)."""

    arena: str
    category: str
    rating: float
    ci_lo: float
    ci_hi: float
    votes: int
    source: str
    as_of: date


@dataclass(frozen=True)
class FlatPrice:
    """LiteLLM's flat USD-per-token prices: the fallback when genai-prices has no entry."""

    input: float | None
    output: float | None
    cache_read: float | None


@dataclass(frozen=True)
class SpeedFigure:
    """User-supplied latency figures for one model (no redistributable offline source exists)."""

    ttft_s: float
    tokens_per_s: float
    source: str
    as_of: date


@dataclass(frozen=True)
class ModelFacts:
    """Everything the catalog knows about one deployable model id (`<provider>/<model>`)."""

    id: str
    provider: str
    model: str
    litellm_key: str
    aliases: tuple[str, ...] = ()
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    caps: Mapping[str, bool | None] = field(default_factory=dict)
    deprecation_date: date | None = None
    open_weights: bool | None = None
    open_weights_source: str | None = None
    quality: Mapping[str, QualityRating] = field(default_factory=dict)
    quality_note: str | None = None
    rated_effort: str | None = None  # the reasoning effort Arena rated; None: the API's default
    hosted_as: tuple[str, ...] = ()  # organisation prefixes hosts list open weights under
    flat_price: FlatPrice | None = None
    doc_url: str | None = None

    def cap(self, name: str) -> bool | None:
        return self.caps.get(name)

    def rating(self, category: str) -> QualityRating | None:
        """The rating for `category`, falling back to overall."""
        return self.quality.get(category) or self.quality.get("overall")


@dataclass(frozen=True)
class PriceRef:
    """A join of one catalog id to a genai-prices model (the ModelInfo object itself, kept opaque)."""

    provider_id: str
    model_id: str
    info: Any = field(compare=False, repr=False)
