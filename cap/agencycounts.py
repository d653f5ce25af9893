"""`cap agencies`: each lead agency with its open, overdue and due-soon counts, and
whether it has a contact. Pure: a function of (actions, agencies, as_of).

The agencies are those `--lead` chooses among (cap.query.lead_groups): the agencies of
data/agencies.yaml in file order (those leading nothing too), then the lead texts that
name none of them, by name.

    >>> rows = agency_counts(plan.actions, agencies, dt.date(2017, 7, 1))   # doctest: +SKIP
    >>> rows[0].name, rows[0].open, rows[0].overdue
    ('NSCB', 13, 6)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from cap.agencies import Agency
from cap.models import Action, natural_key
from cap.query import AMBER_DAYS, is_due_within, is_overdue, lead_groups


@dataclass(frozen=True)
class AgencyCount:
    """One agency's line: `id` is None for a lead text no agency of the file names."""

    name: str
    id: str | None
    open: int
    overdue: int
    due_soon: int
    emails: tuple[str, ...]
    contacts: int
    refs: tuple[str, ...]  # its open actions

    @property
    def has_contact(self) -> bool:
        """An email to send its form to (a contact with no email cannot be sent one)."""
        return bool(self.emails)

    def record(self) -> dict[str, Any]:
        """The line as JSON gives it."""
        return {
            "id": self.id, "name": self.name, "in_agencies_file": self.id is not None, "open": self.open,
            "overdue": self.overdue, "due_soon": self.due_soon, "has_contact": self.has_contact,
            "contacts": self.contacts, "emails": list(self.emails), "open_refs": list(self.refs),
        }


def agency_counts(actions: Iterable[Action], agencies: list[Agency] | None, as_of: dt.date,
                  due_days: int = AMBER_DAYS) -> list[AgencyCount]:
    """Each agency's counts as of `as_of`: open (open or in progress), overdue (of those),
    due soon (target date within `due_days` of `as_of`)."""
    actions = list(actions)
    rows = []
    for lead, (_names, texts) in lead_groups(actions, agencies).items():
        led = [a for a in actions if a.is_open and texts.intersection(a.lead)]
        agency = lead.agency
        rows.append(AgencyCount(
            name=lead.name,
            id=agency.id if agency is not None else None,
            open=len(led),
            overdue=sum(1 for a in led if is_overdue(a, as_of)),
            due_soon=sum(1 for a in led if is_due_within(a, as_of, due_days)),
            emails=tuple(agency.emails) if agency is not None else (),
            contacts=len(agency.contacts) if agency is not None else 0,
            refs=tuple(sorted((a.ref for a in led), key=natural_key)),
        ))
    return rows


__all__ = ["AgencyCount", "agency_counts"]
