"""Reading a CSV as Excel saves it (comma or semicolon; quoted cells may hold line breaks)."""

from __future__ import annotations

import csv
import io

from cap.importer.rows import LINE_BREAK, MAX_ROWS, Located, SourceRow
from cap.safetext import csv_text


def read_csv_rows(text: str, loc: Located) -> list[SourceRow]:
    """Records of a CSV as Excel saves it: quoted cells may hold line breaks."""
    from cap.importer.text import lines

    first = next((line for line in lines(text) if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SourceRow] = []
    number = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            loc.add(None, "CAP801", f"not a readable CSV: {exc}", line=max(reader.line_num, 1))
            return []
        number += 1
        if not any(c.strip() for c in cells):
            continue  # a blank row is skipped by every reader: never kept (a file of blank lines stays small)
        if len(rows) >= MAX_ROWS:
            loc.add(None, "CAP801", f"more than {MAX_ROWS:,} rows (MAX_ROWS): a plan is far shorter", line=start)
            return []
        # A cell cap wrote with a leading ' (safetext.csv_cell, so no spreadsheet runs it) is the text without it.
        rows.append(SourceRow(number, start, [csv_text(LINE_BREAK.sub("\n", c)) for c in cells]))
    return rows


# ------------------------------------------------------------------ themes
