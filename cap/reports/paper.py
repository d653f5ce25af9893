"""The papers that are not the plan's table: the sign-off pack, the annual statistics,
the reviews overview. Each is built as a `Paper`, blocks of headed paragraphs, tables and
at most one bar chart, carried by the same `Report` value as every report (`report.paper`),
so every renderer lays it out the same generic way (md, html, csv, json; and any format
added later only needs `render_paper`).

Cells are plain text (a line break is a new line in the cell); renderers escape them for
their format. `data` is the paper's figures as plain JSON-ready values, for `--format json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Table:
    """A titled table of text cells; `numeric` columns are right-aligned counts."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    #: What to say when there are no rows.
    empty: str = "None."
    #: Short column names for a narrow screen (`cap stats`), if the full ones are long.
    short: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """Bars per label for each series (opened against completed per month)."""

    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[int, ...]], ...]


@dataclass(frozen=True)
class Block:
    """A heading, then paragraphs, then tables, then a chart. Level 2 or 3."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: Chart | None = None
    level: int = 2
    #: Paragraphs after the tables (a sign-off pack's decision line).
    closing: tuple[str, ...] = ()
    #: A short name for the block where one is needed (a workbook's sheet): `Changes since`.
    short: str = ""


@dataclass(frozen=True)
class Paper:
    kind: str
    title: str
    #: What the paper is and its date or period, in one line.
    description: str
    blocks: tuple[Block, ...]
    #: Lines for the foot of the paper (how the dates were found, ...).
    notes: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def tables(self):
        """Every (block, table), in order: what a spreadsheet writer puts on its sheets."""
        for block in self.blocks:
            for table in block.tables:
                yield block, table


def count_table(title: str, first: str, counts: dict[str, dict[str, int]], columns: tuple[str, ...],
                short: tuple[str, ...] = ()) -> Table:
    """A table of counts: a row per key of `counts`, a column per figure."""
    rows = tuple((key, *(str(values.get(c, 0)) for c in columns)) for key, values in counts.items())
    return Table(title, (first, *columns), rows, numeric=tuple(range(1, len(columns) + 1)),
                 short=(first, *short) if short else ())


__all__ = ["Block", "Chart", "Paper", "Table", "count_table"]
