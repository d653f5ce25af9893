"""Recording updates: `cap progress`, `add`, `retarget`, `close`, `withdraw`, `reopen` and `fmt`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Optional

import typer

from cap.cli.common import (
    app, fail, say, data_dir, date_option, guarded_write, complete_ref, complete_theme, complete_case, complete_lead, complete_progress_status,
)

# Options shared by the commands that write.
DateOpt = Annotated[
    Optional[str], typer.Option("--date", metavar="DATE", help="The day it happened (default: today; never after today).")
]
AuthorOpt = Annotated[
    Optional[str], typer.Option("--author", metavar="NAME", help="Who reported or recorded it (kept with the entry).")
]
ReasonOpt = Annotated[Optional[str], typer.Option("--reason", metavar="TEXT", help="Why (required).")]


def _today() -> dt.date:
    from cap import dates

    return dates.today()


def _report_write(outcome, done) -> None:
    """A refusal (with the file's problems) exits 1 or 2; a write prints `done(written)`."""
    from cap.updates import Refusal

    if isinstance(outcome, Refusal):
        for problem in outcome.problems:
            say(problem.text(), err=True)
        fail(outcome.message, outcome.exit_code)
    say(f"{done(outcome)} ({outcome.shown})")
    if outcome.reformatted:
        say(f"note: {outcome.shown} was not in the canonical format; other lines changed too", err=True)


def _update(ref: str, change, done) -> None:
    """Apply one change to one action; `done(before, after)` says what happened."""
    from cap.updates import update_action

    folder = data_dir()
    outcome = guarded_write(lambda: update_action(folder, ref, change), ref)
    _report_write(outcome, lambda w: done(w.before, w.action))


@app.command("progress", short_help='Add a dated progress entry (and perhaps a new status).')
def progress_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref, for example 4.4.", autocompletion=complete_ref)],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What was done, as reported (quote it).")],
    date: DateOpt = None,
    author: AuthorOpt = None,
    status: Annotated[
        Optional[str],
        typer.Option("--status", "-s", metavar="S", help="Also change the status: open, in-progress or complete.",
                     autocompletion=complete_progress_status),
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Add the entry even if the action has the same one on the same day.")
    ] = False,
) -> None:
    """Add a dated entry to an action's progress log (and optionally change its status).

    A back-dated entry takes its place in date order. The same entry twice on one day
    (a command run twice) is refused unless --again. Closing, withdrawing and
    reopening have their own commands. A text starting with - goes after --.

    \b
    Examples:
      cap progress 4.4 "Audit of CPI referrals presented to the board."
      cap progress 1.2 "Training delivered to 120 staff." --date 14/06/17 --author "NSCB"
      cap progress 2.1 "Protocol published." --status complete
      cap progress 3.1 -- "- first bullet of the agency's report"
    """
    from cap.updates import add_progress

    day = date_option(date)
    today = _today()
    status = status.strip().lower() if status is not None else None  # any case, as --theme

    def done(before, after) -> str:
        change = f"; status {before.status} -> {after.status}" if after.status != before.status else ""
        entry_day = (day or today).isoformat()
        return f"{after.ref}: progress entry of {entry_day} added{change}"

    _update(ref, lambda a: add_progress(a, text, today=today, date=day, author=author, status=status, again=again),
            done)


@app.command("add", short_help='Add a new action.')
def add_command(
    theme: Annotated[
        Optional[str],
        typer.Option("--theme", "-t", metavar="T", help="Theme id, alias, title or unambiguous prefix.  [required]",
                     autocompletion=complete_theme),
    ] = None,
    action: Annotated[
        Optional[str], typer.Option("--action", "-a", metavar="TEXT", help="The action, word for word.  [required]")
    ] = None,
    lead: Annotated[
        Optional[list[str]],
        typer.Option("--lead", metavar="AGENCY", help="A lead agency (repeatable; at least one).  [required]",
                     autocompletion=complete_lead),
    ] = None,
    target_date: Annotated[
        Optional[str], typer.Option("--target-date", metavar="DATE", help="A date, or ongoing.  [required]")
    ] = None,
    scr: Annotated[
        Optional[list[str]],
        typer.Option("--scr", metavar="L", help="A case the action cites (repeatable).", autocompletion=complete_case),
    ] = None,
    all_scrs: Annotated[bool, typer.Option("--all-scrs", help="The action applies to all reviews.")] = False,
    ref: Annotated[
        Optional[str], typer.Option("--ref", metavar="R", help="The ref (default: the next free one in the theme).")
    ] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome", metavar="TEXT", help="What success looks like.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="NAME", help="The responsible officer.")] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="DATE", help="The day it was opened (default: today; never after today).")
    ] = None,
    recommendation: Annotated[
        Optional[list[str]],
        typer.Option("--recommendation", metavar="ID", help="A review recommendation it answers, e.g. Q-3 (repeatable)."),
    ] = None,
) -> None:
    """Add a new action (status open, opened today or --date); prints its ref and the file written.

    --theme, --action, --lead and --target-date are required; the rest are optional.

    \b
    Examples:
      cap add --theme curiosity --action "Audit the use of chronologies." --lead NSCB --target-date 01/12/17
      cap add -t fora -a "Joint protocol for..." --lead Police --lead CSC --target-date ongoing --scr Q --all-scrs
      cap add -t accountability -a "Publish the learning brief." --lead NSCB --target-date 01/09/17 --scr Q --recommendation Q-1 --date 01/06/17
    """
    from cap.dates import DateError, parse_target
    from cap.updates import create_action, new_action

    from cap.updates import Refusal, _day

    opened = _day(date_option(date), _today(), "date")
    if isinstance(opened, Refusal):
        fail(opened.message, opened.exit_code)
    target = None
    if target_date is not None:
        try:
            target = parse_target(target_date)
        except DateError as exc:
            fail(f"--target-date: {exc}", 2)

    def make(themes, scrs, taken):
        return new_action(
            themes, scrs, taken, theme=theme, action=action, lead=list(lead or []), target_date=target,
            cited=list(scr or []), all_scrs=all_scrs, ref=ref, outcome=outcome, owner=owner,
            opened=opened, recommendations=list(recommendation or []),
        )

    folder = data_dir()
    written = guarded_write(lambda: create_action(folder, make), "the new action")
    _report_write(written, lambda w: f"added {w.action.ref}")


@app.command("retarget", short_help="Put an action's target date back, with the reason.")
def retarget_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    target: Annotated[str, typer.Argument(metavar="DATE", help="The new target date, or ongoing.")],
    reason: ReasonOpt = None,
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="DATE", help="The day the revision was agreed (default: today).")
    ] = None,
    author: AuthorOpt = None,
) -> None:
    """Revise the target date of an open or in-progress action, with the reason.

    The original date is kept: the action's target history records each revision,
    `cap show` displays it and `cap list` marks the action `*` (--slipped).

    \b
    Examples:
      cap retarget 4.4 01/09/17 --reason "Awaiting the MASH evaluation."
      cap retarget 1.3 ongoing --reason "Now part of the annual audit cycle."
    """
    from cap.dates import DateError, format_iso, parse_target
    from cap.updates import retarget

    try:
        new_target = parse_target(target)
    except DateError as exc:
        fail(f"DATE: {exc}", 2)
    day = date_option(date)
    today = _today()

    def done(before, after) -> str:
        return f"{after.ref}: target date {format_iso(before.target_date)} -> {format_iso(after.target_date)}"

    _update(ref, lambda a: retarget(a, new_target, reason, today=today, date=day, author=author), done)


@app.command("close", short_help='Sign a complete action off: it becomes closed.')
def close_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    by: Annotated[Optional[str], typer.Option("--by", metavar="WHO", help="Who signed it off (required).")] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="DATE", help="The day it was signed off (default: today).")
    ] = None,
    author: AuthorOpt = None,
    impact_review: Annotated[
        Optional[str],
        typer.Option("--impact-review", metavar="DATE", help="When to review its impact (default: 12 months after sign-off)."),
    ] = None,
    no_impact_review: Annotated[
        Optional[str], typer.Option("--no-impact-review", metavar="REASON", help="No impact review, and why.")
    ] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome", metavar="TEXT", help="What success looked like.")] = None,
    evidence: Annotated[
        Optional[list[str]], typer.Option("--evidence", metavar="TEXT", help="Evidence it was done (repeatable).")
    ] = None,
) -> None:
    """Sign a complete action off: status closed, who signed it off and when, and the
    date its impact is to be reviewed (12 months on unless told). Warns when the action
    has neither an outcome nor evidence.

    \b
    Examples:
      cap close 2.4 --date 20/07/17 --by "SCR Review Group"
      cap close 2.4 --by "SCR Review Group" --evidence "Minutes of the advisory group" --impact-review 01/01/18
      cap close 2.4 --by "SCR Review Group" --no-impact-review "A one-off event."
    """
    from cap.updates import close, missing_outcome

    day = date_option(date)
    review = date_option(impact_review, "--impact-review")
    today = _today()

    def done(before, after) -> str:
        review_text = (f"impact review {after.impact_review.isoformat()}" if after.impact_review
                       else f"no impact review ({after.no_impact_review})")
        if missing_outcome(after):
            typer.echo(f"warning: {after.ref} has no outcome and no evidence: how will the board know it worked? "
                       f"add it: cap evidence {after.ref} \"...\" or cap outcome {after.ref} \"...\" "
                       "(cap validate --strict, as CI runs it, fails until then)", err=True)
        return (f"{after.ref}: closed, signed off by {after.signed_off.by} on {after.signed_off.date.isoformat()}; "
                f"{review_text}")

    _update(ref, lambda a: close(a, by, today=today, date=day, author=author, impact_review=review,
                                 no_impact_review=no_impact_review, outcome=outcome, evidence=list(evidence or [])),
            done)


@app.command("impact", short_help="Add an entry to a done action's impact log.")
def impact_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What changed, and how we know (quote it).")],
    date: DateOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Add an entry to a complete or closed action's impact log (not its progress log).

    \b
    Examples:
      cap impact 2.4 "Audit: 9 of 10 early years settings use the new checklist." --date 01/07/18 --author "QA sub-group"
    """
    from cap.updates import add_impact

    day = date_option(date)
    today = _today()
    _update(ref, lambda a: add_impact(a, text, today=today, date=day, author=author),
            lambda before, after: f"{after.ref}: impact entry of {(day or today).isoformat()} added")


@app.command("withdraw", short_help='Withdraw an action that will not be done.')
def withdraw_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    reason: ReasonOpt = None,
    date: DateOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Withdraw an action that will not be done, with the reason.

    \b
    Examples:
      cap withdraw 1.4 --reason "Superseded by 1.5."
    """
    from cap.updates import withdraw

    day = date_option(date)
    today = _today()
    _update(
        ref,
        lambda a: withdraw(a, reason, today=today, date=day, author=author),
        lambda before, after: f"{after.ref}: withdrawn (was {before.status})",
    )


@app.command("reopen", short_help='Put a complete, closed or withdrawn action back in progress.')
def reopen_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    reason: ReasonOpt = None,
    date: DateOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Put a complete, closed or withdrawn action back to in-progress, with the reason.

    \b
    Examples:
      cap reopen 2.4 --reason "Audit found the checklist is not in use."
    """
    from cap.updates import reopen

    day = date_option(date)
    today = _today()
    _update(
        ref,
        lambda a: reopen(a, reason, today=today, date=day, author=author),
        lambda before, after: f"{after.ref}: reopened, in-progress (was {before.status})",
    )


@app.command("fmt", short_help='Rewrite the data files in the canonical format.')
def fmt_command(
    check: Annotated[bool, typer.Option("--check", help="Change nothing: list the files that differ; exit 1 if any.")] = False,
) -> None:
    """Rewrite every data file (actions, themes.yaml, scrs.yaml) in the canonical format.

    Files that do not load are reported and left alone, as are files holding
    # comments below the header block at the top (the one place kept for them).

    \b
    Examples:
      cap fmt
      cap fmt --check      # in CI
    """
    from cap.formatter import format_data

    folder = data_dir()
    result = guarded_write(
        lambda: format_data(folder, check=check), "the data files", "each file is either as it was or rewritten whole"
    )
    for shown in result.changed:
        say(f"{'would reformat' if check else 'reformatted'} {shown}")
    for problem in result.problems:
        say(problem.text(), err=True)
    for shown, line in result.commented:
        say(f"{shown}:{line}: has a # comment, which the canonical format would drop: "
                   "move it into a progress entry or delete it", err=True)
    left = len({p.path for p in result.problems}) + len(result.commented)
    verb = "would be reformatted" if check else "reformatted"
    summary = f"{len(result.changed)} {verb}, {len(result.unchanged)} unchanged"
    say(summary + (f", {left} left alone" if left else ""), err=True)
    if not result.ok or (check and result.changed):
        raise typer.Exit(1)
