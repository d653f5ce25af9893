"""The report as CSV: one row per action, for Excel and for `cap import`.

The contract (`cap import` reads it back):

- UTF-8 with a byte order mark, so Excel shows every character as written;
- rows end with `\\n` (a line feed, no carriage return); a cell holding line breaks is quoted;
- these columns, in this order: Theme, Ref, SCR Ref, Action, Lead agency, Target date,
  Status, BRAG, Progress date, Progress;
- Theme is the theme's title; SCR Ref as the source writes it (`D, L`, `All`, `M (and All)`);
  Lead agency joined with `/` (`Health/NSCB`); Target date ISO or `ongoing`; BRAG blank for
  a withdrawn action; Progress date the ISO date of the latest entry (blank if none) and
  Progress its text; with `--full`, Progress holds the whole log, oldest first, one entry
  a line as `YYYY-MM-DD: text` with ` (author)` at the end when there is one.
"""

from __future__ import annotations

import csv
import io

from cap.reports.model import Report, Row, progress_line, target_text

COLUMNS = (
    "Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Status", "BRAG",
    "Progress date", "Progress",
)
BOM = "\ufeff"


def cells(report: Report, row: Row) -> list[str]:
    if report.full:
        progress = "\n".join(progress_line(e, iso=True) for e in row.progress)
    else:
        progress = row.latest.text if row.latest else ""
    return [
        report.theme(row.theme).title,
        row.ref,
        row.scr_ref,
        row.action,
        row.lead_label,
        target_text(row, iso=True),
        row.status,
        row.brag or "",
        row.latest.date.isoformat() if row.latest else "",
        progress,
    ]


def render(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow(cells(report, row))
    return BOM + out.getvalue()
