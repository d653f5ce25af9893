"""The agencies a round writes to, and the actions each leads.

A `Recipient` is an agency of `data/agencies.yaml` (cap/agencies.py) when the plan has
that file and the action's lead names it; otherwise the lead text itself (`Health`),
so a plan without the file still has its round, one form per lead.

    >>> [r.name for r, _ in group_actions(plan, data_dir)]      # doctest: +SKIP
    ['Norfolk Constabulary', 'Children's Services', 'Education', 'Health', 'NSCB']
"""

from __future__ import annotations

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


def group_actions(plan: Plan, data_dir: Path, actions: Iterable[Action] | None = None
                  ) -> list[tuple[Recipient, list[Action]]]:
    """Each agency leading an open or in-progress action, with those actions (ref order):
    the agencies of data/agencies.yaml in file order, then lead texts naming none, by name
    (cap.agencies.group_by_lead)."""
    from cap.agencies import group_by_lead, load_agencies

    agencies, _problems = load_agencies(data_dir)  # a broken file is cap validate's to report
    chosen = [a for a in (plan.actions if actions is None else actions) if a.is_open]
    out = []
    for lead, led in group_by_lead(chosen, agencies or []).items():
        agency = lead.agency
        names = agency.names() if agency is not None else (lead.name,)
        out.append((Recipient(lead.key, lead.name, tuple(lead.emails), tuple(names)), led))
    return out


def choose(groups: list[tuple[Recipient, list[Action]]], wanted: list[str]) -> list[tuple[Recipient, list[Action]]]:
    """The groups `--lead` names, as every command reads `--lead` (cap.query.lead_keys: an
    id, a name or an alias, whole, any case; else the start of one). Raises UnknownLead
    naming the nearest."""
    from cap.query import lead_keys

    if not wanted:
        return groups
    chosen: dict[str, tuple[Recipient, list[Action]]] = {}
    by_key = {g[0].key: g for g in groups}
    for text in wanted:
        found = [by_key[k] for k in lead_keys(text, {g[0].key: (g[0].key, g[0].name, *g[0].names) for g in groups})]
        if not found:
            from cap.nearest import unknown

            raise UnknownLead(unknown("lead agency", text, [n for g in groups for n in (g[0].name, *g[0].names)],
                                      detail="no such agency leads an open or in-progress action",
                                      plural="agencies with open actions", listed=[g[0].name for g in groups]))
        for g in found:
            chosen[g[0].key] = g
    return [g for g in groups if g[0].key in chosen]
