"""Turning selected actions into output: records (JSON/CSV) and rich renderables.

Every text is shown exactly as stored: rich renderables are built from `Text` objects,
never from markup strings, so `[bold]` in an action is printed as written.

    >>> record(action, as_of)["days_overdue"]          # doctest: +SKIP
    152
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from cap.dates import format_iso, format_uk
from cap.models import Action
from cap.query import days_overdue, is_slipped
from cap.text import plural, visible

#: The keys of `record()`, in order: JSON objects and CSV columns.
RECORD_KEYS = (
    "ref", "theme", "scrs", "all_scrs", "action", "lead", "target_date", "status",
    "overdue", "days_overdue", "slipped", "original_target_date", "target_history",
    "signed_off", "withdrawn_reason", "owner", "outcome", "review_date", "evidence", "progress",
    "recommendations", "opened", "completed", "withdrawn", "impact_review", "no_impact_review", "impact",
    "rating", "source_ref",
)


def record(action: Action, as_of: dt.date) -> dict[str, Any]:
    """One action as plain JSON-ready data, with its state as of `as_of`."""
    overdue_days = days_overdue(action, as_of)
    return {
        "ref": action.ref,
        "theme": action.theme,
        "scrs": list(action.scrs),
        "all_scrs": action.all_scrs,
        "action": action.action,
        "lead": list(action.lead),
        "target_date": format_iso(action.target_date),
        "status": action.status,
        "overdue": overdue_days is not None,
        "days_overdue": overdue_days,
        "slipped": is_slipped(action),
        "original_target_date": format_iso(action.original_target),
        "target_history": [
            {"date": r.date.isoformat(), "from": format_iso(r.from_), "to": format_iso(r.to), "reason": r.reason}
            for r in action.target_history
        ],
        "signed_off": (
            {"date": action.signed_off.date.isoformat(), "by": action.signed_off.by}
            if action.signed_off else None
        ),
        "withdrawn_reason": action.withdrawn_reason,
        "owner": action.owner,
        "outcome": action.outcome,
        "review_date": action.review_date.isoformat() if action.review_date else None,
        "evidence": list(action.evidence),
        "progress": [
            {"date": e.date.isoformat(), "text": e.text, "author": e.author} for e in action.progress
        ],
        # Issue 14: the recommendations it answers, the dates of its life, impact after closure.
        "recommendations": list(action.recommendations),
        "opened": _iso(action.opened),
        "completed": _iso(action.completed),
        "withdrawn": _iso(action.withdrawn),
        "impact_review": _iso(action.impact_review),
        "no_impact_review": action.no_impact_review,
        "impact": [{"date": e.date.isoformat(), "text": e.text, "author": e.author} for e in action.impact],
        # What an imported tracker said: the board's own rating and the tracker's ref.
        "rating": action.rating,
        "source_ref": action.source_ref,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def to_json(data: Any) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """One row per action, the record keys as columns; lists joined with `, `.

    Progress is written one entry per line as `YYYY-MM-DD: text (author)`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECORD_KEYS)
    for rec in records:
        writer.writerow([_protected(key, rec[key]) for key in RECORD_KEYS])
    return out.getvalue()


def _protected(key: str, value: Any) -> str:
    """A cell no spreadsheet runs as a formula (cap/safetext.py); cap's own numbers as they are."""
    from cap.safetext import csv_cell

    cell = _csv_cell(key, value)
    return cell if isinstance(value, (int, float)) else csv_cell(cell)


def _csv_cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "progress":
        return "\n".join(
            f"{e['date']}: {e['text']}" + (f" ({e['author']})" if e["author"] else "") for e in value
        )
    if key == "target_history":
        return "\n".join(f"{r['date']}: {r['from']} -> {r['to']} ({r['reason']})" for r in value)
    if key == "impact":
        return "\n".join(f"{e['date']}: {e['text']}" + (f" ({e['author']})" if e["author"] else "") for e in value)
    if key == "signed_off":
        return f"{value['date']} {value['by']}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def cells(text: str) -> int:
    """The columns `text` takes in a terminal: a CJK character or an emoji takes two, a
    combining accent none (rich.cells, as the terminal output itself is measured); a
    character that is not printable (unassigned, a format character) is counted as one,
    since a terminal may draw it as a box where rich counts none."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text) + sum(1 for ch in text if _unseen(ch))


def _unseen(char: str) -> bool:
    """A character rich counts as no column that a terminal may still draw as one."""
    from rich.cells import get_character_cell_size

    return not char.isprintable() and get_character_cell_size(char) == 0


def shorten(text: str, width: int, collapse: bool = True) -> str:
    """One line of at most `width` columns (display width, `cells`), `…` where it was cut
    (with `collapse`, runs of white space, line breaks included, become one space first)."""
    if collapse:
        text = " ".join(text.split())
    if width < 1:
        return ""
    if text.isascii():
        return text if len(text) <= width else text[: width - 1].rstrip() + "…"
    if cells(text) <= width:
        return text
    from rich.cells import get_character_cell_size

    used, cut = 0, 0
    for cut, char in enumerate(text):
        size = get_character_cell_size(char) or int(_unseen(char))
        if used + size > width - 1:
            break
        used += size
    else:  # pragma: no cover - cells(text) > width means the loop breaks
        cut = len(text)
    return text[:cut].rstrip() + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` filled with spaces to `width` columns (display width), on the left with `right`."""
    fill = " " * max(width - cells(text), 0)
    return fill + text if right else text + fill


def json_list(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON list written piece by piece, one record a line (fast, and little memory)."""
    import json

    encode = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps's, made once
    yield "["
    first = True
    for rec in records:
        yield ("\n" if first else ",\n") + encode(rec)
        first = False
    yield "\n]\n" if not first else "]\n"


LIST_HEADER = ("Ref", "Theme", "Lead", "Target", "Status", "Overdue", "Action")
LEAD_WIDTH = 24
GAP = "  "
#: The narrowest the lead and the action are shortened to before a column is dropped.
LEAD_MIN, ACTION_MIN = 12, 20
#: As the width shrinks: the lead is shortened (to LEAD_MIN), then the action (to
#: ACTION_MIN), then these columns are dropped in this order; last, the action is
#: shortened further, and a line that still does not fit is cut at the width with `…`.
#: Ref, status, days overdue and the start of the action always stay.
LIST_DROP_ORDER = ("Theme", "Lead", "Target")


@dataclass
class ListLine:
    """One line of the `cap list` table; `overdue` is the (start, end) of a red cell."""

    text: str
    header: bool = False
    overdue: tuple[int, int] | None = None


def list_lines(actions: list[Action], as_of: dt.date, width: int) -> list[ListLine]:
    """The `cap list` table as aligned lines, none wider than `width` columns.

    Plain text (no box drawing), so 10,000 rows print in a fraction of a second and the
    output greps and pastes cleanly; one row a line, texts shortened with `…` (`--format
    json` has every word). Control characters in a text are shown escaped (`\\x1b`).
    Narrower widths shorten and drop columns in a fixed order: see LIST_DROP_ORDER.
    """
    rows = []
    for action in actions:
        overdue_days = days_overdue(action, as_of)
        rows.append((
            visible(action.ref),
            visible(action.theme),
            shorten(visible(", ".join(action.lead)), LEAD_WIDTH),
            format_iso(action.target_date) + (" *" if is_slipped(action) else ""),
            action.status,
            f"{overdue_days}d" if overdue_days else "",
            visible(action.action),
        ))
    columns = list(range(len(LIST_HEADER) - 1))  # every column but the action, by index
    widths = [max([len(h), *(cells(r[i]) for r in rows)]) for i, h in enumerate(LIST_HEADER[:-1])]

    def fixed() -> int:
        return sum(widths[i] + len(GAP) for i in columns)

    squeeze = min(max(fixed() + ACTION_MIN - width, 0), max(widths[2] - LEAD_MIN, 0))
    widths[2] -= squeeze
    for name in LIST_DROP_ORDER:
        if fixed() + ACTION_MIN <= width:
            break
        columns.remove(LIST_HEADER.index(name))
    action_width = max(width - fixed(), 1)
    overdue_col = LIST_HEADER.index("Overdue")

    def line(row: tuple[str, ...], action_text: str) -> tuple[str, int]:
        """The line, and where (in characters) its Overdue cell starts."""
        left = [pad(shorten(row[i], widths[i]), widths[i], right=i == overdue_col) for i in columns]
        at = sum(len(cell) + len(GAP) for i, cell in zip(columns, left) if i < overdue_col)
        return shorten(GAP.join(left) + GAP + action_text, width, collapse=False).rstrip(), at

    out = [ListLine(line(LIST_HEADER[:-1], LIST_HEADER[-1])[0], header=True)]
    for row in rows:
        text, overdue_at = line(row[:-1], shorten(row[-1], action_width))
        span = ((overdue_at, overdue_at + widths[overdue_col])
                if row[overdue_col] and overdue_col in columns and overdue_at < len(text) else None)
        out.append(ListLine(text, overdue=span))
    return out


def show_view(action: Action, as_of: dt.date, theme_title: str | None = None):
    """Everything about one action, for the terminal: fields, then the progress log
    (every text through `visible`: a control character shows as `\\x1b`)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    overdue_days = days_overdue(action, as_of)
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column()

    def row(name: str, value: str | None) -> None:
        if value:
            fields.add_row(Text(name), Text(visible(value)))

    row("Ref", action.ref + (f" (the source's ref: {action.source_ref})" if action.source_ref else ""))
    row("Theme", f"{action.theme} ({theme_title})" if theme_title else action.theme)
    row("SCRs", action.scr_label() or "-")
    row("Action", action.action)
    row("Lead", ", ".join(action.lead))
    row("Owner", action.owner)
    row("Target date", f"{format_uk(action.target_date)} ({format_iso(action.target_date)})")
    for rev in action.target_history:
        row("  revised", f"{rev.date.isoformat()}: {format_iso(rev.from_)} -> {format_iso(rev.to)} ({rev.reason})")
    row("Status", action.status)
    if action.rating:
        from cap.query import brag

        ours = brag(action, as_of) or "none (withdrawn)"
        row("Rating", f"{action.rating} (the board's own); cap's BRAG as of {as_of.isoformat()}: {ours}")
    if action.signed_off:
        row("Signed off", f"{action.signed_off.date.isoformat()} by {action.signed_off.by}")
    row("Withdrawn", action.withdrawn_reason)
    row("Overdue", f"yes, {plural(overdue_days, 'day')} as of {as_of.isoformat()}" if overdue_days
        else f"no (as of {as_of.isoformat()})")
    row("Outcome", action.outcome)
    row("Review date", action.review_date.isoformat() if action.review_date else None)
    row("Evidence", "\n".join(action.evidence))
    row("Recommendations", ", ".join(action.recommendations))
    life = [f"{name} {day.isoformat()}" for name, day in
            (("opened", action.opened), ("completed", action.completed), ("withdrawn", action.withdrawn)) if day]
    row("Dates", ", ".join(life))
    row("Impact review", action.impact_review.isoformat() if action.impact_review else
        (f"none: {action.no_impact_review}" if action.no_impact_review else None))

    log = Table(title=Text("Progress", style="bold"), title_justify="left", box=None, pad_edge=False)
    log.add_column("Date", no_wrap=True)
    log.add_column("Author")
    log.add_column("Text")
    for entry in action.progress:
        log.add_row(Text(entry.date.isoformat()), Text(visible(entry.author or "")), Text(visible(entry.text)))
    if not action.progress:
        log.add_row(Text("-"), Text(""), Text("no progress recorded"))
    if not action.impact:
        return Group(fields, Text(""), log)
    impact = Table(title=Text("Impact", style="bold"), title_justify="left", box=None, pad_edge=False)
    for name in ("Date", "Author", "Text"):
        impact.add_column(name, no_wrap=name == "Date")
    for entry in action.impact:
        impact.add_row(Text(entry.date.isoformat()), Text(entry.author or ""), Text(entry.text))
    return Group(fields, Text(""), log, Text(""), impact)
