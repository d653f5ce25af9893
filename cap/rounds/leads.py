"""The agencies a round writes to, and the actions each leads.

A `Recipient` is an agency of `data/agencies.yaml` (cap/agencies.py) when the plan has
that file and the action's lead names it; otherwise the lead text itself (`Health`),
so a plan without the file still has its round, one form per lead.

    >>> [r.name for r, _ in group_actions(plan, data_dir)]      # doctest: +SKIP
    ['Children's Services', 'Education', 'Health', 'NSCB']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from cap.models import Action, Plan


@dataclass(frozen=True)
class Recipient:
    """An agency asked for its updates: its key in the round's record, its name, its addresses."""

    key: str
    name: str
    emails: tuple[str, ...] = ()
    #: Other names it goes by (aliases), for `--lead`.
    names: tuple[str, ...] = field(default=())

    @property
    def has_contact(self) -> bool:
        return bool(self.emails)


class UnknownLead(LookupError):
    """A `--lead` that names no agency leading an open action (the message names the nearest)."""


def _agency_book(data_dir: Path):
    """cap.agencies' view of data/agencies.yaml, or None (no such module or file)."""
    try:
        from cap import agencies  # noqa: F401 - landed by the agencies work (issue 23)
    except ImportError:
        return None
    return _AgencyBook.of(data_dir)


class _AgencyBook:
    """Adapter over cap.agencies: `lead_of(text) -> Recipient | None`."""

    def __init__(self, records: list, match) -> None:
        self.records = records
        self.match = match

    @classmethod
    def of(cls, data_dir: Path):
        from cap import agencies

        load = getattr(agencies, "load_agencies", None)
        match = getattr(agencies, "match_lead", None)
        if load is None or match is None:
            return None
        try:
            found = load(data_dir)
        except Exception:  # noqa: BLE001 - a broken file is cap validate's to report
            return None
        records = found[0] if isinstance(found, tuple) else found
        if not records:
            return None
        return cls(list(records), match)

    def lead_of(self, text: str) -> Recipient | None:
        agency = self.match(self.records, text)
        if agency is None:
            return None
        emails = tuple(c.email for c in getattr(agency, "contacts", []) or [] if getattr(c, "email", None))
        aliases = tuple(getattr(agency, "aliases", []) or [])
        return Recipient(agency.id, agency.name, emails, (agency.id, *aliases))


def recipients_of(action: Action, book) -> list[Recipient]:
    """The agencies leading an action: each lead text's agency, or the text itself."""
    out: dict[str, Recipient] = {}
    for text in action.lead:
        found = book.lead_of(text) if book is not None else None
        recipient = found or Recipient(text, text, (), (text,))
        out.setdefault(recipient.key, recipient)
    return list(out.values())


def group_actions(plan: Plan, data_dir: Path, actions: Iterable[Action] | None = None
                  ) -> list[tuple[Recipient, list[Action]]]:
    """Each agency leading an open or in-progress action, with those actions (ref order),
    agencies by name."""
    book = _agency_book(data_dir)
    groups: dict[str, tuple[Recipient, list[Action]]] = {}
    for action in plan.actions if actions is None else actions:
        if not action.is_open:
            continue
        for recipient in recipients_of(action, book):
            groups.setdefault(recipient.key, (recipient, []))[1].append(action)
    return sorted(groups.values(), key=lambda g: g[0].name.lower())


def choose(groups: list[tuple[Recipient, list[Action]]], wanted: list[str]) -> list[tuple[Recipient, list[Action]]]:
    """The groups `--lead` names (an id, a name or an alias, any case; else a part of a
    name). Raises UnknownLead naming the nearest."""
    if not wanted:
        return groups
    chosen: dict[str, tuple[Recipient, list[Action]]] = {}
    for text in wanted:
        needle = " ".join(text.split()).lower()
        exact = [g for g in groups if needle in {n.lower() for n in (g[0].key, g[0].name, *g[0].names)}]
        found = exact or [g for g in groups if needle and needle in g[0].name.lower()]
        if not found:
            names = [g[0].name for g in groups]
            near = difflib.get_close_matches(text, names, n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else (f"; agencies with open actions: {', '.join(names)}"
                                                                 if names else "")
            raise UnknownLead(f"no agency {text!r} leads an open or in-progress action{hint}")
        for g in found:
            chosen[g[0].key] = g
    return [g for g in groups if g[0].key in chosen]
