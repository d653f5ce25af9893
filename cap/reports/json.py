"""The report as JSON: the same content as the documents, for other tools.

Dates are ISO; `target_date` may be `ongoing`; every key is always present (null when
empty), in a fixed order, so the same report gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Row, target_text
from cap.dates import format_iso


def row_data(report: Report, row: Row) -> dict[str, Any]:
    """One action; `rating` and `source_ref` (from a board's own tracker) only where set."""
    extra = {key: value for key, value in (("rating", row.rating), ("source_ref", row.source_ref)) if value}
    return {
        "ref": row.ref,
        "theme": row.theme,
        "scr_ref": row.scr_ref,
        "scrs": list(row.scrs),
        "all_scrs": row.all_scrs,
        "action": row.action,
        "lead": list(row.lead),
        "lead_agency": row.lead_label,
        "target_date": target_text(row, iso=True),
        "original_target_date": format_iso(row.original_target),
        "status": row.status,
        "brag": row.brag,
        "overdue": row.days_overdue is not None,
        "days_overdue": row.days_overdue,
        "slipped": row.slipped,
        "stale": row.stale,
        "due_soon": row.due_soon,
        "notes": list(row.notes),
        "signed_off": (
            {"date": row.signed_off.date.isoformat(), "by": row.signed_off.by} if row.signed_off else None
        ),
        "withdrawn_reason": row.withdrawn_reason,
        "progress_date": row.latest.date.isoformat() if row.latest else None,
        "progress": [{"date": e.date.isoformat(), "text": e.text, "author": e.author} for e in row.progress],
        **extra,
    }


def data(report: Report) -> dict[str, Any]:
    s = report.summary
    return {
        "title": report.title,
        "kind": report.kind,
        "description": report.kind_label,
        "as_of": report.as_of.isoformat(),
        "amber_days": report.amber_days,
        "stale_since": report.stale_since.isoformat(),
        "full": report.full,
        "selection": list(report.selection),
        "produced_on": report.stamp.isoformat() if report.stamp else None,
        "plan_actions": report.plan_total,
        "summary": {
            "headline": s.headline,
            "actions": s.total,
            "overdue": len(s.overdue),
            "status_by_theme": [
                {"theme": t.theme.id, "number": t.theme.number, "title": t.theme.title,
                 "counts": dict(zip(STATUSES, t.counts)), "total": t.total, "overdue": t.overdue}
                for t in s.by_theme
            ],
            "status_totals": dict(zip(STATUSES, s.status_totals)),
            "brag": dict(s.brag_counts),
            "overdue_by_lead": [{"lead": c.lead, "count": c.count, "refs": list(c.refs)} for c in s.overdue_by_lead],
            "due_soon": [r.ref for r in s.due_soon],
            "slipped": [r.ref for r in s.slipped],
            "stale": [r.ref for r in s.stale],
            "stale_by_lead": [{"lead": c.lead, "count": c.count, "refs": list(c.refs)} for c in s.stale_by_lead],
        },
        "brag_key": [{"rating": rating, "meaning": meaning} for rating, meaning in report.key]
        + [{"rating": None, "meaning": WITHDRAWN_NOTE}],
        "themes": [
            {"id": sec.theme.id, "number": sec.theme.number, "title": sec.theme.title,
             "actions": [row_data(report, r) for r in sec.rows]}
            for sec in report.theme_sections
        ],
        **({"exception_groups": {key: [r.ref for r in rows] for key, _t, rows in report.exception_groups}}
           if report.kind == "exceptions" else {}),
        "withdrawn": [row_data(report, r) for r in report.withdrawn],
        **({"blocks": [block_data(b) for b in report.blocks]} if report.blocks else {}),
    }


def block_data(b) -> dict[str, Any]:
    """A Block (of a paper, or of a report's `blocks`) as laid out."""
    return {
        "heading": b.heading,
        "paragraphs": [*b.paragraphs, *b.closing],
        "tables": [{"title": t.title, "columns": list(t.columns), "rows": [list(r) for r in t.rows]}
                   for t in b.tables],
        "chart": None if b.chart is None else {
            "title": b.chart.title, "labels": list(b.chart.labels),
            "series": {name: list(values) for name, values in b.chart.series}},
    }


def paper_data(report: Report) -> dict[str, Any]:
    """A paper as JSON: its figures (`data`) and its blocks as laid out."""
    paper = report.paper
    return {
        "kind": paper.kind,
        "title": paper.title,
        "description": paper.description,
        "as_of": report.as_of.isoformat(),
        **paper.data,
        "blocks": [block_data(b) for b in paper.blocks],
        "notes": list(paper.notes),
    }


def render(report: Report) -> str:
    if report.paper is not None:
        return json.dumps(paper_data(report), indent=2, ensure_ascii=False) + "\n"
    return json.dumps(data(report), indent=2, ensure_ascii=False) + "\n"
