"""Who has returned: `cap round status`, `cap round chase` and the board papers' line.

    >>> status = round_status(record, actions, as_of=dt.date(2017, 7, 20))     # doctest: +SKIP
    >>> status.headline()                                                      # doctest: +SKIP
    '9 of 11 agencies returned; 2 late: Education, Housing'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cap.dates import format_uk
from cap.models import Action
from cap.rounds.record import AgencyRound, Request, Round, pending_requests


@dataclass
class AgencyStatus:
    agency: AgencyRound
    asked: int
    returned: dt.date | None
    answered: int
    blank: int
    refused: int
    requests: int
    late: bool

    def as_dict(self) -> dict:
        return {
            "agency": self.agency.agency, "name": self.agency.name, "form": self.agency.form,
            "asked": self.asked, "returned": self.returned.isoformat() if self.returned else None,
            "answered": self.answered, "blank": self.blank, "refused": self.refused,
            "retargets_asked": self.requests, "late": self.late,
        }


@dataclass
class RoundStatus:
    round: Round
    as_of: dt.date
    agencies: list[AgencyStatus]
    pending: list[tuple[AgencyRound, Request]] = field(default_factory=list)

    @property
    def returned(self) -> list[AgencyStatus]:
        return [a for a in self.agencies if a.returned is not None]

    @property
    def late(self) -> list[AgencyStatus]:
        return [a for a in self.agencies if a.late]

    @property
    def waiting(self) -> list[AgencyStatus]:
        return [a for a in self.agencies if a.returned is None]

    def headline(self) -> str:
        """`9 of 11 agencies returned; 2 late: Education, Housing`."""
        n = len(self.agencies)
        line = f"{len(self.returned)} of {n} {'agency' if n == 1 else 'agencies'} returned"
        if self.late:
            line += f"; {len(self.late)} late: " + ", ".join(a.agency.name for a in self.late)
        return line

    def as_dict(self) -> dict:
        record = self.round
        return {
            "round": record.id, "started": record.started.isoformat(), "as_of": self.as_of.isoformat(),
            "due": record.due.isoformat(), "headline": self.headline(),
            "returned": len(self.returned), "agencies_asked": len(self.agencies),
            "late": [a.agency.name for a in self.late],
            "agencies": [a.as_dict() for a in self.agencies],
            "retargets_awaiting_decision": [
                {"ref": r.ref, "agency": a.name, "date": r.date.isoformat(),
                 "to": r.to.isoformat() if isinstance(r.to, dt.date) else r.to, "reason": r.reason, "by": r.by}
                for a, r in self.pending
            ],
        }


def round_status(record: Round, actions: dict[str, Action], as_of: dt.date) -> RoundStatus:
    """Per agency: asked, returned (first return's date), rows answered, blank, refused,
    retargets asked for, and late: not returned by the return-by date (as of `as_of`),
    or returned after it."""
    out = []
    for agency in record.agencies:
        first = agency.returns[0] if agency.returns else None
        answered = {ref for r in agency.returns for ref in r.answered}
        blank = {ref for r in agency.returns for ref in r.blank} - answered
        refused = {ref for r in agency.returns for ref in r.refused}
        late = (first is None and as_of > record.due) or (first is not None and first.date > record.due)
        out.append(AgencyStatus(agency, len(agency.asked), first.date if first else None, len(answered),
                                len(blank), len(refused), len(agency.requests), late))
    return RoundStatus(record, as_of, out, pending_requests(record, actions))


def status_lines(status: RoundStatus, actions: dict[str, Action]) -> list[str]:
    """The terminal view: a heading, a line per agency, the headline, the pending retargets."""
    from cap.text import plural

    record = status.round
    lines = [f"Round {record.id}: started {format_uk(record.started, full_year=True)}, return by "
             f"{format_uk(record.due, full_year=True)} (as of {format_uk(status.as_of, full_year=True)})"]
    width = max([len(a.agency.name) for a in status.agencies] + [6])
    lines.append(f"{'Agency':<{width}}  Asked  Returned    Answered  Blank  Refused  Retargets")
    for a in status.agencies:
        returned = format_uk(a.returned, full_year=True) if a.returned else "-"
        mark = "  late" if a.late else ""
        lines.append(f"{a.agency.name:<{width}}  {a.asked:>5}  {returned:<10}  {a.answered:>8}  {a.blank:>5}  "
                     f"{a.refused:>7}  {a.requests:>9}{mark}")
    lines.append(status.headline())
    if status.pending:
        lines.append(f"{plural(len(status.pending), 'retarget')} awaiting the board's decision (cap retarget):")
        for agency, request in status.pending:
            action = actions.get(request.ref)
            was = f" (now {format_uk(action.target_date, full_year=True)})" if action else ""
            lines.append(f"  {request.ref}  {agency.name} asks for {format_uk(request.to, full_year=True)}{was}: "
                         f"{request.reason}")
    return lines


def form_folder(data_dir: Path, record: Round) -> Path:
    from cap.rounds.start import default_folder

    return default_folder(data_dir, record.id)


@dataclass
class Chased:
    agency: AgencyRound
    draft: Path | None
    why: str | None = None


def chase(data_dir: Path, record: Round, actions: dict[str, Action], *, folder: Path, sender: str | None,
          day: dt.date) -> list[Chased]:
    """A reminder draft (the form attached again) for each agency that has not returned."""
    from cap.agencies import load_agencies
    from cap.rounds.drafts import reminder
    from cap.rounds.leads import Recipient
    from cap.store import atomic_write

    agencies, _ = load_agencies(data_dir)
    by_id = {a.id: a for a in agencies or []}
    out = []
    for agency in record.agencies:
        if agency.returns:
            continue
        known = by_id.get(agency.agency)
        emails = tuple(known.emails) if known is not None else ()
        if not emails:
            out.append(Chased(agency, None, "no contact: chase it yourself"))
            continue
        form = folder / agency.form
        if not form.is_file():
            out.append(Chased(agency, None, f"its form {form.name} is not in {folder.as_posix()} (give --forms DIR)"))
            continue
        asked = [actions[a.ref] for a in agency.asked if a.ref in actions]
        raw = reminder(recipient=Recipient(agency.agency, agency.name, emails), record=record, agency_round=agency,
                       actions=asked, form_path=form, sender=sender, day=day)
        path = form.with_name(f"{form.stem}-reminder.eml")
        atomic_write(path, raw)
        out.append(Chased(agency, path))
    return out


def round_block(data_dir: Path, plan, as_of: dt.date):
    """The latest round as the papers show it (cap.reports.model.RoundBlock), or None."""
    from cap.reports.model import RoundBlock
    from cap.rounds.record import latest_round, rounds_dir

    if not rounds_dir(data_dir).is_dir():
        return None
    record, _problems = latest_round(data_dir)
    if record is None:
        return None
    actions = {a.ref: a for a in plan.actions}
    status = round_status(record, actions, as_of)
    return RoundBlock(record.id, record.due, status.headline(),
                      tuple((r.ref, a.name, r.to, r.reason) for a, r in status.pending))
