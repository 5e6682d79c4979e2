from __future__ import annotations

from llmeng.models.requirements import Requirements
from llmeng.models.selection import select
from llmeng.report.models import render_recommendation, render_rejections


def test_matrix_shows_unknowns_roles_and_notes(catalog, today):
    rec = select(
        Requirements(allow_unknown=True, capabilities=["structured_output"], providers=["xai", "gemini"]),
        catalog,
        today=today,
    )
    text = render_recommendation(rec)
    rows = {line.split("`")[1]: line for line in text.splitlines() if line.startswith("| ") and "`" in line}
    assert "primary: best score" in rows[rec.primary.id]
    assert "fallback: best of another provider" in rows[rec.fallback.id]
    assert "unknown (unrated)" in rows["xai/unrated"]
    assert all("| unknown |" in row for row in rows.values())  # no speed data
    assert "## Warnings" in text and "kept because unknowns are allowed" in text


def test_matrix_marks_effort_variant_ratings(catalog, today):
    text = render_recommendation(
        select(Requirements(providers=["anthropic"], capabilities=["tools"]), catalog, today=today)
    )
    assert "1450 ±5 *" in text
    assert "`anthropic/mid`: only the high-effort variant is rated" in text


def _labels(rec):
    text = render_recommendation(rec)
    return {
        line.split("`")[1]: line.split("|")[-2].strip()
        for line in text.splitlines()
        if line.startswith("| ") and "`" in line
    }


def test_shortlist_labels_cheapest_and_highest_rated(catalog, today):
    hard = _labels(select(Requirements(complexity="high", min_quality=1300), catalog, today=today))
    assert hard["openai/small"] == "cheapest rated shortlisted"  # $0.0006, the lowest rated one
    medium = _labels(select(Requirements(min_quality=1300), catalog, today=today))
    assert medium["openai/big"] == "highest rated shortlisted"  # 1480
    assert list(medium.values()).count("alternative") == 2


def test_rejections_list_every_reason(catalog, today):
    rec = select(Requirements(), catalog, today=today)
    text = render_rejections(rec)
    assert "`openai/old` | DEPRECATED: deprecated since 2026-01-01" in text
