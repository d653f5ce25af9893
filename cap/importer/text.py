"""Reading a Word table copied as text: one row a line, cells separated by tabs."""

from __future__ import annotations

from cap.importer.rows import LINE_BREAK, MAX_ROWS, Located, SourceRow


def read_text_rows(text: str, loc: Located | None = None) -> list[SourceRow]:
    """Lines split on tabs: a Word table copied as text (no quoting: `"` is a character).
    A run of blank lines is kept as one blank row (it ends a cell of several lines:
    join_cell_lines), so a file of blank lines stays small; more than MAX_ROWS lines
    holding text are refused (in `loc`)."""
    rows: list[SourceRow] = []
    for number, line in enumerate(lines(text), start=1):
        if not line.strip():
            if not rows or any(c.strip() for c in rows[-1].cells):
                rows.append(SourceRow(number, number, line.split("\t"), tabbed="\t" in line))
            continue
        if len(rows) >= MAX_ROWS and loc is not None:
            loc.add(None, "CAP801", f"more than {MAX_ROWS:,} lines (MAX_ROWS): a plan is far shorter", line=number)
            return []
        rows.append(SourceRow(number, number, line.split("\t"), tabbed="\t" in line))
    return rows


def join_cell_lines(rows: list[SourceRow], header_test, outcome=None) -> list[SourceRow]:
    """A cell of several lines, as a Word table copied as text writes it, made one cell again.

    Word writes a cell's paragraphs on lines of their own: a row of the table then spans
    several lines, the first with fewer cells than the header. After a header row, such a
    line is joined with the lines after it (the cell's last line and the next line's first
    cell join with a line break) until the row has the header's cells; a line that would
    make it longer is left as it is (and reported as the table's rows are)."""
    out: list[SourceRow] = []
    width = 0
    i = 0
    while i < len(rows):
        row = rows[i]
        cells = [c.strip() for c in row.cells]
        if row.tabbed and header_test(cells):
            width = len(row.cells)
            while width and not row.cells[width - 1].strip():
                width -= 1
            out.append(row)
            i += 1
            continue
        if not width or not row.tabbed or len(row.cells) >= width:
            out.append(row)
            i += 1
            continue
        joined = list(row.cells)
        j = i + 1
        while len(joined) < width and j < len(rows) and rows[j].cells != [""]:
            more = rows[j].cells
            if len(joined) + len(more) - 1 > width:
                break
            joined[-1] = f"{joined[-1]}\n{more[0]}" if joined[-1].strip() else more[0]
            joined.extend(more[1:])
            j += 1
        if len(joined) == width and j > i + 1:
            out.append(SourceRow(row.number, row.line, joined, tabbed=True))
            if outcome is not None:
                outcome.notes.append(f"lines {row.line}-{rows[j - 1].line}: one row of the table (a cell of several "
                                     "lines): joined")
            i = j
        else:
            out.append(row)
            i += 1
    return out


def lines(text: str):
    """The lines, one at a time (no list of every line: a file of blank lines stays small)."""
    at = 0
    for m in LINE_BREAK.finditer(text):
        yield text[at:m.start()]
        at = m.end()
    yield text[at:]
