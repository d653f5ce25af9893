"""The report as an Excel workbook (openpyxl): a Summary sheet, then a sheet per theme.

- `Summary`: the title, what the paper is and its as-of date, the headline, then the
  tables of the HTML report: status by theme, BRAG (with the key), overdue by lead
  agency, no progress since, due soon, target dates put back.
- One sheet per theme, in the source's layout: the theme's heading on row 1, the header
  on row 2, one row per action (Ref, SCR Ref, Action, Lead agency, Target date, Progress
  date, Progress, Status, BRAG, Days overdue, Notes), then the columns that keep the
  record whole for `cap import` (Progress by, Signed off, Signed off by, Target history).
  Where the board's own tracker rated an action (imported), a Board rating column
  stands beside BRAG; where it had its own refs, a Source ref column ends the record.
  The print area is the board's columns (Ref to Notes), sized so that fitting them to
  the width of an A4 landscape page keeps 11-point text at 8 points or more
  (`printed_scale`); the record columns after them are on screen, not on paper. Header
  rows repeat on every printed page, and each page's footer names the sheet, the page
  and the paper's date.
- `Withdrawn`: withdrawn actions, which carry no rating, with their reason.
- With `--full`, `Progress log`: every progress entry, one a row, oldest first.

Excel types: dates are date cells shown dd/mm/yyyy (a target, a progress entry, a
sign-off, Opened, Completed, Withdrawn on, Impact review), counts are numbers,
a text longer than a cell holds (32,767 characters) goes on over continuation rows
(`1.1 (continued)`, cap/reports/cellsplit.py) that `cap import` joins back,
`ongoing` and `none: REASON` (no impact review) are text. Every text is a text cell, never a formula, whatever it begins with. A BRAG cell is
filled with its colour and carries its word. Header rows are frozen and filtered, text
is wrapped, columns are sized to fit, pages are A4 landscape. The workbook's timestamps
are the report's day, so the same data and `--as-of` give the same bytes.

`render` writes the workbook as it is made (openpyxl's write-only mode): each row is
appended and streamed to a temporary file, so a 10,000-action workbook is never held as
cells. `build_workbook` without `write_only` makes the same document held whole; the two
differ only in the empty `<row>` a write-only sheet writes for a blank line
(tests/test_report_office.py holds them to that).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from copy import copy

from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Row
from cap.reports.package import StableZip, as_of_stamp, inert

#: The fill and the ink of each BRAG rating (the HTML report's colours).
BRAG_COLOURS = {
    "Blue": ("1F5FA8", "FFFFFF"),
    "Red": ("B3261E", "FFFFFF"),
    "Amber": ("F0A202", "000000"),
    "Green": ("2E7D32", "FFFFFF"),
}
HEAD_FILL = "EEF1F4"
LINE = "C8CCD1"
DATE_FORMAT = "dd/mm/yyyy"
#: openpyxl's code for A4 paper.
PAPERSIZE_A4 = "9"

#: A theme sheet's columns and their widths (in characters; text wraps inside). The
#: printed ones (the first PRINTED, and Board rating when there is one) fit an A4
#: landscape page at 8 points or more: see `printed_scale`.
THEME_COLUMNS = (
    ("Ref", 6), ("SCR Ref", 8), ("Action", 40), ("Lead agency", 14), ("Target date", 11),
    ("Progress date", 11), ("Progress", 44), ("Status", 11), ("BRAG", 8), ("Days overdue", 8), ("Notes", 24),
    ("Progress by", 16), ("Signed off", 12), ("Signed off by", 18), ("Target history", 40),
)
#: How many of a theme sheet's columns are printed (the rest keep the record whole).
PRINTED = 11
#: The dates of an action's life (issue 14), after the record columns, as in the CSV:
#: `cap import` reads them back (cap/importer/columns.py).
LIFE_COLUMNS = (("Opened", 12), ("Completed", 12), ("Withdrawn on", 12), ("Impact review", 14))
WITHDRAWN_COLUMNS = (
    ("Ref", 7), ("Theme", 24), ("SCR Ref", 10), ("Action", 48), ("Lead agency", 16), ("Target date", 12),
    ("Reason", 40), ("Progress date", 12), ("Progress", 56), ("Progress by", 16), ("Target history", 40),
)
LOG_COLUMNS = (("Ref", 7), ("Date", 12), ("Progress", 80), ("By", 20))
SUMMARY_SHEET = "Summary"
WITHDRAWN_SHEET = "Withdrawn"
LOG_SHEET = "Progress log"
#: Characters a sheet name cannot hold, and its longest length.
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
#: Words a name cut short does not end on (`2. Fora for discussion and` -> `... discussion`).
_LAST_WORD_NOT = frozenset({"and", "or", "of", "for", "the", "a", "an", "to", "in", "on", "with", "by", "&", "-"})
#: Body text: Excel's default font size, and the smallest a printed page may shrink it to.
BODY_POINTS = 11
MIN_PRINTED_POINTS = 8
#: The width of an A4 landscape page in points (297 mm), and its left and right margins in inches.
A4_LANDSCAPE_POINTS = 297 / 25.4 * 72
SIDE_MARGIN = 0.4


def _cut_at_word(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut between words (a name's first word cut if
    it is all there is), not ending on a joining word or a punctuation mark."""
    if len(text) <= limit:
        return text
    words = text[:limit + 1].split(" ")[:-1] if " " in text[:limit + 1] else []
    while words and (words[-1].casefold().strip(",;:.-") in _LAST_WORD_NOT or not words[-1].strip(",;:.-")):
        words.pop()
    cut = " ".join(words).rstrip(",;:.- ")
    if len(cut) < 3 or re.fullmatch(r"[\d.]+", cut):
        return ""
    return cut


def sheet_name(heading: str, taken: set[str], fallback: str | None = None) -> str:
    """A legal sheet name for a heading, short and whole: the heading itself if it fits
    in 31 characters, else cut between words (`2. Fora for discussion`), else `fallback`
    (a theme's id); unique in the workbook (any case), a clash ending ` (2)`."""
    def clean(text: str) -> str:
        return re.sub(r"\s+", " ", _SHEET_BAD.sub(" ", inert(text))).strip().strip("'").strip()

    base = clean(heading)
    name = _cut_at_word(base, SHEET_NAME_MAX)
    if not name:
        other = clean(fallback or "")
        name = _cut_at_word(other, SHEET_NAME_MAX) or other[:SHEET_NAME_MAX].rstrip() or base[:SHEET_NAME_MAX].rstrip()
    name = name or "Sheet"
    stem, n = name, 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name = (_cut_at_word(stem, SHEET_NAME_MAX - len(suffix)) or stem[:SHEET_NAME_MAX - len(suffix)].rstrip()) + suffix
        n += 1
    taken.add(name.casefold())
    return name


def column_points(width: float) -> float:
    """A column `width` characters wide, in points (Calibri 11: 7 pixels a character and
    5 of padding, at 96 pixels an inch)."""
    return (width * 7 + 5) * 72 / 96


def printed_scale(widths) -> float:
    """What fitting columns of these widths to one A4 landscape page's width scales
    them by (1: they fit as they are)."""
    printable = A4_LANDSCAPE_POINTS - 2 * SIDE_MARGIN * 72
    return min(1.0, printable / sum(column_points(w) for w in widths))


class _Sheet:
    """Writes rows down a worksheet, one after another: text always as text, dates as
    dates, numbers as numbers. A row is appended whole (`ws.append`), so the same code
    fills a write-only worksheet, which streams each row to disk as it comes.

    A sheet whose `size` (last row, last column) is known up front is written as it is
    made; any other is held until `close`, when its size is known (a write-only sheet
    writes its size before its first row)."""

    def __init__(self, ws, widths, wrapped=None, size: tuple[int, int] | None = None, wrap_lines: bool = False):
        from openpyxl.cell import Cell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
        from openpyxl.utils import get_column_letter

        self.ws = ws
        #: Whether a line of text outside a table wraps in the first column (the Summary)
        #: rather than running on to the right.
        self.wrap_lines = wrap_lines
        #: The row the next line goes on.
        self.row = 1
        #: A write-only sheet has written a row once it is appended: its height can go.
        self.streamed = bool(ws.parent.write_only)
        #: The rows made and not yet appended: (cells, height).
        self.held: list | None = None if size else []
        if size:
            self._size(*size)
        self.col_widths = list(widths)
        #: The columns whose text wraps (all, unless given); the others run on to the right.
        self.wrapped = set(wrapped) if wrapped is not None else set(range(1, len(widths) + 1))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        side = Side(style="thin", color=LINE)
        self.border = Border(left=side, right=side, top=side, bottom=side)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.top = Alignment(vertical="top")
        self.styles: dict[tuple, object] = {}
        self.Cell, self.Font, self.PatternFill, self.Alignment = Cell, Font, PatternFill, Alignment

    def cell(self, col: int, value, *, bold=False, boxed=False, wrap=None, size=None, fill=None, brag=None):
        """One cell of the row being made. Each distinct look is styled once, then copied
        (openpyxl's style look-up is slow enough to matter on a 10,000-action plan)."""
        c = self.Cell(self.ws, row=self.row, column=col)
        is_date = isinstance(value, dt.date)
        if is_date:
            c.value = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            c.value = value
        elif value is not None and value != "":
            c.value = inert(value)
            c.data_type = "s"  # a text cell, even for `=SUM(...)`: never a formula
        if wrap is None:
            wrap = col in self.wrapped
        key = (is_date, bold, boxed, wrap, size, fill, brag)
        style = self.styles.get(key)
        if style is not None:
            c._style = copy(style)
            return c
        if is_date:
            c.number_format = DATE_FORMAT
        if bold or size:
            c.font = self.Font(bold=bold, size=size)
        if boxed:
            c.border = self.border
        c.alignment = self.wrap if wrap else self.top
        if fill:
            c.fill = self.PatternFill("solid", fgColor=fill)
        if brag:
            colour, ink = BRAG_COLOURS[brag]
            c.fill = self.PatternFill("solid", fgColor=colour)
            c.font = self.Font(bold=True, color=ink)
            c.alignment = self.Alignment(horizontal="center", vertical="top", wrap_text=wrap)
        self.styles[key] = copy(c._style)
        return c

    def _size(self, last_row: int, last_col: int) -> None:
        """The sheet's extent, as openpyxl writes it for a sheet held whole (its
        `<dimension>`): a write-only sheet has no cells to measure."""
        if self.streamed:
            from openpyxl.utils import get_column_letter

            ref = f"A1:{get_column_letter(last_col)}{last_row}"
            self.ws.calculate_dimension = lambda: ref

    def append(self, cells: list, height: float | None = None) -> None:
        """Add the row of `cells` (none: an empty row), `height` points tall if given."""
        if self.held is not None:
            self.held.append((cells, height))
        else:
            self._put(cells, height)
        self.row += 1

    def _put(self, cells: list, height: float | None) -> None:
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        if height and self.streamed:
            del self.ws.row_dimensions[self.row]  # written with its row

    def close(self) -> None:
        """Write the rows held, now that the sheet's size is known."""
        if self.held is None:
            return
        held, self.held = self.held, None
        filled = [n for n, (cells, _h) in enumerate(held, start=1) if cells]
        self._size(max(filled, default=1), max((len(cells) for cells, _h in held), default=1))
        self.row = 1
        for cells, height in held:
            self._put(cells, height)
            self.row += 1

    def blank(self) -> None:
        self.append([])

    def lines(self, col: int, value, size: float | None = None) -> int:
        """About how many lines a wrapped text takes in its column (Excel sizes no row
        itself), at `size` points (default 11)."""
        if not isinstance(value, str) or col not in self.wrapped or col > len(self.col_widths):
            return 1
        per_line = max(1, int(self.col_widths[col - 1] * 1.1 * BODY_POINTS / (size or BODY_POINTS)))
        return sum(max(1, -(-len(line) // per_line)) for line in value.split("\n"))

    def fit_height(self, values) -> float | None:
        most = max((self.lines(col, v) for col, v in enumerate(values, start=1)), default=1)
        return min(409, 15 * most) if most > 1 else None

    def line(self, *values, bold=False, size=None) -> None:
        """A line of text outside any table: wrapped in its column on a sheet that wraps
        its lines (its row as tall as its lines), else running on to the right."""
        wrap = self.wrap_lines
        cells = [self.cell(col, value, bold=bold, size=size, wrap=wrap) for col, value in enumerate(values, start=1)]
        most = max((self.lines(col, v, size) for col, v in enumerate(values, start=1)), default=1) if wrap else 1
        height = round((size or BODY_POINTS) * 1.35 * most) if (size or most > 1) else None
        self.append(cells, min(409, height) if height else None)

    def header(self, names) -> int:
        cells = [self.cell(col, name, bold=True, boxed=True, fill=HEAD_FILL) for col, name in enumerate(names, start=1)]
        self.append(cells, self.fit_height(names))
        return self.row - 1

    def values(self, values, brag_col: int | None = None, bold=False) -> None:
        cells = [self.cell(col, value, boxed=True, bold=bold,
                           brag=value if col == brag_col and value in BRAG_COLOURS else None)
                 for col, value in enumerate(values, start=1)]
        self.append(cells, self.fit_height(values))

    def page(self, title_rows: str | None = None, area: str | None = None, footer: str | None = None) -> None:
        """A4 landscape, one page wide, with `title_rows` repeated on every page. Called
        before the first row: a write-only sheet writes its properties with it."""
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
        # The footer sits inside the bottom margin, clear of the text (at 0.5 and 0.5 it
        # was drawn where the text ends, and cut off).
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.oddFooter.center.text = "Page &P of &N"
        ws.oddFooter.left.text = "&A"
        if footer:  # the paper's date or period: what the page is, on every page
            ws.oddFooter.right.text = inert(footer).replace("&", "&&")[:100]
        if title_rows:
            ws.print_title_rows = title_rows
        if area:
            ws.print_area = area


def _progress_cells(row: Row) -> tuple:
    latest = row.latest
    if latest is None:
        return None, None, None
    return latest.date, latest.text, latest.author


def _history(row: Row) -> str | None:
    from cap.dates import format_iso
    from cap.reports.csv import continued

    return "\n".join(
        f"{r.date.isoformat()}: {format_iso(r.from_)} -> {format_iso(r.to)}: {continued(r.reason)}"
        for r in row.target_history
    ) or None


#: Columns a sheet has only when some action has a value: the board's own rating (beside
#: cap's BRAG) and the source tracker's ref (with the record columns).
RATING_COLUMN = ("Board rating", 9)
SOURCE_REF_COLUMN = ("Source ref", 10)
#: Texts whose edge whitespace a trimmed cell would lose, exactly (cap/importer/exact.py): last.
EXACT_COLUMN = ("Exact texts", 20)
BRAG_COLUMN = 9


def theme_columns(report: Report) -> tuple[tuple, int]:
    """A theme sheet's columns for this report, and how many are printed."""
    columns = [*THEME_COLUMNS, *LIFE_COLUMNS]
    printed = PRINTED
    if report.has_ratings:
        columns.insert(BRAG_COLUMN, RATING_COLUMN)
        printed += 1
    if report.has_source_refs:
        columns.append(SOURCE_REF_COLUMN)
    if report.exact_texts:
        columns.append(EXACT_COLUMN)
    return tuple(columns), printed


def theme_values(report: Report, row: Row) -> list:
    day, text, author = _progress_cells(row)
    signed = row.signed_off
    values = [
        row.ref, row.scr_ref, row.action, row.lead_label, row.target_date, day, text, row.status,
        row.brag, row.days_overdue, "; ".join(row.notes) or None, author,
        signed.date if signed else None, signed.by if signed else None, _history(row), *_life(row),
    ]
    if report.has_ratings:
        values.insert(BRAG_COLUMN, row.rating)
    if report.has_source_refs:
        values.append(row.source_ref)
    if report.exact_texts:
        values.append(report.exact_texts.get(row.ref))
    return values


def _life(row: Row) -> list:
    """The Opened, Completed, Withdrawn on and Impact review cells: date cells (Impact
    review `none: REASON` as text when the board decided on no review)."""
    review = row.impact_review or (f"none: {row.no_impact_review}" if row.no_impact_review else None)
    return [row.opened, row.completed, row.withdrawn, review]


def withdrawn_columns(report: Report) -> tuple:
    return (WITHDRAWN_COLUMNS + LIFE_COLUMNS + ((RATING_COLUMN,) if report.has_ratings else ())
            + ((SOURCE_REF_COLUMN,) if report.has_source_refs else ())
            + ((EXACT_COLUMN,) if report.exact_texts else ()))


def withdrawn_values(report: Report, row: Row) -> list:
    day, text, author = _progress_cells(row)
    values = [
        row.ref, report.theme(row.theme).heading, row.scr_ref, row.action, row.lead_label, row.target_date,
        row.withdrawn_reason, day, text, author, _history(row), *_life(row),
    ]
    if report.has_ratings:
        values.append(row.rating)
    if report.has_source_refs:
        values.append(row.source_ref)
    if report.exact_texts:
        values.append(report.exact_texts.get(row.ref))
    return values


def _table(sheet: _Sheet, columns, rows, brag_col=None) -> tuple[int, int]:
    """A table with a header; returns its first and last row."""
    first = sheet.header([name for name, _w in columns])
    for values in rows:
        sheet.values(values, brag_col)
    return first, sheet.row - 1


def _actions_sheet(wb, name: str, heading: str, columns, rows, count: int, brag_col=None, printed=None,
                   footer: str | None = None) -> None:
    """A sheet of actions (or entries): `rows()` gives each one's values as it is written,
    so a write-only workbook never holds more than a row. A text longer than a cell holds
    goes on over continuation rows (cap/reports/cellsplit.py), which `count` does not
    count: they are counted here, in a first pass over `rows()`."""
    from openpyxl.utils import get_column_letter

    from cap.reports.cellsplit import rows_needed, split_row

    count += sum(rows_needed(values) - 1 for values in rows())
    first = 2  # the heading's line, then the header
    last = first + count
    sheet = _Sheet(wb.create_sheet(name), [w for _n, w in columns], size=(last, len(columns)))
    sheet.ws.freeze_panes = f"B{first + 1}"
    sheet.ws.auto_filter.ref = f"A{first}:{get_column_letter(len(columns))}{last}"
    area = f"A1:{get_column_letter(printed)}{last}" if printed else None
    sheet.page(f"{first}:{first}", area, footer)
    sheet.line(heading, bold=True, size=13)
    split = (part for values in rows() for part in split_row(values))
    if _table(sheet, columns, split, brag_col) != (first, last):
        raise AssertionError(f"sheet {name!r}: {count} rows were announced, {sheet.row - first - 1} written")


#: The Summary's column widths: the first for a theme, an agency or a sentence; the third
#: for a table's refs or meaning; the rest for counts.
SUMMARY_WIDTHS = (46, 11, 34, 11, 11, 11, 11, 11)


def _summary(wb, report: Report) -> None:
    # Every cell wraps, in its column: the third is wide for a table's refs or meaning.
    sheet = _Sheet(wb.create_sheet(SUMMARY_SHEET), SUMMARY_WIDTHS, wrap_lines=True)
    sheet.page(footer=report.footer_text)
    _summary_rows(sheet, report)
    sheet.close()


def _summary_rows(sheet: _Sheet, report: Report) -> None:
    s = report.summary
    sheet.line(report.title, bold=True, size=16)
    meta = f"{report.kind_label}, as of {report.as_of_text}."
    if report.selection:
        meta += " Selection: " + "; ".join(report.selection) + "."
    if report.stamp:
        from cap.dates import format_uk

        meta += f" Produced on {format_uk(report.stamp, full_year=True)}."
    sheet.line(meta)
    sheet.line(s.headline + ".", bold=True, size=13)
    if report.round is not None:  # the latest update round (issue 23)
        sheet.line(f"{report.round.title}: {report.round.headline}.", bold=True)
        if report.round.retargets:
            sheet.line("New target dates asked for, awaiting the board's decision:")
            for line in report.round.retarget_lines():
                sheet.line("- " + line)
    sheet.blank()

    def heading(text: str) -> None:
        sheet.line(text, bold=True, size=12)

    if not s.total:
        sheet.line("No actions are selected.")
        sheet.blank()
    else:
        heading("Status by theme")
        _table(sheet, [("Theme", 0), *((st, 0) for st in STATUSES), ("total", 0), ("overdue", 0)],
               [[t.theme.heading, *t.counts, t.total, t.overdue] for t in s.by_theme])
        sheet.values(["Total", *s.status_totals, s.total, len(s.overdue)], bold=True)
        if s.slipped:
            sheet.line("Target date put back: " + ", ".join(r.ref for r in s.slipped) + ".")
        sheet.blank()

    heading("BRAG")
    counts = dict(s.brag_counts)
    _table(sheet, [("BRAG", 0), ("Actions", 0), ("Meaning", 0)],
           [[b, counts.get(b, 0), meaning] for b, meaning in report.key], brag_col=1)
    sheet.values(["withdrawn", s.withdrawn, WITHDRAWN_NOTE])
    sheet.blank()
    if not s.total:
        return

    heading("Overdue by lead agency")
    if s.overdue_by_lead:
        _table(sheet, [("Lead agency", 0), ("Overdue", 0), ("Refs", 0)],
               [[c.lead, c.count, ", ".join(c.refs)] for c in s.overdue_by_lead])
        sheet.line("An action with more than one lead agency counts for each.")
    else:
        sheet.line("None.")
    sheet.blank()

    heading(f"No progress since {report.stale_since_text}")
    if s.stale:
        _table(sheet, [("Lead agency", 0), ("Actions", 0), ("Refs", 0)],
               [[c.lead, c.count, ", ".join(c.refs)] for c in s.stale_by_lead])
    else:
        sheet.line("None.")
    sheet.blank()

    heading(f"Due in the next {report.amber_days} days (to {report.due_until_text})")
    if s.due_soon:
        _table(sheet, [("Action", 0), ("Ref", 0), ("Target date", 0), ("Lead agency", 0)],
               [[r.action, r.ref, r.target_date, r.lead_label] for r in s.due_soon])
    else:
        sheet.line("None.")
    sheet.blank()
    if not report.rows:
        sheet.line("No exceptions." if report.kind == "exceptions" else "No actions to list.")


def _number(text: str, numeric: bool):
    """A count of a paper's numeric column as a number; anything else as text."""
    return int(text) if numeric and text.isdigit() else text


def _paper_sheet(wb, report: Report) -> None:
    """A paper (sign-off pack, annual statistics, reviews) on one sheet: each block's
    heading, its paragraphs, its tables (counts as numbers), its chart as a table."""
    paper = report.paper
    widest = max([2, *(len(t.columns) for _b, t in paper.tables())])
    sheet = _Sheet(wb.create_sheet(sheet_name(paper.kind.capitalize(), set())), [34, *([16] * (widest - 1))],
                   wrap_lines=True)
    sheet.page(footer=report.footer_text)
    sheet.line(paper.title, bold=True, size=16)
    sheet.line(paper.description)
    for block in paper.blocks:
        sheet.blank()
        sheet.line(block.heading, bold=True, size=13 if block.level <= 2 else 11)
        for paragraph in block.paragraphs:
            sheet.line(paragraph)
        tables = list(block.tables)
        if block.chart is not None:
            from cap.reports.paper import Table

            c = block.chart
            tables.append(Table(c.title, ("Month", *(n for n, _v in c.series)),
                                tuple((label, *(str(v[i]) for _n, v in c.series)) for i, label in enumerate(c.labels)),
                                numeric=tuple(range(1, len(c.series) + 1))))
        for table in tables:
            _block_table(sheet, table)
        for paragraph in block.closing:
            sheet.line(paragraph, bold=True)
    sheet.blank()
    for note in paper.notes:
        sheet.line(note)
    sheet.close()


def _block_sheet(wb, block, name: str, footer: str) -> None:
    """A Block a report carries (cap/reports/paper.py) on a sheet of its own: its heading,
    paragraphs, then its tables, each column as wide as its text asks (at most 70)."""
    widest: dict[int, int] = {}
    for table in block.tables:
        for row in (table.columns, *table.rows):
            for i, value in enumerate(row):
                longest = max((len(line) for line in str(value).split("\n")), default=0)
                widest[i] = max(widest.get(i, 8), min(70, longest + 2))
    widths = [widest.get(i, 12) for i in range(max(widest, default=0) + 1)] or [60]
    # Its sentences run on across the table's columns (their rows hold nothing else).
    sheet = _Sheet(wb.create_sheet(name), widths)
    sheet.page(footer=footer)
    sheet.line(block.heading, bold=True, size=13)
    for paragraph in block.paragraphs:
        sheet.line(paragraph)
    for table in block.tables:
        sheet.blank()
        _block_table(sheet, table)
    for paragraph in block.closing:
        sheet.line(paragraph, bold=True)
    sheet.close()


def _block_table(sheet, table) -> None:
    """One table of a Block: its title, then its rows (or the words it has for none)."""
    if table.title:
        sheet.line(table.title, bold=True)
    if not table.rows:
        sheet.line(table.empty)
        return
    _table(sheet, [(name, 0) for name in table.columns],
           [[_number(v, i in table.numeric) for i, v in enumerate(row)] for row in table.rows])


def build_workbook(report: Report, write_only: bool = False):
    """The openpyxl Workbook of the report (not yet saved). `write_only`: each row is
    written to a temporary file as it is made (what `render` does); without, the workbook
    is held whole (the same document: tests/test_report_office.py compares the two)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)  # every sheet is made by name
    if report.paper is not None:
        _paper_sheet(wb, report)
        props = wb.properties
        props.title = inert(report.paper.title)
        props.subject = inert(report.paper.description)
        props.creator = "cap"
        props.created = props.modified = as_of_stamp(report)
        return wb
    _summary(wb, report)
    taken = {SUMMARY_SHEET.casefold(), WITHDRAWN_SHEET.casefold(), LOG_SHEET.casefold()}
    columns, printed = theme_columns(report)
    footer = report.footer_text
    for block in report.blocks:  # what changed since the last meeting, ...: a sheet each, after the Summary
        _block_sheet(wb, block, sheet_name(block.short or block.heading, taken), footer)
    for section in report.sections:
        _actions_sheet(wb, sheet_name(section.theme.heading, taken, section.theme.id), section.theme.heading,
                       columns, lambda rows=section.rows: (theme_values(report, r) for r in rows), len(section.rows),
                       brag_col=BRAG_COLUMN, printed=printed, footer=footer)
    withdrawn = report.withdrawn
    if withdrawn:
        _actions_sheet(wb, WITHDRAWN_SHEET, "Withdrawn actions", withdrawn_columns(report),
                       lambda: (withdrawn_values(report, r) for r in withdrawn), len(withdrawn), printed=7,
                       footer=footer)
    if report.full and report.rows:
        _actions_sheet(wb, LOG_SHEET, "Progress log: every entry, oldest first", LOG_COLUMNS,
                       lambda: ([r.ref, e.date, e.text, e.author] for r in report.rows for e in r.progress),
                       sum(len(r.progress) for r in report.rows), footer=footer)
    stamp = as_of_stamp(report)
    props = wb.properties
    props.title = inert(report.title)
    props.subject = inert(report.kind_label)
    props.creator = "cap"
    props.created = props.modified = stamp
    return wb


def render(report: Report) -> bytes:
    """The workbook's bytes: the same report gives the same bytes. Written as it is made
    (openpyxl's write-only mode): a 10,000-action workbook is never held as cells."""
    return save(build_workbook(report, write_only=True))


def save(wb) -> bytes:
    """A workbook's bytes, every entry dated ZIP_EPOCH, its properties as they were set."""
    from openpyxl.writer.excel import ExcelWriter

    out = io.BytesIO()
    with StableZip(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # not save_workbook: that stamps "modified" with now
    return out.getvalue()
