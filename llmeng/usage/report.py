"""The usage report: pydantic models, since the report crosses the MCP boundary as JSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class GroupRow(_Out):
    value: str
    requests: int
    input_tokens: int = Field(description="all input tokens, cached ones included")
    cache_read_tokens: int
    cache_write_tokens: int
    output_tokens: int = Field(description="all output tokens, reasoning included")
    reasoning_tokens: int
    cost_usd: Decimal = Field(description="genai-prices' price of the priced requests, exact")
    unpriced_requests: int = Field(description="requests of unknown or unpriced models: never counted as $0")


class Breakdown(_Out):
    by: str = Field(description="model, day, provider, or an attribute name from the records")
    values: int = Field(description="how many distinct values the breakdown has (rows may list fewer)")
    rows: list[GroupRow] = Field(description="most expensive first")
    folded: int = Field(
        description="records whose value came after the first 10,000 values, summed as (other)"
    )


class UnpricedModel(_Out):
    provider: str | None
    model: str
    reason: str
    requests: int
    input_tokens: int
    output_tokens: int


class FileOut(_Out):
    path: str
    format: str
    records: int = Field(description="usage records read (calls with token counts)")
    skipped: int = Field(
        description="values that are not LLM calls with usage (other spans, SPAN observations)"
    )


class UsageReport(_Out):
    files: list[FileOut]
    total: GroupRow
    breakdowns: list[Breakdown]
    unpriced: list[UnpricedModel] = Field(
        description="models genai-prices does not know or lists without prices"
    )
    prices: str = Field(description="the genai-prices version that priced the records")
    reasoning_per_request: float | None = Field(
        description="mean reasoning tokens per request of the models that reported any: a measured figure "
        "for `llmeng select --reasoning-tokens`"
    )
    undated_requests: int = Field(
        description="records without a time, priced at today's prices, day 'unknown'"
    )
    priced_on: date = Field(description="the date undated records were priced at")
    notes: list[str] = []

    def top(self, n: int) -> UsageReport:
        """A copy whose breakdowns list only their `n` most expensive rows (`values` keeps the full count)."""
        return self.model_copy(
            update={"breakdowns": [b.model_copy(update={"rows": b.rows[:n]}) for b in self.breakdowns]}
        )
