"""Reading an Excel workbook (openpyxl): cells as Excel holds them, rows as `SourceRow`s.

- A date cell is a date whatever its display format (read as `YYYY-MM-DD`); a number
  cell is read as the text Excel shows: `4.1` under the number format `0.00` is `4.10`,
  under General it is `4.1` (so two such refs are refused as a duplicate, with both rows).
- By default the first sheet with a header row is read; `sheet` names another;
  `all_sheets` reads every sheet with a header row, the sheet's name then being its
  rows' theme (unless they have a Theme column).
- A workbook `cap report` made is recognised (its Summary sheet first, theme sheets
  with cap's header): its theme sheets, the Withdrawn sheet and the Progress log are read
  back into the columns of `cap report --format csv`, so the plan comes back whole.
"""

from __future__ import annotations

import datetime as dt
import re

from cap.importer.columns import is_header
from cap.importer.rows import LINE_BREAK, Located, SourceRow

#: How far down a sheet a header row is looked for (title rows above it are skipped).
HEADER_SEARCH_ROWS = 30
_DECIMALS = re.compile(r"^#?,?#*0(?:\.(0+))?\Z")
_HEADING = re.compile(r"^\s*\d+\.\s+(.*\S)\s*\Z")
#: The columns of `cap report --format csv`, which the rest of the import reads.
CSV_COLUMNS = ["Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Status", "Progress date",
               "Progress", "Signed off", "Withdrawn reason", "Target history", "Progress authors", "Board rating",
               "Source ref", "Opened", "Completed", "Withdrawn on", "Impact review"]
#: The columns that tell a theme sheet of cap's (Ref ... BRAG); the others are found by name.
CAP_KEY_COLUMNS = 9


class WorkbookError(ValueError):
    """Not a workbook cap can read, or past a bound (cap.intake); the message is one line,
    `refusal` (a cap.intake Refusal) says where, when known."""

    def __init__(self, message: str, refusal=None):
        super().__init__(message)
        self.refusal = refusal

    def problem(self, shown: str):
        from cap.problems import Problem

        if self.refusal is not None:
            return self.refusal.problem("CAP801")
        return Problem(shown, 1, 1, "error", "CAP801", str(self))


def column_letter(index: int) -> str:
    from cap.intake.workbook import column_letter as letter

    return letter(index + 1)


def shown_number(value: int | float, number_format: str | None) -> str:
    """A number as Excel shows it under simple formats: General, `0`, `0.00`, `#,##0.0`."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    m = _DECIMALS.match((number_format or "").strip())
    if m:
        places = len(m.group(1) or "")
        text = f"{value:,.{places}f}" if "," in number_format else f"{value:.{places}f}"
        return text
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def cell_text(cell) -> str:
    """One cell as text: a date `YYYY-MM-DD`, a number as Excel shows it, text as written."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return shown_number(value, cell.number_format)
    return LINE_BREAK.sub("\n", str(value))


def load(raw: bytes, shown: str = "workbook"):
    """The workbook, read within bounds (cap.intake: values only, formulas never
    evaluated), or WorkbookError naming the bound or what to save the file as."""
    from cap.intake import IntakeError, open_workbook

    try:
        return open_workbook(raw, shown)
    except IntakeError as exc:
        raise WorkbookError(exc.refusal.where + exc.refusal.message, exc.refusal) from None


def _merged_down(ws) -> dict[tuple[int, int], str]:
    """Cells under the top of a merged range that spans rows (a lead agency merged over
    its three actions): each row of the range gets the range's text, in its first column.
    A range merged across columns only (a heading) stays in its first cell. (The ranges
    are clipped to the cells holding values: cap.intake.)"""
    filled: dict[tuple[int, int], str] = {}
    for min_row, min_col, max_row, _max_col in ws.merged:
        if max_row == min_row:
            continue
        top = ws.cell(min_row, min_col)
        text = cell_text(top) if top is not None else ""
        for row in range(min_row + 1, max_row + 1):
            filled[(row, min_col)] = text
    return filled


def sheet_rows(ws) -> list[SourceRow]:
    """Every row from the first to the last holding a value (`ws` a cap.intake Sheet)."""
    rows = []
    merged = _merged_down(ws)
    for number, cells in ws.rows():
        width = max([c.column for c in cells] + [col for (row, col) in merged if row == number] + [0]) \
            if merged else (cells[-1].column if cells else 0)
        texts = [""] * width
        for c in cells:
            texts[c.column - 1] = cell_text(c)
        if merged:
            for col in range(1, width + 1):
                if (number, col) in merged:
                    texts[col - 1] = merged[(number, col)]
        while texts and not texts[-1]:
            texts.pop()
        rows.append(SourceRow(number, number, texts, sheet=ws.title))
    return rows


def header_at(rows: list[SourceRow], header_test=is_header) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if header_test([c.strip() for c in row.cells]):
            return i
    return None


# ------------------------------------------------------------------ a workbook cap made


def is_cap_workbook(wb) -> bool:
    from cap.reports.xlsx import SUMMARY_SHEET, THEME_COLUMNS

    names = [n for n, _w in THEME_COLUMNS][:CAP_KEY_COLUMNS]
    if not wb.sheetnames or wb.sheetnames[0] != SUMMARY_SHEET:
        return False
    return any(_row_texts(wb.sheet(title), 2)[: len(names)] == names for title in wb.sheetnames[1:])


def _row_texts(ws, number: int) -> list[str]:
    texts = [""] * (ws.cells[number][-1].column if ws.cells.get(number) else 0)
    for c in ws.cells.get(number, []):
        texts[c.column - 1] = cell_text(c)
    return texts


def _joined(rows: list[SourceRow]) -> list[SourceRow]:
    """A text longer than a cell holds, as `cap report` writes it (cap/reports/cellsplit.py):
    each continuation row (Ref `1.1 (continued)`) joined to the row above, cell after cell."""
    from cap.reports.cellsplit import continued_ref

    out: list[SourceRow] = []
    for row in rows:
        ref = continued_ref(row.cells[0]) if row.cells else None
        if ref is not None and out and out[-1].cells and out[-1].cells[0] == ref:
            last = out[-1].cells
            for i, cell in enumerate(row.cells[1:], start=1):
                if cell:
                    last.extend([""] * (i + 1 - len(last)))
                    last[i] += cell
            continue
        out.append(row)
    return out


def _continued(text: str) -> str:
    return text.replace("\n", "\n  ")


def cap_rows(wb, only: str | None = None) -> list[SourceRow]:
    """A cap-made workbook's actions (of one sheet, with `only`) as rows of `cap report
    --format csv`'s columns."""
    from cap.reports.xlsx import LOG_SHEET, SUMMARY_SHEET, THEME_COLUMNS, WITHDRAWN_COLUMNS, WITHDRAWN_SHEET

    log: dict[str, list[tuple[str, str, str]]] = {}
    if LOG_SHEET in wb.sheetnames:
        for row in _joined(sheet_rows(wb.sheet(LOG_SHEET))[2:]):
            ref, day, text, by = (row.cells + [""] * 4)[:4]
            if ref:
                log.setdefault(ref, []).append((day, text, by))
    out: list[SourceRow] = []
    theme_names = [n for n, _w in THEME_COLUMNS][:CAP_KEY_COLUMNS]
    withdrawn_names = [n for n, _w in WITHDRAWN_COLUMNS]
    for title in wb.sheetnames:
        if title in (SUMMARY_SHEET, LOG_SHEET) or (only is not None and title != only):
            continue
        ws = wb.sheet(title)
        rows = sheet_rows(ws)
        if len(rows) < 2:
            continue
        header = rows[1].cells
        withdrawn = ws.title == WITHDRAWN_SHEET and header[: len(withdrawn_names)] == withdrawn_names
        if not withdrawn and header[: len(theme_names)] != theme_names:
            continue
        rows = rows[:2] + _joined(rows[2:])
        at = {name: i for i, name in enumerate(header)}
        heading = _HEADING.match(rows[0].cells[0] if rows[0].cells else "")
        # A workbook made before the life-date columns: without them, as the CSV without them.
        width = len(CSV_COLUMNS) if "Opened" in at else len(CSV_COLUMNS) - 4
        exact = ["Exact texts"] if "Exact texts" in at else []   # cap/importer/exact.py
        out.append(SourceRow(rows[1].number, rows[1].line, list(CSV_COLUMNS[:width]) + exact, sheet=ws.title))
        for row in rows[2:]:
            def get(name: str) -> str:
                i = at.get(name)
                return row.cells[i] if i is not None and i < len(row.cells) else ""

            ref = get("Ref")
            if not any(c.strip() for c in row.cells):
                continue
            theme = get("Theme") if withdrawn else (heading.group(1) if heading else "")
            theme_match = _HEADING.match(theme)
            if theme_match:
                theme = theme_match.group(1)
            entries = log.get(ref) or ([(get("Progress date"), get("Progress"), get("Progress by"))]
                                       if get("Progress") else [])
            # each entry trimmed, to read as a log line: its edge whitespace is in Exact texts
            progress = "\n".join(f"{d}: {_continued(t.strip())}" for d, t, _b in entries)
            authors = "\n".join(f"{n}: {_continued(b)}" for n, (_d, _t, b) in enumerate(entries, start=1) if b)
            signed = f"{get('Signed off')} by {_continued(get('Signed off by'))}" if get("Signed off") else ""
            cells = [theme, ref, get("SCR Ref"), get("Action"), get("Lead agency"), get("Target date"),
                     "withdrawn" if withdrawn else get("Status"), entries[-1][0] if entries else "", progress,
                     signed, get("Reason") if withdrawn else "", get("Target history"), authors,
                     get("Board rating"), get("Source ref"),
                     get("Opened"), get("Completed"), get("Withdrawn on"), get("Impact review")][:width] + \
                [get(name) for name in exact]
            out.append(SourceRow(row.number, row.line, cells, sheet=ws.title,
                                 letters={name: column_letter(i) for name, i in at.items()}))
    return out


# ------------------------------------------------------------------ any workbook


def read_workbook(raw: bytes, loc: Located, *, sheet: str | None = None, all_sheets: bool = False,
                  header_test=is_header) -> tuple[list[SourceRow], bool]:
    """The rows to import, and whether the workbook is one `cap report` made.

    Problems (no such sheet, no header row) go to `loc`; WorkbookError if unreadable.
    """
    from cap.reports.xlsx import LOG_SHEET, SUMMARY_SHEET

    from cap.intake import IntakeError

    wb = load(raw, loc.shown)
    try:  # a sheet is read (and its bounds checked) when it is first asked for
        rows, from_cap = _read(wb, loc, sheet=sheet, all_sheets=all_sheets, header_test=header_test)
    except IntakeError as exc:
        raise WorkbookError(exc.refusal.where + exc.refusal.message, exc.refusal) from None
    # A formula with no saved value is an error at its cell, never an empty cell (cap.intake).
    loc.problems.extend(p.problem("CAP804") for p in wb.problems())
    return rows, from_cap


def _read(wb, loc: Located, *, sheet: str | None, all_sheets: bool, header_test) -> tuple[list[SourceRow], bool]:
    from cap.reports.xlsx import LOG_SHEET, SUMMARY_SHEET

    if sheet is None and not all_sheets and is_cap_workbook(wb):
        return cap_rows(wb), True
    if sheet is not None:
        match = [wb.sheet(t) for t in wb.sheetnames if t == sheet] or \
                [wb.sheet(t) for t in wb.sheetnames if t.casefold() == sheet.casefold()]
        if not match:
            loc.add(None, "CAP803", f"no sheet named {sheet!r}; the sheets are: {', '.join(wb.sheetnames)}")
            return [], False
        if is_cap_workbook(wb) and match[0].title not in (SUMMARY_SHEET, LOG_SHEET):
            return cap_rows(wb, only=match[0].title), True
        rows = sheet_rows(match[0])
        if header_at(rows, header_test) is None:
            loc.add(None, "CAP803", f"sheet {match[0].title!r}: no header row in its first {HEADER_SEARCH_ROWS} rows")
        return rows, False
    chosen: list[tuple[str, list[SourceRow]]] = []
    for title in wb.sheetnames:
        if wb.states[title] != "visible":
            continue  # hidden sheets hold look-up lists, not the plan (--sheet reads one)
        ws = wb.sheet(title)
        rows = sheet_rows(ws)
        if header_at(rows, header_test) is not None:
            chosen.append((ws.title, rows))
            if not all_sheets:
                break
    if not chosen:
        loc.add(None, "CAP803", f"no sheet has a header row (looked at {', '.join(repr(n) for n in wb.sheetnames)}): "
                "the table must start with a row naming its columns, such as Ref, Action, Lead agency, Target date")
        return [], False
    if not all_sheets:
        return chosen[0][1], False
    out: list[SourceRow] = []
    for title, rows in chosen:
        start = header_at(rows, header_test)
        out.append(SourceRow(rows[start].number, rows[start].line, [title], sheet=title, heading=True))
        out.extend(rows[start:])
    return out, False
