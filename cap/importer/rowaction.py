"""One tracker row -> one Action: its dates, status words, leads and owner, each problem
at its source cell.

`row_action` reads the cells a tracker row gave (`TrackerRow.cells`, by field) with the
rules of cap.importer.tracker; every problem names the cell it came from (the field's
column, `TrackerRow.columns`), never a line of the file cap was about to write; every
date that was not written as a plain day is listed (`ImportOutcome.readings`) with how
it was read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from cap.importer.boarddates import BoardDateError, DateReading, read_board_date
from cap.importer.build import life_dates, parse_scrs
from cap.importer.options import TrackerOptions, known_words
from cap.importer.outcome import ImportOutcome
from cap.importer.people import split_lead_cell
from cap.importer.rows import Located, SourceRow
from cap.importer.words import KEPT_STATUS, STATUS_WORDS, status_key
from cap.modelproblems import plain_error
from cap.models import RATINGS, Action, ProgressEntry, Theme

_LEADS = re.compile(r"\s*[/,;\n]\s*")
#: Action fields -> the tracker field whose cell they come from (for a problem found in the made action).
_SOURCE_FIELD = {"lead": "lead", "owner": "owner", "action": "action", "outcome": "outcome", "evidence": "evidence",
                 "progress": "progress", "withdrawn_reason": "withdrawn_reason", "source_ref": "ref",
                 "target_date": "target_date", "review_date": "review_date", "impact_review": "impact_review"}


@dataclass
class TrackerRow:
    """One action's row: its cells by field, where each field's column is, its theme."""

    row: SourceRow
    cells: dict[str, str]
    theme: Theme | None
    warnings: list[str] = field(default_factory=list)
    #: field -> the column index it was read from (for problems at their cell).
    columns: dict[str, int] = field(default_factory=dict)
    #: What the row's text says beside its cells (a heading's recommendation, a review): set by the reader.
    recommendation: str | None = None
    review: str | None = None
    #: The number a heading gave the recommendation, and the id it has in scrs.yaml (cap.importer.recommendations).
    rec_number: int | None = None
    rec_id: str | None = None
    #: Kept in the first progress entry (a split cell's note, a lead's person ...).
    kept: list[str] = field(default_factory=list)


def split_leads(text: str) -> list[str]:
    return [part.strip() for part in _LEADS.split(text) if part.strip()]


def status_of(text: str, opts: TrackerOptions) -> tuple[str | None, str | None]:
    """A status word -> (status or None: decided by the row's progress, the rating it is)."""
    key = status_key(text)
    key = opts.status_map.get(key, key)
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    if re.fullmatch(r"\d+(\.\d+)?", key):
        raise ValueError(f"Status {text!r} is a number: say what each number means with --status-map "
                         "\"1=complete,2=in-progress,3=open,4=withdrawn\"")
    raise ValueError(f"Status {text!r} is not a word cap knows; the words known: {', '.join(known_words())} "
                     f"(or give --status-map \"{text}=in-progress\")")


def _reading_line(loc: Located, row: SourceRow, column: int | None, written: str, reading: DateReading,
                  what: str) -> str:
    from cap.dates import format_uk

    value = format_uk(reading.value, full_year=True) if isinstance(reading.value, dt.date) else reading.value
    return f"{loc.place(row, column)}: {what} {' '.join(written.split())!r} -> {value} ({reading.how})"


def row_action(r: TrackerRow, ref: str, loc: Located, opts: TrackerOptions, progress_date: dt.date,
               outcome: ImportOutcome) -> Action | None:
    """The row's Action, or None with its problems in `loc` (each at its cell)."""
    cells, row = r.cells, r.row
    problems = len(loc.problems)

    def bad(message: str, name: str | None = None, code: str = "CAP804") -> None:
        loc.add(row, code, message, column=r.columns.get(name) if name else None)

    def read(name: str, what: str, reference: dt.date) -> DateReading | None:
        written = cells[name]
        try:
            reading = read_board_date(written, reference, opts.fixes)
        except BoardDateError as exc:
            bad(f"{what}: {exc}; correct the cell, or give --fix-date \"{' '.join(written.split())}=DD/MM/YYYY\" "
                "to say what was meant", name)
            return None
        if reading.how:
            outcome.readings.append(_reading_line(loc, row, r.columns.get(name), written, reading, what))
        return reading

    def one_day(name: str, what: str) -> dt.date | None:
        if not cells.get(name):
            return None
        reading = read(name, what, progress_date)
        if reading is None:
            return None
        if not isinstance(reading.value, dt.date):
            bad(f"{what}: {cells[name]!r} is not a date", name)
            return None
        return reading.value

    text = cells["action"]
    if cells.get("scope"):
        text = f"{text}\nScope: {cells['scope']}"
    recommendation = r.recommendation if r.recommendation is not None else cells.get("recommendation")
    if recommendation and r.rec_id is None:
        text = f"{text}\nRecommendation: {recommendation}"  # the action first: lists show it
    lead, person = split_lead_cell(cells.get("lead", ""), opts.agencies)
    if not lead:
        bad("Lead agency is empty", "lead")
    day = one_day("progress_date", "Progress date") or progress_date
    completed_words = ""
    completed_on = None
    if cells.get("completed"):
        completed_on, completed_words = _completion(cells["completed"], progress_date, opts)
        if completed_on is not None:
            day = completed_on
    notes: list[str] = []
    target: dt.date | str = "ongoing"
    if not cells.get("target_date"):
        r.warnings.append(f"warning: {loc.place(row)}: no target date; taken as ongoing")
    else:
        reading = read("target_date", "Target date", day)
        if reading is not None:
            target = reading.value
            if reading.kept:
                notes.append(f"Target date in the tracker: {cells['target_date']}")
    status, rating = None, None
    if cells.get("status"):
        try:
            status, rating = status_of(cells["status"], opts)
            if status_key(cells["status"]) in KEPT_STATUS:
                notes.append(f"Status in the tracker: {cells['status']}")
        except ValueError as exc:
            bad(str(exc), "status")
    if cells.get("rating"):
        word = next((x for x in RATINGS if x.lower() == cells["rating"].strip().lower()), None)
        mapped = opts.status_map.get(status_key(cells["rating"]))
        if word is None and mapped and STATUS_WORDS[mapped][1]:
            word = STATUS_WORDS[mapped][1]
        if word is None:
            bad(f"Rating {cells['rating']!r} is not one of {', '.join(RATINGS)} (or give --status-map)", "rating")
        rating = word
    progress_text = "\n".join(t for t in (cells.get("progress", ""), completed_words) if t)
    if status is None:
        status = "complete" if completed_on is not None else ("in-progress" if progress_text else "open")
    reason = cells.get("withdrawn_reason") or None
    if status == "withdrawn" and reason is None:
        reason = progress_text or cells["status"]
    try:
        scrs, all_scrs = parse_scrs(cells.get("scrs", ""))
    except ValueError as exc:
        bad(str(exc), "scrs")
        scrs, all_scrs = [], False
    if r.review and r.review not in scrs:
        scrs = [*scrs, r.review]
    dates = {name: one_day(name, label) for name, label in
             (("review_date", "Review date"), ("impact_review", "Impact review"), ("opened", "Opened"))}
    owners = [p.strip() for p in re.split(r"\n+", cells.get("owner", "")) if p.strip()]
    if person and person not in owners:
        owners.append(person)
    owner = "; ".join(owners) or None
    entry_text = "\n".join([*([progress_text] if progress_text else []), *notes, *r.kept])
    if len(loc.problems) > problems:
        return None
    source_ref = cells.get("ref") or None
    life = life_dates(status, day, [], None)
    if dates["opened"] is not None:
        life["opened"] = dates["opened"]
    if completed_on is not None and status == "complete":
        life["completed"] = completed_on
    try:
        action = Action(
            ref=ref, theme=r.theme.id, scrs=scrs, all_scrs=all_scrs, recommendations=[r.rec_id] if r.rec_id else [],
            action=text, lead=lead, target_date=target,
            status=status, owner=owner, outcome=cells.get("outcome") or None,
            evidence=[cells["evidence"]] if cells.get("evidence") else [],
            source_ref=source_ref if source_ref and source_ref != ref else None, rating=rating,
            withdrawn_reason=reason, review_date=dates["review_date"], impact_review=dates["impact_review"],
            progress=[ProgressEntry(date=day, text=entry_text)] if entry_text else [],
            **life,
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            name = _SOURCE_FIELD.get(str(err["loc"][0])) if err["loc"] else None
            bad(plain_error(err), name)
        return None
    return storable(action, r, bad)


def _completion(text: str, reference: dt.date, opts: TrackerOptions) -> tuple[dt.date | None, str]:
    """A completion cell (`12/05/2016 - training delivered`) -> (the day, the words); no day: (None, the text)."""
    try:
        reading = read_board_date(text, reference, opts.fixes)
    except BoardDateError:
        return None, text
    if isinstance(reading.value, dt.date):
        return reading.value, text if reading.kept else ""
    return None, text


def storable(action: Action, r: TrackerRow, bad) -> Action | None:
    """The action, unless a value holds what cap cannot store (a line break in a one-line
    field, a control character) or a date before the floor: each reported at its source cell."""
    from cap.dates import too_early
    from cap.safetext import text_problems

    found = False
    for where, problem in text_problems(action.to_data()):
        name = _SOURCE_FIELD.get(str(where[0]))
        label = {"lead": "Lead agency", "owner": "Owner"}.get(str(where[0]), str(where[0]).replace("_", " ").capitalize())
        hint = " (separate lead agencies with /)" if where[0] == "lead" else ""
        bad(f"{label} {problem}{hint}", name)
        found = True
    for name, label, day in (("target_date", "Target date", action.target_date),
                             ("progress_date", "Progress date", action.progress[0].date if action.progress else None),
                             ("review_date", "Review date", action.review_date)):
        why = too_early(day)
        if why:
            bad(f"{label}: {why}", name)
            found = True
    return None if found else action
