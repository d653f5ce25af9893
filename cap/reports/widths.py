"""Column widths that follow a table's content, for the Word paper's tables.

A column is at least as wide as its longest word (header included), so no word is ever
broken in the middle, and as wide as its longest line where the page allows; what
room is left over goes to the columns with the most text. A ref column stays narrow, an
action or a reason takes the width.

    >>> [round(w, 1) for w in fit_widths(["Ref", "Reason"], [["1.1", "Superseded by 1.5."]], 27.3)]
    [1.1, 4.0]
"""

from __future__ import annotations

from collections.abc import Sequence

#: About how wide one character of 9-point Calibri is, in centimetres (bold a little more:
#: this errs wide), and a cell's left and right padding together.
CHAR_CM = 0.2
PAD_CM = 0.45
#: The longest line a column asks room for, in characters (a longer text wraps).
LONGEST_LINE = 90


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def _longest_line(text: str) -> int:
    return min(LONGEST_LINE, max((len(line) for line in text.split("\n")), default=0))


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[object]], total: float, *,
               char_cm: float = CHAR_CM, pad_cm: float = PAD_CM) -> list[float]:
    """Each column's width in centimetres, the table no wider than `total`: each column at
    least its longest word (header included), the room left shared by how much more text
    each column has. Where even the longest words do not fit, they share `total` by size."""
    columns = list(zip(*([str(h) for h in header], *([str(v) for v in row] for row in rows)), strict=False))
    least = [pad_cm + char_cm * max(_longest_word(t) for t in col) for col in columns]
    wanted = [max(lo, pad_cm + char_cm * max(_longest_line(t) for t in col)) for lo, col in zip(least, columns)]
    if sum(wanted) <= total:
        return wanted
    if sum(least) >= total:
        return [total * lo / sum(least) for lo in least]
    room = total - sum(least)
    more = [w - lo for w, lo in zip(wanted, least)]
    return [lo + room * m / sum(more) for lo, m in zip(least, more)]


def min_width(text: str, *, bold: bool = True, char_cm: float = CHAR_CM, pad_cm: float = PAD_CM) -> float:
    """The narrowest a column can be without breaking a word of `text` (a header)."""
    return pad_cm + char_cm * _longest_word(text)


__all__ = ["CHAR_CM", "PAD_CM", "fit_widths", "min_width"]
