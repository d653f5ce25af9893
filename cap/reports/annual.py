"""The annual statistics: what the partnership did on its reviews in a period.

`annual(plan, lives, start, end)` counts, from the dates the data records (see
cap/lifedates.py), for the period `start`..`end` (both days included):

- in the period: actions opened, completed, signed off, withdrawn (each with its reason),
  target dates revised (how many; by how many days in total and at the median, counting
  the revisions from one date to another), progress entries dated in the period (whichever
  command added them), impact reviews falling due, impact entries made;
- at the period's end: still active (opened by then, and neither completed nor withdrawn
  by then), complete awaiting sign-off, overdue (active, against the target date in force
  that day, read from the target history);
- of the actions completed in the period, the share completed on or before their
  original target date (actions whose original target is `ongoing` are left out of it);
- the recommendations of reviews published in the period that were not accepted, with reasons;
- the same counts by theme, by case, by kind of review and by lead agency, and opened
  against completed per month.

An action whose date could not be found (neither the file nor git has it) is left out of
the counts that need that date; the paper's note says how many.

    >>> figures = annual(plan, lives, dt.date(2017, 4, 1), dt.date(2018, 3, 31))   # doctest: +SKIP
    >>> figures.totals["opened"]
    3
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass, field

from cap.lifedates import Lives
from cap.models import Action, Plan

#: Short names of the figures for the terminal (`cap stats`), in FIGURES order.
SHORT = ("Open", "Done", "Sign", "Wdr", "Rev", "Ent", "Act", "Wait", "Over", "ImpD", "Imp")
#: The per-action figures, in the order the tables show them, with their column names.
FIGURES: tuple[tuple[str, str], ...] = (
    ("opened", "Opened"),
    ("completed", "Completed"),
    ("signed_off", "Signed off"),
    ("withdrawn", "Withdrawn"),
    ("revised", "Target dates revised"),
    ("progress", "Progress entries"),
    ("active_at_end", "Active at end"),
    ("awaiting_at_end", "Awaiting sign-off at end"),
    ("overdue_at_end", "Overdue at end"),
    ("impact_due", "Impact reviews due"),
    ("impact_entries", "Impact entries"),
)

ALL_REVIEWS = "All reviews"


class PeriodError(ValueError):
    """A period that cannot be read or runs backwards; the message is one line."""


def financial_year(text: str) -> tuple[dt.date, dt.date]:
    """`2017-18` (or `2017/18`, `2017-2018`, `2017`): 1 April 2017 to 31 March 2018."""
    m = re.fullmatch(r"\s*(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?\s*", text)
    if not m:
        raise PeriodError(f"{text!r} is not a financial year: write it 2017-18 (1 April 2017 to 31 March 2018)")
    first = int(m.group(1))
    if m.group(2):
        second, wanted = int(m.group(2)), first + 1
        if second != (wanted if len(m.group(2)) == 4 else wanted % 100):
            raise PeriodError(f"{text!r}: a financial year runs from one year into the next, like 2017-18")
    if not dt.MINYEAR <= first < dt.MAXYEAR:
        raise PeriodError(f"{text!r}: a financial year must lie within the calendar's years 1 to 9999")
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def target_on(action: Action, day: dt.date) -> dt.date | str:
    """The target date in force on `day`: the last revision made on or before it, else the original."""
    target = action.original_target
    for revision in action.target_history:
        if revision.date <= day:
            target = revision.to
    return target


def _months(start: dt.date, end: dt.date) -> list[str]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass
class Annual:
    start: dt.date
    end: dt.date
    totals: dict[str, int]
    #: refs behind each total, for the board's questions.
    refs: dict[str, list[str]]
    withdrawn: list[tuple[str, str]]  # (ref, reason)
    revision_days: list[int]  # each revision from one date to another, in days (negative: brought forward)
    completed_on_time: int
    completed_with_date_target: int
    by_theme: dict[str, dict[str, int]]
    by_case: dict[str, dict[str, int]]
    by_kind: dict[str, dict[str, int]]
    by_lead: dict[str, dict[str, int]]
    months: list[str]
    opened_by_month: list[int]
    completed_by_month: list[int]
    not_accepted: list[tuple[str, str, str, str]]  # (case, id, response, reason)
    undated: dict[str, list[str]] = field(default_factory=dict)  # figure -> refs left out

    @property
    def revised_total_days(self) -> int:
        return sum(self.revision_days)

    @property
    def revised_median_days(self) -> float | None:
        return statistics.median(self.revision_days) if self.revision_days else None

    @property
    def on_time_share(self) -> float | None:
        if not self.completed_with_date_target:
            return None
        return self.completed_on_time / self.completed_with_date_target


def _contributions(action: Action, lives: Lives, start: dt.date, end: dt.date,
                   undated: dict[str, list[str]]) -> dict[str, int]:
    """What one action adds to each figure (0 or 1, or a count of entries)."""
    life = lives.of(action.ref)
    inside = lambda d: d is not None and start <= d <= end  # noqa: E731
    by_end = lambda d: d is not None and d <= end  # noqa: E731
    out = dict.fromkeys((k for k, _ in FIGURES), 0)
    opened = life.opened.date
    completed = life.completed.date if life.completed else None
    withdrawn = life.withdrawn.date if life.withdrawn else None
    signed = action.signed_off.date if action.signed_off else None
    for name, dated in (("opened", life.opened), ("completed", life.completed), ("withdrawn", life.withdrawn)):
        if dated is not None and dated.date is None:
            undated.setdefault(name, []).append(action.ref)
    out["opened"] = int(inside(opened))
    out["completed"] = int(inside(completed))
    out["signed_off"] = int(inside(signed))
    out["withdrawn"] = int(inside(withdrawn))
    out["revised"] = sum(1 for r in action.target_history if inside(r.date))
    out["progress"] = sum(1 for e in action.progress if inside(e.date))
    # A completion the data cannot date still happened by the sign-off, if there is one;
    # without a sign-off, the action's state at the period's end is not known: left out.
    done_by_end = by_end(completed) or by_end(signed)
    unknown = (life.completed is not None and completed is None and signed is None) or (
        life.withdrawn is not None and withdrawn is None)
    if unknown:
        pass
    elif by_end(opened) and not done_by_end and not by_end(withdrawn):
        out["active_at_end"] = 1
        target = target_on(action, end)
        out["overdue_at_end"] = int(isinstance(target, dt.date) and target < end)
    if not unknown and done_by_end and not by_end(signed) and not by_end(withdrawn):
        out["awaiting_at_end"] = 1
    out["impact_due"] = int(inside(action.impact_review))
    out["impact_entries"] = sum(1 for e in action.impact if inside(e.date))
    return out


def _add(into: dict[str, dict[str, int]], key: str, figures: dict[str, int]) -> None:
    mine = into.setdefault(key, dict.fromkeys((k for k, _ in FIGURES), 0))
    for name, value in figures.items():
        mine[name] += value


def annual(plan: Plan, lives: Lives, start: dt.date, end: dt.date, actions: list[Action] | None = None) -> Annual:
    """The figures for `start`..`end` over `actions` (default: the whole plan)."""
    if end < start:
        raise PeriodError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    actions = plan.actions if actions is None else actions
    kinds = {s.id: (s.kind or "unknown") for s in plan.scrs}
    themes = {t.id: f"{t.number}. {t.title}" for t in plan.themes}
    totals = dict.fromkeys((k for k, _ in FIGURES), 0)
    refs: dict[str, list[str]] = {k: [] for k, _ in FIGURES}
    by_theme: dict[str, dict[str, int]] = {}
    by_case: dict[str, dict[str, int]] = {}
    by_kind: dict[str, dict[str, int]] = {}
    by_lead: dict[str, dict[str, int]] = {}
    undated: dict[str, list[str]] = {}
    withdrawn: list[tuple[str, str]] = []
    revision_days: list[int] = []
    on_time = with_date = 0
    months = _months(start, end)
    opened_by_month, completed_by_month = [0] * len(months), [0] * len(months)
    for action in actions:
        figures = _contributions(action, lives, start, end, undated)
        for name, value in figures.items():
            totals[name] += value
            if value:
                refs[name].append(action.ref)
        _add(by_theme, themes.get(action.theme, action.theme), figures)
        cases = [*action.scrs, *([ALL_REVIEWS] if action.all_scrs else [])]
        for case in dict.fromkeys(cases):
            _add(by_case, case, figures)
        every = sorted(set(kinds.values())) if action.all_scrs else []  # for all reviews: each kind
        for kind in dict.fromkeys([*(kinds.get(c, "unknown") for c in action.scrs), *every]):
            _add(by_kind, kind, figures)
        for lead in dict.fromkeys(action.lead):
            _add(by_lead, lead, figures)
        life = lives.of(action.ref)
        if figures["withdrawn"]:
            withdrawn.append((action.ref, action.withdrawn_reason or ""))
        for r in action.target_history:
            if start <= r.date <= end and isinstance(r.from_, dt.date) and isinstance(r.to, dt.date):
                revision_days.append((r.to - r.from_).days)
        if figures["completed"]:
            original = action.original_target
            if isinstance(original, dt.date):
                with_date += 1
                on_time += int(life.completed.date <= original)
            completed_by_month[months.index(life.completed.date.strftime("%Y-%m"))] += 1
        if figures["opened"]:
            opened_by_month[months.index(life.opened.date.strftime("%Y-%m"))] += 1
    not_accepted = [
        (s.id, r.id, r.response, r.reason or "")
        for s in plan.scrs if s.published is not None and start <= s.published <= end
        for r in s.recommendations if r.response != "accepted"
    ]
    return Annual(
        start=start, end=end, totals=totals, refs=refs, withdrawn=withdrawn, revision_days=revision_days,
        completed_on_time=on_time, completed_with_date_target=with_date,
        by_theme=by_theme,
        by_case=dict(sorted(by_case.items(), key=lambda kv: (kv[0] == ALL_REVIEWS, kv[0].casefold()))),
        by_kind=dict(sorted(by_kind.items())), by_lead=dict(sorted(by_lead.items(), key=lambda kv: kv[0].casefold())),
        months=months, opened_by_month=opened_by_month, completed_by_month=completed_by_month,
        not_accepted=not_accepted, undated=undated,
    )


__all__ = ["ALL_REVIEWS", "Annual", "FIGURES", "PeriodError", "annual", "financial_year", "target_on"]
