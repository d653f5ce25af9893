"""Selecting actions: themes by id/alias/prefix, filters, overdue, in natural ref order.

Pure functions of (actions, as_of): nothing here reads files or asks for the date.
(The natural sort key of refs, `natural_key`, lives with the refs in cap.models.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from cap.dates import shift
from cap.models import ACTIVE_STATUSES, Action, Theme, natural_key


class UnknownTheme(LookupError):
    """A theme that matches no id, alias, title or prefix (or more than one): a mistake
    in the command (`exit_code` 2); the message names the nearest themes."""

    exit_code = 2


def _folded(text: str) -> str:
    """Any case, any run of spaces: how a theme's name or title is compared."""
    return " ".join(text.split()).casefold()


def resolve_theme(themes: Iterable[Theme], text: str) -> Theme:
    """A theme by id, alias or title, or an unambiguous prefix of one, any case.

        >>> resolve_theme(plan.themes, "Professional curiosity").id      # doctest: +SKIP
        'curiosity'
    """
    from cap.nearest import unknown

    themes = list(themes)
    wanted = _folded(text)
    names = [(t, _folded(n)) for t in themes for n in (t.id, *t.aliases, t.title)]
    exact = {t.id: t for t, n in names if n == wanted}
    if len(exact) == 1:
        return next(iter(exact.values()))
    prefixed = {t.id: t for t, n in names if wanted and n.startswith(wanted)}
    if len(prefixed) == 1:
        return next(iter(prefixed.values()))
    if prefixed:
        raise UnknownTheme(f"theme {text!r} is ambiguous: it could be {', '.join(prefixed)}")
    known = [n for t in themes for n in (t.id, *t.aliases, t.title)]
    raise UnknownTheme(unknown("theme", text, known, listed=[t.id for t in themes]))


def days_overdue(action: Action, as_of: dt.date) -> int | None:
    """Days past the target date as of `as_of`; None when the action is not overdue.

    Only open and in-progress actions can be overdue; `ongoing` never is. The target
    date itself is not overdue: the day after it is (1 day).
    """
    if not action.is_open or not isinstance(action.target_date, dt.date):
        return None
    days = (as_of - action.target_date).days
    return days if days > 0 else None


def is_overdue(action: Action, as_of: dt.date) -> bool:
    return days_overdue(action, as_of) is not None


def is_due_within(action: Action, as_of: dt.date, days: int) -> bool:
    """Open or in-progress, with a target date from `as_of` to `as_of + days`."""
    if not action.is_open or not isinstance(action.target_date, dt.date):
        return False
    return as_of <= action.target_date <= shift(as_of, days)


def is_slipped(action: Action) -> bool:
    """The target date has been revised to a later one (or to `ongoing`)."""
    original, current = action.original_target, action.target_date
    if original == current:
        return False
    if not isinstance(current, dt.date):
        return True
    return not isinstance(original, dt.date) or current > original


#: The BRAG ratings, in the order reports list them.
BRAG = ("Blue", "Red", "Amber", "Green")
#: The default amber window, in days.
AMBER_DAYS = 30


def brag(action: Action, as_of: dt.date, amber_days: int = AMBER_DAYS) -> str | None:
    """The BRAG rating as of `as_of`; None for a withdrawn action (it carries none).

    Blue: closed or complete. Red: overdue (wins over everything below it). Amber: due
    within `amber_days` of `as_of`, or its target date revised to a later one. Green:
    otherwise on track (including `ongoing` actions).
    """
    if action.status == "withdrawn":
        return None
    if action.status in ("closed", "complete"):
        return "Blue"
    if is_overdue(action, as_of):
        return "Red"
    if is_due_within(action, as_of, amber_days) or is_slipped(action):
        return "Amber"
    return "Green"


def is_stale(action: Action, since: dt.date) -> bool:
    """Open or in-progress with no progress entry dated on or after `since`."""
    if not action.is_open:
        return False
    return not action.progress or max(e.date for e in action.progress) < since


@dataclass
class Filters:
    """What `cap list` and the reports can select; every criterion is ANDed."""

    theme: str | None = None  # a theme id (resolve aliases first with resolve_theme)
    scr: str | None = None
    lead: str | None = None
    statuses: list[str] = field(default_factory=list)
    overdue: bool = False
    due_within: int | None = None
    search: str | None = None
    slipped: bool = False
    # Reviews (issue 14): actions citing a case of this kind (or for all reviews), with the
    # kinds of the cases (`kinds`: case id -> kind); a lead agency named exactly.
    kind: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)
    lead_is: str | None = None
    impact_due: bool = False

    def matches(self, action: Action, as_of: dt.date) -> bool:
        if self.theme and action.theme != self.theme:
            return False
        if self.scr and not (action.all_scrs or self.scr.lower() in (s.lower() for s in action.scrs)):
            return False
        if self.lead and not any(self.lead.lower() in lead.lower() for lead in action.lead):
            return False
        if self.statuses and action.status not in self.statuses:
            return False
        if self.overdue and not is_overdue(action, as_of):
            return False
        if self.due_within is not None and not is_due_within(action, as_of, self.due_within):
            return False
        if self.slipped and not is_slipped(action):
            return False
        if self.search and not _contains(action, self.search.lower()):
            return False
        if self.kind and not (action.all_scrs or any(self.kinds.get(s) == self.kind for s in action.scrs)):
            return False
        if self.lead_is and self.lead_is not in action.lead:
            return False
        if self.impact_due and not is_impact_due(action, as_of):
            return False
        return True


def is_impact_due(action: Action, as_of: dt.date) -> bool:
    """Closed, its impact review date passed (on or before `as_of`), and no impact entry
    dated since its sign-off."""
    if action.status != "closed" or action.impact_review is None or action.impact_review > as_of:
        return False
    signed = action.signed_off.date if action.signed_off else action.impact_review
    return not any(e.date >= signed for e in action.impact)


def _contains(action: Action, needle: str) -> bool:
    if needle in action.action.lower():
        return True
    return any(needle in entry.text.lower() for entry in action.progress)


def select(actions: Iterable[Action], filters: Filters, as_of: dt.date) -> list[Action]:
    """The actions matching every filter, in natural ref order."""
    chosen = [a for a in actions if filters.matches(a, as_of)]
    chosen.sort(key=lambda a: natural_key(a.ref))
    return chosen


__all__ = [
    "ACTIVE_STATUSES", "AMBER_DAYS", "BRAG", "Filters", "UnknownTheme", "brag", "days_overdue",
    "is_due_within", "is_impact_due", "is_overdue", "is_slipped", "is_stale", "resolve_theme", "select",
]
