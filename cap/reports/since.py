"""What changed since the last meeting, as a block of the plan paper (`cap report --since`).

The same data as `cap changes` (cap.history.plan_changes, cap.changes): the plan at a
revision, or as it stood at the start of a day (the last commit before it), against the
plan now. `changes_block` says it as a `Block` of cap/reports/paper.py, which every
format lays out (md, html, docx, xlsx, json) after the paper's summary, as it lays out
any block a report carries (`Report.blocks`). Dates are the papers' `dd/mm/yyyy`.

    >>> changes = plan_changes(data_dir, "2017-06-01")                   # doctest: +SKIP
    >>> changes_block(changes).heading
    'What changed since the last meeting'
"""

from __future__ import annotations

from cap.changes import ActionAdded, Changes, Closed, ProgressAdded, ProgressEdited, ProgressRemoved, TargetRevised
from cap.historyview import _summary_line, detail, diff_plain, label
from cap.reports.model import paper_date
from cap.reports.paper import Block, Table
from cap.updates import cap_entry_kind

HEADING = "What changed since the last meeting"


def _point(point) -> str:
    if point.commit is None:
        return "the plan now (the files as they are, committed or not)"
    c = point.commit
    return f"the plan as committed on {paper_date(c.committed.date())} ({c.short}, \"{c.subject}\")"


def _who(author: str | None) -> str:
    return f" ({author})" if author else ""


def paper_detail(change) -> str:
    """`cap changes`' detail of a change, its dates as a paper writes them."""
    if isinstance(change, (ProgressAdded, ProgressRemoved)):
        e = change.entry
        return f"{paper_date(e.date)}{_who(e.author)}: {e.text}"
    if isinstance(change, ProgressEdited):
        return f"{paper_date(change.after.date)}{_who(change.after.author)}: {diff_plain(change.diff)}"
    if isinstance(change, TargetRevised):
        why = (f"revised {paper_date(change.date)}: {change.reason}" if change.date and change.reason
               else "no revision recorded")
        return f"{paper_date(change.before)} -> {paper_date(change.after)} ({why})"
    if isinstance(change, Closed):
        return f"signed off {paper_date(change.signed_off.date)} by {change.signed_off.by} (was {change.before})"
    if isinstance(change, ActionAdded):
        a = change.action
        return f"{a.action} (lead {', '.join(a.lead)}; target {paper_date(a.target_date)}; status {a.status})"
    return detail(change)


def changes_block(changes: Changes, spec: str | None = None) -> Block:
    """The block `cap report --since SPEC` adds to the plan paper."""
    asked = f" (--since {spec})" if spec else ""
    paragraphs = [f"From {_point(changes.since)}{asked} to {_point(changes.until)}.", *changes.rounds]
    rows = []
    for group in changes.by_theme():
        for item in group.actions:
            state = f" ({item.state})" if item.state != "changed" else ""
            for change in item.changes:
                if isinstance(change, ProgressAdded) and cap_entry_kind(change.entry):
                    continue  # the entry cap wrote for a change: the change's own row says it
                rows.append((f"{item.ref}{state}", label(change), paper_detail(change)))
    if changes.actions:
        paragraphs.append(_summary_line(changes))
    table = Table("", ("Ref", "Change", "Detail"), tuple(rows), empty="No changes to the plan.")
    return Block(HEADING, paragraphs=tuple(paragraphs), tables=(table,), short="Changes since")


__all__ = ["HEADING", "changes_block", "paper_detail"]
