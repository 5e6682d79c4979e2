from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from llmeng.audit import AuditConfig, audit_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "audit"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


@dataclass(frozen=True)
class FakeFacts:
    known: bool
    max_output_tokens: int | None = None
    deprecation_date: date | None = None


FAKE_CATALOG = {
    "fake-small": FakeFacts(True, 4096),
    "fake-old": FakeFacts(True, 4096, date(2025, 1, 31)),
}


def fake_lookup(model: str, provider: str | None) -> FakeFacts | None:
    return FAKE_CATALOG.get(model)


def expected(path: Path, rule_id: str) -> set[tuple[int, str]]:
    out = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        m = _EXPECT.search(line)
        if m and rule_id in {i.strip() for i in m.group(1).split(",")}:
            out.add((number, rule_id))
    return out


def fired(path: Path, rule_id: str, *, catalog=None) -> set[tuple[int, str]]:
    result = audit_source(
        path.read_text(), path.name, config=AuditConfig(today=date(2026, 11, 1)), catalog=catalog
    )
    assert not result.parse_errors, result.parse_errors
    return {(f.location.line, f.rule_id) for f in result.findings if f.rule_id == rule_id}
