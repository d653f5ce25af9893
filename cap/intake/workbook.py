"""An Excel workbook (.xlsx) from outside, read within bounds, every sheet streamed.

`open_workbook(raw, shown)` checks the zip (cap.intake.files.open_zip) and every XML
part (no DOCTYPE), then lets openpyxl read, in read-only mode, only the workbook's
small parts (sheet names and states, shared strings, styles). A sheet is read by
`Workbook.sheet(title)`: its XML is streamed through expat, cell by cell, each cell
converted by openpyxl's own cell parser (values as Excel saved them: `data_only`), so
nothing is ever allocated from what the sheet *says* its size is (`<dimension>`), a
merged range, or an empty cell: only cells holding a value are kept.

Bounds (each refusal names its bound and the cell): a value past row MAX_ROWS or
column MAX_COLUMNS, more than MAX_CELLS values in a sheet, more than MAX_ROW_ELEMENTS
cells in one row, a text longer than MAX_CELL_CHARS (Excel's own limit), more than
MAX_MERGED merged ranges (each range is clipped to the cells holding values).

Formulas are never evaluated. A formula cell with a saved value gives that value
(`Cell.formula` is true: a caller that wants typed values only can refuse it, and
`Sheet.formulas` counts them). A formula cell with no saved value (what a script
that wrote the workbook leaves) is not an empty cell: it is a `Refusal` at its cell in
`Sheet.problems` ("C15 holds a formula with no saved value: ...").
"""

from __future__ import annotations

import io
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from cap.intake.files import IntakeError, Refusal, check_all_xml, open_zip, refuse, scan_xml

MAX_ROWS = 20_000
MAX_COLUMNS = 500
MAX_CELLS = 250_000
MAX_ROW_ELEMENTS = 16_384
MAX_CELL_CHARS = 32_767
MAX_MERGED = 2_000
#: Problems kept per sheet (formulas with no value ...); the rest are counted.
MAX_PROBLEMS = 50

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})\Z")
_NO_VALUE = ("holds a formula with no saved value (a script wrote it, or Excel never calculated it): "
             "open the file in Excel, save it, and send it again")


def column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column) if 1 <= column <= 18_278 else f"column {column}"


def _index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int] | None:
    """`C15` -> (15, 3); None when not a cell reference."""
    m = _REF.match(ref or "")
    return (int(m.group(2)), _index(m.group(1))) if m else None


@dataclass(slots=True)
class Cell:
    """One cell holding a value: `value` as openpyxl gives it with data_only (str, int,
    float, bool, datetime ...), `number_format` as Excel shows it, `formula` when the
    value is a formula's saved result."""

    row: int
    column: int
    value: object
    number_format: str = "General"
    formula: bool = False

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    title: str
    state: str
    #: Rows by number, each its cells holding a value, in column order.
    cells: dict[int, list[Cell]] = field(default_factory=dict)
    #: Merged ranges (min_row, min_col, max_row, max_col), clipped to the cells holding values.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: Cells holding a formula's saved value (their coordinates, the first MAX_PROBLEMS), and how many.
    formulas: list[str] = field(default_factory=list)
    formula_count: int = 0
    problems: list[Refusal] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0

    def cell(self, row: int, column: int) -> Cell | None:
        return next((c for c in self.cells.get(row, ()) if c.column == column), None)

    def rows(self):
        """(row number, its cells) for every row from 1 to the last holding a value."""
        for number in range(1, self.max_row + 1):
            yield number, self.cells.get(number, [])


class Workbook:
    """A bounded workbook: `sheetnames`, `states` (visible/hidden), `sheet(title)`."""

    def __init__(self, shown: str, zf, wb):
        self.shown, self._zf, self._wb = shown, zf, wb
        self._sheets = {ws.title: ws for ws in wb.worksheets}
        self.sheetnames: list[str] = list(self._sheets)
        self.states: dict[str, str] = {t: getattr(ws, "sheet_state", "visible") or "visible"
                                       for t, ws in self._sheets.items()}
        self._read: dict[str, Sheet] = {}

    def sheet(self, title: str) -> Sheet:
        if title not in self._read:
            self._read[title] = _read_sheet(self, self._sheets[title])
        return self._read[title]

    @property
    def sheets(self) -> list[Sheet]:
        return [self.sheet(t) for t in self.sheetnames]

    def problems(self) -> list[Refusal]:
        return [p for s in self._read.values() for p in s.problems]


def open_workbook(raw: bytes, shown: str) -> Workbook:
    """The workbook, every bound of its zip checked before anything is unpacked, or
    IntakeError (one line: an encrypted file, an .xls, an .ods, a zip bomb ...)."""
    from cap.intake.files import sniff, save_as

    kind = sniff(raw, shown)
    if kind not in ("xlsx", "xlsm", "zip"):  # another zip: opened, to say what is wrong with it
        raise refuse(shown, save_as(kind, "xlsx") or "not an Excel workbook")
    from cap.intake.files import MAX_WHOLE_PART_BYTES

    zf = open_zip(raw, shown, kind="workbook", max_member=MAX_WHOLE_PART_BYTES,
                  streamed=lambda n: n == "xl/sharedStrings.xml" or n.startswith("xl/worksheets/"))
    sheets = {n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    check_all_xml(zf, shown, skip=sheets)  # the sheets are streamed when read, with their own bounds
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)  # type: ignore[arg-type]
    except IntakeError:
        raise
    except Exception as exc:  # KeyError, InvalidFileException, ValueError ...
        first = (str(exc).splitlines() or [""])[0]  # openpyxl's own words run over three lines
        raise refuse(shown, f"not a workbook Excel or cap can read ({type(exc).__name__}: {first})") from None
    return Workbook(shown, zf, wb)


def _read_sheet(book: Workbook, ws) -> Sheet:
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    shown, title = book.shown, ws.title
    sheet = Sheet(title, book.states[title])
    path = ws._worksheet_path.lstrip("/")
    if path not in book._zf.namelist():
        raise refuse(shown, f"its sheet {title!r} is missing (part {path!r}): a damaged file", sheet=title)
    wb = book._wb
    cells_parser = WorkSheetParser(None, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                   date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    state = {"row": 0, "col": 0, "elements": 0, "values": 0, "chars": 0, "merged": 0, "dropped": 0}
    stack: list[ET.Element] = []

    def at(row: int, col: int, message: str, bound: str | None = None) -> IntakeError:
        return refuse(shown, message, sheet=title, cell=f"{column_letter(col)}{row}", row=row, column=col, bound=bound)

    def start(tag: str, attrs: dict) -> None:
        if stack:
            stack.append(ET.SubElement(stack[-1], tag, attrs))
            return
        if tag == _NS + "row":
            r = attrs.get("r")
            state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
            state["col"], state["elements"] = 0, 0
        elif tag == _NS + "c":
            state["elements"] += 1
            if state["elements"] > MAX_ROW_ELEMENTS:
                raise refuse(shown, f"row {state['row']} has more than {MAX_ROW_ELEMENTS:,} cells "
                             f"(MAX_ROW_ELEMENTS)", sheet=title, row=state["row"], bound="MAX_ROW_ELEMENTS")
            state["chars"] = 0
            stack.append(ET.Element(tag, attrs))
        elif tag == _NS + "mergeCell":
            state["merged"] += 1
            if state["merged"] > MAX_MERGED:
                raise refuse(shown, f"more than {MAX_MERGED:,} merged ranges (MAX_MERGED): unmerge the cells "
                             "and send it again", sheet=title, bound="MAX_MERGED")
            ref = (attrs.get("ref") or "").split(":")
            corners = [parse_ref(r) for r in ref]
            if len(corners) in (1, 2) and all(corners):
                (r1, c1), (r2, c2) = corners[0], corners[-1]
                sheet.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))

    def text(data: str) -> None:
        if stack:
            state["chars"] += len(data)
            if state["chars"] > 4 * MAX_CELL_CHARS:
                raise at(state["row"], state["col"] + 1, f"a cell longer than {MAX_CELL_CHARS:,} characters "
                         "(MAX_CELL_CHARS, Excel's own limit)", "MAX_CELL_CHARS")
            el = stack[-1]
            if len(el):
                el[-1].tail = (el[-1].tail or "") + data
            else:
                el.text = (el.text or "") + data

    def end(tag: str) -> None:
        if not stack:
            return
        el = stack.pop()
        if stack:
            return
        _cell(el)

    def _cell(el: ET.Element) -> None:
        where = parse_ref(el.get("r", ""))
        if where is None:
            where = (state["row"], state["col"] + 1)
        row, col = where
        state["col"] = col
        formula = el.find(_NS + "f") is not None
        v = el.find(_NS + "v")
        has_value = (v is not None and (v.text or "") != "") or el.find(_NS + "is") is not None
        if not has_value and not formula:
            return  # an empty (styled) cell: nothing to keep, wherever it is
        if row > MAX_ROWS:
            raise at(row, col, f"holds a value past row {MAX_ROWS:,} (MAX_ROWS): a plan is far shorter; delete the "
                     "rows past the table and send it again", "MAX_ROWS")
        if col > MAX_COLUMNS:
            raise at(row, col, f"holds a value past column {column_letter(MAX_COLUMNS)} ({MAX_COLUMNS}, MAX_COLUMNS): "
                     "delete the columns past the table and send it again", "MAX_COLUMNS")
        state["values"] += 1
        if state["values"] > MAX_CELLS:
            raise at(row, col, f"more than {MAX_CELLS:,} cells hold a value (MAX_CELLS): a plan is far smaller",
                     "MAX_CELLS")
        if formula and not has_value and el.get("t") != "str":
            _problem(row, col, _NO_VALUE)
            return
        el.set("r", f"{column_letter(col)}{row}")
        try:
            parsed = cells_parser.parse_cell(el)
        except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
            raise at(row, col, f"cannot be read ({type(exc).__name__}): a damaged file") from None
        value = parsed["value"]
        if value is None:
            return
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise at(row, col, f"a text of {len(value):,} characters, longer than a cell holds ({MAX_CELL_CHARS:,}, "
                     "MAX_CELL_CHARS, Excel's own limit)", "MAX_CELL_CHARS")
        number_format = "General"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and parsed["style_id"]:
            try:
                number_format = ReadOnlyCell(ws, row, col, value, parsed["data_type"], parsed["style_id"]).number_format
            except (IndexError, KeyError, TypeError):
                number_format = "General"
        if formula:
            sheet.formula_count += 1
            if len(sheet.formulas) < MAX_PROBLEMS:
                sheet.formulas.append(f"{column_letter(col)}{row}")
        sheet.cells.setdefault(row, []).append(Cell(row, col, value, number_format, formula))
        sheet.max_row, sheet.max_column = max(sheet.max_row, row), max(sheet.max_column, col)

    def _problem(row: int, col: int, message: str) -> None:
        if len(sheet.problems) < MAX_PROBLEMS:
            sheet.problems.append(Refusal(shown, message, sheet=title,
                                          cell=f"{column_letter(col)}{row}", row=row, column=col))
        else:
            state["dropped"] += 1

    scan_xml(book._zf, path, shown, start=start, end=end, text=text)
    if state["dropped"]:
        sheet.problems.append(Refusal(shown, f"and {state['dropped']:,} more such cells", sheet=title))
    for cells in sheet.cells.values():
        cells.sort(key=lambda c: c.column)
    sheet.merged = [(r1, c1, min(r2, sheet.max_row), min(c2, sheet.max_column))
                    for r1, c1, r2, c2 in sheet.merged if r1 <= sheet.max_row and c1 <= sheet.max_column]
    return sheet
