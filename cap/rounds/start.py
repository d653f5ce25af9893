"""`cap round start`: one return form per agency, the round's record, and the drafts.

    >>> result = start_round(data_dir, plan, due=dt.date(2017, 7, 14),
    ...                      as_of=dt.date(2017, 7, 1), today=dt.date(2017, 7, 1))  # doctest: +SKIP
    >>> [line for line in summary_lines(result)][-1]                               # doctest: +SKIP
    'round 2017-07: 9 forms written to returns/2017-07, 22 actions asked about, ...'

The forms are written first (into a folder outside the data folder: cap.outputs), then
the round's record, atomically, under the plan's lock: a round is recorded only once its
forms are there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cap.models import Plan
from cap.rounds.forms import FormRequest
from cap.rounds.leads import Recipient, choose, group_actions
from cap.rounds.record import AgencyRound, Asked, Round, fingerprint, round_files, round_id_for, round_path


class StartRefused(Exception):
    """A round that cannot start: one line; `exit_code` 1 (the plan) or 2 (the command)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class FormWritten:
    recipient: Recipient
    path: Path
    refs: list[str]
    actions: list = field(default_factory=list)
    draft: Path | None = None


@dataclass
class Started:
    round: Round
    folder: Path
    record_path: Path
    forms: list[FormWritten] = field(default_factory=list)


def default_folder(data_dir: Path, round_id: str) -> Path:
    """`returns/ROUND-ID/` beside the data folder (the repository's top)."""
    return Path(data_dir).parent / "returns" / round_id


def start_round(
    data_dir: Path,
    plan: Plan,
    *,
    due: dt.date,
    as_of: dt.date,
    today: dt.date,
    leads: list[str] = (),
    folder: Path | None = None,
    fmt: str = "xlsx",
    reply_to: str | None = None,
    email: bool = False,
    sender: str | None = None,
) -> Started:
    """Write the forms (and with `email` the drafts), then record the round."""
    from cap.outputs import OutputRefused, check_output
    from cap.rounds.leads import UnknownLead
    from cap.slugs import unique_slugs
    from cap.store import atomic_write, plan_lock

    if due < as_of:
        raise StartRefused(f"the return-by date {due.isoformat()} is before the round's date {as_of.isoformat()}")
    groups = group_actions(plan, data_dir)
    try:
        groups = choose(groups, list(leads))
    except UnknownLead as exc:
        raise StartRefused(str(exc)) from None
    if not groups:
        raise StartRefused("no agency leads an open or in-progress action: there is nothing to ask", 1)
    taken = {p.stem for p in round_files(data_dir)}
    round_id = round_id_for(as_of, taken)
    folder = Path(folder) if folder is not None else default_folder(data_dir, round_id)
    try:
        check_output(folder, data_dir, folder=True)
    except OutputRefused as exc:
        raise StartRefused(str(exc)) from None
    slugs = unique_slugs([r.name for r, _ in groups])
    record = Round(id=round_id, started=today, as_of=as_of, due=due, format=fmt, agencies=[])
    prints: dict[str, str] = {}
    jobs = []
    for recipient, actions in groups:
        for action in actions:
            if action.ref not in prints:
                prints[action.ref] = fingerprint(action)
        name = f"{slugs[recipient.name]}.{fmt}"
        record.agencies.append(AgencyRound(
            agency=recipient.key, name=recipient.name, form=name,
            asked=[Asked(ref=a.ref, fingerprint=prints[a.ref], status=a.status) for a in actions]))
        form = FormRequest(round_id, recipient.key, recipient.name, today, as_of, due, reply_to, actions,
                           [prints[a.ref] for a in actions])
        jobs.append((recipient, actions, folder / name, form))
    from cap.rounds.record import round_text

    text = round_text(record)
    folder.mkdir(parents=True, exist_ok=True)
    started = Started(record, folder, round_path(data_dir, round_id))
    for recipient, actions, path, form in jobs:
        atomic_write(path, render_form(form, fmt))
        started.forms.append(FormWritten(recipient, path, [a.ref for a in actions], list(actions)))
    if email:
        from cap.rounds.drafts import write_drafts

        write_drafts(started, sender=sender, kind="start")
    with plan_lock(data_dir):
        if started.record_path.exists():  # another start took the id meanwhile
            raise StartRefused(f"round {round_id} was recorded meanwhile: run cap round start again", 1)
        started.record_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(started.record_path, text)
    return started


def render_form(form: FormRequest, fmt: str) -> bytes:
    if fmt == "docx":
        from cap.rounds.docx import render_docx

        return render_docx(form)
    from cap.rounds.forms import render_xlsx

    return render_xlsx(form)


def summary_lines(started: Started, shown_folder: str, shown_record: str) -> list[str]:
    """Where the round is recorded, one line per agency, then the total."""
    from cap.dates import format_uk
    from cap.text import plural

    lines = [f"round {started.round.id} recorded in {shown_record}; return by "
             f"{format_uk(started.round.due, full_year=True)}"]
    for form in started.forms:
        contact = "" if form.recipient.has_contact else "  (no contact: send it yourself)"
        draft = f" + {form.draft.name}" if form.draft is not None else ""
        lines.append(f"{form.recipient.name}: {form.path.name}{draft}, {plural(len(form.refs), 'action')}{contact}")
    asked = {ref for form in started.forms for ref in form.refs}
    no_contact = sum(1 for form in started.forms if not form.recipient.has_contact)
    lines.append(
        f"{plural(len(started.forms), 'form')} written to {shown_folder}, "
        f"{plural(len(asked), 'action')} asked about, {no_contact} "
        f"{'agency' if no_contact == 1 else 'agencies'} without a contact")
    return lines
