"""Papers for the board: `cap report`, and its summary in the terminal, `cap stats`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cap.cli.common import (
    app, fail, say, print_view, terminal_width, load_plan, parse_as_of, build_filters, AsOf, ThemeOpt, ScrOpt, LeadOpt, StatusOpt,
    OverdueOpt, DueWithinOpt, SearchOpt, SlippedOpt,
)


AmberDaysOpt = Annotated[
    int, typer.Option("--amber-days", metavar="N", min=0, help="Amber: due within N days of the as-of date.")
]
StaleSinceOpt = Annotated[
    Optional[str],
    typer.Option("--stale-since", metavar="DATE", help="Stale: no progress entry since DATE (default: as-of minus 90 days)."),
]


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (where a binary file must not go)."""
    import sys

    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


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
    try:
        return build_report(plan, filters, day, amber_days=amber_days, stale_since=since, **options)
    except ReportError as exc:
        fail(str(exc), 2)


@app.command("report")
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
        str, typer.Option("--kind", "-k", metavar="KIND", help="plan (everything), exceptions (overdue, slipped, stale) or agency (with --lead).")
    ] = "plan",
    full: Annotated[bool, typer.Option("--full", help="Show each action's whole progress log, not only the latest entry.")] = False,
    amber_days: AmberDaysOpt = 30,
    stale_since: StaleSinceOpt = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="The report's title.")] = None,
    stamp: Annotated[bool, typer.Option("--stamp", help="Say on the report the day it was produced.")] = False,
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
      cap report --kind agency --lead Health -o health.html
      cap report --full --format csv -o plan.csv
      cap report --as-of 2017-07-01 -o plan.xlsx
      cap report --kind exceptions -o paper.docx
    """
    from cap.dates import today
    from cap.text import plural
    from cap.reports import BINARY, ReportError, format_for_path, normalise_format, render
    from cap.store import write_output

    try:
        fmt = normalise_format(format) if format else format_for_path(output) if output else "md"
    except ReportError as exc:
        fail(str(exc), 2)
    if output is None and fmt in BINARY and stdout_is_terminal():
        fail(f"a {fmt} report is a file, not text for the terminal: give -o FILE "
             f"(for example -o plan.{fmt}) or redirect standard output to a file", 2)
    day = parse_as_of(as_of)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped)
    if kind == "agency" and lead and not any(lead.lower() in x.lower() for a in plan.actions for x in a.lead):
        agencies = sorted({x for a in plan.actions for x in a.lead}, key=str.casefold)
        fail(f"no action has a lead agency containing {lead!r}; lead agencies: {', '.join(agencies)}")
    report = build_report_for(plan, filters, day, amber_days, stale_since, kind=kind, full=full,
                              title=title, stamp=today() if stamp else None)
    text = render(report, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_output(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    say(f"wrote {output}: {plural(len(report.rows), 'action')}, as of {report.as_of_text}", err=True)


@app.command("stats")
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
) -> None:
    """The report's summary in the terminal: a headline, counts by theme and status, overdue by agency.

    \b
    Examples:
      cap stats --as-of 2026-11-26
      cap stats --lead NSCB
      cap stats --theme accountability --stale-since 2017-01-01
    """
    from cap.reports.stats import stats_view

    day = parse_as_of(as_of)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped)
    report = build_report_for(plan, filters, day, amber_days, stale_since)
    print_view(stats_view(report, terminal_width()))
