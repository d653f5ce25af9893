"""Every file from outside (a plan, a tracker, a returned form) is read here, within bounds.

A file is untrusted: its size is asked before it is read, a zip's listing is checked
before one byte is unpacked, every XML part is streamed (no DOCTYPE, so no entity), and
a workbook's sheets are streamed cell by cell, never allocated from what they claim.
A file past a bound is refused with one line naming the bound (`IntakeError`, whose
`.refusal` is a `Refusal`: path, sheet, cell, message). The bounds:

==================  ===========  ==========================================================
MAX_FILE_BYTES      10,000,000   bytes of any file sent in (asked with stat, before reading)
MAX_MEMBERS         1,000        parts in a workbook or Word document (a zip)
MAX_MEMBER_BYTES    32,000,000   bytes of one part unpacked (Word XML: MAX_WORD_PART_BYTES 10 MB)
MAX_WHOLE_PART_BYTES 5,000,000   bytes of a workbook's XML part parsed whole (styles ...; sheets are streamed)
MAX_TOTAL_BYTES     64,000,000   bytes of all parts unpacked
MAX_RATIO           100          to 1, compression of a part over 1 MB unpacked (zip bombs)
MAX_ROWS            20,000       last row of a sheet holding a value
MAX_COLUMNS         500          last column (SF) of a sheet holding a value
MAX_CELLS           250,000      cells holding a value in one sheet
MAX_ROW_ELEMENTS    16,384       cells (even empty) in one row of a sheet
MAX_CELL_CHARS      32,767       characters in a workbook cell (Excel's own limit)
MAX_MERGED          2,000        merged ranges in a sheet (each clipped to the values)
MAX_TABLES          200          tables in a Word document
MAX_TABLE_ROWS      5,000        rows in one Word table
MAX_ROW_CELLS       64           cells in one row of a Word table (Word's own: 63)
MAX_WORD_CELLS      200,000      cells in all a Word document's tables
==================  ===========  ==========================================================

What is refused in words (`sniff` says what a file is, `save_as` what to do): an
encrypted (password-protected) workbook or document, an Excel 97-2003 .xls or Word .doc,
an OpenDocument .ods/.odt, a PDF, a macro-enabled .xlsm/.docm where a plain one is asked.

Formulas are never evaluated: a formula cell's saved value is read (`Cell.formula`
says it was one, `Sheet.formula_count` counts them, for a caller that refuses them); a
formula cell with no saved value is a `Refusal` at its cell in `Sheet.problems`.

    >>> raw = read_bytes("plan.xlsx")                                     # doctest: +SKIP
    >>> book = open_workbook(raw, "plan.xlsx")                            # doctest: +SKIP
    >>> sheet = book.sheet(book.sheetnames[0])                            # doctest: +SKIP
    >>> [str(p) for p in sheet.problems]                                  # doctest: +SKIP
    ["plan.xlsx, sheet 'Action Plan', C15: holds a formula with no saved value (...)"]
    >>> doc = open_document(read_bytes("tracker.docx"), "tracker.docx")  # doctest: +SKIP
"""

from cap.intake.files import (
    MAX_FILE_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_RATIO, MAX_TOTAL_BYTES, IntakeError, Refusal, read_bytes,
    save_as, sniff,
)
from cap.intake.word import (
    MAX_ROW_CELLS, MAX_TABLE_ROWS, MAX_TABLES, MAX_WORD_CELLS, MAX_WORD_PART_BYTES, check_document, open_document,
)
from cap.intake.workbook import (
    MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_MERGED, MAX_ROW_ELEMENTS, MAX_ROWS, Cell, Sheet, Workbook,
    open_workbook,
)

__all__ = [
    "MAX_CELLS", "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_MERGED",
    "MAX_RATIO", "MAX_ROWS", "MAX_ROW_CELLS", "MAX_ROW_ELEMENTS", "MAX_TABLES", "MAX_TABLE_ROWS", "MAX_TOTAL_BYTES",
    "MAX_WORD_CELLS", "MAX_WORD_PART_BYTES", "Cell", "IntakeError", "Refusal", "Sheet", "Workbook", "check_document",
    "open_document", "open_workbook", "read_bytes", "save_as", "sniff",
]
