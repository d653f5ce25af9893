"""The reviews (cases) and their recommendations: `cap reviews` and `cap reviews Q`.

Pure functions of the plan, the life dates (cap/lifedates.py) and the as-of date. A case's
actions are those citing it by name (an action "for all reviews" is not counted against
each case: it answers none of its recommendations by name). Withdrawn actions are counted
apart. The plan was in place on time when an action citing the case was opened on or
before the day three months after publication.

    >>> lines = review_lines(plan, lives, dt.date(2017, 7, 1))     # doctest: +SKIP
    >>> lines[0].id, lines[0].actions, lines[0].late
    ('D', 1, None)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cap.dates import format_uk
from cap.lifedates import Lives
from cap.models import Action, Plan, Scr
from cap.query import brag, days_overdue
from cap.reports.paper import Block, Paper, Table

#: A plan should be in place within this many months of a review's publication.
PLAN_WITHIN_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when `end` is before a month has passed)."""
    from dateutil.relativedelta import relativedelta

    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


@dataclass(frozen=True)
class ReviewLine:
    id: str
    title: str
    kind: str | None
    published: dt.date | None
    url: str | None
    months_since: int | None
    accepted: int
    partly: int
    not_accepted: int
    actions: int  # not withdrawn
    closed: int
    overdue: int
    withdrawn: int
    #: True: no action opened by published + 3 months; False: in place; None: not published
    #: (or not known: some actions undated and none dated in time, see `undated`).
    late: bool | None
    undated: int

    @property
    def flag(self) -> str:
        if self.late is True:
            return f"no plan within {PLAN_WITHIN_MONTHS} months"
        if self.late is None and self.published is not None and self.undated:
            return "not known (undated actions)"
        return ""


def case_actions(plan: Plan, case_id: str) -> list[Action]:
    return [a for a in plan.actions if case_id.lower() in (s.lower() for s in a.scrs)]


def review_line(plan: Plan, scr: Scr, lives: Lives, as_of: dt.date) -> ReviewLine:
    actions = case_actions(plan, scr.id)
    live = [a for a in actions if a.status != "withdrawn"]
    late: bool | None = None
    undated = sum(1 for a in actions if lives.of(a.ref).opened.date is None)
    if scr.published is not None:
        limit = add_months(scr.published, PLAN_WITHIN_MONTHS)
        in_time = any(lives.of(a.ref).opened.date is not None and lives.of(a.ref).opened.date <= limit
                      for a in actions)
        late = False if in_time else (None if undated else True)
    responses = [r.response for r in scr.recommendations]
    return ReviewLine(
        id=scr.id, title=scr.title, kind=scr.kind, published=scr.published, url=scr.url,
        months_since=months_between(scr.published, as_of) if scr.published and scr.published <= as_of else None,
        accepted=responses.count("accepted"), partly=responses.count("partially-accepted"),
        not_accepted=responses.count("not-accepted"),
        actions=len(live), closed=sum(1 for a in live if a.status == "closed"),
        overdue=sum(1 for a in live if days_overdue(a, as_of) is not None),
        withdrawn=len(actions) - len(live), late=late, undated=undated,
    )


def review_lines(plan: Plan, lives: Lives, as_of: dt.date) -> list[ReviewLine]:
    return [review_line(plan, s, lives, as_of) for s in plan.scrs]


class UnknownReview(LookupError):
    """A case the plan does not have: a mistake in the command (exit 2)."""

    exit_code = 2


def find_review(plan: Plan, case_id: str) -> Scr:
    found = next((s for s in plan.scrs if s.id.lower() == case_id.lower()), None)
    if found is None:
        from cap.nearest import unknown

        raise UnknownReview(unknown("review", case_id, [s.id for s in plan.scrs], plural="cases"))
    return found


def _uk(day: dt.date | None) -> str:
    return format_uk(day, full_year=True) if day else ""


def _state(action: Action, as_of: dt.date) -> str:
    overdue = days_overdue(action, as_of)
    rating = brag(action, as_of)
    words = [action.status]
    if overdue is not None:
        words.append(f"{overdue} days overdue")
    if action.signed_off:
        words.append(f"signed off {_uk(action.signed_off.date)}")
    return ", ".join(words) + (f" ({rating})" if rating else "")


def reviews_paper(plan: Plan, lives: Lives, as_of: dt.date, title: str) -> Paper:
    """Every case, a line each."""
    lines = review_lines(plan, lives, as_of)
    rows = tuple(
        (l.id, l.kind or "", _uk(l.published), "" if l.months_since is None else str(l.months_since),
         str(l.accepted), str(l.partly), str(l.not_accepted), str(l.actions), str(l.closed), str(l.overdue),
         str(l.withdrawn), l.flag)
        for l in lines
    )
    table = Table("", ("Case", "Kind", "Published", "Months since", "Accepted", "Partly", "Not accepted",
                       "Actions", "Closed", "Overdue", "Withdrawn", "Plan in place"), rows,
                  numeric=(3, 4, 5, 6, 7, 8, 9, 10),
                  short=("Case", "Kind", "Published", "Months", "Acc", "Part", "Not", "Actions", "Closed",
                         "Overdue", "Wdr", "Plan in place"),
                  empty="No review is declared in scrs.yaml.")
    data = {"reviews": [{
        "id": l.id, "title": l.title, "kind": l.kind, "published": l.published.isoformat() if l.published else None,
        "url": l.url, "months_since_published": l.months_since,
        "recommendations": {"accepted": l.accepted, "partially_accepted": l.partly, "not_accepted": l.not_accepted},
        "actions": {"total": l.actions, "closed": l.closed, "overdue": l.overdue, "withdrawn": l.withdrawn},
        "plan_late": l.late, "flag": l.flag or None,
    } for l in lines]}
    late = sum(1 for l in lines if l.late)
    return Paper("reviews", title, f"Reviews, as of {_uk(as_of)}: {len(lines)} cases"
                 + (f", {late} without a plan within {PLAN_WITHIN_MONTHS} months of publication" if late else "") + ".",
                 (Block("Reviews", paragraphs=(
                     "Actions: those citing the case by name, not withdrawn (withdrawn counted apart); "
                     "overdue as of the date above. Plan in place: an action opened within "
                     f"{PLAN_WITHIN_MONTHS} months of publication.",), tables=(table,)),),
                 notes=(lives.note(),), data=data)


def review_paper(plan: Plan, case_id: str, lives: Lives, as_of: dt.date, title: str) -> Paper:
    """One case in full: its details, each recommendation with its response and the
    actions answering it, then its other actions. UnknownReview for an unknown case."""
    scr = find_review(plan, case_id)
    line = review_line(plan, scr, lives, as_of)
    actions = case_actions(plan, scr.id)
    details = (
        ("Title", scr.title), ("Kind", scr.kind or "not recorded"),
        ("Published", _uk(scr.published) or "not recorded"), ("Report", scr.url or "not recorded"),
        ("Months since publication", "" if line.months_since is None else str(line.months_since)),
        ("Plan in place", line.flag or ("yes" if line.late is False else "not known (no publication date)")),
        ("Note", scr.note or ""),
    )
    blocks = [Block(f"Case {scr.id}", tables=(Table("", ("Field", "Value"), tuple(d for d in details if d[1])),))]
    answered: set[str] = set()
    rec_blocks = []
    for rec in scr.recommendations:
        answering = [a for a in plan.actions if rec.id in a.recommendations]
        answered.update(a.ref for a in answering)
        response = rec.response + (f": {rec.reason}" if rec.reason else "")
        counted = [a for a in answering if a.status != "withdrawn"]
        warn = ("No action answers it." if rec.response != "not-accepted" and not counted else "")
        rec_blocks.append(Block(
            f"{rec.id}: {rec.response}", paragraphs=(rec.text, f"Response: {response}", *([warn] if warn else [])),
            tables=(Table("", ("Ref", "Action", "Lead agency", "Target", "State"),
                          tuple((a.ref, a.action, "/".join(a.lead), format_uk(a.target_date, full_year=True), _state(a, as_of))
                                for a in answering), empty="No action answers it."),),
            level=3))
    blocks.append(Block(f"Recommendations: {len(scr.recommendations)}",
                        paragraphs=() if scr.recommendations else ("No recommendation is recorded for this case.",)))
    blocks += rec_blocks
    others = [a for a in actions if a.ref not in answered]
    blocks.append(Block("Other actions citing the case", tables=(Table(
        "", ("Ref", "Action", "Lead agency", "Target", "State"),
        tuple((a.ref, a.action, "/".join(a.lead), format_uk(a.target_date, full_year=True), _state(a, as_of)) for a in others),
        empty="None."),)))
    data = {"review": {
        "id": scr.id, "title": scr.title, "kind": scr.kind, "published": scr.published.isoformat() if scr.published else None,
        "url": scr.url, "months_since_published": line.months_since, "plan_late": line.late,
        "recommendations": [{
            "id": r.id, "text": r.text, "response": r.response, "reason": r.reason,
            "actions": [{"ref": a.ref, "status": a.status} for a in plan.actions if r.id in a.recommendations],
        } for r in scr.recommendations],
        "other_actions": [{"ref": a.ref, "status": a.status} for a in others],
    }}
    return Paper("review", title, f"Case {scr.id}, as of {_uk(as_of)}.", tuple(blocks),
                 notes=(lives.note([a.ref for a in actions]),), data=data)


__all__ = ["PLAN_WITHIN_MONTHS", "ReviewLine", "UnknownReview", "find_review", "review_line", "review_lines",
           "review_paper", "reviews_paper"]
