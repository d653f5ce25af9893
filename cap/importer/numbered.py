"""A cell that numbers several actions (`1. To review ... 2. To monitor ...`) -> that many actions.

    >>> numbered("1. To review the policy. 2. To monitor its use.")
    ['To review the policy.', 'To monitor its use.']

The numbers must run 1, 2, 3 ... from the cell's start, each after a space or a line break. The owner, lead and target date cells of the row may be numbered alike
(each action then takes its own) or not at all (each action takes the whole cell); where
a cell numbers a different count, the row stays one action and the dry run says so.
"""

from __future__ import annotations

import re

#: An item's number (`1.`, `2)`, `(3)`): at the cell's start or after a space or line break.
_ITEM = re.compile(r"(?:^|(?<=\s))\(?(\d{1,2})[.)]\s+")
#: The cells that may be numbered alike.
ALIGNED = ("owner", "lead", "target_date", "progress", "status")


def numbered(text: str) -> list[str] | None:
    """The items of a cell numbered 1, 2, 3 ... (two or more), or None."""
    found = list(_ITEM.finditer(text))
    if len(found) < 2 or found[0].start() != 0 and text[: found[0].start()].strip():
        return None
    if [int(m.group(1)) for m in found] != list(range(1, len(found) + 1)):
        return None
    items = [text[m.end(): (found[k + 1].start() if k + 1 < len(found) else len(text))].strip()
             for k, m in enumerate(found)]
    return items if all(items) else None


def split_row(cells: dict[str, str]) -> tuple[list[dict[str, str]] | None, str | None]:
    """The cells of each action a row numbers (None: one action), and why a numbered row stays one."""
    items = numbered(cells.get("action", ""))
    if items is None:
        return None, None
    parts: dict[str, list[str]] = {}
    for name in ALIGNED:
        value = cells.get(name, "")
        mine = numbered(value) if value else None
        if mine is None:
            continue
        if len(mine) != len(items):
            return None, (f"the Action cell numbers {len(items)} actions, the {name.replace('_', ' ')} cell "
                          f"{len(mine)}: kept as one action")
        parts[name] = mine
    out = []
    for k, text in enumerate(items):
        one = dict(cells)
        one["action"] = text
        for name, values in parts.items():
            one[name] = values[k]
        out.append(one)
    return out, None
