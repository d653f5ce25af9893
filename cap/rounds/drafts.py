"""The round's email drafts: one `.eml` per agency, the form attached (Python's `email`).

A draft is an RFC 5322 message with CRLF line ends and `X-Unsent: 1`, so Outlook opens it
as a new message ready to send (Thunderbird: File > Open Saved Message, then Edit as
New). cap sends no mail: the manager sends the drafts from their own mail program.
To: the agency's contacts (data/agencies.yaml); an agency with no contact gets no draft.
The Date header is the round's day, so the same round gives the same bytes.

    >>> raw = message(to=["lead@example.org"], sender=None, subject="Update", body="Hello",
    ...               attachment=("health.xlsx", b"PK..."), day=dt.date(2017, 7, 1))
    >>> raw.startswith(b"To: lead@example.org\\r\\n")
    True
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Sequence

from cap.dates import format_uk

MIME = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def message(*, to: Sequence[str], sender: str | None, subject: str, body: str,
            attachment: tuple[str, bytes] | None, day: dt.date) -> bytes:
    """The draft's bytes."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime

    msg = EmailMessage(policy=policy.SMTP)
    msg["To"] = ", ".join(to)
    if sender:
        msg["From"] = sender
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.timezone.utc))
    msg["X-Unsent"] = "1"
    msg.set_content(body)
    if attachment is not None:
        name, content = attachment
        maintype, subtype = MIME.get(Path(name).suffix.lower(), ("application", "octet-stream"))
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def _long_date(day: dt.date) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')} ({format_uk(day, full_year=True)})"


def body_text(*, agency: str, round_id: str, due: dt.date, actions: Sequence, form_name: str,
              sender: str | None, reminder: bool) -> str:
    """The plain-text body: the return-by date and the refs asked about."""
    from email.utils import parseaddr

    signed = parseaddr(sender)[0] if sender else ""
    refs = ", ".join(a.ref for a in actions)
    if reminder:
        opening = (f"This is a reminder: the action plan update for {agency} (round {round_id}) was due back by "
                   f"{_long_date(due)}, and we have not received it yet. The form is attached again.")
    else:
        opening = (f"Please find attached the action plan update form for {agency} (round {round_id}), "
                   f"asking about {len(actions)} action{'s' if len(actions) != 1 else ''}: {refs}.")
    how = ("In the yellow columns of the Actions sheet, please say what has been done since the latest "
           "progress date, choose the status now (in progress or complete), and if an action will be late "
           "propose a new target date with the reason. Add any evidence and your name.")
    back = f"Please save the form (any file name will do) and send it back to me by {_long_date(due)}."
    lines = ["Dear colleague,", "", *textwrap.wrap(opening, 72), "", *textwrap.wrap(how, 72), "",
             *textwrap.wrap(back, 72), "", "The actions:"]
    for action in actions:
        first = " ".join(action.action.split())
        short = first if len(first) <= 44 else first[:41].rstrip() + "..."
        target = format_uk(action.target_date, full_year=True)
        lines.append(f"  {action.ref}  {short} (target {target})")
    lines += ["", "Thank you,", signed or "The business manager", ""]
    return "\n".join(lines)


def write_drafts(started, *, sender: str | None, kind: str = "start") -> None:
    """A draft beside each form of `started` (cap.rounds.start.Started) whose agency has a contact."""
    from cap.store import atomic_write

    record = started.round
    for form in started.forms:
        if not form.recipient.has_contact:
            continue
        actions = form.actions
        body = body_text(agency=form.recipient.name, round_id=record.id, due=record.due, actions=actions,
                         form_name=form.path.name, sender=sender, reminder=False)
        subject = f"Action plan update: {form.recipient.name}, please return by {format_uk(record.due, full_year=True)}"
        raw = message(to=form.recipient.emails, sender=sender, subject=subject, body=body,
                      attachment=(form.path.name, form.path.read_bytes()), day=record.started)
        path = form.path.with_suffix(".eml")
        atomic_write(path, raw)
        form.draft = path


def reminder(*, recipient, record, agency_round, actions, form_path: Path, sender: str | None,
             day: dt.date) -> bytes:
    body = body_text(agency=recipient.name, round_id=record.id, due=record.due, actions=actions,
                     form_name=form_path.name, sender=sender, reminder=True)
    subject = f"Reminder: action plan update from {recipient.name}, due {format_uk(record.due, full_year=True)}"
    return message(to=recipient.emails, sender=sender, subject=subject, body=body,
                   attachment=(form_path.name, form_path.read_bytes()), day=day)
