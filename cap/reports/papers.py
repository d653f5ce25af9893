"""The board's papers as `Paper` values: the sign-off pack and the annual statistics.

Pure functions of the plan, the life dates (cap/lifedates.py) and the dates asked for;
the renderers (md, html, csv, json, ...) only lay out the Paper.
"""

from __future__ import annotations

import datetime as dt

from cap.dates import format_iso, format_uk
from cap.lifedates import Lives
from cap.models import Action, Plan
from cap.reports.annual import FIGURES, SHORT, Annual
from cap.reports.paper import Block, Chart, Paper, Table, count_table


def _uk(day: dt.date | str | None) -> str:
    """A date as every paper writes it, `dd/mm/yyyy` (`Ongoing`; empty for none)."""
    return format_uk(day, full_year=True) if day else ""


def _month(month: str) -> str:
    """`2017-04` as a paper names the month: `Apr 2017`."""
    return dt.datetime.strptime(month, "%Y-%m").strftime("%b %Y")


def _log(action: Action) -> str:
    if not action.progress:
        return "No progress recorded."
    return "\n".join(f"{_uk(e.date)}: {e.text}" + (f" ({e.author})" if e.author else "") for e in action.progress)


def _history(action: Action) -> str:
    if not action.target_history:
        return f"Not revised (target {_uk(action.target_date)})."
    return "\n".join(f"{_uk(r.date)}: {_uk(r.from_)} -> {_uk(r.to)}: {r.reason}"
                     for r in action.target_history)


def action_whole(action: Action, plan: Plan, lives: Lives) -> Block:
    """One action in full, for the sign-off meeting, with a line for the decision."""
    theme = plan.theme(action.theme)
    life = lives.of(action.ref)
    completed = life.completed.date if life.completed else None
    fields = [
        ("Action", action.action),
        ("Theme", f"{theme.number}. {theme.title}" if theme else action.theme),
        ("Cases", action.scr_label() or "none"),
        ("Recommendations", ", ".join(action.recommendations) or "none named"),
        ("Lead agency", "/".join(action.lead)),
        ("Owner", action.owner or "not recorded"),
        ("Outcome", action.outcome or "not recorded"),
        ("Evidence", "\n".join(action.evidence) or "none recorded"),
        ("Target date", _uk(action.target_date)),
        ("Target history", _history(action)),
        ("Opened", _uk(life.opened.date) or "not known"),
        ("Completed", _uk(completed) or "not known"),
        ("Progress log", _log(action)),
    ]
    return Block(
        f"{action.ref} ({'/'.join(action.lead)})",
        tables=(Table("", ("Field", "Value"), tuple(fields)),),
        closing=("Decision: signed off / not signed off (reason: ...........)    Date: ..../..../........    "
                 "Impact review due: ..../..../........",),
        level=3,
    )


def signoff_paper(plan: Plan, actions: list[Action], lives: Lives, as_of: dt.date, since: dt.date,
                  title: str) -> Paper:
    """The actions awaiting sign-off (complete), each whole with a decision line; then those
    signed off since `since` (up to `as_of`)."""
    waiting = [a for a in actions if a.status == "complete"]
    signed = [a for a in actions if a.signed_off is not None and since <= a.signed_off.date <= as_of]
    signed.sort(key=lambda a: (a.signed_off.date, a.ref))
    blocks = [Block(
        f"Awaiting sign-off: {len(waiting)}",
        paragraphs=("Each action below is complete and awaits the review group's decision."
                    if waiting else "No action is awaiting sign-off.",),
    )]
    blocks += [action_whole(a, plan, lives) for a in waiting]
    rows = tuple(
        (a.ref, a.action, "/".join(a.lead), _uk(a.signed_off.date), a.signed_off.by,
         _uk(a.impact_review) if a.impact_review else (f"none: {a.no_impact_review}" if a.no_impact_review else ""),
         a.outcome or ("evidence recorded" if a.evidence else "no outcome or evidence"))
        for a in signed
    )
    blocks.append(Block(
        f"Signed off since {_uk(since)}: {len(signed)}",
        tables=(Table("", ("Ref", "Action", "Lead agency", "Signed off", "By", "Impact review", "Outcome"), rows,
                      empty=f"No action was signed off between {_uk(since)} and {_uk(as_of)}."),),
    ))
    data = {
        "since": since.isoformat(),
        "awaiting_sign_off": [a.ref for a in waiting],
        "signed_off_since": [{"ref": a.ref, "date": a.signed_off.date.isoformat(), "by": a.signed_off.by}
                             for a in signed],
    }
    return Paper("signoff", title, f"Sign-off pack, as of {_uk(as_of)}: {len(waiting)} awaiting sign-off, "
                 f"{len(signed)} signed off since {_uk(since)}.", tuple(blocks),
                 notes=(lives.note([a.ref for a in waiting]),), data=data)


def _share(a: Annual) -> str:
    if a.on_time_share is None:
        return "no action with a dated original target was completed in the period"
    return (f"{a.completed_on_time} of {a.completed_with_date_target} "
            f"({round(100 * a.on_time_share)}%) completed on or before their original target date")


def _median(a: Annual) -> str:
    m = a.revised_median_days
    if m is None:
        return "none from one date to another"
    return f"{a.revised_total_days} days in total, median {m:g} days"


def annual_paper(a: Annual, lives: Lives, refs: list[str], title: str) -> Paper:
    """The annual statistics for a period, as a Paper."""
    t = a.totals
    period = f"{_uk(a.start)} to {_uk(a.end)}"
    headline = (
        ("Actions opened", str(t["opened"])),
        ("Actions completed", str(t["completed"])),
        ("Actions signed off", str(t["signed_off"])),
        ("Actions withdrawn", str(t["withdrawn"])),
        ("Target dates revised", f"{t['revised']} ({_median(a)})"),
        ("Progress entries dated in the period", str(t["progress"])),
        (f"Still active on {_uk(a.end)}", str(t["active_at_end"])),
        (f"Complete, awaiting sign-off on {_uk(a.end)}", str(t["awaiting_at_end"])),
        (f"Overdue on {_uk(a.end)}", str(t["overdue_at_end"])),
        ("Completed on or before the original target", _share(a)),
        ("Impact reviews falling due", str(t["impact_due"])),
        ("Impact entries made", str(t["impact_entries"])),
    )
    columns = tuple(name for _, name in FIGURES)

    def grouped(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        return {key: {name: values[k] for k, name in FIGURES} for key, values in counts.items()}

    blocks = [
        Block("The year in figures", tables=(Table("", ("Figure", "Value"), headline),)),
        Block("Withdrawn in the period", tables=(Table("", ("Ref", "Reason"), tuple(a.withdrawn),
                                                       empty="No action was withdrawn."),)),
        Block("Recommendations not accepted (reviews published in the period)", tables=(Table(
            "", ("Case", "Recommendation", "Response", "Reason"), tuple(a.not_accepted),
            empty="None: every recommendation of the reviews published in the period was accepted, "
                  "or none was published."),)),
        Block("By theme", tables=(count_table("", "Theme", grouped(a.by_theme), columns, SHORT),)),
        Block("By case", paragraphs=("An action counts for each case it cites; actions for all reviews "
                                     f"count under '{'All reviews'}'.",),
              tables=(count_table("", "Case", grouped(a.by_case), columns, SHORT),)),
        Block("By kind of review", tables=(count_table("", "Kind", grouped(a.by_kind), columns, SHORT),)),
        Block("By lead agency", paragraphs=("An action with two lead agencies counts for each.",),
              tables=(count_table("", "Lead agency", grouped(a.by_lead), columns, SHORT),)),
        Block("Opened and completed per month",
              chart=Chart("Actions opened and completed per month", tuple(_month(m) for m in a.months),
                          (("opened", tuple(a.opened_by_month)), ("completed", tuple(a.completed_by_month))))),
    ]
    data = {
        "from": a.start.isoformat(),
        "to": a.end.isoformat(),
        "figures": dict(a.totals),
        "refs": {k: v for k, v in a.refs.items()},
        "revision_days": {"count": len(a.revision_days), "total": a.revised_total_days,
                          "median": a.revised_median_days},
        "completed_on_time": {"on_time": a.completed_on_time, "with_dated_target": a.completed_with_date_target},
        "withdrawn": [{"ref": r, "reason": why} for r, why in a.withdrawn],
        "not_accepted": [{"case": c, "id": i, "response": resp, "reason": why} for c, i, resp, why in a.not_accepted],
        "by_theme": a.by_theme, "by_case": a.by_case, "by_kind": a.by_kind, "by_lead": a.by_lead,
        "per_month": {"months": a.months, "opened": a.opened_by_month, "completed": a.completed_by_month},
        "dates_from_git": lives.count("git", refs),
        "undated": lives.count("undated", refs),
        "undated_refs": lives.undated_refs(refs),
    }
    return Paper("annual", title, f"Annual statistics, {period}.", tuple(blocks),
                 notes=(lives.note(refs),), data=data)


__all__ = ["action_whole", "annual_paper", "signoff_paper"]
