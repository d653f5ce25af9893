"""The vocabulary of changes: what happened to an action between two versions.

`diff_actions(old, new)` says it in the plan's own terms (progress added, edited or
removed, status changed, target revised, closed, withdrawn, texts edited as word
diffs); `Changes` gathers that for the whole plan, by theme in ref order. Pure: no git,
no files (cap.history reads the versions, cap.historyview shows the result).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

from cap.dates import format_iso
from cap.gitio import Point
from cap.models import Action, ImpactEntry, ProgressEntry, SignOff, TargetRevision, Theme
from cap.problems import Problem


Segment = tuple[str, str]  # ("=" | "-" | "+", words)


def word_diff(before: str, after: str) -> tuple[Segment, ...]:
    """A word-level diff: runs of kept ("="), removed ("-") and added ("+") words."""
    return _token_diff(before.split(), after.split(), " ")


def item_diff(before: Sequence[str], after: Sequence[str]) -> tuple[Segment, ...]:
    """A list's diff, item by item (items of a run joined with `, `)."""
    return _token_diff(list(before), list(after), ", ")


def _token_diff(a: list[str], b: list[str], sep: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", sep.join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", sep.join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", sep.join(b[j1:j2])))
    return tuple(out)


def _entry_dict(entry: ProgressEntry) -> dict[str, Any]:
    return {"date": entry.date.isoformat(), "author": entry.author, "text": entry.text}


class Change:
    """One thing that happened to an action. `kind` names it in JSON."""

    kind: ClassVar[str]

    def as_dict(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True, eq=True)
class ActionAdded(Change):
    action: Action
    kind: ClassVar[str] = "added"

    def as_dict(self) -> dict[str, Any]:
        a = self.action
        return {
            "kind": self.kind, "action": a.action, "lead": list(a.lead), "scrs": a.scr_label(),
            "target_date": format_iso(a.target_date), "status": a.status,
            "progress": [_entry_dict(e) for e in a.progress],
        }


@dataclass(frozen=True, eq=True)
class ActionRemoved(Change):
    action: Action
    kind: ClassVar[str] = "removed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action.action, "status": self.action.status}


@dataclass(frozen=True, eq=True)
class ProgressAdded(Change):
    entry: ProgressEntry
    kind: ClassVar[str] = "progress"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **_entry_dict(self.entry)}


@dataclass(frozen=True, eq=True)
class ProgressRemoved(Change):
    """Progress is append-only: a removed entry is worth a reviewer's attention."""

    entry: ProgressEntry
    kind: ClassVar[str] = "progress-removed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **_entry_dict(self.entry)}


@dataclass(frozen=True, eq=True)
class ProgressEdited(Change):
    """An entry replaced by another of the same date: shown as a word diff."""

    before: ProgressEntry
    after: ProgressEntry
    kind: ClassVar[str] = "progress-edited"

    @property
    def diff(self) -> tuple[Segment, ...]:
        return word_diff(self.before.text, self.after.text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "date": self.after.date.isoformat(),
            "author_before": self.before.author, "author": self.after.author,
            "before": self.before.text, "after": self.after.text, "diff": [list(s) for s in self.diff],
        }


@dataclass(frozen=True, eq=True)
class StatusChanged(Change):
    before: str
    after: str
    kind: ClassVar[str] = "status"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "to": self.after}


@dataclass(frozen=True, eq=True)
class TargetRevised(Change):
    """A new target date; `date` and `reason` come from target_history (None if unrecorded)."""

    before: dt.date | str
    after: dt.date | str
    reason: str | None
    date: dt.date | None
    kind: ClassVar[str] = "target"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "from": format_iso(self.before), "to": format_iso(self.after),
            "reason": self.reason, "date": self.date.isoformat() if self.date else None,
        }


@dataclass(frozen=True, eq=True)
class Closed(Change):
    """Signed off by the board: status now `closed`."""

    before: str
    signed_off: SignOff
    kind: ClassVar[str] = "closed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "date": self.signed_off.date.isoformat(), "by": self.signed_off.by}


@dataclass(frozen=True, eq=True)
class Withdrawn(Change):
    before: str
    reason: str | None
    kind: ClassVar[str] = "withdrawn"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "reason": self.reason}


@dataclass(frozen=True, eq=True)
class FieldEdited(Change):
    """A field edited (action, lead, SCRs, owner ...): a word diff, or for a list
    (lead, SCRs, evidence) a diff of its items."""

    field: str
    before: str
    after: str
    before_items: tuple[str, ...] | None = None
    after_items: tuple[str, ...] | None = None
    kind: ClassVar[str] = "edited"

    @property
    def separator(self) -> str:
        """What joins the parts of a diff segment: `, ` between items, ` ` between words."""
        return ", " if self.before_items is not None else " "

    @property
    def diff(self) -> tuple[Segment, ...]:
        if self.before_items is not None and self.after_items is not None:
            return item_diff(self.before_items, self.after_items)
        return word_diff(self.before, self.after)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "field": self.field, "from": self.before, "to": self.after,
            "diff": [list(s) for s in self.diff],
        }


def _revision_text(rev: TargetRevision) -> str:
    return f"{rev.date.isoformat()}: {format_iso(rev.from_)} -> {format_iso(rev.to)} ({rev.reason})"


#: Fields shown as edits, in this order: how each is written, and its items (lists only).
_EDITED_FIELDS: tuple[tuple[str, Any, Any], ...] = (
    ("action", lambda a: a.action, None),
    ("lead", lambda a: ", ".join(a.lead), lambda a: tuple(a.lead)),
    ("scrs", lambda a: a.scr_label(), lambda a: (*a.scrs, *(["All"] if a.all_scrs else []))),
    ("theme", lambda a: a.theme, None),
    ("owner", lambda a: a.owner or "", None),
    ("outcome", lambda a: a.outcome or "", None),
    ("review_date", lambda a: a.review_date.isoformat() if a.review_date else "", None),
    ("evidence", lambda a: "; ".join(a.evidence), lambda a: tuple(a.evidence)),
    # Issue 14: the recommendations an action answers, and its impact log.
    ("recommendations", lambda a: ", ".join(a.recommendations), lambda a: tuple(a.recommendations)),
    ("impact", lambda a: "; ".join(f"{e.date.isoformat()}: {e.text}" for e in a.impact),
     lambda a: tuple(f"{e.date.isoformat()}: {e.text}" for e in a.impact)),
)


def removed_from(old: list, new: list) -> list:
    """Items of `old` not in `new`, counting repeats (a multiset difference, in old's order)."""
    left = Counter(entry_key(x) for x in new)
    out = []
    for item in old:
        k = entry_key(item)
        if left[k]:
            left[k] -= 1
        else:
            out.append(item)
    return out


def entry_key(item: Any) -> Any:
    if isinstance(item, (ProgressEntry, ImpactEntry)):
        return (item.date, item.author, item.text)
    if isinstance(item, TargetRevision):
        return (item.date, item.from_, item.to, item.reason)
    return item


def diff_actions(old: Action | None, new: Action | None) -> list[Change]:
    """What happened to one action between two versions (either may be absent)."""
    if old is None and new is None:
        return []
    if old is None:
        return [ActionAdded(new)]
    if new is None:
        return [ActionRemoved(old)]
    changes: list[Change] = []

    # progress entries: added, removed, or edited (removed + added on the same date)
    added = removed_from(new.progress, old.progress)
    removed = removed_from(old.progress, new.progress)
    edits: list[Change] = []
    for gone in list(removed):
        twin = next((e for e in added if e.date == gone.date), None)
        if twin is not None:
            added.remove(twin)
            removed.remove(gone)
            edits.append(ProgressEdited(gone, twin))
    changes += [ProgressAdded(e) for e in added]
    changes += edits
    changes += [ProgressRemoved(e) for e in removed]

    # status, with closures and withdrawals named as such
    closure = withdrawal = False
    if old.status != new.status:
        if new.status == "closed" and new.signed_off is not None:
            changes.append(Closed(old.status, new.signed_off))
            closure = True
        elif new.status == "withdrawn":
            changes.append(Withdrawn(old.status, new.withdrawn_reason))
            withdrawal = True
        else:
            changes.append(StatusChanged(old.status, new.status))

    # target date: recorded revisions, or a bare change of the date
    revisions = removed_from(new.target_history, old.target_history)
    changes += [TargetRevised(r.from_, r.to, r.reason, r.date) for r in revisions]
    if old.target_date != new.target_date and not any(r.to == new.target_date for r in revisions):
        changes.append(TargetRevised(old.target_date, new.target_date, None, None))
    dropped = removed_from(old.target_history, new.target_history)
    if dropped:
        changes.append(FieldEdited("target_history", "; ".join(_revision_text(r) for r in dropped), ""))

    # texts, lists and the remaining fields, as word diffs
    for name, show, items in _EDITED_FIELDS:
        before, after = show(old), show(new)
        if before != after:
            if items is None:
                changes.append(FieldEdited(name, before, after))
            else:
                changes.append(FieldEdited(name, before, after, items(old), items(new)))
    if old.signed_off != new.signed_off and not closure:
        show_sign = lambda s: f"{s.date.isoformat()} by {s.by}" if s else ""  # noqa: E731
        changes.append(FieldEdited("signed_off", show_sign(old.signed_off), show_sign(new.signed_off)))
    if old.withdrawn_reason != new.withdrawn_reason and not withdrawal:
        changes.append(FieldEdited("withdrawn_reason", old.withdrawn_reason or "", new.withdrawn_reason or ""))
    return changes


# ====================================================================== changes between two plans


@dataclass
class ActionChanges:
    """Everything that happened to one action between two points."""

    ref: str
    theme: str
    before: Action | None
    after: Action | None
    changes: list[Change]

    @property
    def state(self) -> str:
        """`added`, `removed` or `changed`."""
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass
class ThemeGroup:
    id: str
    theme: Theme | None
    actions: list[ActionChanges]

    @property
    def title(self) -> str:
        return f"{self.theme.number}. {self.theme.title}" if self.theme else self.id


@dataclass
class Changes:
    """The difference between the plan at two points, per action, in natural ref order."""

    since: Point
    until: Point
    actions: list[ActionChanges]
    themes: list[Theme]
    problems: list[Problem]
    #: What changed in the update rounds' records (cap/rounds/changes.py), one line each.
    rounds: list[str] = field(default_factory=list)

    def by_theme(self) -> list[ThemeGroup]:
        """Groups in theme-number order (themes no longer defined come last, by id)."""
        known = {t.id: t for t in self.themes}
        groups: dict[str, ThemeGroup] = {}
        for item in self.actions:
            groups.setdefault(item.theme, ThemeGroup(item.theme, known.get(item.theme), [])).actions.append(item)
        return sorted(
            groups.values(), key=lambda g: (g.theme is None, g.theme.number if g.theme else 0, g.id)
        )

    def summary(self) -> dict[str, int]:
        """Counts: actions added/removed/changed, and each kind of change."""
        counts = Counter(item.state for item in self.actions)
        kinds = Counter(c.kind for item in self.actions for c in item.changes)
        return {
            "added": counts["added"],
            "removed": counts["removed"],
            "changed": counts["changed"],
            "progress": kinds["progress"],
            "status": kinds["status"],
            "target": kinds["target"],
            "closed": kinds["closed"],
            "withdrawn": kinds["withdrawn"],
            "edited": kinds["edited"] + kinds["progress-edited"],
            "progress_removed": kinds["progress-removed"],
        }
