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


def _date_option(value: Optional[str], option: str = "--date") -> Optional[dt.date]:
    """A date option, or a one-line usage error (exit 2)."""
    from cap.dates import DateError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        fail(f"{option}: {exc}", 2)


def _report_write(outcome, done) -> None:
    """A refusal (with the file's problems) exits 1 or 2; a write prints `done(written)`."""
    from cap.updates import Refusal

    if isinstance(outcome, Refusal):
        for problem in outcome.problems:
            typer.echo(problem.text(), err=True)
        fail(outcome.message, outcome.exit_code)
    typer.echo(f"{done(outcome)} ({outcome.shown})")
    if outcome.reformatted:
        typer.echo(f"note: {outcome.shown} was not in the canonical format; other lines changed too", err=True)


def _write(run, what: str, unchanged: str = "nothing was changed"):
    """Run a write; a lock timeout or a failed write is one line, exit 1."""
    from cap.store import StoreError

    try:
        return run()
    except StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write {what}: {exc.strerror or exc} ({unchanged})")


def _update(ref: str, change, done) -> None:
    """Apply one change to one action; `done(before, after)` says what happened."""
    from cap.updates import update_action

    folder = data_dir()
    outcome = _write(lambda: update_action(folder, ref, change), ref)
    _report_write(outcome, lambda w: done(w.before, w.action))


@app.command("progress")
def progress_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref, for example 4.4.")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What was done, as reported (quote it).")],
    date: DateOpt = None,
    author: AuthorOpt = None,
    status: Annotated[
        Optional[str],
        typer.Option("--status", "-s", metavar="S", help="Also change the status: open, in-progress or complete."),
    ] = None,
) -> None:
    """Add a dated entry to an action's progress log (and optionally change its status).

    A back-dated entry takes its place in date order. Closing, withdrawing and
    reopening have their own commands. A text starting with - goes after --.

    \b
    Examples:
      cap progress 4.4 "Audit of CPI referrals presented to the board."
      cap progress 1.2 "Training delivered to 120 staff." --date 14/06/17 --author "NSCB"
      cap progress 2.1 "Protocol published." --status complete
      cap progress 3.1 -- "- first bullet of the agency's report"
    """
    from cap.updates import add_progress

    day = _date_option(date)
    today = _today()

    def done(before, after) -> str:
        change = f"; status {before.status} -> {after.status}" if after.status != before.status else ""
        entry_day = (day or today).isoformat()
        return f"{after.ref}: progress entry of {entry_day} added{change}"

    _update(ref, lambda a: add_progress(a, text, today=today, date=day, author=author, status=status), done)


@app.command("add")
def add_command(
    theme: ThemeOpt = None,
    action: Annotated[Optional[str], typer.Option("--action", "-a", metavar="TEXT", help="The action, word for word.")] = None,
    lead: Annotated[
        Optional[list[str]], typer.Option("--lead", metavar="AGENCY", help="A lead agency (repeatable).")
    ] = None,
    target_date: Annotated[
        Optional[str], typer.Option("--target-date", metavar="DATE", help="A date, or ongoing.")
    ] = None,
    scr: Annotated[
        Optional[list[str]], typer.Option("--scr", metavar="L", help="A case the action cites (repeatable).")
    ] = None,
    all_scrs: Annotated[bool, typer.Option("--all-scrs", help="The action applies to all reviews.")] = False,
    ref: Annotated[
        Optional[str], typer.Option("--ref", metavar="R", help="The ref (default: the next free one in the theme).")
    ] = None,
    outcome: Annotated[Optional[str], typer.Option("--outcome", metavar="TEXT", help="What success looks like.")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="NAME", help="The responsible officer.")] = None,
) -> None:
    """Add a new action (status open); prints its ref and the file written.

    \b
    Examples:
      cap add --theme curiosity --action "Audit the use of chronologies." --lead NSCB --target-date 01/12/17
      cap add -t fora -a "Joint protocol for..." --lead Police --lead CSC --target-date ongoing --scr Q --all-scrs
    """
    from cap.dates import DateError, parse_target
    from cap.updates import create_action, new_action

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
        )

    folder = data_dir()
    written = _write(lambda: create_action(folder, make), "the new action")
    _report_write(written, lambda w: f"added {w.action.ref}")


@app.command("retarget")
def retarget_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.")],
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
    day = _date_option(date)
    today = _today()

    def done(before, after) -> str:
        return f"{after.ref}: target date {format_iso(before.target_date)} -> {format_iso(after.target_date)}"

    _update(ref, lambda a: retarget(a, new_target, reason, today=today, date=day, author=author), done)


@app.command("close")
def close_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.")],
    by: Annotated[Optional[str], typer.Option("--by", metavar="WHO", help="Who signed it off (required).")] = None,
    date: Annotated[
        Optional[str], typer.Option("--date", metavar="DATE", help="The day it was signed off (default: today).")
    ] = None,
    author: AuthorOpt = None,
) -> None:
    """Sign a complete action off: status closed, with who signed it off and when.

    \b
    Examples:
      cap close 2.4 --date 20/07/17 --by "SCR Review Group"
    """
    from cap.updates import close

    day = _date_option(date)
    today = _today()

    def done(before, after) -> str:
        return f"{after.ref}: closed, signed off by {after.signed_off.by} on {after.signed_off.date.isoformat()}"

    _update(ref, lambda a: close(a, by, today=today, date=day, author=author), done)


@app.command("withdraw")
def withdraw_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.")],
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

    day = _date_option(date)
    today = _today()
    _update(
        ref,
        lambda a: withdraw(a, reason, today=today, date=day, author=author),
        lambda before, after: f"{after.ref}: withdrawn (was {before.status})",
    )


@app.command("reopen")
def reopen_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.")],
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

    day = _date_option(date)
    today = _today()
    _update(
        ref,
        lambda a: reopen(a, reason, today=today, date=day, author=author),
        lambda before, after: f"{after.ref}: reopened, in-progress (was {before.status})",
    )


@app.command("fmt")
def fmt_command(
    check: Annotated[bool, typer.Option("--check", help="Change nothing: list the files that differ; exit 1 if any.")] = False,
) -> None:
    """Rewrite every data file (actions, themes.yaml, scrs.yaml) in the canonical format.

    Files that do not load are reported and left alone, as are files holding
    # comments (the canonical format has no place for them).

    \b
    Examples:
      cap fmt
      cap fmt --check      # in CI
    """
    from cap.formatter import format_data

    folder = data_dir()
    result = _write(
        lambda: format_data(folder, check=check), "the data files", "each file is either as it was or rewritten whole"
    )
    for shown in result.changed:
        typer.echo(f"{'would reformat' if check else 'reformatted'} {shown}")
    for problem in result.problems:
        typer.echo(problem.text(), err=True)
    for shown, line in result.commented:
        typer.echo(f"{shown}:{line}: has a # comment, which the canonical format would drop: "
                   "move it into a progress entry or delete it", err=True)
    left = len({p.path for p in result.problems}) + len(result.commented)
    verb = "would be reformatted" if check else "reformatted"
    summary = f"{len(result.changed)} {verb}, {len(result.unchanged)} unchanged"
    typer.echo(summary + (f", {left} left alone" if left else ""), err=True)
    if not result.ok or (check and result.changed):
        raise typer.Exit(1)


# ------------------------------------------------------------------ checking: validate, schema


# ------------------------------------------------------------------ reporting: report, stats


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
