"""Reading a Word table copied as text: one row a line, cells separated by tabs."""

from __future__ import annotations

from cap.importer.rows import LINE_BREAK, SourceRow


def read_text_rows(text: str) -> list[SourceRow]:
    """Lines split on tabs: a Word table copied as text (no quoting: `"` is a character)."""
    rows = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        rows.append(SourceRow(number, number, line.split("\t"), tabbed="\t" in line))
    return rows
