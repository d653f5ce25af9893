"""A plan file's bytes -> text -> rows: decoding, telling CSV from text, `SourceRow`.

`decode` refuses what is not a plan's text (a workbook, a PDF, a binary, a huge file)
as a `Problem`; `detect_kind` picks the reader (cap.importer.csv or cap.importer.text);
`Located` gathers problems located by line (text) or row (CSV). A reader for another
kind of file yields the same `SourceRow`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from cap.problems import Problem

#: A plan file larger than this is not a plan (a 22-action plan is about 10 kB).
MAX_IMPORT_BYTES = 10_000_000
FORMATS = ("auto", "csv", "text", "xlsx", "docx")
#: Rows holding text in a CSV or text file (blank rows are skipped); a workbook's: cap.intake.MAX_ROWS.
MAX_ROWS = 20_000

LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass
class SourceRow:
    """One row of the file: `number` is the spreadsheet row (CSV, workbook) or the line (text)."""

    number: int
    line: int
    cells: list[str]
    tabbed: bool = True
    #: A workbook's rows: the sheet, and (where known) each column's letter by its name.
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)
    #: A row that is only a theme heading (a sheet's name, with --all-sheets).
    heading: bool = False
    #: A Word document's rows: the table's number (from 1) in the document.
    table: int | None = None
    #: Where a row that is no table's row is (a heading between a document's tables).
    label: str | None = None


class Located:
    """Problems about one file, located by line (text) or row (CSV)."""

    def __init__(self, shown: str, kind: str = "text"):
        self.shown, self.kind, self.problems = shown, kind, []
        #: What a reader says beside its rows (a Word table left out ...).
        self.notes: list[str] = []
        #: A workbook sheet's column letters by column name (set when its header row is read).
        self.letters: dict[str | None, dict[str, str]] = {}

    def where(self, row: SourceRow | None, message: str = "", column: int | None = None) -> str:
        """`sheet 'Plan', row 5, column F: `, `row 5, column F: ` (CSV), `table 2, row 5, column C: `
        (Word), `cell 4: ` (text: the line is the problem's own); the column from `column` (an
        index), else from the column name the message starts with."""
        if row is None:
            return ""
        if row.label is not None:
            return f"{row.label}: "
        from cap.importer.xlsx import column_letter

        if column is None:
            letters = row.letters or self.letters.get(row.sheet, {})
            named = [name for name in letters if message.casefold().startswith(name.casefold())]
            letter = letters[max(named, key=len)] if named else None
        else:
            letter = column_letter(column)
        if self.kind == "text":
            return f"cell {column + 1}: " if column is not None else ""
        at = f", column {letter}" if letter else ""
        if row.table is not None:
            return f"table {row.table}, row {row.number}{at}: "
        if row.sheet is None:
            return f"row {row.number}{at}: "
        return f"sheet {row.sheet!r}, row {row.number}{at}: "

    def place(self, row: SourceRow, column: int | None = None) -> str:
        """Where a row (or its cell) is, for a note or a message about another row: `row 5`,
        `line 5`, `sheet 'Plan' row 5`, `table 2 row 5`; with `column`, `... column C`."""
        from cap.importer.xlsx import column_letter

        if row.label is not None:
            return row.label
        if self.kind == "text":
            return f"line {row.line}" + (f" cell {column + 1}" if column is not None else "")
        at = f" column {column_letter(column)}" if column is not None else ""
        if row.table is not None:
            return f"table {row.table} row {row.number}{at}"
        return (f"row {row.number}" if row.sheet is None else f"sheet {row.sheet!r} row {row.number}") + at

    def add(self, row: SourceRow | None, code: str, message: str, *, line: int | None = None,
            column: int | None = None) -> None:
        at = line if line is not None else (row.line if row else 1)
        self.problems.append(Problem(self.shown, at, 1, "error", code, self.where(row, message, column) + message))


def decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The text of a plan file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""

    def refuse(code: str, message: str, line: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, 1, "error", code, message)]

    if len(raw) > MAX_IMPORT_BYTES:
        return refuse("CAP801", f"file is {len(raw):,} bytes; a plan is far smaller (limit {MAX_IMPORT_BYTES:,})")
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        from cap.intake import save_as, sniff

        kind = sniff(raw, shown)
        if kind in ("encrypted", "ods", "odt"):  # what to save it as, in words (cap.intake)
            return refuse("CAP801", "this " + (save_as(kind, "docx" if kind == "odt" else "xlsx") or ""))
        return refuse(
            "CAP801",
            "this is an Excel workbook or a Word document, not text: each imports as it is when its name "
            "ends .xlsx or .docx (or give --format xlsx or --format docx); an old .doc or .xls: open it and "
            "save it as .docx or .xlsx",
        )
    if raw[:5] == b"%PDF-":
        return refuse("CAP801", "this is a PDF, not text: copy the table out of Word or Excel instead")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return refuse("CAP801", "not readable text (a broken UTF-16 file)")
    else:
        if b"\x00" in raw:
            return refuse("CAP801", "a binary file, not text (it holds NUL bytes)", raw.count(b"\n", 0, raw.index(b"\x00")) + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                line = raw.count(b"\n", 0, exc.start) + 1
                return refuse("CAP801", f"not text in UTF-8 or Windows-1252 (byte 0x{raw[exc.start]:02x})", line)
    bad = _CONTROL.search(text)
    if bad and len(_CONTROL.findall(text)) > max(8, len(text) // 1000):  # a few: the cells name them (check_cells)
        line = text.count("\n", 0, bad.start()) + 1
        return refuse("CAP801", f"a binary file, not text (control character 0x{ord(bad.group()):02x})", line)
    if not text.strip():
        return refuse("CAP802", "the file is empty")
    # Word writes manual line breaks and page breaks as these: they separate words.
    return text.replace("\x0b", " ").replace("\x0c", " "), []


def check_cells(rows: list[SourceRow], loc: Located) -> None:
    """A cell holding a control character (cap/safetext.py) is refused, naming its row
    and column: nothing is imported until it is taken out of the file."""
    from cap.safetext import control_problem

    for row in rows:
        for column, cell in enumerate(row.cells, start=1):
            problem = control_problem(cell)
            if problem is not None:
                loc.add(row, "CAP804", f"the cell {problem}; take it out of the file and import again",
                        column=column - 1)


def detect_kind(path_name: str, text: str, wanted: str = "auto") -> str:
    """`csv`, `text` (tab-separated, as copied out of a Word table), `xlsx` or `docx`."""
    if wanted != "auto":
        return wanted
    suffix = Path(path_name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".docx", ".docm"):
        return "docx"
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".tsv", ".tab"):
        return "text"
    return "text" if "\t" in text else "csv"
