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
import json
from typing import Any, Iterable

from cap.dates import format_iso, format_uk
from cap.models import Action
from cap.query import days_overdue, is_slipped

#: The keys of `record()`, in order: JSON objects and CSV columns.
RECORD_KEYS = (
    "ref", "theme", "scrs", "all_scrs", "action", "lead", "target_date", "status",
    "overdue", "days_overdue", "slipped", "original_target_date", "target_history",
    "signed_off", "withdrawn_reason", "owner", "outcome", "review_date", "evidence", "progress",
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
    }


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """One row per action, the record keys as columns; lists joined with `, `.

    Progress is written one entry per line as `YYYY-MM-DD: text (author)`.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECORD_KEYS)
    for rec in records:
        writer.writerow([_csv_cell(key, rec[key]) for key in RECORD_KEYS])
    return out.getvalue()


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
    if key == "signed_off":
        return f"{value['date']} {value['by']}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def list_table(actions: list[Action], as_of: dt.date, *, action_width: int = 60):
    """The `cap list` table."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False, header_style="bold", box=None, pad_edge=False, padding=(0, 1))
    table.add_column("Ref", no_wrap=True)
    table.add_column("Theme", max_width=19)
    table.add_column("Lead", max_width=22)
    table.add_column("Target", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Overdue", justify="right", no_wrap=True)
    table.add_column("Action", ratio=1, min_width=16)
    for action in actions:
        overdue_days = days_overdue(action, as_of)
        target = format_iso(action.target_date) + (" *" if is_slipped(action) else "")
        table.add_row(
            Text(action.ref),
            Text(action.theme),
            Text(", ".join(action.lead)),
            Text(target),
            Text(action.status),
            Text(f"{overdue_days}d" if overdue_days else "", style="red" if overdue_days else ""),
            Text(shorten(action.action, action_width), overflow="ellipsis", no_wrap=True),
        )
    return table


def show_view(action: Action, as_of: dt.date, theme_title: str | None = None):
    """Everything about one action, for the terminal: fields, then the progress log."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    overdue_days = days_overdue(action, as_of)
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column()

    def row(name: str, value: str | None) -> None:
        if value:
            fields.add_row(Text(name), Text(value))

    row("Ref", action.ref)
    row("Theme", f"{action.theme} ({theme_title})" if theme_title else action.theme)
    row("SCRs", action.scr_label() or "-")
    row("Action", action.action)
    row("Lead", ", ".join(action.lead))
    row("Owner", action.owner)
    row("Target date", f"{format_uk(action.target_date)} ({format_iso(action.target_date)})")
    for rev in action.target_history:
        row("  revised", f"{rev.date.isoformat()}: {format_iso(rev.from_)} -> {format_iso(rev.to)} ({rev.reason})")
    row("Status", action.status)
    if action.signed_off:
        row("Signed off", f"{action.signed_off.date.isoformat()} by {action.signed_off.by}")
    row("Withdrawn", action.withdrawn_reason)
    row("Overdue", f"yes, {overdue_days} days as of {as_of.isoformat()}" if overdue_days
        else f"no (as of {as_of.isoformat()})")
    row("Outcome", action.outcome)
    row("Review date", action.review_date.isoformat() if action.review_date else None)
    row("Evidence", "\n".join(action.evidence))

    log = Table(title=Text("Progress", style="bold"), title_justify="left", box=None, pad_edge=False)
    log.add_column("Date", no_wrap=True)
    log.add_column("Author")
    log.add_column("Text")
    for entry in action.progress:
        log.add_row(Text(entry.date.isoformat()), Text(entry.author or ""), Text(entry.text))
    if not action.progress:
        log.add_row(Text("-"), Text(""), Text("no progress recorded"))
    return Group(fields, Text(""), log)
