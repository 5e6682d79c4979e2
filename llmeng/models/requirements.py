"""What the user needs from a model: flat fields only, so the MCP input schema stays portable."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from llmeng.models.facts import CAPABILITIES

Complexity = Literal["low", "medium", "high"]
ReasoningEffort = Literal["none", "low", "medium", "high"]
PARTS: tuple[str, ...] = ("quality", "cost", "latency", "headroom")

# Weight presets by complexity (model-data.md section 6): simple tasks buy on price, hard ones on quality.
# A cost weight stays in force at every level: learned routers without one drift to the priciest model.
PRESET_WEIGHTS: dict[str, dict[str, float]] = {
    "low": {"quality": 0.25, "cost": 0.45, "latency": 0.20, "headroom": 0.10},
    "medium": {"quality": 0.45, "cost": 0.30, "latency": 0.15, "headroom": 0.10},
    "high": {"quality": 0.65, "cost": 0.15, "latency": 0.10, "headroom": 0.10},
}
# Arena rating floors by complexity: below ~1350 models are a generation behind on chat tasks (2026-10 data);
# "high" asks for the top band. Override with `min_quality`.
QUALITY_FLOORS: dict[str, float] = {"low": 0.0, "medium": 1350.0, "high": 1450.0}
ARENA_CATEGORIES = (
    "overall",
    "coding",
    "hard_prompts",
    "math",
    "creative_writing",
    "instruction_following",
    "longer_query",
)


class Requirements(BaseModel):
    """A workload: tokens, volume, budgets, needs. Unset budgets and goals mean "no limit"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    complexity: Complexity = "medium"
    category: str = Field(
        default="overall", description="Arena category used for quality: " + ", ".join(ARENA_CATEGORIES)
    )
    input_tokens: int = Field(default=1000, ge=1, description="input tokens per request")
    output_tokens: int = Field(
        default=500,
        ge=1,
        description="visible output tokens per request (reasoning tokens are added per model)",
    )
    reasoning_effort: ReasoningEffort | None = Field(
        default=None,
        description="reasoning effort to price reasoning models at; unset: the effort each model's quality "
        "rating was measured at, else the model's API default",
    )
    reasoning_tokens: int | None = Field(
        default=None,
        ge=0,
        description="your measured reasoning tokens per request, used for every reasoning model instead of "
        "the bundled estimates",
    )
    requests_per_day: int = Field(default=1000, ge=0)
    cache_hit_ratio: float = Field(
        default=0.0, ge=0.0, le=1.0, description="share of input tokens read from cache"
    )
    budget_per_request_usd: float | None = Field(default=None, gt=0)
    budget_per_day_usd: float | None = Field(default=None, gt=0)
    budget_per_month_usd: float | None = Field(default=None, gt=0, description="USD per 30.4-day month")
    min_support_days: int | None = Field(
        default=None, ge=0, description="reject models retiring within this many days"
    )
    context_tokens: int | None = Field(
        default=None, ge=1, description="largest input to fit (default: input_tokens)"
    )
    capabilities: list[str] = Field(default_factory=list, description="required: " + ", ".join(CAPABILITIES))
    open_weights: bool = False
    providers: list[str] = Field(default_factory=list, description="allowed providers (empty: all)")
    exclude_providers: list[str] = Field(default_factory=list)
    latency_goal_s: float | None = Field(default=None, gt=0, description="end-to-end seconds per request")
    strict_latency: bool = Field(
        default=False, description="reject models without speed data when a goal is set"
    )
    allow_unknown: bool = Field(
        default=False, description="keep models whose required facts are unknown, with a warning"
    )
    min_quality: float | None = Field(
        default=None, ge=0, description="Arena rating floor (default by complexity)"
    )
    gpu_hour_price_usd: float | None = Field(
        default=None, gt=0, description="self-hosting estimate: USD per GPU-hour (needs tokens_per_second)"
    )
    tokens_per_second: float | None = Field(
        default=None,
        gt=0,
        description="self-hosting estimate: tokens (input + output) one GPU serves per second at your batch size",
    )
    weight_quality: float | None = Field(default=None, ge=0)
    weight_cost: float | None = Field(default=None, ge=0)
    weight_latency: float | None = Field(default=None, ge=0)
    weight_headroom: float | None = Field(default=None, ge=0)

    @field_validator("capabilities")
    @classmethod
    def _known_capabilities(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CAPABILITIES))
        if unknown:
            raise ValueError(f"unknown capabilities {unknown}; use {', '.join(CAPABILITIES)}")
        return sorted(set(value))

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in ARENA_CATEGORIES:
            raise ValueError(f"unknown category {value!r}; use {', '.join(ARENA_CATEGORIES)}")
        return value

    @model_validator(mode="after")
    def _some_weight(self) -> Requirements:
        if sum(self.weights().values()) <= 0:
            raise ValueError("the weights add up to 0; give at least one part a positive weight")
        if (self.gpu_hour_price_usd is None) != (self.tokens_per_second is None):
            raise ValueError("the self-hosting estimate needs both gpu_hour_price_usd and tokens_per_second")
        return self

    @property
    def context_needed(self) -> int:
        return max(self.context_tokens or 0, self.input_tokens)

    @property
    def quality_floor(self) -> float:
        return self.min_quality if self.min_quality is not None else QUALITY_FLOORS[self.complexity]

    def weights(self) -> dict[str, float]:
        """The preset for the complexity, with any explicit weight overriding its part."""
        preset = PRESET_WEIGHTS[self.complexity]
        explicit = {p: getattr(self, f"weight_{p}") for p in PARTS}
        return {p: explicit[p] if explicit[p] is not None else preset[p] for p in PARTS}
