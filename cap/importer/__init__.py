"""Bringing an existing plan in: an Excel workbook, a CSV, or a Word table copied as text.

A plan is a table with the columns boards use - Ref, SCR Ref, Action, Lead agency,
Target date, Progress - and a theme for each row: a Theme column, or theme heading
lines between the tables (a row with only its first cell filled). Optional columns:
Status (used instead of the "Complete." rule), Progress date (used instead of the
date given for the narratives), and what `cap report --format csv` adds so that an
action comes back whole (cap/reports/csv.py): Signed off, Withdrawn reason, Target
history, Progress authors, Opened, Completed, Withdrawn on, Impact review (a blank cell
in a present column: not recorded; without an Opened column an action was opened by
its progress date, and a complete one completed by its latest entry). Any other column
(BRAG, ...) is ignored and named.

    >>> outcome, problems = import_plan(data_dir, Path("plan.csv"),       # doctest: +SKIP
    ...                                 progress_date=dt.date(2017, 1, 31), today=dt.date(2017, 7, 1))
    >>> [a.ref for a in outcome.created]                                   # doctest: +SKIP
    ['1.1', '1.2', ...]

All or nothing: every row is read, mapped and validated first, then the files it would
write go through `cap validate`'s checks (cap/checks.py, as of `today`); any problem
(each a `Problem` naming the file and its line, or row for a CSV) means nothing is written.
Existing actions are never overwritten; with `update`, a narrative their log does not
hold yet is appended as a new dated progress entry.

Another board's tracker - a header row that is not cap's own columns - is read by its
own column names and words (cap.importer.tracker): refs numbered, status words and RAG
ratings, target dates as boards write them, section headings as themes.

Layout: `rows` turns a file's bytes into text and rows (`csv`, `text` and `xlsx` read
each kind; `xlsx` also reads back a workbook `cap report` made), `columns` knows the
header names (cap's, and the names trackers use), `build` turns rows of cap's columns
into records and records into actions, `tracker` does the same for a tracker's (with
`mapping` for its header, `rowaction` for each row, `words` and `boarddates` for its
status words and dates, `options` for what the command line says), `plan` runs the
whole import (`import_plan`, `prepare_import`, `apply_import`).
"""

from cap.importer.outcome import ImportOutcome, Update
from cap.importer.plan import apply_import, import_plan, prepare_import, summary_lines
from cap.importer.rows import FORMATS, MAX_IMPORT_BYTES

__all__ = [
    "FORMATS", "MAX_IMPORT_BYTES", "ImportOutcome", "Update", "apply_import", "import_plan", "prepare_import",
    "summary_lines",
]
