"""`cap round collect`: the returned forms back into the plan, all or nothing.

For each filled row of a returned form:

- a progress entry with the agency's text, dated the day the agency reported (the form's
  "Date of this update", else `--date`, else today), by the person named in the form
  (with the agency's name) or by the agency;
- status `complete` (or `in-progress`) when the agency says so, never `closed`: the
  sign-off is the board's. A status change that would undo what happened to the action
  since the form was made (it was closed, withdrawn, reopened...) is refused for that
  row, with the reason; the progress entry is still collected;
- its evidence added to the action's evidence;
- a proposed new target date is not applied: it is recorded in the round's file as the
  agency's request, with its reason, for the board to decide (`cap retarget`);
- a row left blank is recorded as "no update" in the round's file.

Safe to run twice: a file collected already adds nothing (its digest is in the round's
file), and an entry the log has already is not added again. Nothing is written unless
every file is good (or `skip_bad`); every write is checked as cap's other writes are.

    >>> outcome = collect(data_dir, [Path("health.xlsx")], today=dt.date(2017, 7, 11))   # doctest: +SKIP
    >>> outcome.ok, [f.agency.name for f in outcome.files]                              # doctest: +SKIP
    (True, ['Health'])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from cap.models import Action
from cap.problems import Problem
from cap.rounds.reading import Cell, FormError, FormRow, Issue, ReadForm, date_of, lines_text, one_text, read_form
from cap.rounds.record import AgencyRound, Request, Returned, Round

#: What agencies write in "Status now" -> the status it means (never `closed`).
STATUS_WORDS = {
    "in progress": "in-progress", "in-progress": "in-progress", "inprogress": "in-progress",
    "ongoing": "in-progress", "on track": "in-progress", "started": "in-progress", "progressing": "in-progress",
    "complete": "complete", "completed": "complete", "done": "complete", "finished": "complete",
    "closed": "complete", "achieved": "complete",
}
NO_REASON = "no reason given"


@dataclass
class RowResult:
    """What one row of a form gave (or would give)."""

    ref: str
    sheet: str
    row: int
    kind: str  # answered, blank, refused, already
    lines: list[str] = field(default_factory=list)


@dataclass
class FileResult:
    form: ReadForm | None
    shown: str
    round: Round | None = None
    agency: AgencyRound | None = None
    reported: dt.date | None = None
    rows: list[RowResult] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    #: The return recorded before with the same file's bytes (nothing is collected again).
    already: Returned | None = None
    returned: Returned | None = None
    #: Refs asked of the agency that the form no longer has a row for (deleted rows).
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Collection:
    files: list[FileResult]
    before: dict[str, Action]
    actions: dict[str, Action]
    rounds: dict[str, Round]
    changed_actions: list[str] = field(default_factory=list)
    changed_rounds: list[str] = field(default_factory=list)
    #: Why a checked write would be refused (one line each): nothing is then written.
    problems: list[str] = field(default_factory=list)
    #: The texts to write, each proven to load back.
    texts: dict[Path, str] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.files)

    @property
    def good(self) -> list[FileResult]:
        return [f for f in self.files if f.ok]


class CollectRefused(Exception):
    """The plan cannot take the returns (it has errors): one line, with its problems."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


# ------------------------------------------------------------------ the whole run


def collect(
    data_dir: Path,
    paths: Sequence[Path],
    *,
    today: dt.date,
    date: dt.date | None = None,
    dry_run: bool = False,
    skip_bad: bool = False,
) -> Collection:
    """Read every file, work out what each row gives, then (unless `dry_run`, and only
    when every file is good or `skip_bad`) write it, under the plan's lock."""
    from cap.store import plan_lock

    with plan_lock(data_dir):
        outcome = prepare(data_dir, paths, today=today, date=date)
        if dry_run or not (outcome.ok or (skip_bad and not outcome.problems)):
            return outcome
        write(data_dir, outcome)
    return outcome


def prepare(data_dir: Path, paths: Sequence[Path], *, today: dt.date, date: dt.date | None = None) -> Collection:
    from cap.loader import load_plan
    from cap.rounds.record import load_rounds

    plan, problems = load_plan(data_dir)
    rounds_list, round_problems = load_rounds(data_dir)
    errors = [p for p in problems + round_problems if p.is_error]
    if errors:
        raise CollectRefused("the plan has errors (cap validate): fix them first; nothing was collected", errors)
    actions = {a.ref: a for a in plan.actions}
    rounds = {r.id: r for r in rounds_list}
    outcome = Collection([], dict(actions), actions, rounds)
    seen_digests: dict[str, str] = {}
    for path in paths:
        result = _collect_file(Path(path), outcome, today=today, date=date, seen=seen_digests)
        outcome.files.append(result)
    _check_writes(data_dir, outcome)
    return outcome


def _collect_file(path: Path, outcome: Collection, *, today: dt.date, date: dt.date | None,
                  seen: dict[str, str]) -> FileResult:
    """One file, worked out against copies: merged into `outcome` only when it is good."""
    shown = path.name or str(path)  # "." and "/" have no name
    try:
        form = read_form(path, shown)
    except FormError as exc:
        return FileResult(None, shown, errors=[Issue(shown, str(exc))])
    result = FileResult(form, shown)
    result.errors += [i for i in form.issues if i.error]
    result.notes += [i for i in form.issues if not i.error]
    if form.digest in seen:
        result.notes.append(Issue(shown, f"is the same file as {seen[form.digest]}: collected once"))
        result.already = Returned(date=today, collected=today, digest=form.digest)
        return result
    seen[form.digest] = shown
    record = _find_round(form, outcome, result)
    if record is None:
        return result
    agency = _find_agency(form, record, result)
    if agency is None:
        return result
    result.round = record
    result.reported = _reported(form, result, today, date)
    earlier = next((r for r in agency.returns if r.digest == form.digest), None)
    if earlier is not None:
        result.agency = agency
        result.already = earlier
        return result
    # Work on copies: a bad file changes nothing.
    working_agency = agency.model_copy(deep=True)
    result.agency = working_agency
    local: dict[str, Action] = {}
    _collect_rows(form, working_agency, outcome, local, result, today=today)
    if result.errors:
        return result
    answered = [r.ref for r in result.rows if r.kind in ("answered", "refused")]
    result.returned = Returned(
        date=result.reported, collected=today, digest=form.digest,
        answered=answered,
        blank=[r.ref for r in result.rows if r.kind == "blank"],
        refused=[r.ref for r in result.rows if r.kind == "refused"],
    )
    working_agency.returns.append(result.returned)
    # Merge into the run.
    for ref, action in local.items():
        outcome.actions[ref] = action
        if ref not in outcome.changed_actions:
            outcome.changed_actions.append(ref)
    index = record.agencies.index(agency)
    record.agencies[index] = working_agency
    if record.id not in outcome.changed_rounds:
        outcome.changed_rounds.append(record.id)
    return result


def _find_round(form: ReadForm, outcome: Collection, result: FileResult) -> Round | None:
    ids = {row.key[0] for row in form.rows if row.key is not None}
    round_id = form.round_id or (ids.pop() if len(ids) == 1 else None)
    if round_id is None:
        result.errors.append(Issue(result.shown, "does not say which round it answers (its hidden keys are gone): "
                                   "collect the form as cap wrote it"))
        return None
    record = outcome.rounds.get(round_id)
    if record is None:
        known = ", ".join(sorted(outcome.rounds)) or "none"
        result.errors.append(Issue(result.shown, f"is a form of round {round_id}, which data/rounds/ does not hold "
                                   f"(rounds: {known})"))
    return record


def _find_agency(form: ReadForm, record: Round, result: FileResult) -> AgencyRound | None:
    agency = record.agency(form.agency_key) if form.agency_key else None
    if agency is None and form.agency_name:
        agency = next((a for a in record.agencies if a.name.casefold() == form.agency_name.casefold()), None)
    if agency is None:
        refs = {row.ref for row in form.rows}
        fits = [a for a in record.agencies if refs and refs <= {x.ref for x in a.asked}]
        agency = fits[0] if len(fits) == 1 else None
    if agency is None:
        result.errors.append(Issue(result.shown, f"does not say which agency of round {record.id} it comes from "
                                   "(its cover and hidden sheet are gone): collect the form as cap wrote it"))
    return agency


def _reported(form: ReadForm, result: FileResult, today: dt.date, date: dt.date | None) -> dt.date:
    """The day the agency reported: the form's date where it gives one, else `date`, else today."""
    from cap.dates import EARLIEST, format_uk

    fallback = date or today
    cell = form.reported
    if cell is None or cell.value is None:
        return fallback
    day, why = date_of(cell.value, today)
    if isinstance(day, dt.date) and EARLIEST <= day <= today:
        return day
    if isinstance(day, dt.date):
        why = f"{format_uk(day, full_year=True)} is after today" if day > today else f"{day} is too early"
    result.notes.append(Issue(result.shown, f"the date of this update: {why or 'not a date'}; "
                              f"{format_uk(fallback, full_year=True)} is used instead",
                              form.cover_place, cell.row, cell.column, error=False))
    return fallback


# ------------------------------------------------------------------ rows


def _collect_rows(form: ReadForm, agency: AgencyRound, outcome: Collection, local: dict[str, Action],
                  result: FileResult, *, today: dt.date) -> None:
    asked = {a.ref: a for a in agency.asked}
    seen: dict[str, int] = {}
    for row in sorted(form.rows, key=lambda r: r.row):
        ref = row.ref
        key = row.key
        if key is not None and result.round is not None and key[0] != result.round.id:
            result.errors.append(Issue(result.shown, f"row for {ref} is from a form of round {key[0]}, not "
                                       f"{result.round.id}: a row copied from another form?", row.sheet, row.row))
            continue
        if ref not in asked:
            result.notes.append(Issue(result.shown, f"{ref!r} was not asked of {agency.name} in this round: "
                                      "the row was not collected", row.sheet, row.row, error=False))
            continue
        if ref in seen:
            result.errors.append(Issue(result.shown, f"{ref} has a second row (the first is row {seen[ref]}): put "
                                       "the agency's update in one row", row.sheet, row.row))
            continue
        seen[ref] = row.row
        _collect_row(row, asked[ref], agency, outcome, local, result, today=today)
    result.missing = [ref for ref in asked if ref not in seen]


def _issue(result: FileResult, row: FormRow, cell: Cell | None, message: str, error: bool = True) -> None:
    issue = Issue(result.shown, message, row.sheet, row.row, cell.column if cell else None, error)
    (result.errors if error else result.notes).append(issue)


def _collect_row(row: FormRow, asked, agency: AgencyRound, outcome: Collection, local: dict[str, Action],
                 result: FileResult, *, today: dt.date) -> None:
    from cap.dates import format_uk
    from cap.rounds.record import fingerprint
    from cap.safetext import control_problem
    from cap.updates import Refusal, add_evidence, add_progress, allowed

    ref = asked.ref
    cells = row.cells
    texts: dict[str, str | None] = {}
    for name in ("done", "reason", "evidence", "who", "status"):
        cell = cells.get(name)
        one_line = name in ("who", "status")
        text = None if cell is None else one_text(cell.value) if one_line else lines_text(cell.value)
        if text is not None:
            problem = control_problem(text, one_line=one_line)
            if problem:
                _issue(result, row, cell, f"the text {problem}: remove it")
                return
        texts[name] = text
    target_cell = cells.get("target")
    target, target_why = date_of(target_cell.value, today) if target_cell is not None else (None, None)
    filled = any(texts[n] for n in ("done", "reason", "evidence", "status")) or target_cell is not None
    out = RowResult(ref, row.sheet, row.row, "blank")
    result.rows.append(out)
    if not filled:
        out.lines.append("no update (blank row)")
        return
    action = local.get(ref) or outcome.actions.get(ref)
    if action is None:
        _issue(result, row, None, f"{ref} is no longer in the plan: the row was not collected", error=False)
        out.kind = "refused"
        out.lines.append("refused: the action is no longer in the plan")
        return
    who = texts["who"]
    author = f"{who} ({agency.name})" if who and agency.name.casefold() not in who.casefold() else (who or agency.name)
    day = result.reported
    changed = fingerprint(outcome.before[ref]) != asked.fingerprint
    was = action.status
    # -- status
    new_status = None
    status_text = texts["status"]
    if status_text is not None:
        word = STATUS_WORDS.get(" ".join(status_text.casefold().replace("_", " ").split()).rstrip("."))
        if word is None:
            _issue(result, row, cells.get("status"), f"status {status_text!r} is neither in progress nor complete: "
                   "the status was left as it is", error=False)
        elif word != action.status:
            if changed and action.status != asked.status:
                out.kind = "refused"
                out.lines.append(f"status {word} refused: {ref} has been {action.status} since the form was made "
                                 f"(it was {asked.status}); the board decides")
            else:
                refusal = allowed("status", action)
                if refusal is not None:
                    out.kind = "refused"
                    out.lines.append(f"status {word} refused: {refusal.message}")
                else:
                    new_status = word
    # -- the progress entry
    text = texts["done"]
    if text is None and new_status == "complete":
        text = "Reported complete."
    elif text is None and new_status is not None:
        text = f"Reported {new_status.replace('-', ' ')}."
    wrote = False
    if text is not None:
        after = add_progress(action, text, today=today, date=day, author=author, status=new_status)
        if isinstance(after, Refusal) and "has this entry already" in after.message:
            out.lines.append("progress entry collected already")
        elif isinstance(after, Refusal):
            out.kind = "refused"
            out.lines.append(f"refused: {after.message}")
        else:
            refusal = _new_errors(action, after)
            if refusal:
                out.kind = "refused"
                out.lines.append(f"refused: {refusal}")
            else:
                action = after
                wrote = True
                line = f"progress entry of {format_uk(day, full_year=True)} by {author}"
                if new_status is not None:
                    line += f"; status {was} -> {new_status}"
                out.lines.append(line)
    # -- evidence
    if texts["evidence"] is not None:
        after = add_evidence(action, texts["evidence"])
        if isinstance(after, Refusal):
            if "already" not in after.message:
                _issue(result, row, cells.get("evidence"), after.message, error=False)
        else:
            action = after
            wrote = True
            out.lines.append("evidence added")
    # -- a proposed new target date: the agency's request, for the board
    if target_cell is not None:
        if target is None:
            reason = f" (its reason: {texts['reason']})" if texts["reason"] else ""
            _issue(result, row, target_cell, f"{target_why}: no new target date was recorded{reason}", error=False)
        elif not action.is_open:
            _issue(result, row, target_cell, f"a new target date for {ref}, which is {action.status}: "
                   "no request was recorded", error=False)
        elif target == action.target_date:
            _issue(result, row, target_cell, f"{format_uk(target, full_year=True)} is {ref}'s target date already",
                   error=False)
        else:
            request = Request(ref=ref, date=day, to=target, reason=texts["reason"] or NO_REASON, by=author)
            if any((r.ref, r.to, r.reason) == (request.ref, request.to, request.reason) for r in agency.requests):
                out.lines.append("new target date asked for already")
            else:
                agency.requests.append(request)
                wrote = True
                shown = format_uk(target, full_year=True) if isinstance(target, dt.date) else target
                out.lines.append(f"asks for a new target date, {shown} (not applied: for the board to decide)")
                if request.reason == NO_REASON:
                    _issue(result, row, cells.get("reason") or target_cell, "a new target date with no reason: "
                           "the request is recorded as giving none", error=False)
    elif texts["reason"] is not None:
        _issue(result, row, cells.get("reason"), "a reason for a new date, but no new date: no request was recorded",
               error=False)
    if action is not (local.get(ref) or outcome.actions.get(ref)):
        local[ref] = action
    if out.kind != "refused":
        out.kind = "answered" if wrote else "already"
    if out.kind == "already" and not out.lines:
        out.lines.append("nothing new")


def _new_errors(before: Action, after: Action) -> str | None:
    from cap.checks import action_errors

    had = set(action_errors(before))
    new = [m for m in action_errors(after) if m not in had]
    return f"{new[0]} (cap validate would report it)" if new else None


# ------------------------------------------------------------------ writing


def _check_writes(data_dir: Path, outcome: Collection) -> None:
    """Prove every text to be written loads back (what cap writes, cap reads); a file
    holding `#` comments a rewrite would drop is a problem, as for cap progress."""
    from cap.loader import action_path, display_path
    from cap.rounds.record import round_text
    from cap.store import StoreError, checked_text
    from cap.yamlio import comment_lines, header_comment

    for ref in outcome.changed_actions:
        path = action_path(data_dir, ref)
        shown = display_path(path, data_dir)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            outcome.problems.append(f"{shown}: cannot be read ({exc.strerror or exc})")
            continue
        comments = comment_lines(text)
        if comments:
            outcome.problems.append(f"{shown}:{comments[0]}: has a # comment, which cap would drop: move it into "
                                    "a progress entry or delete it, then collect again")
            continue
        try:
            outcome.texts[path] = checked_text(outcome.actions[ref], header_comment(text))
        except StoreError as exc:
            outcome.problems.append(f"{shown}: {exc}")
    from cap.rounds.record import round_path

    for round_id in outcome.changed_rounds:
        try:
            outcome.texts[round_path(data_dir, round_id)] = round_text(outcome.rounds[round_id])
        except StoreError as exc:
            outcome.problems.append(f"{display_path(round_path(data_dir, round_id), data_dir)}: {exc}")


def write(data_dir: Path, outcome: Collection) -> None:
    """Write what `prepare` checked (the caller holds the lock); each write atomic, and the
    whole collect journalled as one change that `cap undo` takes back."""
    from cap.lineends import ending_of, with_ending
    from cap.store import atomic_write
    from cap.undo import record_many

    writes = []
    try:
        for path, text in outcome.texts.items():
            before = path.read_bytes() if path.exists() else None
            atomic_write(path, with_ending(text, ending_of(path)) if before is not None else text)
            outcome.written.append(path)
            writes.append((path, before))
    finally:
        record_many(data_dir, writes)
