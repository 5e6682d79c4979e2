"""select_model: the selection engine's Requirements, offered as flat tool parameters.

The signature is built from the pydantic Requirements model, so the input schema follows the core
without a hand-kept copy, and stays flat (no nested object) for portability across hosts.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from mcp_server.tools import core_errors


def select_model_tool() -> Callable[..., Any]:
    """The select_model tool: one flat parameter per Requirements field, plus `limit`."""
    from llmeng.models.api import Recommendation, Requirements

    def select_model(**fields: Any) -> Recommendation:
        from llmeng import clock
        from llmeng.models import api

        limit = fields.pop("limit")
        with core_errors():
            rec = api.recommend(
                api.requirements(fields),
                today=clock.today(),
                cache_dir=api.cache_dir(os.environ, Path.home()),
            )
        # Reasoning first, so its counts cover every model; then the ranking shrinks to the shortlist
        # and the rejections to `limit`: the full lists run to ~100 kB, too much for an agent's context.
        rec = rec.with_reasoning().compact()
        return rec.model_copy(update={"rejected": rec.rejected[:limit]})

    select_model.__signature__ = _flat_signature(Requirements, Recommendation)  # type: ignore[attr-defined]
    select_model.__doc__ = SELECT_MODEL_DOC
    return select_model


SELECT_MODEL_DOC = """Recommend an LLM for a workload from current prices, limits and quality ratings.

Use it when choosing or reviewing which model a feature should call. Describe the workload (tokens
per request, reasoning effort or your measured reasoning tokens, requests per day, complexity,
required capabilities, budgets per request/day/month, latency goal, allowed providers or aliases such
as google, bedrock, azure); it returns the primary model and a fallback from another provider, the
ranked candidates with each score part, reasoning tokens and cost per request/day/month, warnings
(retirement dates, price changes), the rejected models with reasons, the reasoning, and how old the
price and quality data are. Models without a quality rating stay in, ranked after rated ones.
Read-only and offline.
"""


def _flat_signature(model: Any, returns: type) -> inspect.Signature:
    params = []
    for name, f in model.model_fields.items():
        described = Field(description=f.description or name.replace("_", " "))
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=f.get_default(call_default_factory=True),
                annotation=Annotated[(f.annotation, *f.metadata, described)],
            )
        )
    params.append(
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            default=10,
            annotation=Annotated[
                int,
                Field(
                    ge=0,
                    le=1000,
                    description="How many rejected models to list with their reasons; "
                    "rejection_counts and the reasoning always cover all of them.",
                ),
            ],
        )
    )
    return inspect.Signature(params, return_annotation=returns)
