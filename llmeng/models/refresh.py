"""`llmeng models refresh`: fetch newer data into the user cache, validate it, keep the old copy on failure.

Nothing refreshes on its own. The network arrives as a `fetch(url) -> bytes` argument, so tests use a local
server and the core never opens a socket itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.fsutil import atomic_write, read_regular
from llmeng.models.catalog import (
    ARENA_FILE,
    DATA_DIR,
    LIMITS_FILE,
    QUALITY_MAP_FILE,
    SNAPSHOT_MAX_BYTES,
    build_catalog,
    read_snapshot,
)
from llmeng.models.derive import check_litellm, reduce_arena, reduce_litellm
from llmeng.models.quality import load_quality_map

PRICES_FILE = "genai_prices_data.json"
DEFAULT_URLS: dict[str, str] = {
    "limits": "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    # genai-prices' own update URL (genai_prices.update_prices.DEFAULT_UPDATE_URL).
    "prices": "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/data.json",
}
Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class RefreshOutcome:
    kind: str
    ok: bool
    detail: str
    path: Path | None = None


def default_cache_dir(env: Mapping[str, str], home: Path) -> Path:
    """$LLMENG_CACHE_DIR, else $XDG_CACHE_HOME/llmeng/models, else ~/.cache/llmeng/models."""
    if env.get("LLMENG_CACHE_DIR"):
        return Path(env["LLMENG_CACHE_DIR"])
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else home / ".cache"
    return base / "llmeng" / "models"


def _write_atomic(path: Path, payload: Mapping[str, Any] | list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():  # keep the previous copy for rollback; the current one stays readable meanwhile
        atomic_write(path.with_suffix(".prev.json"), path.read_bytes())
    atomic_write(path, json.dumps(payload, sort_keys=True))


def _current(cache_dir: Path, name: str, kind: str) -> dict[str, Any]:
    cached = cache_dir / name
    return read_snapshot(cached if cached.is_file() else DATA_DIR / name, kind)


def _limits(raw: Any, url: str, cache_dir: Path, today: date, force: bool) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise LlmengError("the LiteLLM file is not a JSON object", "check the URL")
    models = reduce_litellm(raw)
    previous = _current(cache_dir, LIMITS_FILE, "limits")
    check_litellm(models, previous_count=None if force else len(previous["models"]))
    payload = {
        "schema": 1,
        "kind": "limits",
        "as_of": today.isoformat(),
        "models": models,
        "source": {
            "package": "litellm model JSON",
            "version": f"fetched {today}",
            "license": "MIT",
            "url": url,
        },
    }
    build_catalog(payload, _current(cache_dir, ARENA_FILE, "quality"), DATA_DIR / QUALITY_MAP_FILE)
    return payload


def _quality(raw: Any, url: str, cache_dir: Path, today: date) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise LlmengError("the Arena export is not a JSON object", "check the URL")
    qmap = load_quality_map(DATA_DIR / QUALITY_MAP_FILE)
    as_of = str(raw.get("fetched_at", today.isoformat()))[:10]
    rows = reduce_arena(
        raw, {e.arena for e in qmap.ratings}, source=str(raw.get("attribution", url)), as_of=as_of
    )
    payload = {
        "schema": 1,
        "kind": "quality",
        "as_of": as_of,
        "rows": rows,
        "source": {
            "package": "Arena leaderboard export",
            "version": f"fetched {today}",
            "license": "CC BY 4.0",
            "url": url,
        },
    }
    build_catalog(_current(cache_dir, LIMITS_FILE, "limits"), payload, DATA_DIR / QUALITY_MAP_FILE)
    return payload


def _prices(raw: Any, url: str, today: date) -> dict[str, Any]:
    # `_providers_from_raw` is what genai-prices' own UpdatePrices.fetch uses to parse this file.
    from genai_prices.types import _providers_from_raw

    if not isinstance(raw, list):
        raise LlmengError("the genai-prices file is not a provider list", "check the URL")
    try:
        providers = _providers_from_raw(raw)
    except (ValueError, TypeError, KeyError) as e:
        raise LlmengError(f"the genai-prices file does not parse: {e}", "check the URL") from e
    if not providers:
        raise LlmengError("the genai-prices file has no providers", "check the URL")
    return {
        "schema": 1,
        "kind": "prices",
        "as_of": today.isoformat(),
        "providers": raw,
        "source": {
            "package": "genai-prices data.json",
            "version": f"fetched {today}",
            "license": "MIT",
            "url": url,
        },
    }


def refresh(
    kinds: Sequence[str],
    *,
    cache_dir: Path,
    fetch: Fetch,
    today: date,
    urls: Mapping[str, str] | None = None,
    force: bool = False,
) -> list[RefreshOutcome]:
    """Refresh each kind independently; a failure leaves that kind's current snapshot in place."""
    outcomes = []
    for kind in kinds:
        url = (urls or {}).get(kind) or DEFAULT_URLS.get(kind)
        if not url:
            outcomes.append(RefreshOutcome(kind, False, f"no default URL for {kind}; pass --url {kind}=URL"))
            continue
        try:
            raw = json.loads(fetch(url))
            if kind == "limits":
                payload, name = _limits(raw, url, cache_dir, today, force), LIMITS_FILE
            elif kind == "quality":
                payload, name = _quality(raw, url, cache_dir, today), ARENA_FILE
            else:
                payload, name = _prices(raw, url, today), PRICES_FILE
            _write_atomic(cache_dir / name, payload)
        except (LlmengError, OSError, ValueError) as e:
            fix = f" ({e.fix})" if isinstance(e, LlmengError) else ""
            outcomes.append(RefreshOutcome(kind, False, f"{e}{fix}; kept the current snapshot"))
            continue
        outcomes.append(RefreshOutcome(kind, True, f"updated from {url}", cache_dir / name))
    return outcomes


def cached_price_providers(cache_dir: Path | None) -> tuple[Any, date] | None:
    """(genai-prices providers, fetch date) from a refreshed price file, or None when there is none."""
    path = cache_dir / PRICES_FILE if cache_dir else None
    if path is None or not path.is_file():
        return None
    from genai_prices.types import _providers_from_raw

    payload = json.loads(read_regular(path, max_bytes=SNAPSHOT_MAX_BYTES))
    return _providers_from_raw(payload["providers"]), date.fromisoformat(payload["as_of"])
