"""Reading a returned form, whatever the agency did to it, into plain rows.

A returned file is untrusted: it is bounded before it is unpacked (size, entries,
uncompressed size), read streaming (openpyxl's read-only mode), and no formula is ever
taken (a formula cell is an error at its cell). What people do to a form is tolerated:
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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cap.rounds.forms import ACTIONS_SHEET, COLUMNS, COVER_SHEET, KEY_HEADER, META_SHEET, parse_key

#: Bounds on a returned file, checked before anything is unpacked.
MAX_FILE_BYTES = 20_000_000
MAX_UNCOMPRESSED = 200_000_000
MAX_ENTRIES = 2_000
MAX_RATIO = 200
MAX_ROWS = 20_000
MAX_COLS = 100
MAX_CELL_CHARS = 32_767

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
    """The form in `path` (.xlsx or .docx, whatever its name says). Raises FormError."""
    path = Path(path)
    shown = shown or path.name
    suffix = path.suffix.lower()
    if suffix in SAVE_AS:
        raise FormError(f"is {SAVE_AS[suffix]}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FormError(f"cannot be read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise FormError("is not a file")
    if size > MAX_FILE_BYTES:
        raise FormError(f"is {size:,} bytes, over the {MAX_FILE_BYTES:,} a form may be: it is not a return form")
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    kind = _bounded_zip(path)
    form = ReadForm(path, shown, digest, kind)
    if kind == "docx":
        from cap.rounds.docx import read_docx

        read_docx(path, form)
    else:
        _read_xlsx(path, form)
    return form


def _bounded_zip(path: Path) -> str:
    """`xlsx` or `docx`, after checking the zip's bounds; FormError for anything else."""
    if not zipfile.is_zipfile(path):
        head = path.read_bytes()[:8]
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise FormError("is an older Office file (.xls or .doc) or an encrypted one: save it as an Excel "
                            "Workbook (.xlsx) or a Word Document (.docx) without a password, then collect that")
        raise FormError("is not an Excel workbook (.xlsx) or a Word document (.docx)")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise FormError(f"holds {len(infos):,} parts, over the {MAX_ENTRIES:,} a form may hold: refused unread")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise FormError(f"would unpack to {total:,} bytes, over the {MAX_UNCOMPRESSED:,} a form may: refused unread")
        for info in infos:
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
                raise FormError(f"is compressed too deeply ({info.filename}): refused unread")
        names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        if "xl/vbaProject.bin" in names:
            raise FormError("holds macros (cap never runs them): save it as an Excel Workbook (.xlsx), then collect that")
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise FormError("is not an Excel workbook (.xlsx) or a Word document (.docx)")


def _read_xlsx(path: Path, form: ReadForm) -> None:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - a damaged file: one line
        raise FormError(f"cannot be opened as a workbook ({type(exc).__name__})") from None
    try:
        names = wb.sheetnames
        if META_SHEET in names:
            meta = {fold(r[0]): r[1] for r in _values(wb[META_SHEET], 10, 2) if r and r[0] is not None and len(r) > 1}
            form.round_id = _str(meta.get("round"))
            form.agency_key = _str(meta.get("agency"))
            form.agency_name = _str(meta.get("name"))
        if COVER_SHEET in names:
            _read_cover(wb[COVER_SHEET], form)
        sheet = _actions_sheet(wb, names)
        if sheet is None:
            raise FormError("has no sheet of actions with the form's headers (Ref, Done since then ...): "
                            "it is not a return form")
        _read_rows(wb[sheet], sheet, form)
    finally:
        wb.close()


def _values(ws, rows: int, cols: int) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(min_row=1, max_row=rows, max_col=cols, values_only=True)]


def _str(value) -> str | None:
    return None if value is None else str(value).strip() or None


def _read_cover(ws, form: ReadForm) -> None:
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=30, max_col=4), start=1):
        cells = [c for c in row if getattr(c, "value", None) is not None]
        if len(cells) >= 1 and fold(cells[0].value) == "date of this update":
            value_cell = next((c for c in row[1:] if getattr(c, "value", None) is not None), None)
            if value_cell is not None:
                form.reported = Cell(_cell_value(value_cell, form, COVER_SHEET, number, value_cell.column_letter),
                                     value_cell.column_letter, number)
        elif len(cells) >= 2 and fold(cells[0].value) == "agency" and form.agency_name is None:
            form.agency_name = _str(cells[1].value)


def _actions_sheet(wb, names: list[str]) -> str | None:
    ordered = ([ACTIONS_SHEET] if ACTIONS_SHEET in names else []) + [n for n in names if n != ACTIONS_SHEET]
    for name in ordered:
        if name == META_SHEET:
            continue
        if _header(wb[name]) is not None:
            return name
    return None


def _header(ws) -> tuple[int, dict[str, int]] | None:
    """(row number, {field: column index}) of the form's header, in the first 20 rows."""
    for number, row in enumerate(ws.iter_rows(min_row=1, max_row=20, max_col=MAX_COLS, values_only=True), start=1):
        found = {}
        for index, value in enumerate(row):
            if isinstance(value, str) and fold(value) in FIELDS:
                found.setdefault(FIELDS[fold(value)], index)
        if "done" in found and ("ref" in found or "key" in found):
            return number, found
    return None


def _read_rows(ws, sheet: str, form: ReadForm) -> None:
    from openpyxl.utils import get_column_letter

    header_row, columns = _header(ws)
    form.sheet = sheet
    count = 0
    for number, row in enumerate(ws.iter_rows(min_row=header_row + 1, max_col=MAX_COLS), start=header_row + 1):
        count += 1
        if count > MAX_ROWS:
            raise FormError(f"has more than {MAX_ROWS:,} rows on sheet {sheet}: it is not a return form")
        got = FormRow(sheet, number)
        for name, index in columns.items():
            if index >= len(row):
                continue
            cell = row[index]
            if getattr(cell, "value", None) is None:
                continue
            letter = get_column_letter(index + 1)
            value = _cell_value(cell, form, sheet, number, letter)
            if value is not None:
                got.cells[name] = Cell(value, letter)
        if got.cells and (got.key is not None or got.ref is not None):
            form.rows.append(got)
        elif any(n != "key" and n != "ref" for n in got.cells):
            form.issues.append(Issue(form.shown, "a row with no ref: it was not collected (was a row added "
                                     "by hand? each action has its own row)", sheet, number, error=False))


def _cell_value(cell, form: ReadForm, sheet: str, row: int | None = None, letter: str | None = None):
    """A cell's value: a date, a text or a number; a formula is an error at its cell."""
    value = cell.value
    row = row if row is not None else getattr(cell, "row", None)
    letter = letter or getattr(cell, "column_letter", None)
    if getattr(cell, "data_type", None) == "f" or (isinstance(value, str) and value.startswith("=")
                                                    and getattr(cell, "data_type", "s") != "s"):
        form.issues.append(Issue(form.shown, "holds a formula, which cap never takes: type the value itself",
                                 sheet, row, letter))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        form.issues.append(Issue(form.shown, f"holds {len(value):,} characters, over the {MAX_CELL_CHARS:,} "
                                 "a cell can", sheet, row, letter))
        return None
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
