"""Showing `cap changes` and `cap history`: a terminal table, Markdown, JSON.

The Markdown is for pull-request comments and board papers: every text from the plan
is escaped, so an action's `*`, `_`, `|` or `<` shows as written. Word diffs are shown
as `[-removed-]{+added+}` in the terminal (red/green when colour is on) and as
`~~removed~~ **added**` in Markdown; long unchanged runs are shortened around the edits
(JSON keeps every word).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from cap.changes import (
    ActionAdded,
    ActionRemoved,
    Change,
    Changes,
    Closed,
    FieldEdited,
    ProgressAdded,
    ProgressEdited,
    ProgressRemoved,
    Segment,
    StatusChanged,
    TargetRevised,
    Withdrawn,
)
from cap.dates import format_iso
from cap.history import ActionHistory
from cap.text import first_line, visible

#: Words of unchanged text kept either side of an edit.
CONTEXT_WORDS = 6

FIELD_NAMES = {
    "action": "action text",
    "lead": "lead",
    "scrs": "SCRs",
    "theme": "theme",
    "owner": "owner",
    "outcome": "outcome",
    "review_date": "review date",
    "evidence": "evidence",
    "signed_off": "sign-off",
    "withdrawn_reason": "withdrawal reason",
    "target_history": "target history (revision removed)",
}


def shorten_equal(diff: Iterable[Segment], context: int = CONTEXT_WORDS) -> list[Segment]:
    """Keep `context` words of unchanged text around each edit; `…` for the rest."""
    segments = list(diff)
    out: list[Segment] = []
    for i, (op, text) in enumerate(segments):
        if op != "=":
            out.append((op, text))
            continue
        words = text.split()
        first, last = i == 0, i == len(segments) - 1
        if first and last:
            out.append((op, text))
            continue
        keep_head = 0 if first else context
        keep_tail = 0 if last else context
        if len(words) <= keep_head + keep_tail + 1:
            out.append((op, text))
            continue
        head = " ".join(words[:keep_head])
        tail = " ".join(words[len(words) - keep_tail:]) if keep_tail else ""
        out.append((op, " ".join(p for p in (head, "…", tail) if p)))
    return out


def diff_plain(diff: Iterable[Segment], sep: str = " ") -> str:
    """`kept [-removed-] {+added+} kept`, the form of `git diff --word-diff`."""
    parts = []
    for op, text in shorten_equal(diff):
        parts.append(text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return sep.join(parts)


def diff_markdown(diff: Iterable[Segment], sep: str = " ") -> str:
    parts = []
    for op, text in shorten_equal(diff):
        safe = md(text)
        parts.append(safe if op == "=" else f"~~{safe}~~" if op == "-" else f"**{safe}**")
    return sep.join(parts)


#: Inline Markdown specials (user text never starts a line, so `#`, `-`, `1.` are safe).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(text: str | None) -> str:
    """User text made safe for Markdown: specials escaped, control characters shown
    escaped (`\\x1b`), one line."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(visible(text).split()))


def _who(author: str | None) -> str:
    return f" ({author})" if author else ""


def _md_who(author: str | None) -> str:
    return f" ({md(author)})" if author else ""


# ---------------------------------------------------------------- one change, described


def label(change: Change) -> str:
    """The short name of a change, for the table's Change column."""
    if isinstance(change, FieldEdited):
        return f"{FIELD_NAMES.get(change.field, change.field)} edited"
    return {
        "added": "action added",
        "removed": "action removed",
        "progress": "progress",
        "progress-removed": "progress removed",
        "progress-edited": "progress edited",
        "status": "status",
        "target": "target date",
        "closed": "closed",
        "withdrawn": "withdrawn",
    }[change.kind]


def detail(change: Change) -> str:
    """The plain-text detail of a change (the table's Detail column)."""
    if isinstance(change, ActionAdded):
        a = change.action
        return (
            f"{a.action} (lead {', '.join(a.lead)}; target {format_iso(a.target_date)}; status {a.status}"
            + (f"; SCRs {a.scr_label()}" if a.scr_label() else "")
            + ")"
        )
    if isinstance(change, ActionRemoved):
        return f"{change.action.action} (was {change.action.status})"
    if isinstance(change, (ProgressAdded, ProgressRemoved)):
        return f"{change.entry.date.isoformat()}{_who(change.entry.author)}: {change.entry.text}"
    if isinstance(change, ProgressEdited):
        return f"{change.after.date.isoformat()}{_who(change.after.author)}: {diff_plain(change.diff)}"
    if isinstance(change, StatusChanged):
        return f"{change.before} -> {change.after}"
    if isinstance(change, TargetRevised):
        why = (
            f"revised {change.date.isoformat()}: {change.reason}" if change.date and change.reason
            else "no revision recorded in target_history"
        )
        return f"{format_iso(change.before)} -> {format_iso(change.after)} ({why})"
    if isinstance(change, Closed):
        return f"signed off {change.signed_off.date.isoformat()} by {change.signed_off.by} (was {change.before})"
    if isinstance(change, Withdrawn):
        return f"{change.reason or 'no reason recorded'} (was {change.before})"
    if isinstance(change, FieldEdited):
        if change.before.split() == change.after.split():
            return "spacing only"
        return diff_plain(change.diff, change.separator)
    raise TypeError(change)  # pragma: no cover


def markdown_item(change: Change) -> str:
    """One change as a Markdown list item's text."""
    if isinstance(change, ActionAdded):
        a = change.action
        scrs = f"; SCRs {md(a.scr_label())}" if a.scr_label() else ""
        return (
            f"**Added**: {md(a.action)} (lead {md(', '.join(a.lead))}; target {format_iso(a.target_date)}; "
            f"status {a.status}{scrs})"
        )
    if isinstance(change, ActionRemoved):
        return f"**Removed** (was {change.action.status}): {md(change.action.action)}"
    if isinstance(change, ProgressAdded):
        e = change.entry
        return f"**Progress** {e.date.isoformat()}{_md_who(e.author)}: {md(e.text)}"
    if isinstance(change, ProgressRemoved):
        e = change.entry
        return f"**Progress entry removed** {e.date.isoformat()}{_md_who(e.author)}: ~~{md(e.text)}~~"
    if isinstance(change, ProgressEdited):
        e = change.after
        return f"**Progress entry edited** {e.date.isoformat()}{_md_who(e.author)}: {diff_markdown(change.diff)}"
    if isinstance(change, StatusChanged):
        return f"**Status**: {change.before} → {change.after}"
    if isinstance(change, TargetRevised):
        why = (
            f" (revised {change.date.isoformat()}: {md(change.reason)})" if change.date and change.reason
            else " (no revision recorded)"
        )
        return f"**Target date**: {format_iso(change.before)} → {format_iso(change.after)}{why}"
    if isinstance(change, Closed):
        s = change.signed_off
        return f"**Closed**: signed off {s.date.isoformat()} by {md(s.by)} (was {change.before})"
    if isinstance(change, Withdrawn):
        return f"**Withdrawn** (was {change.before}): {md(change.reason) or 'no reason recorded'}"
    if isinstance(change, FieldEdited):
        name = FIELD_NAMES.get(change.field, change.field)
        body = "spacing only" if change.before.split() == change.after.split() else diff_markdown(change.diff, change.separator)
        return f"**{name[0].upper() + name[1:]} edited**: {body}"
    raise TypeError(change)  # pragma: no cover


def _styled_detail(change: Change):
    """The detail as a rich Text: diff markers coloured (colour only adds, never replaces)."""
    from rich.text import Text

    text = Text()
    diff, sep = None, " "
    if isinstance(change, FieldEdited) and change.before.split() != change.after.split():
        diff, sep = change.diff, change.separator
    elif isinstance(change, ProgressEdited):
        text.append(visible(f"{change.after.date.isoformat()}{_who(change.after.author)}: "))
        diff = change.diff
    if diff is None:
        return _cell(detail(change))
    for i, (op, words) in enumerate(shorten_equal(diff)):
        if i:
            text.append(sep)
        if op == "=":
            text.append(visible(words))
        elif op == "-":
            text.append(f"[-{visible(words)}-]", style="red strike")
        else:
            text.append(f"{{+{visible(words)}+}}", style="green")
    return _one_line(text)


def _cell(value: str):
    """A table cell that stays one line: the first line of the text, visible, cut with `…`."""
    from rich.text import Text

    return Text(first_line(value), no_wrap=True, overflow="ellipsis")


def _one_line(text):
    """A styled Text cut to its first line (`…` when more follow), kept to one line."""
    lines = [line for line in text.split("\n") if line.plain.strip()]
    if not lines:
        return _cell("")
    one = lines[0]
    if len(lines) > 1:
        one.append(" …")
    one.no_wrap, one.overflow = True, "ellipsis"
    return one


# ---------------------------------------------------------------- cap changes


def _summary_line(changes: Changes) -> str:
    s = changes.summary()
    parts = [
        f"{s['added']} added", f"{s['removed']} removed", f"{s['changed']} changed",
    ]
    detail_parts = [
        (s["progress"], "progress entry", "progress entries"),
        (s["status"], "status change", "status changes"),
        (s["target"], "target date revised", "target dates revised"),
        (s["closed"], "closed", "closed"),
        (s["withdrawn"], "withdrawn", "withdrawn"),
        (s["edited"], "edit", "edits"),
        (s["progress_removed"], "progress entry removed", "progress entries removed"),
    ]
    extra = [f"{n} {one if n == 1 else many}" for n, one, many in detail_parts if n]
    return "Actions: " + ", ".join(parts) + (". " + ", ".join(extra) + "." if extra else ".")


def changes_title(changes: Changes) -> str:
    return f"Changes to the plan from {changes.since.label()} to {changes.until.label()}"


def changes_table(changes: Changes):
    """The terminal view: a title, a summary, then per theme a table of Ref, Change, Detail."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(visible(changes_title(changes)), style="bold")]
    parts += [Text(visible(line)) for line in changes.rounds]
    if not changes.actions:
        if not changes.rounds:
            parts.append(Text("No changes to the plan."))
        return Group(*parts)
    parts.append(Text(_summary_line(changes)))
    for group in changes.by_theme():
        parts.append(Text(""))
        parts.append(Text(visible(group.title), style="bold"))
        table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
        table.add_column("Ref", no_wrap=True)
        table.add_column("Change", no_wrap=True)
        table.add_column("Detail", ratio=1)
        for item in group.actions:
            for i, change in enumerate(item.changes):
                table.add_row(_cell(item.ref if i == 0 else ""), Text(label(change)), _styled_detail(change))
        parts.append(table)
    return Group(*parts)


def _md_point(point) -> str:
    if point.commit is None:
        return "the working tree"
    c = point.commit
    return f"`{c.short}` ({c.committed.date().isoformat()}, {md(c.subject)})"


def changes_markdown(changes: Changes) -> str:
    """Markdown for a pull-request comment or a board paper."""
    lines = [f"## Changes to the plan from {_md_point(changes.since)} to {_md_point(changes.until)}", ""]
    if changes.rounds:
        lines += [f"- {md(line)}" for line in changes.rounds] + [""]
    if not changes.actions:
        if not changes.rounds:
            lines.append("No changes to the plan.")
    else:
        lines += [_summary_line(changes), ""]
        for group in changes.by_theme():
            lines += [f"### {md(group.title)}", ""]
            for item in group.actions:
                lines.append(f"#### {item.ref}" + (f" ({item.state})" if item.state != "changed" else ""))
                lines.append("")
                lines += [f"- {markdown_item(c)}" for c in item.changes]
                lines.append("")
    if changes.problems:
        lines += ["", "### Files that could not be read", ""]
        lines += [f"- `{p.path}:{p.line}:{p.col}` {p.code} {md(p.message)}" for p in changes.problems]
    return "\n".join(lines).rstrip("\n") + "\n"


def changes_record(changes: Changes) -> dict[str, Any]:
    """JSON-ready: both ends, the summary, themes with their actions and changes, problems."""
    return {
        "since": changes.since.as_dict(),
        "until": changes.until.as_dict(),
        "summary": changes.summary(),
        "themes": [
            {
                "id": g.id,
                "number": g.theme.number if g.theme else None,
                "title": g.theme.title if g.theme else None,
                "actions": [
                    {"ref": a.ref, "state": a.state, "changes": [c.as_dict() for c in a.changes]}
                    for a in g.actions
                ],
            }
            for g in changes.by_theme()
        ],
        "problems": [p.as_dict() for p in changes.problems],
        "rounds": list(changes.rounds),
    }


# ---------------------------------------------------------------- cap history


def _step_heading(step) -> tuple[str, str, str]:
    if step.commit is None:
        return "(now)", "", "uncommitted changes in the working tree"
    c = step.commit
    return c.authored.date().isoformat(), c.author, f"{c.subject} ({c.short})"


def history_table(history: ActionHistory, width: int = 160):
    """The terminal view: one line a change (texts cut with `…`; `--format md` or `json`
    has every word). On a narrow screen the author and the commit give way to the detail."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = Text(visible(f"History of {history.ref} ({history.path})"), style="bold")
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    table.add_column("Date", no_wrap=True)
    spare = max(width - 60, 0)
    table.add_column("Author", max_width=max(10, min(20, spare // 3)))
    table.add_column("Commit", max_width=max(14, min(36, spare // 2)))
    table.add_column("Change", no_wrap=True)
    table.add_column("Detail", ratio=1)
    for step in history.steps:
        date, author, subject = _step_heading(step)
        rows: list[tuple[Any, Any]] = [(Text(label(c)), _styled_detail(c)) for c in step.changes]
        rows += [(Text("unreadable"), _cell(p.text())) for p in step.problems]
        if not rows:
            rows = [(Text("-"), Text("no change to the action (layout only)"))]
        for i, (what, text) in enumerate(rows):
            first = i == 0
            table.add_row(
                Text(date if first else ""), _cell(author if first else ""), _cell(subject if first else ""), what, text
            )
    if not history.steps:
        return Group(title, Text("No commits have touched this action."))
    return Group(title, table)


def history_markdown(history: ActionHistory) -> str:
    lines = [f"## History of {history.ref}", ""]
    for step in history.steps:
        date, author, subject = _step_heading(step)
        who = f", {md(author)}" if author else ""
        lines.append(f"### {date}{who}: {md(subject)}")
        lines.append("")
        items = [f"- {markdown_item(c)}" for c in step.changes]
        items += [f"- **Could not be read**: `{p.path}:{p.line}:{p.col}` {p.code} {md(p.message)}" for p in step.problems]
        lines += items or ["- No change to the action (layout only)"]
        lines.append("")
    if not history.steps:
        lines.append("No commits have touched this action.")
    return "\n".join(lines).rstrip("\n") + "\n"


def history_record(history: ActionHistory) -> dict[str, Any]:
    return {
        "ref": history.ref,
        "path": history.path,
        "steps": [
            {
                **(s.commit.as_dict() if s.commit else {"commit": None, "working_tree": True}),
                "changes": [c.as_dict() for c in s.changes],
                "problems": [p.as_dict() for p in s.problems],
            }
            for s in history.steps
        ],
    }
