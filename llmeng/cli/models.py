"""`llmeng models ...` and `llmeng select`: thin click wrappers over llmeng.models."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

EXIT_NO_MATCH = 1
FETCH_TIMEOUT_S = 30


def _cache_dir() -> Any:
    import os
    from pathlib import Path

    from llmeng.models.api import cache_dir

    return cache_dir(os.environ, Path.home())


def _today(value: str | None) -> date:
    if value is None:
        from llmeng import clock

        return clock.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from e


def _dump(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Output format.",
)
today_option = click.option("--today", help="Price and age everything as of this date (YYYY-MM-DD).")


@click.group()
def models() -> None:
    """Browse the model catalog: limits, capabilities, quality, prices, and their sources.

    \b
    Example:
      llmeng models list --provider anthropic --rated
      llmeng models show openai/gpt-5.5
      llmeng models sources
    """


@models.command("list")
@click.option("--provider", multiple=True, help="Only these providers (repeatable).")
@click.option("--capability", multiple=True, help="Only models known to have this capability (repeatable).")
@click.option("--rated", is_flag=True, help="Only models with an Arena rating.")
@format_option
def list_models(provider: tuple[str, ...], capability: tuple[str, ...], rated: bool, fmt: str) -> int:
    """List catalog models with limits, key capabilities and Arena rating ("?" means unknown).

    \b
    Example:
      llmeng models list --capability tools --capability vision --rated
    """
    from llmeng.models import api
    from llmeng.report.models import render_model_table

    found = api.list_models(cache_dir=_cache_dir(), providers=provider, capabilities=capability, rated=rated)
    if fmt == "json":
        _dump([api.model_facts(m) for m in found])
    else:
        click.echo(render_model_table(found), nl=False)
    return 0


@models.command("show")
@click.argument("model_id")
@today_option
@format_option
def show(model_id: str, today: str | None, fmt: str) -> int:
    """Everything known about one model, with today's price per million tokens.

    \b
    Example:
      llmeng models show claude-sonnet-4-5
    """
    from llmeng.models import api
    from llmeng.report.models import render_model

    data = api.show_model(model_id, today=_today(today), cache_dir=_cache_dir())
    if fmt == "json":
        _dump(data)
    else:
        click.echo(render_model(data), nl=False)
    return 0


@models.command("sources")
@today_option
@format_option
def sources(today: str | None, fmt: str) -> int:
    """Each data source's version, date and age; warns when one is old.

    \b
    Example:
      llmeng models sources --format json
    """
    from llmeng.models import api
    from llmeng.report.models import render_sources, render_sources_rows

    ages = api.source_ages(today=_today(today), cache_dir=_cache_dir())
    if fmt == "json":
        _dump(render_sources_rows(ages))
    else:
        click.echo(render_sources(ages), nl=False)
    for a in ages:
        if a.warning:
            click.echo(f"warning: {a.warning}", err=True)
    return 0


def _fetch(url: str) -> bytes:
    import urllib.request

    if not url.startswith(("https://", "http://", "file://")):
        raise ValueError(f"unsupported URL {url!r}; use https://, http:// or file://")
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:
        data: bytes = response.read()
    return data


@models.command("refresh")
@click.argument("kinds", nargs=-1, type=click.Choice(["limits", "prices", "quality"]))
@click.option("--url", "urls", multiple=True, metavar="KIND=URL", help="Fetch KIND from URL instead.")
@click.option("--force", is_flag=True, help="Accept a LiteLLM file whose model count moved over 20 %.")
@click.option("--json", "as_json", is_flag=True, help="Report as JSON.")
def refresh_cmd(kinds: tuple[str, ...], urls: tuple[str, ...], force: bool, as_json: bool) -> int:
    """Fetch newer limits/prices (default) or quality data into your cache; the old copy stays on failure.

    Nothing refreshes on its own. The cache is $LLMENG_CACHE_DIR, else $XDG_CACHE_HOME/llmeng/models.

    \b
    Example:
      llmeng models refresh
      llmeng models refresh quality --url quality=https://example.org/arena.json
    """
    from llmeng.models import api

    outcomes = api.refresh(
        kinds, urls=urls, cache_dir=_cache_dir(), fetch=_fetch, today=_today(None), force=force
    )
    if as_json:
        _dump([vars(o) for o in outcomes])
    else:
        for o in outcomes:
            click.echo(f"{o.kind}: {'ok' if o.ok else 'FAILED'}: {o.detail}")
    return 0 if all(o.ok for o in outcomes) else 2


@click.command("select")
@click.option(
    "--complexity", type=click.Choice(["low", "medium", "high"]), default="medium", show_default=True
)
@click.option("--category", default="overall", show_default=True, help="Arena category for quality.")
@click.option("--input-tokens", type=int, default=1000, show_default=True, help="Input tokens per request.")
@click.option(
    "--output-tokens", type=int, default=500, show_default=True, help="Visible output tokens per request."
)
@click.option(
    "--reasoning",
    type=click.Choice(["none", "low", "medium", "high"]),
    help="Reasoning effort to price reasoning models at (default: the effort each model was rated at).",
)
@click.option(
    "--reasoning-tokens", type=int, help="Your measured reasoning tokens per request (see `llmeng usage`)."
)
@click.option("--requests-per-day", type=int, default=1000, show_default=True)
@click.option("--cache-hit-ratio", type=float, default=0.0, show_default=True)
@click.option("--budget-per-request", type=float, help="USD per request.")
@click.option("--budget-per-day", type=float, help="USD per day.")
@click.option("--budget-per-month", type=float, help="USD per month (30.4 days).")
@click.option("--min-support-days", type=int, help="Reject models retiring within this many days.")
@click.option("--context-tokens", type=int, help="Largest input that must fit.")
@click.option(
    "--need",
    "capabilities",
    multiple=True,
    help="Required capability (repeatable): tools, "
    "structured_output, vision, pdf_input, audio_input, prompt_caching, reasoning.",
)
@click.option("--open-weights", is_flag=True, help="Only models with published weights.")
@click.option(
    "--provider",
    "providers",
    multiple=True,
    help="Allowed provider (repeatable); aliases such as google, vertex, bedrock, azure work too.",
)
@click.option("--exclude-provider", "exclude", multiple=True, help="Excluded provider (repeatable).")
@click.option("--latency-goal", type=float, help="Seconds per request (needs --speed data).")
@click.option("--strict-latency", is_flag=True, help="Reject models without speed data.")
@click.option("--allow-unknown", is_flag=True, help="Keep models whose required facts are unknown.")
@click.option("--min-quality", type=float, help="Arena rating floor (default by complexity).")
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="PART=W",
    help="Override a weight: quality, cost, latency, headroom.",
)
@click.option("--gpu-hour-price", type=float, help="Self-hosting estimate: USD per GPU-hour.")
@click.option(
    "--tokens-per-second", type=float, help="Self-hosting estimate: tokens one GPU serves per second."
)
@click.option("--speed", "speed_file", type=click.Path(dir_okay=False), help="Your speed figures (TOML).")
@click.option("--explain", is_flag=True, help="Also list every rejected model with its reasons.")
@today_option
@format_option
def select(**opts: Any) -> int:
    """Recommend a primary and a fallback model for a workload, with the decision matrix and reasoning.

    Exit code 1 when no model passes every hard filter (none is relaxed silently).

    \b
    Example:
      llmeng select --input-tokens 6000 --output-tokens 800 --requests-per-day 20000 \\
          --need tools --need structured_output --budget-per-request 0.02 --cache-hit-ratio 0.5
      llmeng select --complexity low --output-tokens 5 --reasoning low --budget-per-month 500 \\
          --provider google --min-support-days 90
    """
    from llmeng.models.api import recommend, requirements_from_options
    from llmeng.report.models import render_recommendation, render_rejections

    req = requirements_from_options(opts)
    rec = recommend(req, cache_dir=_cache_dir(), speed_file=opts["speed_file"], today=_today(opts["today"]))
    if opts["fmt"] == "json":
        click.echo(rec.model_dump_json(indent=2))
    else:
        click.echo(render_recommendation(rec), nl=False)
        if opts["explain"]:
            click.echo("\n" + render_rejections(rec), nl=False)
    return 0 if rec.primary else EXIT_NO_MATCH
