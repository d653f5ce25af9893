"""Papers for the board: `cap report`, and its summary in the terminal, `cap stats`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cap.cli.common import (
    app, fail, say, date_option, print_view, terminal_width, write_out, load_plan, parse_as_of, build_filters, AsOf, ThemeOpt, ScrOpt, LeadOpt, StatusOpt,
    OverdueOpt, DueWithinOpt, SearchOpt, SlippedOpt,
)


AmberDaysOpt = Annotated[
    int, typer.Option("--amber-days", metavar="N", min=0, help="Amber: due within N days of the as-of date.")
]
StaleSinceOpt = Annotated[
    Optional[str],
    typer.Option("--stale-since", metavar="DATE", help="Stale: no progress entry since DATE (default: as-of minus 90 days)."),
]

StaleDaysOpt = Annotated[
    Optional[int],
    typer.Option("--stale-days", metavar="N", min=0,
                 help="Stale: no progress entry in the N days before the as-of date (default 90; or give --stale-since)."),
]


def stale_since_for(day, stale_since: str | None, stale_days: int | None) -> str | None:
    """--stale-since as given, or the date --stale-days N before the as-of date (ISO); not both."""
    if stale_days is None:
        return stale_since
    if stale_since is not None:
        fail("give --stale-since DATE or --stale-days N, not both", 2)
    from cap.dates import shift

    return shift(day, -stale_days).isoformat()


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (where a binary file must not go)."""
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
SinceOpt = Annotated[
    Optional[str],
    typer.Option("--since", metavar="REV|DATE", help="The plan paper: add what changed since REV or DATE (the last commit "
                 "before that day), as cap changes --since; the sign-off pack: also list actions signed off since DATE "
                 "(default: as-of minus 90 days)."),
]
FromOpt = Annotated[Optional[str], typer.Option("--from", metavar="DATE", help="Annual statistics: the period's first day.")]
ToOpt = Annotated[Optional[str], typer.Option("--to", metavar="DATE", help="Annual statistics: the period's last day.")]
YearOpt = Annotated[
    Optional[str], typer.Option("--year", metavar="YYYY-YY", help="Annual statistics: the UK financial year (1 April to 31 March).")
]


def period_for(start, end, year):
    """(from, to) from --from/--to or --year; None when none is given; a usage error otherwise."""
    from cap.reports.annual import PeriodError, financial_year

    if year is not None:
        if start is not None or end is not None:
            fail("give --year, or --from and --to, not both", 2)
        try:
            return financial_year(year)
        except PeriodError as exc:
            fail(f"--year: {exc}", 2)
    if start is None and end is None:
        return None
    if start is None or end is None:
        fail("a period needs both --from DATE and --to DATE (or --year 2017-18)", 2)
    first, last = date_option(start, "--from"), date_option(end, "--to")
    if last < first:
        fail(f"the period ends ({last.isoformat()}) before it starts ({first.isoformat()})", 2)
    return first, last


def lives_for(plan):
    """Each action's life dates: from the files, else from git (cap/lifedates.py)."""
    from cap.cli.common import data_dir
    from cap.lifedates import life_dates

    return life_dates(plan.actions, data_dir())


def build_report_for(plan, filters, day, amber_days, stale_since, **options):
    """The core Report, or a clear usage error for options that do not fit together."""
    from cap.dates import DateError, parse_date
    from cap.reports import ReportError, build_report

    since = None
    if stale_since is not None:
        try:
            since = parse_date(stale_since)
        except DateError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--stale-since'") from None
    if "agencies" not in options:
        from cap.cli.common import load_agencies

        options["agencies"] = load_agencies()
    try:
        return build_report(plan, filters, day, amber_days=amber_days, stale_since=since, **options)
    except ReportError as exc:
        fail(str(exc), 2)


@app.command("report", short_help='Write the plan as a board paper: HTML, Word, Excel or CSV.')
def report_command(
    theme: ThemeOpt = None,
    scr: ScrOpt = None,
    lead: LeadOpt = None,
    status: StatusOpt = None,
    overdue: OverdueOpt = False,
    due_within: DueWithinOpt = None,
    search: SearchOpt = None,
    slipped: SlippedOpt = False,
    as_of: AsOf = None,
    format: Annotated[
        Optional[str],
        typer.Option("--format", "-f", metavar="FORMAT", help="html, md, csv, json, xlsx or docx (default: from -o's extension, else md)."),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write the report to FILE (default: standard output).")
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", "-k", metavar="KIND", help="plan (everything), exceptions (overdue, slipped, stale), "
                          "agency (with --lead, or --each), signoff (the sign-off pack) or annual (with --year or --from/--to).")
    ] = "plan",
    full: Annotated[bool, typer.Option("--full", help="Show each action's whole progress log, not only the latest entry.")] = False,
    amber_days: AmberDaysOpt = 30,
    stale_since: StaleSinceOpt = None,
    stale_days: StaleDaysOpt = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="The report's title.")] = None,
    stamp: Annotated[bool, typer.Option("--stamp", help="Say on the report the day it was produced.")] = False,
    since: SinceOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    year: YearOpt = None,
    each: Annotated[
        bool, typer.Option("--each", help="Agency packs: one file per lead agency in the folder -o DIR (made if missing).")
    ] = False,
) -> None:
    """Write the plan as a board paper: a summary, then a table per theme with BRAG ratings.

    Markdown goes to standard output unless -o FILE is given; the format follows the
    file's extension (.html, .md, .csv, .json, .xlsx for an Excel workbook, .docx for a
    Word paper) unless --format says otherwise. A workbook or Word file is not sent to a
    terminal: give -o FILE. The same data and --as-of date always give the same bytes.

    \b
    Examples:
      cap report --as-of 2017-07-01 -o board-2017-07.html
      cap report --kind exceptions --as-of 2017-07-01 > exceptions.md
      cap report --kind exceptions --stale-days 60 -o exceptions.docx
      cap report --since 2017-06-01 -o board-2017-07.docx
      cap report --kind agency --lead Health -o health.html
      cap report --full --format csv -o plan.csv
      cap report --as-of 2017-07-01 -o plan.xlsx
      cap report --kind exceptions -o paper.docx
      cap report --kind signoff --as-of 2017-07-01 -o signoff.html
      cap report --kind annual --year 2016-17 -o annual-2016-17.html
      cap report --kind agency --each -o packs/
    """
    from cap.dates import today
    from cap.text import plural
    from cap.reports import BINARY, ReportError, format_for_path, normalise_format, render, stream

    if each:
        if kind != "agency":
            fail("--each makes agency packs: give --kind agency --each -o DIR", 2)
        if output is None:
            fail("--each writes one file per agency: give the folder with -o DIR", 2)
        if lead is not None:
            fail("--each makes a pack for every lead agency: leave out --lead", 2)
    if since is not None and (kind == "annual" or each):
        fail("--since is for the plan paper (what changed since the last meeting) or the sign-off pack", 2)
    period = period_for(start, end, year)
    if period is not None and kind != "annual":
        fail("--year, --from and --to are for the annual statistics (--kind annual)", 2)
    try:
        fmt = (normalise_format(format) if format else "html" if each
               else format_for_path(output) if output else "md")
    except ReportError as exc:
        fail(str(exc), 2)
    if output is None and fmt in BINARY and stdout_is_terminal():
        fail(f"a {fmt} report is a file, not text for the terminal: give -o FILE "
             f"(for example -o plan.{fmt}) or redirect standard output to a file", 2)
    day = parse_as_of(as_of)
    stale_since = stale_since_for(day, stale_since, stale_days)
    if output is not None:
        refuse_output(output)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped)
    if each:
        return _write_packs(plan, day, fmt, output, amber_days, stale_since, full, title, today() if stamp else None,
                            filters)
    if kind in ("signoff", "annual"):
        report = build_report_for(plan, filters, day, amber_days, stale_since, kind=kind, full=full, title=title,
                                  stamp=today() if stamp else None, lives=lives_for(plan),
                                  since=date_option(since, "--since"), period=period)
        _emit(render(report, fmt), output, f"{report.paper.description}")
        return
    report = build_report_for(plan, filters, day, amber_days, stale_since, kind=kind, full=full,
                              title=title, stamp=today() if stamp else None)
    if kind in ("plan", "exceptions"):  # the latest update round's return rate (issue 23)
        import dataclasses

        from cap.cli.common import data_dir
        from cap.rounds.status import round_block

        report = dataclasses.replace(report, round=round_block(data_dir(), plan, day))
    if since is not None:  # what changed since the last meeting, as cap changes --since says it
        report = _with_changes_since(report, since)
    del plan  # the report holds what it shows: the records can go before the file is made
    # A text format is written as it is made (a 10,000-action page is never held whole).
    body = render(report, fmt) if fmt in BINARY else stream(report, fmt)
    if output is None:
        if isinstance(body, bytes):
            typer.echo(body, nl=False)
        else:
            write_out(body)
        return
    write_paper_or_fail(output, body)
    say(f"wrote {output}: {plural(len(report.rows), 'action')}, as of {report.as_of_text}", err=True)


def _with_changes_since(report, since: str):
    """The report with what changed since `since` (a revision, or a date: the last commit
    before that day), from the same data as `cap changes --since`."""
    import dataclasses

    from cap.cli.common import data_dir
    from cap.cli.git import git_fail
    from cap.gitio import GitError
    from cap.history import plan_changes
    from cap.reports.since import changes_block

    try:
        changes = plan_changes(data_dir(), since)
    except GitError as exc:
        git_fail(exc)
    for problem in changes.problems:
        say(problem.text(), err=True)
    return dataclasses.replace(report, blocks=(*report.blocks, changes_block(changes, since)))


def refuse_output(output, folder=False):
    """A usage error (2) for an -o cap will not write: in the data folder, or through a
    link into it (cap.outputs, the one rule)."""
    from cap.cli.common import data_dir
    from cap.outputs import refusal

    reason = refusal(output, data_dir(), folder=folder)
    if reason is not None:
        fail(reason, 2)


def write_paper_or_fail(output, content):
    """Write a paper to -o (cap.outputs.write_paper); one line and exit 2/1 if it cannot be.
    The folder it names is made if missing (`-o papers/board.html` makes papers/)."""
    from pathlib import Path

    from cap.cli.common import data_dir
    from cap.outputs import OutputRefused, check_output, write_paper

    try:
        check_output(output, data_dir())
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        write_paper(output, content, data_dir())
    except OutputRefused as exc:
        fail(str(exc), 2)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def _emit(text, output, said):
    if output is None:
        typer.echo(text, nl=False)
        return
    write_paper_or_fail(output, text)
    typer.echo(f"wrote {output}: {said}", err=True)


def _write_packs(plan, day, fmt, folder, amber_days, stale_since, full, title, stamp, filters):
    """One agency pack per lead agency into `folder`; the agencies with nothing listed as skipped."""
    from cap.reports import render
    from cap.reports.packs import agency_packs

    since = date_option(stale_since, "--stale-since")
    from cap.cli.common import load_agencies

    packs = agency_packs(plan, day, amber_days=amber_days, stale_since=since, full=full, title=title, stamp=stamp,
                         filters=filters, agencies=load_agencies())
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot make the folder {folder}: {exc.strerror or exc}")
    if not folder.is_dir():
        fail(f"{folder} is not a folder", 2)
    written = 0
    for pack in packs:
        if pack.report is None:
            typer.echo(f"skipped {pack.agency}: nothing overdue, due soon, stale or recently completed", err=True)
            continue
        path = folder / f"{pack.file_stem}.{fmt}"
        write_paper_or_fail(path, render(pack.report, fmt))
        written += 1
        n = len(pack.report.rows)
        typer.echo(f"wrote {path}: {pack.agency}, {n} action{'' if n == 1 else 's'}")
    skipped = len(packs) - written
    typer.echo(f"{written} pack{'' if written == 1 else 's'} written, {skipped} agenc{'y' if skipped == 1 else 'ies'} "
               f"skipped, as of {day.isoformat()}", err=True)


@app.command("stats", short_help="The report's summary in the terminal.")
def stats_command(
    theme: ThemeOpt = None,
    scr: ScrOpt = None,
    lead: LeadOpt = None,
    status: StatusOpt = None,
    overdue: OverdueOpt = False,
    due_within: DueWithinOpt = None,
    search: SearchOpt = None,
    slipped: SlippedOpt = False,
    as_of: AsOf = None,
    amber_days: AmberDaysOpt = 30,
    stale_since: StaleSinceOpt = None,
    stale_days: StaleDaysOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    year: YearOpt = None,
) -> None:
    """The report's summary in the terminal: a headline, counts by theme and status, overdue by agency.
    With a period (--year, or --from and --to), the annual statistics instead.

    \b
    Examples:
      cap stats --as-of 2026-11-26
      cap stats --lead NSCB
      cap stats --theme accountability --stale-since 2017-01-01
      cap stats --year 2016-17
    """
    from cap.reports.stats import paper_view, stats_view

    period = period_for(start, end, year)
    day = parse_as_of(as_of)
    stale_since = stale_since_for(day, stale_since, stale_days)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped)
    if period is not None:
        report = build_report_for(plan, filters, day, amber_days, stale_since, kind="annual", lives=lives_for(plan),
                                  period=period)
        print_view(paper_view(report.paper))
        return
    report = build_report_for(plan, filters, day, amber_days, stale_since)
    print_view(stats_view(report, terminal_width()))
