"""The `cap` command line: parse options, call one core function, render, pick the exit code.

Exit status: 0 success, 1 bad data (or an unknown ref/theme), 2 usage mistakes.
Heavy modules (pydantic models, rich tables) are imported inside the commands that use
them, so `cap --help` and `cap --version` start fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from cap import __version__

app = typer.Typer(
    name="cap",
    help="Keep a Serious Case Review composite action plan as plain text under git.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# ------------------------------------------------------------------ shared plumbing


class State:
    """What the top-level options set for every command."""

    data: Optional[Path] = None


_state = State()


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr, then the exit status (1 bad data, 2 usage)."""
    typer.echo(f"cap: error: {message}", err=True)
    raise typer.Exit(code)


def console(stderr: bool = False):
    """A rich console that prints user text as written (no markup, no highlighting)."""
    from rich.console import Console

    return Console(markup=False, highlight=False, emoji=False, stderr=stderr)


def data_dir() -> Path:
    from cap.loader import DataDirNotFound, find_data_dir

    try:
        return find_data_dir(_state.data, os.environ, Path.cwd())
    except DataDirNotFound as exc:
        fail(str(exc))


def report_problems(problems) -> None:
    """Print each problem as `path:line:col: severity: CODE message`; exit 1 on errors."""
    for problem in problems:
        typer.echo(problem.text(), err=True)
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


def load_plan():
    """The whole plan, or every problem that stops it loading and exit 1."""
    from cap.loader import load_plan as load

    plan, problems = load(data_dir())
    report_problems(problems)
    return plan


def parse_as_of(value: Optional[str]) -> dt.date:
    from cap.dates import DateError, parse_date, today

    if value is None:
        return today()
    try:
        return parse_date(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc)) from None


def resolve_theme_id(plan, text: Optional[str]) -> Optional[str]:
    from cap.query import UnknownTheme, resolve_theme

    if text is None:
        return None
    try:
        return resolve_theme(plan.themes, text).id
    except UnknownTheme as exc:
        fail(str(exc))


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cap {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    data: Annotated[
        Optional[Path],
        typer.Option("--data", metavar="DIR", help="The data folder (else $CAP_DATA, else the nearest data/ upward)."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Keep a Serious Case Review composite action plan as plain text under git."""
    _state.data = data


# Options shared by the commands that select actions (list, report, ...).
AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Judge overdue/due dates as of this day (default: today)."),
]
ThemeOpt = Annotated[
    Optional[str], typer.Option("--theme", "-t", metavar="T", help="Theme id, alias or unambiguous prefix.")
]
ScrOpt = Annotated[
    Optional[str], typer.Option("--scr", metavar="L", help="Actions citing case L, plus those for all reviews.")
]
LeadOpt = Annotated[
    Optional[str], typer.Option("--lead", metavar="TEXT", help="A lead agency containing TEXT (any case).")
]
StatusOpt = Annotated[
    Optional[list[str]],
    typer.Option("--status", "-s", metavar="S", help="open, in-progress, complete, closed or withdrawn (repeatable)."),
]
OverdueOpt = Annotated[bool, typer.Option("--overdue", help="Open or in-progress and past the target date.")]
DueWithinOpt = Annotated[
    Optional[int],
    typer.Option("--due-within", metavar="N", min=0, help="Open or in-progress, due within N days of the as-of date."),
]
SearchOpt = Annotated[
    Optional[str], typer.Option("--search", metavar="TEXT", help="TEXT in the action or its progress (any case).")
]
SlippedOpt = Annotated[bool, typer.Option("--slipped", help="Actions whose target date has been put back.")]


def build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped):
    """The Filters for the shared selection options, or a clear error."""
    from cap.models import STATUSES
    from cap.query import Filters

    for s in status or []:
        if s not in STATUSES:
            fail(f"unknown status {s!r}; valid: {', '.join(STATUSES)}", 2)
    return Filters(
        theme=resolve_theme_id(plan, theme),
        scr=scr,
        lead=lead,
        statuses=list(status or []),
        overdue=overdue,
        due_within=due_within,
        search=search,
        slipped=slipped,
    )


# ------------------------------------------------------------------ reading: list, show


FORMATS = ("table", "json", "csv")


@app.command("list")
def list_command(
    theme: ThemeOpt = None,
    scr: ScrOpt = None,
    lead: LeadOpt = None,
    status: StatusOpt = None,
    overdue: OverdueOpt = False,
    due_within: DueWithinOpt = None,
    search: SearchOpt = None,
    slipped: SlippedOpt = False,
    as_of: AsOf = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """List actions, filtered (filters combine with AND), in ref order.

    \b
    Examples:
      cap list --theme curiosity --overdue
      cap list --scr Q --status in-progress --format csv
      cap list --due-within 30 --as-of 2017-05-01
    """
    from cap import render
    from cap.query import select

    if format not in FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(FORMATS)}", 2)
    day = parse_as_of(as_of)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped)
    actions = select(plan.actions, filters, day)
    if format == "json":
        typer.echo(render.to_json([render.record(a, day) for a in actions]), nl=False)
    elif format == "csv":
        typer.echo(render.to_csv(render.record(a, day) for a in actions), nl=False)
    else:
        out = console()
        out.print(render.list_table(actions, day))
        out.print(f"{len(actions)} of {len(plan.actions)} actions (as of {day.isoformat()}; * target revised)")


@app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="The action's ref, for example 4.10.")],
    as_of: AsOf = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show everything about one action: fields, target history, progress log.

    \b
    Examples:
      cap show 4.4
      cap show 4.10 --format json
    """
    from cap import render
    from cap.loader import action_path, load_action_file, load_reference

    if format not in ("text", "json"):
        fail(f"unknown format {format!r}; choose from text, json", 2)
    day = parse_as_of(as_of)
    folder = data_dir()
    themes, _scrs, problems = load_reference(folder)
    path = action_path(folder, ref)
    if not path.is_file():
        report_problems(problems)
        fail(f"unknown ref {ref!r}: there is no {path.relative_to(folder.parent).as_posix()}")
    action, found = load_action_file(path, folder)
    report_problems(problems + found)
    if format == "json":
        typer.echo(render.to_json(render.record(action, day)), nl=False)
        return
    title = next((t.title for t in themes if t.id == action.theme), None)
    console().print(render.show_view(action, day, title))


# ------------------------------------------------------------------ writing: progress, add, retarget, close, withdraw, reopen, fmt


# ------------------------------------------------------------------ checking: validate, schema


# ------------------------------------------------------------------ reporting: report, stats

AmberDaysOpt = Annotated[
    int, typer.Option("--amber-days", metavar="N", min=0, help="Amber: due within N days of the as-of date.")
]
StaleSinceOpt = Annotated[
    Optional[str],
    typer.Option("--stale-since", metavar="DATE", help="Stale: no progress entry since DATE (default: as-of minus 90 days)."),
]


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
        typer.Option("--format", "-f", metavar="FORMAT", help="html, md, csv or json (default: from -o's extension, else md)."),
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
    file's extension (.html, .md, .csv, .json) unless --format says otherwise. The same
    data and --as-of date always give the same bytes.

    \b
    Examples:
      cap report --as-of 2017-07-01 -o board-2017-07.html
      cap report --kind exceptions --as-of 2017-07-01 > exceptions.md
      cap report --kind agency --lead Health -o health.html
      cap report --full --format csv -o plan.csv
    """
    from cap.dates import today
    from cap.reports import ReportError, format_for_path, normalise_format, render
    from cap.store import atomic_write

    try:
        fmt = normalise_format(format) if format else format_for_path(output) if output else "md"
    except ReportError as exc:
        fail(str(exc), 2)
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
        atomic_write(output, text)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"wrote {output}: {len(report.rows)} actions, as of {report.as_of_text}", err=True)


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
    console().print(stats_view(report))


# ------------------------------------------------------------------ git: changes, history, merge-driver, git-setup


# ------------------------------------------------------------------ starting: init, import


# ------------------------------------------------------------------ entry point


def main() -> None:
    """The console script: run the app; a fault of the tool is one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("cap: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CAP_DEBUG"):
            raise
        typer.echo(f"cap: internal error: {type(exc).__name__}: {exc} (set CAP_DEBUG=1 for details)", err=True)
        sys.exit(70)
