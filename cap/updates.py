"""Changing the plan: progress entries, new actions, target dates and the lifecycle.

The changes are pure functions: each takes an action, the change and `today`, and
returns a new Action or a `Refusal` (a value, like a Problem: nothing is raised for a
mistake in what a person asked for). The lifecycle rules live here and nowhere else.

    >>> after = add_progress(action, "Audit done.", today=dt.date(2017, 7, 1))   # doctest: +SKIP
    >>> update_action(data_dir, "4.4", lambda a: add_progress(a, "Audit done.",
    ...               today=dt.date(2017, 7, 1)))                                # doctest: +SKIP
    Written(action=..., path=.../data/actions/4.4.yaml, ...)

`update_action` and `create_action` do the file work: under the data folder's lock they
read the file, refuse one that does not load (its problems, file untouched) or holds `#`
comments a rewrite would drop, apply the change, and write the canonical text atomically.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from cap.dates import format_iso
from cap.models import ACTIVE_STATUSES, Action, ImpactEntry, ProgressEntry, Scr, SignOff, Target, TargetRevision, Theme
from cap.problems import Problem
from cap.refs import REF_PATTERN, not_a_ref

# ------------------------------------------------------------------ the lifecycle

#: The statuses `cap progress --status` may set; `closed` and `withdrawn` have their own commands.
SETTABLE_STATUSES: tuple[str, ...] = ("open", "in-progress", "complete")

#: Each change of status, and the statuses it may start from. The one place for these rules.
LIFECYCLE: dict[str, tuple[str, ...]] = {
    "status": ACTIVE_STATUSES,  # cap progress --status open|in-progress|complete
    "retarget": ACTIVE_STATUSES,
    "close": ("complete",),
    "withdraw": ("open", "in-progress", "complete"),
    "reopen": ("complete", "closed", "withdrawn"),
}

#: Why a change is refused from a status, beyond "it is <status>": what to do instead.
_HINTS: dict[tuple[str, str], str] = {
    ("status", "complete"): "reopen it first: cap reopen {ref} --reason \"...\"",
    ("status", "closed"): "reopen it first: cap reopen {ref} --reason \"...\"",
    ("status", "withdrawn"): "reopen it first: cap reopen {ref} --reason \"...\"",
    ("retarget", "complete"): "only an open or in-progress action has a target to revise",
    ("retarget", "closed"): "only an open or in-progress action has a target to revise",
    ("retarget", "withdrawn"): "only an open or in-progress action has a target to revise",
    ("close", "open"): "only a complete action can be signed off: "
    "cap progress {ref} \"...\" --status complete",
    ("close", "in-progress"): "only a complete action can be signed off: "
    "cap progress {ref} \"...\" --status complete",
    ("close", "closed"): "it is closed already (signed off)",
    ("close", "withdrawn"): "a withdrawn action is not signed off",
    ("withdraw", "closed"): "it is closed (signed off); reopen it first to withdraw it",
    ("withdraw", "withdrawn"): "it is withdrawn already",
    ("reopen", "open"): "only a complete, closed or withdrawn action can be reopened",
    ("reopen", "in-progress"): "only a complete, closed or withdrawn action can be reopened",
}

@dataclass(frozen=True)
class Refusal:
    """A change that was not made: one clear line, the exit status, and any problems of
    the file that stopped it (already with file and line)."""

    message: str
    exit_code: int = 1
    problems: tuple[Problem, ...] = ()


def allowed(change: str, action: Action) -> Refusal | None:
    """None when the lifecycle lets `change` start from the action's status."""
    if action.status in LIFECYCLE[change]:
        return None
    verb = {"status": "change the status of", "retarget": "retarget"}.get(change, change)
    hint = _HINTS.get((change, action.status), "").format(ref=action.ref)
    if hint.startswith("it "):  # the hint says the status itself ("it is withdrawn already")
        return Refusal(f"cannot {verb} {action.ref}: {hint}")
    return Refusal(f"cannot {verb} {action.ref}: it is {action.status}" + (f"; {hint}" if hint else ""))


# ------------------------------------------------------------------ checks of what was asked


def _text(value: str | None, what: str, option: str = "") -> Refusal | None:
    if value is None or not value.strip():
        how = f" (give {option} \"...\")" if option else ""
        return Refusal(f"the {what} is empty{how}", 2)
    return _characters(value, what, option)


def _characters(value: str | None, what: str, option: str = "", *, one_line: bool = False) -> Refusal | None:
    """A text or name holding a control character (or a line break, in a one-line field)
    is refused: the rule of cap/safetext.py, the same the loader applies to the files."""
    from cap.safetext import control_problem

    problem = None if value is None else control_problem(value, one_line=one_line)
    if problem is None:
        return None
    given = f" ({option})" if option else ""
    return Refusal(f"the {what}{given} {problem}; remove it (nothing was written)", 2)


def _name(value: str | None, what: str, option: str) -> Refusal | None:
    """A one-line field: a lead agency, an owner, who signed off, an author."""
    return _text(value, what, option) or _characters(value, what, option, one_line=True)


def _not_too_early(value: Target | None, what: str) -> Refusal | None:
    from cap.dates import too_early

    why = too_early(value)
    return Refusal(f"the {what} {why} (nothing was written)", 2) if why else None


def _day(date: dt.date | None, today: dt.date, what: str) -> dt.date | Refusal:
    day = today if date is None else date
    early = _not_too_early(day, what)
    if early:
        return early
    if day > today:
        return Refusal(f"the {what} {day.isoformat()} is after today ({today.isoformat()}): "
                       "record what has happened, not what is planned", 1)
    return day


def _insert(progress: Sequence[ProgressEntry], entry: ProgressEntry) -> list[ProgressEntry]:
    """The log with `entry` in date order: after every entry of the same day or earlier."""
    out = list(progress)
    index = len(out)
    while index > 0 and out[index - 1].date > entry.date:
        index -= 1
    out.insert(index, entry)
    return out


def _first_refusal(*checks: object) -> Refusal | None:
    return next((c for c in checks if isinstance(c, Refusal)), None)


def _logged(action: Action, day: dt.date, text: str, author: str | None, **changes: object) -> Action:
    """A copy of the action with `changes` and one progress entry saying what happened."""
    entry = ProgressEntry(date=day, text=text, author=author)
    return Action.model_validate({**dict(action), **changes, "progress": _insert(action.progress, entry)})


#: The entries cap writes itself into the progress log when it records a change (a target
#: revised, a sign-off, a withdrawal, a reopening): their texts, as `retarget`, `close`,
#: `withdraw` and `reopen` below write them. Papers show the agency's latest words in the
#: Progress column and these in the Notes (cap/reports/model.py).
_ISO_OR_ONGOING = r"(?:\d{4}-\d{2}-\d{2}|ongoing)"
CAP_ENTRIES: dict[str, re.Pattern[str]] = {
    "retarget": re.compile(rf"Target date revised from {_ISO_OR_ONGOING} to {_ISO_OR_ONGOING}: .+", re.S),
    "signoff": re.compile(r"Signed off by [^\n]+; closed\."),
    "withdrawn": re.compile(r"Withdrawn: .+", re.S),
    "reopened": re.compile(r"Reopened \(was (?:complete|closed|withdrawn)\): .+", re.S),
}


def cap_entry_kind(entry: ProgressEntry) -> str | None:
    """Which change cap recorded with this progress entry (`retarget`, `signoff`,
    `withdrawn`, `reopened`), or None: an update an agency reported."""
    text = entry.text
    if text[:1] not in ("T", "S", "W", "R"):  # none of them begins otherwise: most entries stop here
        return None
    return next((kind for kind, pattern in CAP_ENTRIES.items() if pattern.fullmatch(text)), None)


def agency_entries(progress: Sequence[ProgressEntry]) -> list[ProgressEntry]:
    """The entries of a log that an agency reported (not those cap wrote for a change)."""
    return [e for e in progress if cap_entry_kind(e) is None]


# ------------------------------------------------------------------ the changes


def add_progress(
    action: Action,
    text: str,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
    status: str | None = None,
    again: bool = False,
) -> Action | Refusal:
    """One dated entry in the log (default date: today; never after it), in date order;
    with `status`, a change to open, in-progress or complete recorded with it. An entry
    the log has already (same day, text and author: a command run twice) is refused
    unless `again`."""
    refusal = _first_refusal(_text(text, "progress text"), _author(author))
    if refusal:
        return refusal
    if status is not None and status not in SETTABLE_STATUSES:
        return _status_refusal(status)
    day = _day(date, today, "date")
    if isinstance(day, Refusal):
        return day
    if not again and any(e.date == day and e.text == text and e.author == author for e in action.progress):
        return Refusal(f"{action.ref} has this entry already on {day.isoformat()} (nothing was written); "
                       "to record it a second time, give --again", 1)
    changes: dict[str, object] = {}
    if status is not None and status != action.status:
        refusal = allowed("status", action)
        if refusal:
            return refusal
        changes["status"] = status
        if status == "complete":
            if action.opened is not None and day < action.opened:
                return Refusal(f"cannot make {action.ref} complete on {day.isoformat()}: it was opened on "
                               f"{action.opened.isoformat()}", 1)
            changes["completed"] = day
    return _logged(action, day, text, author, **changes)


def retarget(
    action: Action,
    target: Target,
    reason: str | None,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
) -> Action | Refusal:
    """A new target date; the old one is kept in `target_history` with the reason."""
    refusal = _first_refusal(_text(reason, "reason", "--reason"), _author(author),
                             _not_too_early(target, "new target date"), allowed("retarget", action))
    if refusal:
        return refusal
    if target == action.target_date:
        return Refusal(f"{action.ref}'s target date is already {format_iso(target)}", 1)
    day = _day(date, today, "date of the revision")
    if isinstance(day, Refusal):
        return day
    if action.target_history and day < action.target_history[-1].date:
        last = action.target_history[-1].date.isoformat()
        return Refusal(f"cannot revise {action.ref}'s target on {day.isoformat()}: its latest revision is dated "
                       f"{last}, and revisions are kept in date order (give --date {last} or later)", 1)
    revision = TargetRevision(date=day, from_=action.target_date, to=target, reason=reason)
    text = f"Target date revised from {format_iso(action.target_date)} to {format_iso(target)}: {reason}"
    return _logged(
        action, day, text, author, target_date=target, target_history=[*action.target_history, revision]
    )


def close(
    action: Action,
    by: str | None,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
    impact_review: dt.date | None = None,
    no_impact_review: str | None = None,
    outcome: str | None = None,
    evidence: Sequence[str] = (),
) -> Action | Refusal:
    """Sign a complete action off: status `closed`, who signed it off and when (never
    before the log's latest entry, nor after today), and when its impact is to be
    reviewed: `impact_review`, by default 12 months after the sign-off, or no review
    with the reason `no_impact_review`. `outcome` replaces the action's outcome, and
    `evidence` is added to its evidence."""
    missing_by = by is None or not by.strip()
    refusal = _first_refusal(
        Refusal("who signed it off? give --by \"SCR Review Group\"", 2) if missing_by else _name(by, "signer", "--by"),
        _author(author),
        allowed("close", action),
    )
    if refusal:
        return refusal
    day = _day(date, today, "sign-off date")
    if isinstance(day, Refusal):
        return day
    latest = action.latest_progress
    if latest is not None and day < latest.date:
        # The file does not record which entry made the action complete, so the bound is
        # the latest entry: a sign-off follows the work it signs off (and its entry ends the log).
        return Refusal(f"cannot close {action.ref} on {day.isoformat()}: its latest progress entry is dated "
                       f"{latest.date.isoformat()}, and a sign-off comes after the work it signs off "
                       f"(give --date {latest.date.isoformat()} or later)", 1)
    if no_impact_review is not None:
        refusal = _text(no_impact_review, "reason for no impact review", "--no-impact-review")
        if refusal:
            return refusal
        if impact_review is not None:
            return Refusal("give --impact-review DATE or --no-impact-review REASON, not both", 2)
        review = None
    else:
        review = impact_review or shift_months(day, IMPACT_REVIEW_MONTHS)
        if review < day:
            return Refusal(f"the impact review {review.isoformat()} is before the sign-off {day.isoformat()}", 1)
    refusal = _first_refusal(
        _text(outcome, "outcome", "--outcome") if outcome is not None else None,
        *(_text(item, "evidence", "--evidence") for item in evidence),
    )
    if refusal:
        return refusal
    return _logged(action, day, f"Signed off by {by}; closed.", author,
                   status="closed", signed_off=SignOff(date=day, by=by),
                   impact_review=review, no_impact_review=no_impact_review,
                   outcome=outcome if outcome is not None else action.outcome,
                   evidence=[*action.evidence, *(e for e in evidence if e not in action.evidence)])


def withdraw(
    action: Action,
    reason: str | None,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
) -> Action | Refusal:
    """Withdraw an action that will not be done (superseded, say), with the reason."""
    refusal = _first_refusal(_text(reason, "reason", "--reason"), _author(author), allowed("withdraw", action))
    if refusal:
        return refusal
    day = _day(date, today, "date")
    if isinstance(day, Refusal):
        return day
    if action.opened is not None and day < action.opened:
        return Refusal(f"cannot withdraw {action.ref} on {day.isoformat()}: it was opened on "
                       f"{action.opened.isoformat()}", 1)
    return _logged(action, day, f"Withdrawn: {reason}", author, status="withdrawn", withdrawn_reason=reason,
                   withdrawn=day)


def reopen(
    action: Action,
    reason: str | None,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
) -> Action | Refusal:
    """Put a complete, closed or withdrawn action back to in-progress. The sign-off or
    withdrawal reason is cleared; the log keeps the entry that recorded it."""
    refusal = _first_refusal(_text(reason, "reason", "--reason"), _author(author), allowed("reopen", action))
    if refusal:
        return refusal
    day = _day(date, today, "date")
    if isinstance(day, Refusal):
        return day
    return _logged(action, day, f"Reopened (was {action.status}): {reason}", author,
                   status="in-progress", signed_off=None, withdrawn_reason=None, completed=None, withdrawn=None,
                   impact_review=None, no_impact_review=None)


#: How long after sign-off the impact of an action is reviewed, by default.
IMPACT_REVIEW_MONTHS = 12


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


def add_impact(
    action: Action,
    text: str,
    *,
    today: dt.date,
    date: dt.date | None = None,
    author: str | None = None,
) -> Action | Refusal:
    """One dated entry in the action's impact log (not its progress log): what changed
    after the action was done, and how we know. For a complete or closed action."""
    refusal = _first_refusal(_text(text, "impact text"), _author(author))
    if refusal:
        return refusal
    if action.status not in ("complete", "closed"):
        return Refusal(f"cannot record impact for {action.ref}: it is {action.status}; impact is reviewed "
                       "once an action is done (complete or closed)", 1)
    day = _day(date, today, "date")
    if isinstance(day, Refusal):
        return day
    entries = list(action.impact)
    index = len(entries)
    while index > 0 and entries[index - 1].date > day:
        index -= 1
    entries.insert(index, ImpactEntry(date=day, text=text, author=author))
    return Action.model_validate({**dict(action), "impact": entries})


def add_evidence(action: Action, text: str) -> Action | Refusal:
    """One more item of evidence that the action was done, for an action of any status
    (a closed one included: evidence often arrives after the sign-off)."""
    refusal = _text(text, "evidence")
    if refusal:
        return refusal
    if text in action.evidence:
        return Refusal(f"{action.ref} has this evidence already (nothing was written)", 1)
    return Action.model_validate({**dict(action), "evidence": [*action.evidence, text]})


def set_outcome(action: Action, text: str) -> Action | Refusal:
    """The action's outcome (what success looks like, or looked like), replacing any
    it had, for an action of any status."""
    refusal = _text(text, "outcome")
    if refusal:
        return refusal
    if text == action.outcome:
        return Refusal(f"{action.ref}'s outcome is this already (nothing was written)", 1)
    return Action.model_validate({**dict(action), "outcome": text})


def missing_outcome(action: Action) -> bool:
    """Closed or about to be, with neither an outcome nor evidence to show it worked."""
    return action.outcome is None and not action.evidence


def _author(author: str | None) -> Refusal | None:
    if author is not None and not author.strip():
        return Refusal("the author is empty (leave --author out, or give a name)", 2)
    return _characters(author, "author", "--author", one_line=True)


def _status_refusal(status: str) -> Refusal:
    if status == "closed":
        return Refusal("status closed comes only with a sign-off: cap close REF --by \"...\"", 2)
    if status == "withdrawn":
        return Refusal("status withdrawn comes only with a reason: cap withdraw REF --reason \"...\"", 2)
    return Refusal(f"unknown status {status!r}; cap progress --status takes {', '.join(SETTABLE_STATUSES)}", 2)


# ------------------------------------------------------------------ a new action


def next_ref(theme: Theme, taken: Iterable[str]) -> str:
    """The next free number in the theme: after 1.4 comes 1.5 (gaps are not refilled)."""
    numbers = [int(r.split(".")[1]) for r in taken if REF_PATTERN.match(r) and r.split(".")[0] == str(theme.number)]
    return f"{theme.number}.{max(numbers, default=0) + 1}"


def new_action(
    themes: Sequence[Theme],
    scrs: Sequence[Scr],
    taken: Iterable[str],
    *,
    theme: str | None,
    action: str | None,
    lead: Sequence[str],
    target_date: Target | None,
    cited: Sequence[str] = (),
    all_scrs: bool = False,
    ref: str | None = None,
    outcome: str | None = None,
    owner: str | None = None,
    opened: dt.date | None = None,
    recommendations: Sequence[str] = (),
) -> Action | Refusal:
    """A new open action, opened on `opened`; `taken` are the refs already used (file names).
    `recommendations` are ids of review recommendations it answers (`Q-3`)."""
    from cap.query import UnknownTheme, resolve_theme

    if theme is None:
        return Refusal("which theme? give --theme (an id, alias or prefix)", 2)
    try:
        found = resolve_theme(themes, theme)
    except UnknownTheme as exc:
        return Refusal(str(exc), exc.exit_code)
    refusal = _first_refusal(
        _text(action, "action text", "--action"),
        Refusal("who leads it? give --lead AGENCY (repeat for more than one)", 2) if not lead else None,
        *(_name(name, "lead agency", "--lead") for name in lead),
        Refusal("when is it due? give --target-date (a date, or ongoing)", 2) if target_date is None else None,
        _not_too_early(target_date, "target date"),
        _text(outcome, "outcome", "--outcome") if outcome is not None else None,
        _name(owner, "owner", "--owner") if owner is not None else None,
    )
    if refusal:
        return refusal
    ids = {s.id.lower(): s.id for s in scrs}
    from cap.nearest import unknown

    strange = [c for c in cited if c.lower() not in ids]
    if strange:
        return Refusal(unknown("SCR", strange[0], [s.id for s in scrs], plural="cases"), 2)
    owners = {r.id: s.id for s in scrs for r in s.recommendations}
    for rec in recommendations:
        if rec not in owners:
            return Refusal(unknown("recommendation", rec, list(owners)), 2)
        if not all_scrs and owners[rec].lower() not in (c.lower() for c in cited):
            return Refusal(f"recommendation {rec} is of case {owners[rec]}: give --scr {owners[rec]} too", 1)
    taken = set(taken)
    if ref is None:
        ref = next_ref(found, taken)
    elif not REF_PATTERN.match(ref):
        return Refusal(f"{ref!r} is not a ref (refs look like {found.number}.5)", 2)
    elif ref.split(".")[0] != str(found.number):
        return Refusal(f"ref {ref} does not fit theme {found.id}: its refs start with {found.number}.", 1)
    elif ref in taken:
        return Refusal(f"ref {ref} is taken already: leave out --ref for the next free one", 1)
    return Action(
        ref=ref,
        theme=found.id,
        scrs=list(dict.fromkeys(ids[c.lower()] for c in cited)),
        all_scrs=all_scrs,
        action=action,
        lead=list(dict.fromkeys(lead)),
        target_date=target_date,
        status="open",
        outcome=outcome,
        owner=owner,
        opened=opened,
        recommendations=list(dict.fromkeys(recommendations)),
    )


# ------------------------------------------------------------------ the file work


@dataclass(frozen=True)
class Written:
    """A change that landed: the action before and after, and where."""

    before: Action | None
    action: Action
    path: Path
    shown: str
    #: The file was not in the canonical format before: more lines changed than the update.
    reformatted: bool = False


def check_ref(ref: str) -> Refusal | None:
    message = not_a_ref(ref)
    return Refusal(message, 2) if message else None


def update_action(data_dir: Path, ref: str, change: Callable[[Action], Action | Refusal]) -> Written | Refusal:
    """Apply `change` to one action file, locked, validated and atomic.

    Refused, with the file untouched: an unknown ref, a file that does not load (its
    problems come with the refusal), a file holding `#` comments a rewrite would drop,
    and whatever `change` refuses. May raise StoreError (lock timeout) or OSError.
    """
    from cap.lineends import as_lf
    from cap.loader import action_path, display_path, load_action_source, not_a_file
    from cap.store import canonical_text, plan_lock, save_action
    from cap.yamlio import comment_lines, header_comment

    refusal = check_ref(ref)
    if refusal:
        return refusal
    path = action_path(data_dir, ref)
    shown = display_path(path, data_dir)
    with plan_lock(data_dir):
        if not path.is_file():
            kind = not_a_file(path)
            if kind:
                return Refusal(f"{shown} is {kind}, not a file: an action is a file; remove or rename it (nothing was changed)")
            return unknown_ref(data_dir, ref, shown)
        # The loader's own reading: a link leading out of the data folder, a file too
        # large or not UTF-8 are refused here as everywhere else.
        source, problems = load_action_source(path, data_dir)
        before, raw = source.record, source.raw
        if before is None or raw is None or any(p.is_error for p in problems):
            return Refusal(f"{shown} has errors: fix them first (nothing was changed)", 1, tuple(problems))
        raw = as_lf(raw)  # CRLF throughout is the same file (save_action keeps the ending)
        text = raw.decode("utf-8-sig")
        comments = comment_lines(text)
        if comments:
            return Refusal(
                f"{shown}:{comments[0]}: has a # comment, which cap would drop: move it into a "
                "progress entry or delete it, then try again (nothing was changed)", 1)
        after = change(before)
        if isinstance(after, Refusal):
            return after
        refusal = _new_errors(before, after)
        if refusal:
            return refusal
        header = header_comment(text)
        save_action(path, after, header)
    return Written(before, after, path, shown, reformatted=raw != canonical_text(before, header).encode("utf-8"))


def unknown_ref(data_dir: Path, ref: str, shown: str) -> Refusal:
    """A ref the plan has no file for: a mistake in the command (2), with the nearest refs."""
    from cap.loader import action_files
    from cap.nearest import unknown

    refs = [p.stem for p in action_files(data_dir)]
    return Refusal(unknown("ref", ref, refs, detail=f"there is no {shown}"), 2)


def _new_errors(before: Action | None, after: Action) -> Refusal | None:
    """What cap writes, `cap validate` accepts: a change that would give the action an
    error it did not have (revisions out of date order, say) is refused."""
    from cap.checks import action_errors

    had = set(action_errors(before)) if before is not None else set()
    new = [m for m in action_errors(after) if m not in had]
    if new:
        return Refusal(f"refusing to change {after.ref}: {new[0]}; cap validate would report it (nothing was changed)", 1)
    return None


def create_action(data_dir: Path, make: Callable[[list[Theme], list[Scr], list[str]], Action | Refusal]) -> Written | Refusal:
    """Write a new action file: `make(themes, scrs, taken refs)` builds it under the lock."""
    from cap.loader import action_files, action_path, display_path, load_reference
    from cap.store import plan_lock, save_action

    with plan_lock(data_dir):
        themes, scrs, problems = load_reference(data_dir)
        if any(p.is_error for p in problems):
            return Refusal("the reference data has errors: fix them first (nothing was written)", 1, tuple(problems))
        action = make(themes, scrs, [p.stem for p in action_files(data_dir)])
        if isinstance(action, Refusal):
            return action
        refusal = _new_errors(None, action)
        if refusal:
            return refusal
        path = action_path(data_dir, action.ref)
        shown = display_path(path, data_dir)
        if path.exists():  # pragma: no cover - `taken` holds every file name
            return Refusal(f"{shown} exists already (nothing was written)")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_action(path, action)
    return Written(None, action, path, shown)


__all__ = [
    "LIFECYCLE", "SETTABLE_STATUSES", "Refusal", "Written", "add_progress", "allowed", "check_ref",
    "add_evidence", "add_impact", "close", "set_outcome", "create_action", "missing_outcome", "shift_months", "new_action", "next_ref", "reopen", "retarget", "update_action", "withdraw",
]
