"""Agency packs in one go: a report per lead agency, with what needs its attention.

Each pack holds the agency's overdue, due-soon and stale actions and those completed or
signed off recently (since the stale date); an agency with none of these gets no pack.
File names come from the agency's name through `cap.slugs` (the one rule for an agency's
file name: safe on Windows, unique within the folder).

    >>> packs = agency_packs(plan, dt.date(2017, 7, 1))          # doctest: +SKIP
    >>> [(p.agency, p.file_stem, len(p.report.rows)) for p in packs if p.report]
    [('Children's Services', 'childrens-services', 3), ...]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from cap.dates import shift
from cap.models import Plan
from cap.query import AMBER_DAYS, Filters, lead_groups
from cap.reports.model import STALE_DAYS, Report, Row, build_report
from cap.slugs import unique_slugs

@dataclass(frozen=True)
class Pack:
    agency: str
    file_stem: str
    #: None: nothing for this agency's attention (no pack written).
    report: Report | None


def _wanted(row: Row, since: dt.date) -> bool:
    recently_done = (row.completed is not None and row.completed >= since) or (
        row.signed_off is not None and row.signed_off.date >= since)
    return row.days_overdue is not None or row.due_soon or row.stale or recently_done


def agency_packs(plan: Plan, as_of: dt.date, *, amber_days: int = AMBER_DAYS, stale_since: dt.date | None = None,
                 full: bool = False, title: str | None = None, stamp: dt.date | None = None,
                 filters: Filters | None = None, agencies: list | None = None) -> list[Pack]:
    """A pack per lead agency, in name order; `filters` narrow every pack (a theme, say).

    A lead is what `--lead` chooses (cap.query.resolve_lead): with `agencies` (of
    data/agencies.yaml) an agency and every lead text naming it, else each lead text.
    """
    since = stale_since or shift(as_of, -STALE_DAYS)
    groups = {lead: texts for lead, (_names, texts) in lead_groups(plan.actions, agencies).items() if texts}
    leads = sorted(groups, key=lambda g: (g.name.casefold(), g.name))
    stems = unique_slugs(lead.name for lead in leads)
    packs = []
    for lead in leads:
        chosen = dataclasses.replace(filters or Filters(), lead=lead.name, lead_is=None,
                                     lead_texts=frozenset(groups[lead]), lead_names=(lead.name,))
        report = build_report(plan, chosen, as_of, amber_days=amber_days, stale_since=since,
                              kind="agency", full=full, title=title, stamp=stamp, agencies=agencies)
        rows = tuple(r for r in report.rows if _wanted(r, since))
        report = dataclasses.replace(report, rows=rows, lead=lead.name) if rows else None
        packs.append(Pack(lead.name, stems[lead.name], report))
    return packs


__all__ = ["Pack", "agency_packs"]
