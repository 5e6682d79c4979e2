from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from llmeng.models.catalog import DATA_DIR, load_catalog, lookup_model
from llmeng.models.prices import load_priced_catalog
from llmeng.models.refresh import (
    ARENA_FILE,
    LIMITS_FILE,
    PRICES_FILE,
    default_cache_dir,
    refresh,
)

TODAY = date(2099, 1, 2)


def _litellm_raw() -> dict:
    """A LiteLLM-shaped file rebuilt from the bundled snapshot, plus one new model."""
    models = json.loads((DATA_DIR / LIMITS_FILE).read_text())["models"]
    raw = {k: dict(v) for k, v in models.items()}
    raw["gpt-refreshed"] = {
        "litellm_provider": "openai",
        "mode": "chat",
        "max_input_tokens": 1000,
        "max_output_tokens": 99,
        "supports_function_calling": True,
    }
    raw["some-embedding"] = {"litellm_provider": "openai", "mode": "embedding"}
    return raw


def _arena_raw() -> dict:
    rows = json.loads((DATA_DIR / ARENA_FILE).read_text())["rows"]
    pages: dict[str, list] = {}
    for r in rows:
        pages.setdefault(f"text/{r['category']}", []).append(
            [r["arena"], r["rating"] + 1, r["ci_lo"], r["ci_hi"], r["votes"]]
        )
    return {
        "fetched_at": "2099-01-01T00:00:00",
        "attribution": "Arena test export, CC BY 4.0",
        "pages": pages,
    }


class _Server:
    """A loopback HTTP server serving fixed bodies by path."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bodies.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = _Server(
        {
            "/litellm.json": json.dumps(_litellm_raw()).encode(),
            "/arena.json": json.dumps(_arena_raw()).encode(),
            "/broken.json": b"{not json",
            "/empty.json": b"{}",
            "/prices.json": json.dumps(_prices_raw()).encode(),
        }
    )
    yield srv
    srv.close()


def _prices_raw() -> list:
    return [
        {
            "id": "openai",
            "name": "OpenAI",
            "api_pattern": "https://api\\.openai\\.com",
            "models": [
                {
                    "id": "gpt-refreshed",
                    "match": {"equals": "gpt-refreshed"},
                    "prices": {"input_mtok": 1, "output_mtok": 2},
                }
            ],
        }
    ]


def _fetch(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


def test_refresh_limits_and_quality_from_a_local_server(server, tmp_path):
    urls = {"limits": f"{server.base}/litellm.json", "quality": f"{server.base}/arena.json"}
    outcomes = refresh(["limits", "quality"], cache_dir=tmp_path, fetch=_fetch, today=TODAY, urls=urls)
    assert [(o.kind, o.ok) for o in outcomes] == [("limits", True), ("quality", True)]
    catalog = load_catalog(cache_dir=tmp_path)
    assert lookup_model(catalog, "gpt-refreshed").max_output_tokens == 99
    assert {s.kind: s.origin for s in catalog.sources} == {
        "limits": "cache",
        "quality": "cache",
        "curation": "bundled",
    }
    assert catalog.get("openai/gpt-5.5").rating("overall").as_of == date(2099, 1, 1)


def test_failed_refresh_keeps_the_current_snapshot(server, tmp_path):
    ok = refresh(
        ["limits"],
        cache_dir=tmp_path,
        fetch=_fetch,
        today=TODAY,
        urls={"limits": f"{server.base}/litellm.json"},
    )
    assert ok[0].ok
    before = (tmp_path / LIMITS_FILE).read_bytes()
    for path in ("/broken.json", "/empty.json", "/missing.json"):
        out = refresh(
            ["limits"], cache_dir=tmp_path, fetch=_fetch, today=TODAY, urls={"limits": f"{server.base}{path}"}
        )
        assert not out[0].ok and "kept the current snapshot" in out[0].detail
        assert (tmp_path / LIMITS_FILE).read_bytes() == before


def test_a_big_jump_in_model_count_needs_force(server, tmp_path):
    raw = {k: v for i, (k, v) in enumerate(_litellm_raw().items()) if i % 2}
    small = tmp_path / "half.json"
    small.write_text(json.dumps(raw))
    url = {"limits": small.as_uri()}
    refused = refresh(["limits"], cache_dir=tmp_path / "c", fetch=_fetch, today=TODAY, urls=url)
    assert not refused[0].ok and "over 20 %" in refused[0].detail
    assert not (tmp_path / "c" / LIMITS_FILE).exists()
    forced = refresh(["limits"], cache_dir=tmp_path / "c", fetch=_fetch, today=TODAY, urls=url, force=True)
    assert forced[0].ok


def test_refreshing_twice_keeps_one_previous_copy(server, tmp_path):
    urls = {"limits": f"{server.base}/litellm.json"}
    for _ in range(2):
        assert refresh(["limits"], cache_dir=tmp_path, fetch=_fetch, today=TODAY, urls=urls)[0].ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models_litellm.json", "models_litellm.prev.json"]


def test_refresh_prices_feeds_the_priced_catalog(server, tmp_path):
    out = refresh(
        ["prices"],
        cache_dir=tmp_path,
        fetch=_fetch,
        today=TODAY,
        urls={"prices": f"{server.base}/prices.json"},
    )
    assert out[0].ok, out[0].detail
    assert (tmp_path / PRICES_FILE).is_file()
    assert refresh(
        ["limits"],
        cache_dir=tmp_path,
        fetch=_fetch,
        today=TODAY,
        urls={"limits": f"{server.base}/litellm.json"},
    )[0].ok
    catalog = load_priced_catalog(tmp_path)
    assert set(catalog.prices) == {"openai/gpt-refreshed"}
    assert {s.kind: s.origin for s in catalog.sources}["prices"] == "cache"


def test_quality_has_no_default_url(tmp_path):
    out = refresh(["quality"], cache_dir=tmp_path, fetch=_fetch, today=TODAY)
    assert not out[0].ok and "--url quality=" in out[0].detail


def test_default_cache_dir_follows_the_environment(tmp_path):
    assert default_cache_dir({"LLMENG_CACHE_DIR": "/x"}, tmp_path) == Path("/x")
    assert default_cache_dir({"XDG_CACHE_HOME": "/c"}, tmp_path) == Path("/c/llmeng/models")
    assert default_cache_dir({}, tmp_path) == tmp_path / ".cache" / "llmeng" / "models"


@pytest.mark.parametrize(
    ("kind", "body", "message"),
    [
        ("limits", b"[]", "not a JSON object"),
        ("quality", b"[]", "not a JSON object"),
        ("prices", b"{}", "not a provider list"),
        ("prices", b"[]", "no providers"),
        ("prices", b'[{"id": "x"}]', "does not parse"),
    ],
)
def test_refresh_refuses_malformed_files(tmp_path, kind, body, message):
    src = tmp_path / "src.json"
    src.write_bytes(body)
    out = refresh([kind], cache_dir=tmp_path / "c", fetch=_fetch, today=TODAY, urls={kind: src.as_uri()})
    assert not out[0].ok and message in out[0].detail
    assert not (tmp_path / "c").exists()
