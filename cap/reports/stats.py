"""`cap stats`: the report's summary as rich tables for the terminal.

Built from `Text` objects only (never markup strings), so user text prints as written;
control characters in it show escaped (`cap.text.visible`). Each table row is one line,
shortened with `…` to fit the width.
"""

from __future__ import annotations

from cap.dates import format_uk
from cap.models import STATUSES
from cap.reports.model import Report
from cap.text import plural, first_line, visible

BRAG_STYLES = {"Blue": "bold blue", "Red": "bold red", "Amber": "bold yellow", "Green": "bold green"}


def cell(text: str):
    """A table cell that stays one line: the text's first line, visible, cut with `…`."""
    from rich.text import Text

    return Text(first_line(text), no_wrap=True, overflow="ellipsis")


#: The narrowest the theme column of "Status by theme" gets before status columns go.
THEME_MIN = 16
#: On a screen too narrow for every column, status columns that are 0 for every theme
#: are left out, in this order (then `total`, which the counts add up to).
STATS_DROP_ORDER = ("withdrawn", "closed", "open", "complete", "in-progress", "total")


def stats_columns(status_totals, width: int | None, theme_min: int = THEME_MIN) -> list[str]:
    """The count columns of "Status by theme" that fit `width` (None: all of them) beside
    a theme column `theme_min` wide (each count column takes its name and a space each side)."""
    names = [*STATUSES, "total", "overdue"]
    totals = dict(zip(STATUSES, status_totals))

    def needed() -> int:
        return theme_min + sum(len(n) + 2 for n in names)

    for name in STATS_DROP_ORDER:
        if width is None or needed() <= width:
            break
        if name == "total" or totals.get(name) == 0:
            names.remove(name)
    return names


def theme_names(themes, width: int | None, columns: list[str]) -> list[str]:
    """Each theme as "Status by theme" names it: its heading (`1. Professional curiosity`)
    when every heading fits beside the count columns, else its number and id
    (`1. curiosity`), never a title cut mid-word."""
    headings = [visible(t.heading) for t in themes]
    if width is None:
        return headings
    room = width - sum(len(n) + 2 for n in columns)
    if all(len(h) <= room for h in headings):
        return headings
    return [visible(f"{t.number}. {t.id}") for t in themes]


def stats_view(report: Report, width: int | None = None):
    """The summary as rich renderables; `width` (the screen's) decides which columns stay."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    s = report.summary
    parts = [Text(visible(s.headline), style="bold")]
    if report.selection:
        parts.append(Text(visible("Selection: " + "; ".join(report.selection))))
    if not s.total:
        return Group(*parts)

    def table(title: str) -> Table:
        return Table(title=Text(title, style="bold"), title_justify="left", header_style="bold",
                     box=None, pad_edge=False, padding=(0, 1))

    by_theme = table("Status by theme")
    by_theme.add_column("Theme", ratio=1)
    ids = [len(visible(f"{t.theme.number}. {t.theme.id}")) for t in s.by_theme]
    shown = stats_columns(s.status_totals, width, max([THEME_MIN, *ids]))
    for name in shown:
        by_theme.add_column(name, justify="right", no_wrap=True, min_width=len(name))

    def counts(values: dict) -> list:
        return [values[name] for name in shown]

    names = theme_names([t.theme for t in s.by_theme], width, shown)
    for t, name in zip(s.by_theme, names):
        values = {**{n: Text(str(c)) for n, c in zip(STATUSES, t.counts)}, "total": Text(str(t.total)),
                  "overdue": Text(str(t.overdue), style="red" if t.overdue else "")}
        by_theme.add_row(cell(name), *counts(values))
    totals = {**dict(zip(STATUSES, map(str, s.status_totals))), "total": str(s.total), "overdue": str(len(s.overdue))}
    by_theme.add_row(Text("Total", style="bold"), *(Text(c, style="bold") for c in counts(totals)))

    brag = Text("BRAG: ")
    for i, (rating, count) in enumerate(s.brag_counts):
        brag.append(("  " if i else "") + rating, style=BRAG_STYLES[rating])
        brag.append(f" {count}")
    brag.append(f"  (withdrawn, no rating: {s.withdrawn})")

    parts += [Text(""), by_theme, Text(""), brag, Text("")]

    if s.overdue_by_lead:
        leads = table("Overdue by lead agency")
        leads.add_column("Lead agency", max_width=40)
        leads.add_column("overdue", justify="right", no_wrap=True)
        leads.add_column("refs")
        for c in s.overdue_by_lead:
            leads.add_row(cell(c.lead), Text(str(c.count)), cell(", ".join(c.refs)))
        parts += [leads, Text("")]
    else:
        parts.append(Text("Overdue by lead agency: none"))

    def refs_line(label: str, rows) -> Text:
        return Text(visible(f"{label}: " + (f"{len(rows)} ({', '.join(r.ref for r in rows)})" if rows else "none")))

    parts.append(refs_line(f"Due in the next {plural(report.amber_days, 'day')} (to {report.due_until_text})", s.due_soon))
    parts.append(refs_line("Target date put back", s.slipped))
    parts.append(refs_line(f"No progress since {format_uk(report.stale_since, full_year=True)}", s.stale))
    return Group(*parts)


def paper_view(paper):
    """A Paper (the annual statistics, the reviews) as rich tables for the terminal; user
    text shown with its control characters escaped (cap.text.visible)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text as RichText

    from cap.text import visible

    def Text(value="", **style):  # noqa: N802 - rich's Text, with the text made visible
        return RichText(visible(value) if isinstance(value, str) else value, **style)

    parts = [Text(paper.title, style="bold"), Text(paper.description)]
    for block in paper.blocks:
        parts.append(Text(""))
        parts.append(Text(block.heading, style="bold"))
        parts += [Text(p) for p in block.paragraphs]
        tables = list(block.tables)
        if block.chart is not None:
            c = block.chart
            from cap.reports.paper import Table as PaperTable

            tables.append(PaperTable("", ("Month", *(n for n, _ in c.series)),
                                     tuple((label, *(str(v[i]) for _, v in c.series)) for i, label in enumerate(c.labels)),
                                     numeric=tuple(range(1, len(c.series) + 1))))
        for t in tables:
            if not t.rows:
                parts.append(Text(t.empty))
                continue
            table = Table(title=Text(t.title, style="bold") if t.title else None, title_justify="left",
                          header_style="bold", box=None, pad_edge=False, padding=(0, 1))
            for i, column in enumerate(t.short or t.columns):
                numeric = i in t.numeric
                table.add_column(Text(column), justify="right" if numeric else "left", no_wrap=numeric,
                                 min_width=len(column) if numeric else (
                                     min(12, max(len(r[0]) for r in t.rows)) if i == 0 else None),
                                 ratio=None if numeric or len(t.columns) > 6 and i > 0 else 1)
            for row in t.rows:
                table.add_row(*(Text(c) for c in row))
            parts.append(table)
        parts += [Text(p) for p in block.closing]
    shortened = next((t for _, t in paper.tables() if t.short), None)
    if shortened is not None:
        key = ", ".join(f"{s} = {c}" for s, c in zip(shortened.short, shortened.columns) if s != c)
        parts += [Text(""), Text("Columns: " + key + ".")]
    parts += [Text(""), *(Text(n) for n in paper.notes)]
    return Group(*parts)
