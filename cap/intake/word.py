"""A Word document (.docx) from outside, bounded before python-docx parses it.

`open_document(raw, shown)` checks the zip (cap.intake.files.open_zip, every XML part
at most MAX_WORD_PART_BYTES unpacked), streams `word/document.xml` through expat once
(no DOCTYPE; at most MAX_TABLES tables, MAX_TABLE_ROWS rows in a table, MAX_ROW_CELLS
cells in a row, MAX_WORD_CELLS cells in all, MAX_CELL_CHARS characters of text in a
cell), and only then hands the bytes to python-docx: the `Document` it returns is safe
to walk (`doc.tables`, `table.rows`, `row.cells`, `cell.text`).

    >>> doc = open_document(Path("tracker.docx").read_bytes(), "tracker.docx")   # doctest: +SKIP
    >>> [[c.text for c in row.cells] for row in doc.tables[0].rows]               # doctest: +SKIP
"""

from __future__ import annotations

import io
import warnings

from cap.intake.files import IntakeError, check_all_xml, open_zip, refuse, save_as, sniff, scan_xml

#: Any XML part of a Word document, unpacked (a 100-page tracker's document.xml is about 3 MB).
MAX_WORD_PART_BYTES = 10_000_000
MAX_TABLES = 200
MAX_TABLE_ROWS = 5_000
#: Word's own limit is 63 columns.
MAX_ROW_CELLS = 64
MAX_WORD_CELLS = 200_000
MAX_CELL_CHARS = 100_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_document(raw: bytes, shown: str) -> None:
    """Every bound of the document checked (IntakeError naming the first passed)."""
    kind = sniff(raw, shown)
    if kind not in ("docx", "zip"):
        raise refuse(shown, save_as(kind, "docx") or "not a Word document")
    zf = open_zip(raw, shown, kind="Word document", max_member=MAX_WORD_PART_BYTES)
    check_all_xml(zf, shown, skip={"word/document.xml"})
    counts = {"tables": 0, "cells": 0}
    rows: list[int] = []     # per open table: its rows so far
    cells: list[int] = []    # per open row: its cells so far
    chars: list[int] = []    # per open cell: its characters so far
    in_text = [0]

    def start(tag: str, _attrs) -> None:
        if tag == _W + "tbl":
            counts["tables"] += 1
            if counts["tables"] > MAX_TABLES:
                raise refuse(shown, f"holds more than {MAX_TABLES} tables (MAX_TABLES)", bound="MAX_TABLES")
            rows.append(0)
        elif tag == _W + "tr" and rows:
            rows[-1] += 1
            if rows[-1] > MAX_TABLE_ROWS:
                raise refuse(shown, f"table {counts['tables']} has more than {MAX_TABLE_ROWS:,} rows (MAX_TABLE_ROWS)",
                             bound="MAX_TABLE_ROWS")
            cells.append(0)
        elif tag == _W + "tc" and cells:
            cells[-1] += 1
            counts["cells"] += 1
            if cells[-1] > MAX_ROW_CELLS:
                raise refuse(shown, f"table {counts['tables']}, row {rows[-1]} has more than {MAX_ROW_CELLS} cells "
                             "(MAX_ROW_CELLS)", bound="MAX_ROW_CELLS")
            if counts["cells"] > MAX_WORD_CELLS:
                raise refuse(shown, f"its tables hold more than {MAX_WORD_CELLS:,} cells (MAX_WORD_CELLS)",
                             bound="MAX_WORD_CELLS")
            chars.append(0)
        elif tag == _W + "t":
            in_text[0] += 1

    def end(tag: str) -> None:
        if tag == _W + "tbl" and rows:
            rows.pop()
        elif tag == _W + "tr" and cells:
            cells.pop()
        elif tag == _W + "tc" and chars:
            chars.pop()
        elif tag == _W + "t":
            in_text[0] -= 1

    def text(data: str) -> None:
        if chars and in_text[0]:
            chars[-1] += len(data)
            if chars[-1] > MAX_CELL_CHARS:
                raise refuse(shown, f"table {counts['tables']}, row {rows[-1] if rows else 0}: a cell holds more than "
                             f"{MAX_CELL_CHARS:,} characters (MAX_CELL_CHARS)", bound="MAX_CELL_CHARS")

    if "word/document.xml" not in zf.namelist():
        raise refuse(shown, "not a Word document (no word/document.xml)")
    scan_xml(zf, "word/document.xml", shown, start=start, end=end, text=text)


def open_document(raw: bytes, shown: str):
    """A python-docx `Document`, every bound checked first; IntakeError (one line) if not."""
    check_document(raw, shown)
    import docx

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return docx.Document(io.BytesIO(raw))
    except IntakeError:
        raise
    except Exception as exc:  # KeyError, ValueError, lxml's XMLSyntaxError ...
        first = (str(exc).splitlines() or [""])[0]  # openpyxl's own words run over three lines
        raise refuse(shown, f"not a Word document Word or cap can read ({type(exc).__name__}: {first})") from None
