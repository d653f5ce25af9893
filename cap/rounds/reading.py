"""Reading a returned form, whatever the agency did to it, into plain rows.

A returned file is untrusted: it is read only through cap.intake (its size asked first,
its zip's bounds checked before anything is unpacked, its sheets streamed within bounds:
the limits are listed there and in docs/rounds.md), and no formula is ever taken (a
formula cell is an error at its cell, its saved value ignored). What people do to a form is tolerated:
a renamed file, sorted or filtered rows, deleted rows, an added column (columns are
found by their headers), the cover sheet left out, the protection removed, text
wrapped over several lines, dates typed as text. A `.xls`, `.xlsm`, `.ods`, `.doc` or
CSV is answered with one line saying what to save it as.

    >>> form = read_form(Path("Health return FINAL.xlsx"))       # doctest: +SKIP
    >>> form.round_id, form.agency_key, [r.ref for r in form.rows]  # doctest: +SKIP
    ('2017-07', 'health', ['2.2', '2.3'])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from cap.rounds.forms import ACTIONS_SHEET, COLUMNS, COVER_SHEET, KEY_HEADER, META_SHEET, parse_key

#: What to do with a file that is not an .xlsx or .docx, by its ending.
SAVE_AS = {
    ".xls": "an Excel 97-2003 workbook: open it in Excel and save it as an Excel Workbook (.xlsx), then collect that",
    ".xlsm": "a macro-enabled workbook (cap never runs macros): save it as an Excel Workbook (.xlsx), then collect that",
    ".xlsb": "a binary workbook: save it as an Excel Workbook (.xlsx), then collect that",
    ".ods": "an OpenDocument spreadsheet: save it as an Excel 2007-365 workbook (.xlsx), then collect that",
    ".csv": "a CSV file, which has lost the form's hidden keys: collect the .xlsx form itself (if it was saved "
            "as CSV, open the original form again and save it as an Excel Workbook, .xlsx)",
    ".doc": "a Word 97-2003 document: save it as a Word Document (.docx), then collect that",
    ".odt": "an OpenDocument text: save it as a Word Document (.docx), then collect that",
    ".pdf": "a PDF, which cannot be read back: ask the agency for the .xlsx form itself",
}

#: The fill-in columns, by the form's header (any case, spaces folded) -> field.
FIELDS = {
    "ref": "ref",
    "done since then": "done",
    "status now": "status",
    "proposed new target date": "target",
    "reason for new date": "reason",
    "evidence": "evidence",
    "who is reporting": "who",
    "form key": "key",
}
TEXT_FIELDS = ("done", "reason", "evidence", "who", "status")


class FormError(Exception):
    """The file cannot be read as a form: one line (the file's name is added by the caller)."""


@dataclass(frozen=True)
class Issue:
    """A problem found in a returned file, at its cell where it has one."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    error: bool = True

    def where(self) -> str:
        """`sheet Actions, row 5, column J: ` (a workbook), `table 3 (4.4), line Evidence: ` (a Word form)."""
        if self.sheet is None:
            return ""
        if self.sheet.startswith("table "):
            return self.sheet + (f", line {self.column}" if self.column else "") + ": "
        where = f"sheet {self.sheet}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return where + ": "

    def text(self) -> str:
        return f"{self.file}: {self.where()}{self.message}"


@dataclass
class Cell:
    value: object
    column: str
    row: int | None = None


@dataclass
class FormRow:
    """One row of a returned form: its place and its cells by field."""

    sheet: str
    row: int
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str] | None:
        cell = self.cells.get("key")
        return parse_key(cell.value) if cell is not None and cell.value not in (None, "") else None

    @property
    def ref(self) -> str | None:
        key = self.key
        if key is not None:
            return key[1]
        cell = self.cells.get("ref")
        return None if cell is None or cell.value in (None, "") else str(cell.value).strip()


@dataclass
class ReadForm:
    """A returned form as read: what it says it answers, and its rows."""

    path: Path
    shown: str
    digest: str
    kind: str = "xlsx"
    round_id: str | None = None
    agency_key: str | None = None
    agency_name: str | None = None
    reported: Cell | None = None
    #: Where the cover is: the sheet (xlsx) or the table (docx).
    cover_place: str = COVER_SHEET
    sheet: str = ACTIONS_SHEET
    rows: list[FormRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def fold(text: object) -> str:
    return " ".join(str(text).split()).casefold().rstrip(":")


def read_form(path: Path, shown: str | None = None) -> ReadForm:
    """The form in `path` (.xlsx or .docx, whatever its name says), read through cap.intake
    (its size asked first, its zip's bounds checked before anything is unpacked, its sheets
    streamed). Raises FormError."""
    from cap.intake import IntakeError, read_bytes, save_as, sniff

    path = Path(path)
    shown = shown or path.name
    try:
        raw = read_bytes(path, shown=shown)
    except IntakeError as exc:
        raise FormError(exc.refusal.message) from None
    kind = sniff(raw, path.name)
    if kind not in ("xlsx", "docx"):
        suffix = path.suffix.lower()
        if kind == "text" and suffix in SAVE_AS:
            raise FormError(f"is {SAVE_AS[suffix]}")
        raise FormError(save_as(kind, "xlsx") or "is not an Excel workbook (.xlsx) or a Word document (.docx)")
    form = ReadForm(path, shown, hashlib.sha256(raw).hexdigest()[:16], kind)
    try:
        if kind == "docx":
            from cap.intake import open_document
            from cap.rounds.docx import read_docx

            read_docx(open_document(raw, shown), form)
        else:
            from cap.intake import open_workbook

            _read_xlsx(open_workbook(raw, shown), form)
    except IntakeError as exc:
        refusal = exc.refusal
        if refusal.sheet is None:
            raise FormError(refusal.message) from None
        from cap.intake.workbook import column_letter

        form.issues.append(Issue(shown, refusal.message, refusal.sheet, refusal.row,
                                 column_letter(refusal.column) if refusal.column else None))
    return form


def _read_xlsx(book, form: ReadForm) -> None:
    """Fill `form` from a bounded workbook (cap.intake.Workbook)."""
    names = book.sheetnames
    if META_SHEET in names:
        meta = book.sheet(META_SHEET)
        values = {fold(_value(meta, r, 1)): _value(meta, r, 2) for r in range(1, 11) if _value(meta, r, 1)}
        form.round_id = _str(values.get("round"))
        form.agency_key = _str(values.get("agency"))
        form.agency_name = _str(values.get("name"))
    if COVER_SHEET in names:
        _read_cover(book.sheet(COVER_SHEET), form)
    sheet = _actions_sheet(book, names)
    if sheet is None:
        raise FormError("has no sheet of actions with the form's headers (Ref, Done since then ...): "
                        "it is not a return form")
    _read_rows(book.sheet(sheet), form)


def _value(sheet, row: int, column: int):
    cell = sheet.cell(row, column)
    return None if cell is None else cell.value


def _str(value) -> str | None:
    return None if value is None else str(value).strip() or None


def _read_cover(sheet, form: ReadForm) -> None:
    form.issues += [_problem(form, p) for p in sheet.problems]
    for number, cells in sheet.rows():
        if number > 30:
            break
        if not cells or not isinstance(cells[0].value, str):
            continue
        label = fold(cells[0].value)
        if label == "date of this update" and len(cells) > 1:
            form.reported = Cell(_cell_value(cells[1], form, sheet.title), cells[1].coordinate.rstrip("0123456789"),
                                 number)
        elif label == "agency" and len(cells) > 1 and form.agency_name is None:
            form.agency_name = _str(cells[1].value)


def _problem(form: ReadForm, refusal) -> Issue:
    from cap.intake.workbook import column_letter

    return Issue(form.shown, refusal.message, refusal.sheet, refusal.row,
                 column_letter(refusal.column) if refusal.column else None)


def _actions_sheet(book, names: list[str]) -> str | None:
    ordered = ([ACTIONS_SHEET] if ACTIONS_SHEET in names else []) + [n for n in names if n != ACTIONS_SHEET]
    for name in ordered:
        if name in (META_SHEET, COVER_SHEET):
            continue
        if _header(book.sheet(name)) is not None:
            return name
    return None


def _header(sheet) -> tuple[int, dict[str, int]] | None:
    """(row number, {field: column number}) of the form's header, in the first 20 rows."""
    for number, cells in sheet.rows():
        if number > 20:
            return None
        found: dict[str, int] = {}
        for cell in cells:
            if isinstance(cell.value, str) and fold(cell.value) in FIELDS:
                found.setdefault(FIELDS[fold(cell.value)], cell.column)
        if "done" in found and ("ref" in found or "key" in found):
            return number, found
    return None


def _read_rows(sheet, form: ReadForm) -> None:
    from cap.intake.workbook import column_letter

    header_row, columns = _header(sheet)
    form.sheet = sheet.title
    form.issues += [_problem(form, p) for p in sheet.problems]
    wanted = {column: name for name, column in columns.items()}
    for number, cells in sheet.rows():
        if number <= header_row:
            continue
        got = FormRow(sheet.title, number)
        for cell in cells:
            name = wanted.get(cell.column)
            if name is None or cell.value is None:
                continue
            letter = column_letter(cell.column)
            value = _cell_value(cell, form, sheet.title, number, letter)
            if value is not None:
                got.cells[name] = Cell(value, letter, number)
        if got.cells and (got.key is not None or got.ref is not None):
            form.rows.append(got)
        elif any(n not in ("key", "ref") for n in got.cells):
            form.issues.append(Issue(form.shown, "a row with no ref: it was not collected (was a row added "
                                     "by hand? each action has its own row)", sheet.title, number, error=False))


def _cell_value(cell, form: ReadForm, sheet: str, row: int | None = None, letter: str | None = None):
    """A cell's value: a date, a text or a number; a formula is an error at its cell,
    never taken (its saved value included)."""
    row = row if row is not None else cell.row
    letter = letter or cell.coordinate.rstrip("0123456789")
    if cell.formula:
        form.issues.append(Issue(form.shown, "holds a formula, which cap never takes: type the value itself",
                                 sheet, row, letter))
        return None
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# ------------------------------------------------------------------ cell values as the form means them


_SPACES = re.compile(r"[ \t]+")


def one_text(value: object) -> str | None:
    """A cell's text as one paragraph: lines wrapped by hand joined with spaces."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        from cap.dates import format_uk

        value = format_uk(value, full_year=True)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    text = " ".join(line.strip() for line in text.split("\n") if line.strip())
    text = _SPACES.sub(" ", text).strip()
    return text or None


def lines_text(value: object) -> str | None:
    """A cell's text with the line breaks its writer typed (Alt+Enter) kept, as a progress
    entry, a reason or evidence can hold them: each line's spaces tidied, blank lines at
    the ends dropped and a run of blank lines kept as one. `one_text` for one-line fields."""
    if value is None or isinstance(value, (dt.date, int, float)):
        return one_text(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) or None


def date_of(value: object, today: dt.date) -> tuple[dt.date | str | None, str | None]:
    """A date cell's date (or `ongoing`), or None with why not: a real date cell, or a
    date typed as text (`14/7/17`, `14 July 2017`, `July 2017`: its month's last day)."""
    if value is None:
        return None, None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20_000 < value < 80_000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date(), None
    text = one_text(value)
    if text is None:
        return None, None
    from cap.dates import DateError, parse_date

    try:
        return parse_date(text), None
    except DateError:
        pass
    from cap.importer.boarddates import BoardDateError, parse_board_date

    try:
        found, extra = parse_board_date(text, today)
    except BoardDateError as exc:
        return None, str(exc)
    if found == "ongoing" and extra:
        return None, f"{text!r} is not a date"
    return found, None
