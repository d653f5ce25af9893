"""`cap stats`: the report's summary as rich tables for the terminal.

Built from `Text` objects only (never markup strings), so user text prints as written.
"""

from __future__ import annotations

from cap.dates import format_uk
from cap.models import STATUSES
from cap.reports.model import Report

BRAG_STYLES = {"Blue": "bold blue", "Red": "bold red", "Amber": "bold yellow", "Green": "bold green"}


def stats_view(report: Report):
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    s = report.summary
    parts = [Text(s.headline, style="bold")]
    if report.selection:
        parts.append(Text("Selection: " + "; ".join(report.selection)))
    if not s.total:
        return Group(*parts)

    def table(title: str) -> Table:
        return Table(title=Text(title, style="bold"), title_justify="left", header_style="bold",
                     box=None, pad_edge=False, padding=(0, 1))

    by_theme = table("Status by theme")
    by_theme.add_column("Theme", ratio=1)
    for name in (*STATUSES, "total", "overdue"):
        by_theme.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    for t in s.by_theme:
        by_theme.add_row(Text(t.theme.heading), *(Text(str(n)) for n in t.counts), Text(str(t.total)),
                         Text(str(t.overdue), style="red" if t.overdue else ""))
    by_theme.add_row(*(Text(c, style="bold") for c in
                       ("Total", *map(str, s.status_totals), str(s.total), str(len(s.overdue)))))

    brag = Text("BRAG: ")
    for i, (rating, count) in enumerate(s.brag_counts):
        brag.append(("  " if i else "") + rating, style=BRAG_STYLES[rating])
        brag.append(f" {count}")
    brag.append(f"  (withdrawn, no rating: {s.withdrawn})")

    parts += [Text(""), by_theme, Text(""), brag, Text("")]

    if s.overdue_by_lead:
        leads = table("Overdue by lead agency")
        leads.add_column("Lead agency", max_width=40)
        leads.add_column("overdue", justify="right")
        leads.add_column("refs")
        for c in s.overdue_by_lead:
            leads.add_row(Text(c.lead), Text(str(c.count)), Text(", ".join(c.refs)))
        parts += [leads, Text("")]
    else:
        parts.append(Text("Overdue by lead agency: none"))

    def refs_line(label: str, rows) -> Text:
        return Text(f"{label}: " + (f"{len(rows)} ({', '.join(r.ref for r in rows)})" if rows else "none"))

    parts.append(refs_line(f"Due in the next {report.amber_days} days (to {report.due_until_text})", s.due_soon))
    parts.append(refs_line("Target date put back", s.slipped))
    parts.append(refs_line(f"No progress since {format_uk(report.stale_since, full_year=True)}", s.stale))
    return Group(*parts)
