"""Reading a Word table copied as text: one row a line, cells separated by tabs."""

from __future__ import annotations

from cap.importer.rows import LINE_BREAK, SourceRow


def read_text_rows(text: str) -> list[SourceRow]:
    """Lines split on tabs: a Word table copied as text (no quoting: `"` is a character)."""
    rows = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
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
