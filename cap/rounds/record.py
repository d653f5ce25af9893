"""The round's data file: `data/rounds/ROUND-ID.yaml`.

One file per round, written by `cap round start` and updated by `cap round collect`,
reviewed in a pull request like any other data file:

```yaml
id: 2017-07
started: 2017-07-01        # the day the forms were written
as_of: 2017-07-01          # the plan's date the forms show
due: 2017-07-14            # return by
format: xlsx
agencies:
- agency: Health           # the agency's id (or the lead text, without data/agencies.yaml)
  name: Health
  form: health.xlsx        # the form's file name, in returns/2017-07/
  asked:                   # each action asked about, as it stood
  - {ref: '1.4', fingerprint: 3f9a0c1d2e4b, status: in-progress}
  returns:                 # each return collected
  - date: 2017-07-10       # the day the agency reported
    collected: 2017-07-11
    digest: 9c1e...        # of the file's bytes: the same file twice adds nothing
    answered: ['1.4']
    blank: []
    refused: []
  requests:                # proposed new target dates, for the board to decide
  - {ref: '1.4', date: 2017-07-10, to: 2017-09-30, reason: Awaiting the audit., by: Health}
```

The fingerprint of an action is the start of the SHA-256 of its canonical text: a row
of a form whose action has changed since is noticed when the form comes back.
No contact details are kept here (they live in `data/agencies.yaml`).

    >>> round_id_for(dt.date(2017, 7, 1), {"2017-07"})
    '2017-07-b'
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Literal

from pydantic import Field

from cap.models import Action, Id, Ref, Status, Target, Text, _no_items, _Record, natural_key
from cap.problems import Problem

ROUNDS_DIR = "rounds"
FORMATS: tuple[str, ...] = ("xlsx", "docx")


class Asked(_Record):
    """An action a form asks about, as it stood when the form was made."""

    ref: Ref
    fingerprint: Text
    status: Status


class Returned(_Record):
    """One return collected from an agency."""

    date: dt.date
    collected: dt.date
    digest: Text
    answered: list[Ref] = Field(default_factory=_no_items)
    blank: list[Ref] = Field(default_factory=_no_items)
    refused: list[Ref] = Field(default_factory=_no_items)


class Request(_Record):
    """A new target date an agency proposed: not applied, for the board to decide (`cap retarget`)."""

    ref: Ref
    date: dt.date
    to: Target
    reason: Text
    by: Text | None = None


class AgencyRound(_Record):
    """One agency's part of a round."""

    agency: Text
    name: Text
    form: Text
    asked: list[Asked] = Field(default_factory=_no_items)
    returns: list[Returned] = Field(default_factory=_no_items)
    requests: list[Request] = Field(default_factory=_no_items)

    @property
    def returned(self) -> Returned | None:
        """The first return collected, or None."""
        return self.returns[0] if self.returns else None


class Round(_Record):
    """`data/rounds/ROUND-ID.yaml`."""

    id: Id
    started: dt.date
    as_of: dt.date
    due: dt.date
    format: Literal["xlsx", "docx"] = "xlsx"
    agencies: list[AgencyRound] = Field(default_factory=_no_items)

    def agency(self, key: str) -> AgencyRound | None:
        return next((a for a in self.agencies if a.agency == key), None)


# ------------------------------------------------------------------ fingerprints and ids


def fingerprint(action: Action) -> str:
    """The start of the SHA-256 of the action's canonical text (12 hex digits)."""
    from cap.store import canonical_text

    return hashlib.sha256(canonical_text(action).encode("utf-8")).hexdigest()[:12]


def round_id_for(start: dt.date, taken: set[str]) -> str:
    """The start month (`2017-07`); `2017-07-b`, `-c`... when that is taken."""
    base = f"{start.year:04d}-{start.month:02d}"
    if base not in taken:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}-{letter}" not in taken:
            return f"{base}-{letter}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def rounds_dir(data_dir: Path) -> Path:
    return Path(data_dir) / ROUNDS_DIR


def round_path(data_dir: Path, round_id: str) -> Path:
    return rounds_dir(data_dir) / f"{round_id}.yaml"


def round_files(data_dir: Path) -> list[Path]:
    folder = rounds_dir(data_dir)
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.suffix == ".yaml" and not p.name.startswith(".")),
                  key=lambda p: natural_key(p.stem))


# ------------------------------------------------------------------ loading


def load_round_file(path: Path, data_dir: Path) -> tuple[Round | None, list[Problem]]:
    """One round file through the loader's own reading: file:line problems, never raised."""
    from cap.loader import read_source, validate_document

    source, problems = read_source(path, data_dir)
    if source.doc is None:
        return None, problems
    record, found = validate_document(source.doc, Round, source.shown)
    problems = problems + found
    if record is not None and record.id != path.stem:
        line, col = source.doc.position(("id",))
        problems.append(Problem(source.shown, line, col, "error", "CAP501",
                                f"the round's id {record.id!r} is not its file name {path.stem!r}"))
        record = None
    return record, problems


def load_rounds(data_dir: Path) -> tuple[list[Round], list[Problem]]:
    """Every round, oldest first (by id), and the problems of the files that did not load."""
    rounds: list[Round] = []
    problems: list[Problem] = []
    for path in round_files(data_dir):
        record, found = load_round_file(path, data_dir)
        problems += found
        if record is not None:
            rounds.append(record)
    rounds.sort(key=lambda r: (r.started, natural_key(r.id)))
    return rounds, problems


def latest_round(data_dir: Path) -> tuple[Round | None, list[Problem]]:
    rounds, problems = load_rounds(data_dir)
    return (rounds[-1] if rounds else None), problems


def check_rounds(data_dir: Path, refs: set[str]) -> list[Problem]:
    """`cap validate` on the round files: each loads (file:line), and the refs it asked
    about are actions of the plan (a warning, CAP502: an action may since have been removed)."""
    from cap.loader import display_path

    problems: list[Problem] = []
    for path in round_files(data_dir):
        record, found = load_round_file(path, data_dir)
        problems += found
        if record is None:
            continue
        shown = display_path(path, data_dir)
        seen: set[str] = set()
        for agency in record.agencies:
            if agency.agency in seen:
                problems.append(Problem(shown, 1, 1, "error", "CAP503",
                                        f"agency {agency.agency!r} is listed twice in round {record.id}"))
            seen.add(agency.agency)
            for asked in agency.asked:
                if refs and asked.ref not in refs:
                    problems.append(Problem(shown, 1, 1, "warning", "CAP502",
                                            f"round {record.id} asked {agency.name} about {asked.ref}, "
                                            "which is no longer in the plan"))
        if record.due < record.started - dt.timedelta(days=366):
            problems.append(Problem(shown, 1, 1, "error", "CAP504",
                                    f"round {record.id}'s return-by date {record.due} is long before it started"))
    return problems


def round_text(record: Round) -> str:
    """The round's canonical text, checked to load back (what cap writes, cap reads)."""
    from cap.store import StoreError, canonical_text

    text = canonical_text(record)
    refused = round_refuses(text, record)
    if refused:
        raise StoreError(f"refusing to write round {record.id}: {refused} (nothing was changed)")
    return text


def round_refuses(text: str, record: Round) -> str | None:
    from cap.loader import MAX_FILE_BYTES, parse_bytes, validate_document

    raw = text.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        return f"the file would be {len(raw):,} bytes, over the {MAX_FILE_BYTES:,} bytes cap reads"
    doc, problems = parse_bytes(raw, "", collect=True)
    again = None
    if doc is not None and not problems:
        again, problems = validate_document(doc, Round, "")
    if problems:
        first = problems[0]
        return f"cap would not read the file back (line {first.line}: {first.code} {first.message})"
    if again != record:  # pragma: no cover - a writer bug
        return "the file would not load back unchanged"
    return None


def pending_requests(record: Round, actions: dict[str, Action]) -> list[tuple[AgencyRound, Request]]:
    """The proposed new target dates still awaiting the board's decision: the action is
    still open or in progress, and its target has not been revised since the request."""
    out = []
    for agency in record.agencies:
        for request in agency.requests:
            action = actions.get(request.ref)
            if action is None or not action.is_open:
                continue
            if any(rev.date >= request.date for rev in action.target_history):
                continue
            out.append((agency, request))
    return out


def requests_for(data_dir: Path, action: Action) -> list[tuple[Round, AgencyRound, Request]]:
    """The new target dates agencies asked for `action` that await the board (`cap show`)."""
    if not rounds_dir(data_dir).is_dir():
        return []
    rounds, _problems = load_rounds(data_dir)
    return [(record, agency, request) for record in rounds
            for agency, request in pending_requests(record, {action.ref: action}) if request.ref == action.ref]


def request_line(record: Round, agency: AgencyRound, request: Request) -> str:
    from cap.dates import format_uk

    by = f" ({request.by})" if request.by and request.by != agency.name else ""
    return (f"{agency.name}{by} asked on {format_uk(request.date, full_year=True)} (round {record.id}) for a new "
            f"target date, {format_uk(request.to, full_year=True)}: {request.reason} - awaiting the board's "
            "decision (cap retarget)")
