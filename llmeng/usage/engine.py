"""summarize(paths) -> UsageReport: stream every record once, sum per price key and dimension, price the sums."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from operator import add
from pathlib import Path
from typing import Any

from llmeng.errors import LlmengError
from llmeng.usage import formats, stream
from llmeng.usage.pricing import PriceKey, Pricer
from llmeng.usage.records import RecordError, UsageRecord
from llmeng.usage.report import Breakdown, FileOut, GroupRow, UnpricedModel, UsageReport

MAX_VALUES = (
    10_000  # distinct values kept per dimension; later ones are summed as "(other)": memory stays flat
)
OTHER = "(other)"
TOTAL = ""  # the dimension of the grand total
BUILTIN = ("model", "day", "provider")
Slot = dict[PriceKey | None, list[int]]  # price key (None: unpriced) -> [requests, *PRICED_KEYS]


class _Sums:
    """Sums per (dimension, value, price key), in one flat dict: one lookup per dimension of a record."""

    def __init__(self) -> None:
        self.acc: dict[tuple[str, str, PriceKey | None], list[int]] = {}
        self.values: dict[tuple[str, str], bool] = {}  # (dimension, value) kept
        self.counts: Counter[str] = Counter()  # values kept per dimension
        self.folded: Counter[str] = Counter()

    def add(self, pairs: Iterable[tuple[str, str]], key: PriceKey | None, vec: list[int]) -> None:
        """Add `vec` to the sums of each (dimension, value) in `pairs`, under the price key."""
        acc_of = self.acc
        for dim, value in pairs:
            acc = acc_of.get((dim, value, key))
            if acc is not None:
                acc[:] = map(add, acc, vec)
                continue
            if (dim, value) not in self.values:
                if self.counts[dim] >= MAX_VALUES:
                    self.folded[dim] += 1
                    value = OTHER
                else:
                    self.counts[dim] += 1
                self.values[dim, value] = True
            acc = acc_of.get((dim, value, key))
            if acc is None:
                acc_of[dim, value, key] = vec.copy()
            else:
                acc[:] = map(add, acc, vec)

    def by(self) -> dict[str, dict[str, Slot]]:
        """dimension -> value -> price key -> sums."""
        out: dict[str, dict[str, Slot]] = {}
        for (dim, value, key), acc in self.acc.items():
            out.setdefault(dim, {}).setdefault(value, {})[key] = acc
        return out


class _Run:
    def __init__(self, pricer: Pricer, today: date, by: Sequence[str]) -> None:
        self.pricer, self.by = pricer, set(by)
        self.noon = datetime.combine(today, time(12), tzinfo=UTC)
        self.sums = _Sums()
        self.unpriced: dict[tuple[str | None, str, str], list[int]] = {}
        self.undated = 0
        self.seen_attrs: set[str] = set()

    def add(self, rec: UsageRecord) -> None:
        vec = [1, *rec.tokens]
        model = rec.model or "(no model)"
        res = self.pricer.resolve(rec.provider, model) if rec.model else None
        key: PriceKey | None = None
        if rec.when is None:
            self.undated += 1
        if res is None:
            self._unpriced(rec, model, "unknown to genai-prices", vec)
        else:
            mp = self.pricer.price_list(res, rec.when or self.noon)
            if self.pricer.priced(mp):
                key = self.pricer.key(mp, rec.tokens[0])
                model = res.name
            else:
                self._unpriced(rec, res.name, "listed without token prices", vec)
        pairs = [
            (TOTAL, "all"),
            ("model", model),
            ("day", rec.when.date().isoformat() if rec.when else "unknown"),
            ("provider", res.provider.id if res else rec.provider or "unknown"),
        ]
        attrs = rec.attrs.items() if not self.by else ((k, v) for k, v in rec.attrs.items() if k in self.by)
        self.sums.add([*pairs, *attrs], key, vec)
        self.seen_attrs.update(rec.attrs)

    def _unpriced(self, rec: UsageRecord, model: str, reason: str, vec: list[int]) -> None:
        acc = self.unpriced.setdefault((rec.provider, model, reason), [0, 0, 0])
        acc[0] += 1
        acc[1] += vec[1]
        acc[2] += vec[4]


def _read(path: Path, fmt: str, run: _Run, progress: stream.Progress | None) -> FileOut:
    reader: Callable[[Any], Iterable[UsageRecord]] | None = None if fmt == "auto" else formats.READERS[fmt]
    records = skipped = 0
    for where, value in stream.values(path, progress):
        try:
            if reader is None:
                fmt = formats.detect(value)
                reader = formats.READERS[fmt]
            found = 0
            for rec in reader(value):
                run.add(rec)
                found += 1
        except RecordError as e:
            raise LlmengError(
                f"{where}: {e}", "fix or remove that record; docs/usage.md lists the fields read"
            ) from e
        except (TypeError, AttributeError, KeyError, ValueError) as e:
            raise LlmengError(
                f"{where}: not a {fmt} record ({type(e).__name__}: {e})",
                "pass --input-format for files of another kind; docs/usage.md lists the formats",
            ) from e
        records += found
        skipped += not found
    return FileOut(path=str(path), format=fmt, records=records, skipped=skipped)


def _row(pricer: Pricer, value: str, slot: Slot) -> GroupRow:
    tot = [0] * 6
    cost = Decimal(0)
    unpriced = 0
    for key, acc in slot.items():
        for i, v in enumerate(acc):
            tot[i] += v
        if key is None:
            unpriced += acc[0]
        else:
            cost += pricer.cost(key, acc)
    return GroupRow(
        value=value,
        requests=tot[0],
        input_tokens=tot[1],
        cache_read_tokens=tot[2],
        cache_write_tokens=tot[3],
        output_tokens=tot[4],
        reasoning_tokens=tot[5],
        cost_usd=cost,
        unpriced_requests=unpriced,
    )


def summarize(
    paths: Sequence[Path],
    *,
    today: date,
    by: Sequence[str] = (),
    fmt: str = "auto",
    progress: stream.Progress | None = None,
    snapshot: Any = None,
) -> UsageReport:
    """Price every usage record in `paths` with genai-prices; `by`: only these attributes (default: all)."""
    import genai_prices
    from genai_prices import data_snapshot

    pricer = Pricer(snapshot or data_snapshot.get_snapshot())
    run = _Run(pricer, today, by)
    # Parsed records form no cycles; the cyclic GC would rescan the growing sums every few thousand
    # allocations (a third of the run time on a million spans), so it is paused while reading.
    enabled = gc.isenabled()
    gc.disable()
    try:
        files = [_read(p, fmt, run, progress) for p in paths]
    finally:
        if enabled:
            gc.enable()
    sums = run.sums.by()
    total = _row(pricer, "all", sums.get(TOTAL, {}).get("all", {}))
    dims = [d for d in BUILTIN if d in sums] + sorted(set(sums) - {TOTAL, *BUILTIN})
    breakdowns = [
        Breakdown(
            by=dim,
            values=len(sums[dim]),
            rows=sorted(
                (_row(pricer, v, slot) for v, slot in sums[dim].items()),
                key=lambda r: (-r.cost_usd, -r.requests, r.value),
            ),
            folded=run.sums.folded[dim],
        )
        for dim in dims
    ]
    notes = [f"no record has the attribute {name!r}" for name in sorted(set(by) - run.seen_attrs)]
    reasoning = [r for b in breakdowns if b.by == "model" for r in b.rows if r.reasoning_tokens]
    return UsageReport(
        files=files,
        total=total,
        breakdowns=breakdowns,
        unpriced=[
            UnpricedModel(provider=p, model=m, reason=r, requests=a[0], input_tokens=a[1], output_tokens=a[2])
            for (p, m, r), a in sorted(run.unpriced.items(), key=lambda kv: (-kv[1][0], kv[0][1]))
        ],
        prices=f"genai-prices {genai_prices.__version__}",
        reasoning_per_request=sum(r.reasoning_tokens for r in reasoning) / sum(r.requests for r in reasoning)
        if reasoning
        else None,
        undated_requests=run.undated,
        priced_on=today,
        notes=notes,
    )
