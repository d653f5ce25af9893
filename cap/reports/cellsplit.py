"""A text longer than an Excel cell holds, written over continuation rows and joined back.

An Excel cell holds at most 32,767 characters (UTF-16 code units); openpyxl cuts a
longer text there without a word. So a row of `cap report -o plan.xlsx` whose texts do
not fit is written as the row, holding each text's first part, then as many
continuation rows as the longest text needs: its Ref cell is `1.1 (continued)`, each
too-long text's next part in its own column, every other cell empty. `cap import`
(cap/importer/xlsx.py) joins a continuation row's cells to the row above, part after
part, exactly: the round trip of any text cap accepts is whole.

    >>> rows = split_row(["1.1", "x" * 40_000, None])
    >>> [(r[0], len(r[1] or "")) for r in rows]
    [('1.1', 32767), ('1.1 (continued)', 7233)]
    >>> join_rows([[c or "" for c in r] for r in rows])[0][1] == "x" * 40_000
    True
"""

from __future__ import annotations

import re

#: Excel's limit, in UTF-16 code units.
EXCEL_CELL_CHARS = 32_767
CONTINUED = " (continued)"
_CONTINUED = re.compile(r"^(.+) \(continued\)\Z")


def _units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _parts(text: str, limit: int = EXCEL_CELL_CHARS) -> list[str]:
    """`text` cut into pieces of at most `limit` UTF-16 units, never inside a character
    (a piece ends where the next would pass the limit)."""
    if len(text) * 2 <= limit or _units(text) <= limit:
        return [text]
    parts, start, units = [], 0, 0
    for i, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if units + width > limit:
            parts.append(text[start:i])
            start, units = i, 0
        units += width
    parts.append(text[start:])
    return parts


def rows_needed(values) -> int:
    """How many rows `split_row(values)` makes (1 when every text fits)."""
    most = 1
    for value in values:
        if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS // 2:
            most = max(most, len(_parts(value)))
    return most


def split_row(values: list, ref_col: int = 0) -> list[list]:
    """The row, then its continuation rows (see the module's docstring). Texts are made
    inert first (cap.reports.package.inert), so that what is cut is what is written."""
    if rows_needed(values) == 1:
        return [values]
    from cap.reports.package import inert

    cut = [_parts(inert(v)) if isinstance(v, str) else [v] for v in values]
    rows = [[parts[0] for parts in cut]]
    for k in range(1, max(len(p) for p in cut)):
        row = [parts[k] if len(parts) > k and isinstance(values[i], str) else None for i, parts in enumerate(cut)]
        row[ref_col] = f"{values[ref_col]}{CONTINUED}"
        rows.append(row)
    return rows


def continued_ref(cell: str) -> str | None:
    """`1.1` for `1.1 (continued)`, else None."""
    m = _CONTINUED.match(cell or "")
    return m.group(1) if m else None


def join_rows(rows: list[list[str]], ref_col: int = 0) -> list[list[str]]:
    """Rows of texts with their continuation rows joined back into the row above (a
    continuation row whose ref is not the row above's is left as it is: the caller's
    checks name it)."""
    out: list[list[str]] = []
    for row in rows:
        ref = continued_ref(row[ref_col]) if len(row) > ref_col else None
        if ref is not None and out and out[-1][ref_col] == ref:
            last = out[-1]
            for i, cell in enumerate(row):
                if i == ref_col or not cell:
                    continue
                if i >= len(last):
                    last.extend([""] * (i + 1 - len(last)))
                last[i] += cell
            continue
        out.append(list(row))
    return out
