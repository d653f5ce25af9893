"""Selecting actions: themes by id/alias/prefix, lead agencies (`resolve_lead`), filters,
overdue, in natural ref order.

Pure functions of (actions, as_of): nothing here reads files or asks for the date.
(The natural sort key of refs, `natural_key`, lives with the refs in cap.models.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable

from cap.dates import shift
from cap.agencies import Agency, Lead, fold, name_index, nearest_names
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


class UnknownLead(LookupError):
    """A `--lead` that matches no agency and no lead of the plan: a mistake in the command
    (exit 2); the message is one line with the nearest names."""

    exit_code = 2


@dataclass(frozen=True)
class LeadChoice:
    """What a `--lead` selects: the leads (an agency of agencies.yaml, or a lead text that
    names none), and every lead text of the actions that stands for one of them."""

    query: str
    leads: tuple[Lead, ...]
    texts: frozenset[str]

    @property
    def names(self) -> tuple[str, ...]:
        """The chosen leads' names, as papers show them."""
        return tuple(lead.name for lead in self.leads)


def lead_groups(actions: Iterable[Action], agencies: Iterable[Agency] | None = None) -> dict[Lead, tuple[set, set]]:
    """Each lead (the file's agencies in file order, then the lead texts naming none, by
    name) with (the names that choose it, the lead texts of the actions standing for it)."""
    agencies = list(agencies or [])
    index = name_index(agencies)
    groups: dict[Lead, tuple[set, set]] = {}
    for agency in agencies:
        groups.setdefault(Lead(agency.name, agency), (set(agency.names()), set()))
    unmatched: dict[Lead, tuple[set, set]] = {}
    for action in actions:
        for text in action.lead:
            agency = index.get(fold(text))
            if agency is not None:
                names, texts = groups[Lead(agency.name, agency)]
            else:
                names, texts = unmatched.setdefault(Lead(text), (set(), set()))
            names.add(text)
            texts.add(text)
    for lead in sorted(unmatched, key=lambda g: (g.name.casefold(), g.name)):
        groups[lead] = unmatched[lead]
    return groups


def resolve_lead(query: str, actions: Iterable[Action], agencies: Iterable[Agency] | None = None) -> LeadChoice:
    """What `--lead QUERY` selects, the one rule of every command (list, stats, report, the
    site's agency pages, the round):

    1. a whole name: the lead QUERY names, in any case, spaces as one: an agency of
       agencies.yaml by its id, name or one of its aliases (with every lead text that
       names it), or a lead text of the actions that names no agency;
    2. else a prefix: every lead with such a name beginning with QUERY (`educ`);
    3. else nothing of the plan is so named: UnknownLead, with the nearest names.

    An agency of the file that leads no action is a lead all the same (it selects none).
    """
    groups = lead_groups(actions, agencies)
    chosen = lead_keys(query, {g: names for g, (names, _t) in groups.items()})
    if not chosen:
        raise UnknownLead(_no_lead(query, groups))
    texts = frozenset(t for g in chosen for t in groups[g][1])
    return LeadChoice(query, tuple(chosen), texts)


def lead_keys(query: str, names: dict) -> list:
    """The keys of `names` (key -> the names that choose it) that `--lead QUERY` chooses,
    in their order: those with a name equal to QUERY (any case, spaces as one), else
    those with a name beginning with it; [] when none (the rule of `resolve_lead`)."""
    want = fold(query)
    if not want:
        return []
    folded = {key: [fold(n) for n in given] for key, given in names.items()}
    whole = [key for key, given in folded.items() if want in given]
    return whole or [key for key, given in folded.items() if any(n.startswith(want) for n in given)]


def _no_lead(query: str, groups: dict[Lead, tuple[set, set]]) -> str:
    shown = {name: g.name for g, (names, _t) in groups.items() for name in sorted(names)}
    near = list(dict.fromkeys(shown[n] for n in nearest_names(query, list(shown), n=6)))[:3]
    if near:
        return f"no lead agency matches {query!r}; did you mean: {', '.join(near)}?"
    if not groups:
        return f"no lead agency matches {query!r}: the plan has no lead agencies"
    names = [g.name for g in groups]
    listed = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    return f"no lead agency matches {query!r}; lead agencies: {listed}"


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
    #: The lead texts `lead` stands for (`resolve_lead(...).texts`); None: `select` resolves
    #: `lead` against the actions it is given (without agencies.yaml), `matches` alone by prefix.
    lead_texts: frozenset[str] | None = None
    #: The names of the leads chosen, for the words at the top of a paper.
    lead_names: tuple[str, ...] = ()

    def matches(self, action: Action, as_of: dt.date) -> bool:
        if self.theme and action.theme != self.theme:
            return False
        if self.scr and not (action.all_scrs or self.scr.lower() in (s.lower() for s in action.scrs)):
            return False
        if self.lead_texts is not None:
            if not any(text in self.lead_texts for text in action.lead):
                return False
        elif self.lead and not any(fold(text).startswith(fold(self.lead)) for text in action.lead):
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
    if filters.lead and filters.lead_texts is None:
        actions = list(actions)
        try:
            filters = replace(filters, lead_texts=resolve_lead(filters.lead, actions).texts)
        except UnknownLead:
            return []
    chosen = [a for a in actions if filters.matches(a, as_of)]
    chosen.sort(key=lambda a: natural_key(a.ref))
    return chosen


__all__ = [
    "ACTIVE_STATUSES", "AMBER_DAYS", "BRAG", "Filters", "LeadChoice", "UnknownLead", "UnknownTheme", "brag",
    "days_overdue", "is_due_within", "is_impact_due", "is_overdue", "is_slipped", "is_stale", "lead_groups", "lead_keys",
    "resolve_lead", "resolve_theme", "select",
]
