"""The report as CSV: one row per action, for Excel and for `cap import`.

The contract (`cap import` reads it back, and rebuilds from it an action `cap validate`
accepts):

- UTF-8 with a byte order mark, so Excel shows every character as written;
- rows end with `\\n` (a line feed, no carriage return); a cell holding line breaks is quoted;
- these columns, in this order: Theme, Ref, SCR Ref, Action, Lead agency, Target date,
  Status, BRAG, Progress date, Progress, Signed off, Withdrawn reason, Target history,
  Progress authors, Opened, Completed, Withdrawn on, Impact review;
- Theme is the theme's title; SCR Ref as the source writes it (`D, L`, `All`, `M (and All)`);
  Lead agency joined with `/` (`Health/NSCB`); Target date ISO or `ongoing`; BRAG blank for
  a withdrawn action; Progress date the ISO date of the latest entry an agency reported
  (blank if none; the entries cap writes itself for a change, a target revised or a
  sign-off, are in Target history and Signed off) and Progress its text (a text that itself begins like a log line, `YYYY-MM-DD: `, is written
  as a one-entry log, `YYYY-MM-DD: YYYY-MM-DD: ...`, so that it reads back as written);
- with `--full`, Progress holds the whole log, oldest first, one entry per line as
  `YYYY-MM-DD: text`, and Progress date is the date of its last entry (so that
  `cap import` reads the cell back as a log);
- Signed off: `YYYY-MM-DD by WHO` (blank if not signed off); Withdrawn reason: the text;
- Target history: every revision of the target date, oldest first, one a line as
  `YYYY-MM-DD: FROM -> TO: reason` (FROM and TO ISO dates or `ongoing`);
- Opened, Completed, Withdrawn on: the ISO dates of the action's life (blank: not recorded);
  Impact review: the ISO date the impact of a closed action is to be reviewed, or
  `none: REASON` when the board decided on no review;
- Progress authors: `N: name` for each entry in the Progress cell that has an author, N
  its place in that cell (1 = the first; without `--full` the one entry is 1). Authors
  never appear in the Progress text, so words in brackets stay words;
- where some action listed has them, two more columns: Board rating (the rating the
  board's own tracker gave, imported) and Source ref (that tracker's ref);
- where some action listed holds a text whose whitespace a trimmed cell would lose (a
  text beginning or ending with a space or a tab, such as `\\t=1+1`), a last column,
  Exact texts: a JSON object of those texts by where they are in the action
  (cap/importer/exact.py), which `cap import` puts back;
- in Progress (with `--full`), Signed off, Target history and Progress authors, a value
  holding a line break continues on the next line indented by two spaces: a line that
  starts with two spaces always continues the one before, so a text line that happens to
  start with a date is never read as a new entry;
- a cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return (which a spreadsheet
  would run as a formula) is written with a leading `'`, and so is a cell beginning with
  `'` followed by one of these or by another `'`; `cap import` takes exactly that `'`
  off again (cap/safetext.py: csv_cell, csv_text), so every text reads back as written.
"""

from __future__ import annotations

import csv
import io
import re

from cap.dates import format_iso
from cap.safetext import csv_cell
from cap.reports.model import Report, Row, target_text

COLUMNS = (
    "Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Status", "BRAG",
    "Progress date", "Progress", "Signed off", "Withdrawn reason", "Target history", "Progress authors",
    "Opened", "Completed", "Withdrawn on", "Impact review",
)
BOM = "\ufeff"
#: What begins each continuation line of a value that holds line breaks.
CONTINUATION = "  "


def continued(text: str) -> str:
    """A value on lines: each line after the first indented by two spaces."""
    return text.replace("\n", "\n" + CONTINUATION)


#: What `cap import` takes for the first line of a log (importer._LOG_LINE).
_LOG_START = re.compile(r"^\d{4}-\d{2}-\d{2}: .*\S")


def logged(entry) -> str:
    """`YYYY-MM-DD: text`; the text trimmed, so that the line reads as a log line (whitespace
    at its edges is carried exactly in the Exact texts column: cap/importer/exact.py)."""
    return f"{entry.date.isoformat()}: {continued(entry.text.strip())}"


def _entries(report: Report, row: Row) -> tuple:
    """The progress entries the row's Progress cell holds."""
    return row.progress if report.full else ((row.latest,) if row.latest else ())


def cells(report: Report, row: Row) -> list[str]:
    entries = _entries(report, row)
    if report.full:
        progress = "\n".join(logged(e) for e in entries)
    elif row.latest is None:
        progress = ""
    else:
        latest = row.latest
        progress = logged(latest) if _LOG_START.match(latest.text.split("\n", 1)[0]) else latest.text
    signed = row.signed_off
    return [
        report.theme(row.theme).title,
        row.ref,
        row.scr_ref,
        row.action,
        row.lead_label,
        target_text(row, iso=True),
        row.status,
        row.brag or "",
        # The whole log ends with whatever entry came last (cap's own included): the date
        # `cap import` asks of a log's last line to read the cell back as a log.
        (entries[-1].date.isoformat() if report.full and entries else
         row.latest.date.isoformat() if row.latest else ""),
        progress,
        f"{signed.date.isoformat()} by {continued(signed.by)}" if signed else "",
        row.withdrawn_reason or "",
        "\n".join(
            f"{r.date.isoformat()}: {format_iso(r.from_)} -> {format_iso(r.to)}: {continued(r.reason)}"
            for r in row.target_history
        ),
        "\n".join(f"{n}: {continued(e.author)}" for n, e in enumerate(entries, start=1) if e.author),
        *(d.isoformat() if d else "" for d in (row.opened, row.completed, row.withdrawn)),
        row.impact_review.isoformat() if row.impact_review else
        f"none: {continued(row.no_impact_review)}" if row.no_impact_review else "",
    ]


def inert(cell: str) -> str:
    """A paper's cell as no spreadsheet runs it (cap/safetext.py: csv_cell)."""
    return csv_cell(cell)


def render_paper(report: Report) -> str:
    """A paper as CSV: each table under its section and title row, then its header and rows,
    a blank line between tables (Excel opens it as one sheet)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([inert(report.paper.title), inert(report.paper.description)])
    for block, table in report.paper.tables():
        writer.writerow([])
        writer.writerow([inert(block.heading), inert(table.title)])
        writer.writerow([inert(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([inert(c) for c in row])
        for line in block.closing:
            writer.writerow([inert(line)])
    for block in report.paper.blocks:
        if block.chart is not None:
            writer.writerow([])
            writer.writerow([inert(block.heading), inert(block.chart.title)])
            writer.writerow(["Month", *(name for name, _ in block.chart.series)])
            for i, label in enumerate(block.chart.labels):
                writer.writerow([label, *(str(values[i]) for _, values in block.chart.series)])
    for note in report.paper.notes:
        writer.writerow([])
        writer.writerow([inert(note)])
    return BOM + out.getvalue()


def render(report: Report) -> str:
    if report.paper is not None:
        return render_paper(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    from cap.importer.exact import NAME, exact_texts, row_texts

    ratings, sources = report.has_ratings, report.has_source_refs
    exact = [exact_texts(row_texts(row, _entries(report, row))) for row in report.rows]
    exacts = any(exact)
    writer.writerow([*COLUMNS, *(["Board rating"] if ratings else []), *(["Source ref"] if sources else []),
                     *([NAME] if exacts else [])])
    for row, kept in zip(report.rows, exact):
        extra = ([row.rating or ""] if ratings else []) + ([row.source_ref or ""] if sources else []) + \
            ([kept] if exacts else [])
        writer.writerow([csv_cell(cell) for cell in cells(report, row) + extra])
    return BOM + out.getvalue()
