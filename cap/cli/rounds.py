"""The update round: `cap round start | status | chase | collect` (core in cap/rounds/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from cap.cli.common import AsOf, app, data_dir, date_option, fail, guarded_write, load_plan, parse_as_of, say

round_app = typer.Typer(
    name="round",
    help="The update round: forms out to the lead agencies, their returns back in.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(round_app, name="round")


def _today() -> dt.date:
    from cap import dates

    return dates.today()


def _shown(path: Path, folder: Path) -> str:
    """A path as a person would type it: from the data folder's parent (the repository's
    top) where it is under it, else as it was given."""
    try:
        return Path(path).resolve().relative_to(Path(folder).resolve().parent).as_posix()
    except ValueError:
        return Path(path).as_posix()


LeadsOpt = Annotated[
    Optional[list[str]],
    typer.Option("--lead", metavar="AGENCY", help="Only this agency (an id, name or alias; repeatable)."),
]
FromOpt = Annotated[Optional[str], typer.Option("--from", metavar="ADDRESS", help="The drafts' From address (yours).")]
OutOpt = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", metavar="DIR", help="Where the forms go (default: returns/ROUND-ID/)."),
]


@round_app.command("start")
def start_command(
    due: Annotated[Optional[str], typer.Option("--due", metavar="DATE", help="The return-by date (14/07/17).")] = None,
    lead: LeadsOpt = None,
    as_of: AsOf = None,
    output: OutOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="F", help="The form: xlsx (default) or docx.")] = "xlsx",
    email: Annotated[bool, typer.Option("--email", help="Also write an email draft (.eml) per agency.")] = False,
    reply_to: Annotated[
        Optional[str], typer.Option("--reply-to", metavar="WHO", help="Whom the form says to send it back to.")
    ] = None,
    sender: FromOpt = None,
) -> None:
    """Write one return form per agency leading an open or in-progress action.

    Each form lists the agency's actions with the columns it fills in (done since,
    status now, a proposed new target date and its reason, evidence, who is
    reporting). The round is recorded in data/rounds/ROUND-ID.yaml.

    \b
    Examples:
      cap round start --due 14/07/17 --as-of 2017-07-01
      cap round start --due 14/07/17 --lead Health --lead Education -o july-forms
      cap round start --due 14/07/17 --email --from "Business Manager <nscb@example.org>"
    """
    from cap.rounds.start import StartRefused, start_round, summary_lines

    if due is None:
        fail("give --due DATE: the day the forms are to come back by (14/07/17)", 2)
    day = date_option(due, "--due")
    fmt = fmt.strip().lower()
    if fmt not in ("xlsx", "docx"):
        fail(f"unknown form format {fmt!r}; valid: xlsx, docx", 2)
    when = parse_as_of(as_of)
    folder = data_dir()
    plan = load_plan()
    try:
        started = guarded_write(lambda: start_round(
            folder, plan, due=day, as_of=when, today=_today() if as_of is None else when, leads=lead or [],
            folder=output, fmt=fmt, reply_to=reply_to, email=email, sender=sender), "the round")
    except StartRefused as exc:
        fail(str(exc), exc.exit_code)
    for line in summary_lines(started, _shown(started.folder, folder), _shown(started.record_path, folder)):
        say(line)


@round_app.command("collect")
def collect_command(
    files: Annotated[list[Path], typer.Argument(metavar="FILES...", help="The returned forms (.xlsx or .docx).")],
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="DATE",
                                    help="The day reported, where a form gives none (default: today).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Write the good files and list the others (default: all or nothing).")
    ] = False,
) -> None:
    """Bring the returned forms back in: progress, status, evidence, retarget requests.

    Each filled row becomes a progress entry dated the day the agency reported; status
    complete when it says so (never closed: the sign-off is the board's). A proposed new
    target date is recorded for the board, not applied. Nothing is written unless every
    file is good. Safe to run twice.

    \b
    Examples:
      cap round collect returns/2017-07/*.xlsx --dry-run
      cap round collect "Health return FINAL.xlsx" police.xlsx --date 10/07/17
    """
    from cap.rounds.collect import CollectRefused, collect
    from cap.rounds.report import collect_lines

    day = date_option(date)
    folder = data_dir()
    today = _today()
    if day is not None and day > today:
        fail(f"--date {day.isoformat()} is after today ({today.isoformat()}): give the day the agency reported", 2)
    try:
        outcome = guarded_write(lambda: collect(folder, files, today=today, date=day, dry_run=dry_run,
                                                skip_bad=skip_bad), "the returns")
    except CollectRefused as exc:
        for problem in exc.problems:
            say(problem.text(), err=True)
        fail(str(exc))
    out, err, code = collect_lines(outcome, folder, dry_run=dry_run, skip_bad=skip_bad)
    for line in out:
        say(line)
    for line in err:
        say(line, err=True)
    raise typer.Exit(code)


RoundArg = Annotated[Optional[str], typer.Argument(metavar="[ROUND-ID]", help="The round (default: the latest).")]


def _round(round_id: Optional[str]):
    """The round named (or the latest), or one line and exit 1 (none) / 2 (unknown)."""
    from cap.cli.common import report_problems
    from cap.rounds.record import load_rounds

    rounds, problems = load_rounds(data_dir())
    report_problems(problems)
    if not rounds:
        fail("no round has been started: cap round start --due DATE", 1)
    if round_id is None:
        return rounds[-1]
    found = next((r for r in rounds if r.id == round_id), None)
    if found is None:
        from cap.nearest import unknown

        fail(unknown("round", round_id, [r.id for r in rounds]), 2)
    return found


@round_app.command("status")
def status_command(
    round_id: RoundArg = None,
    as_of: AsOf = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="F", help="table (default) or json.")] = "table",
) -> None:
    """Who has returned: per agency, actions asked, returned when, rows answered, blank,
    refused, retargets asked for, and who is late against the return-by date.

    \b
    Examples:
      cap round status --as-of 2017-07-20
      cap round status 2017-07 --format json
    """
    from cap.rounds.status import round_status, status_lines

    fmt = fmt.strip().lower()
    if fmt not in ("table", "json"):
        fail(f"unknown format {fmt!r}; valid: table, json", 2)
    when = parse_as_of(as_of)
    record = _round(round_id)
    actions = {a.ref: a for a in load_plan().actions}
    status = round_status(record, actions, when)
    if fmt == "json":
        import json

        typer.echo(json.dumps(status.as_dict(), indent=2, ensure_ascii=False))
        return
    for line in status_lines(status, actions):
        say(line)


@round_app.command("chase")
def chase_command(
    round_id: RoundArg = None,
    as_of: AsOf = None,
    forms: Annotated[
        Optional[Path], typer.Option("--forms", metavar="DIR", help="Where the round's forms are (default: returns/ROUND-ID/).")
    ] = None,
    sender: FromOpt = None,
) -> None:
    """Write a reminder draft (.eml, the form attached again) for each agency that has
    not returned, and say who they are.

    \b
    Examples:
      cap round chase --as-of 2017-07-20
      cap round chase 2017-07 --from "Business Manager <nscb@example.org>"
    """
    from cap.rounds.status import chase, form_folder

    when = parse_as_of(as_of)
    folder = data_dir()
    record = _round(round_id)
    actions = {a.ref: a for a in load_plan().actions}
    where = forms or form_folder(folder, record)
    chased = guarded_write(lambda: chase(folder, record, actions, folder=where, sender=sender, day=when),
                           "the reminders")
    if not chased:
        say(f"round {record.id}: every agency has returned; nobody to chase")
        return
    for item in chased:
        if item.draft is not None:
            say(f"{item.agency.name}: {_shown(item.draft, folder)}")
        else:
            say(f"{item.agency.name}: no reminder written: {item.why}")
    written = sum(1 for c in chased if c.draft is not None)
    late = " (the return-by date has passed)" if when > record.due else ""
    say(f"round {record.id}: {len(chased)} not returned{late}; {written} reminder{'s' if written != 1 else ''} written")
