"""The `cap` command line: parse options, call one core function, render, pick the exit code.

Exit status: 0 success, 1 bad data (or an unknown ref/theme), 2 usage mistakes.
Heavy modules (pydantic models, rich tables) are imported inside the commands that use
them, so `cap --help` and `cap --version` start fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
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


def terminal_width() -> int:
    """The terminal's width; for a pipe or file, $COLUMNS or 160."""
    import shutil

    return shutil.get_terminal_size((160, 24)).columns


def write_out(chunks) -> None:
    """Write text to standard output piece by piece (large outputs never sit in memory twice)."""
    out = sys.stdout
    for chunk in chunks:
        out.write(chunk)
    out.flush()


def print_list(lines, footer: str) -> None:
    """The list table: on a terminal with a bold header and red overdue days, else plain."""
    if not sys.stdout.isatty():
        write_out(itertools.chain((line.text + "\n" for line in lines), [footer + "\n"]))
        return
    from rich.text import Text

    out = console()
    for line in lines:
        text = Text(line.text, style="bold" if line.header else "", no_wrap=True, overflow="ellipsis")
        if line.overdue:
            text.stylize("red", *line.overdue)
        out.print(text)
    out.print(Text(footer))


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
        raise typer.BadParameter(str(exc), param_hint="'--as-of'") from None


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


def _undecodable(value: str) -> str | None:
    """None for real text; else the bytes that were not UTF-8, as `\\xff` (for the message)."""
    try:
        value.encode("utf-8")
        return None
    except UnicodeEncodeError:
        bad = [ord(c) for c in value if 0xD800 <= ord(c) <= 0xDFFF]
        shown = "".join(f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\u{c:04x}" for c in bad[:4])
        return shown + ("..." if len(bad) > 4 else "")


def _refuse_undecodable_text(ctx: typer.Context) -> None:
    """Every command: a text argument or option that is not valid Unicode (bytes that are
    not UTF-8 reach Python as surrogate escapes) is a usage mistake, one line, exit 2,
    before anything is read or written. Paths (`--data`, `-o`, import's FILE) are not
    text: any name the file system allows is kept."""
    name = ctx.invoked_subcommand
    command = ctx.command.get_command(ctx, name) if name else None
    if command is None or command.callback is None:
        return
    inner = command.callback

    def checked(**params):
        for param in command.params:
            value = params.get(param.name)
            for item in value if isinstance(value, (list, tuple)) else (value,):
                bad = _undecodable(item) if isinstance(item, str) else None
                if bad is not None:
                    long = [o for o in param.opts if o.startswith("--")]
                    shown = (long or param.opts)[0] if param.param_type_name == "option" else (param.metavar or param.name.upper())
                    fail(f"{shown}: not valid text: it holds bytes that are not UTF-8 ({bad}); "
                         "check the encoding of the terminal or script (nothing was read or written)", 2)
        return inner(**params)

    command.callback = checked


@app.callback()
def main_options(
    ctx: typer.Context,
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
    _refuse_undecodable_text(ctx)


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
    if scr is not None:
        known = {s.id.lower(): s.id for s in plan.scrs} | {c.lower(): c for a in plan.actions for c in a.scrs}
        if scr.lower() not in known:
            fail(f"unknown SCR {scr!r}; the plan cites {', '.join(sorted(set(known.values()))) or 'none'}")
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
    format: Annotated[str, typer.Option("--format", "-f", metavar="table|json|csv", help="Output format.")] = "table",
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
        write_out(render.json_list(render.record(a, day) for a in actions))
    elif format == "csv":
        write_out([render.to_csv(render.record(a, day) for a in actions)])
    else:
        lines = render.list_lines(actions, day, terminal_width())
        footer = f"{len(actions)} of {len(plan.actions)} actions (as of {day.isoformat()}; * target revised)"
        print_list(lines, footer)


@app.command("show")
def show_command(
    ref: Annotated[str, typer.Argument(help="The action's ref, for example 4.10.")],
    as_of: AsOf = None,
    format: Annotated[str, typer.Option("--format", "-f", metavar="text|json", help="Output format.")] = "text",
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
    # comments below the header block at the top (the one place kept for them).

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

VALIDATE_FORMATS = ("text", "github", "json")


@app.command("validate")
def validate_command(
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (they are reported as errors).")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="text, github (Actions annotations) or json.")] = "text",
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", metavar="DATE", help="Nothing may be dated after this day (default: today)."),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],
        typer.Option("--ignore", metavar="CODE", help="Leave out warnings with this code, e.g. CAP303 (repeatable)."),
    ] = None,
) -> None:
    """Check every data file; print each problem with file and line. Exit 1 on errors.

    One line per problem, `path:line:col: error|warning: CODE message`, then a summary.
    With --strict, warnings (format, unused SCRs, personal data ...) fail too.

    \b
    Examples:
      cap validate
      cap validate --strict --format github
      cap validate --format json > problems.json
      cap validate --ignore CAP303
    """
    from cap.checks import WARNINGS, validate
    from cap.problems import CODES, render_json

    if format not in VALIDATE_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(VALIDATE_FORMATS)}", 2)
    for code in ignore or []:
        if code not in WARNINGS:
            kind = "an error; only warnings can be ignored" if code in CODES else "not a code"
            fail(f"--ignore {code}: {kind} (warnings: {', '.join(sorted(WARNINGS))})", 2)
    day = parse_as_of(as_of)
    report = validate(data_dir(), day, strict=strict, ignore=ignore or ())
    if format == "json":
        typer.echo(render_json(report.problems), nl=False)
    else:
        for problem in report.problems:
            typer.echo(problem.github() if format == "github" else problem.text())
        typer.echo(report.summary() + (" (--strict: warnings count as errors)" if strict and report.problems else ""))
    raise typer.Exit(0 if report.ok else 1)


SCHEMA_KINDS = ("action", "themes", "scrs")


@app.command("schema")
def schema_command(
    kind: Annotated[
        str, typer.Argument(metavar="[action|themes|scrs]", help="Which file: an action file (default), themes.yaml or scrs.yaml.")
    ] = "action",
) -> None:
    """Print the JSON Schema of a data file, for editors (completion, red squiggles).

    \b
    Examples:
      cap schema > schemas/action.json
      cap schema themes > schemas/themes.json
      cap schema scrs > schemas/scrs.json
    """
    import json

    from cap.schema import json_schema

    if kind not in SCHEMA_KINDS:
        fail(f"unknown schema {kind!r}; choose from {', '.join(SCHEMA_KINDS)}", 2)
    typer.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))



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
    from cap.store import write_output

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
        write_output(output, text)
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


GIT_FORMATS = ("table", "md", "json")
GitFormat = Annotated[str, typer.Option("--format", "-f", help="table, md (Markdown) or json.")]


def git_fail(exc) -> NoReturn:
    """A GitError as one line: 2 for an unknown revision, 1 for the rest."""
    fail(str(exc), exc.exit_code)


@app.command("changes")
def changes_command(
    since: Annotated[
        str, typer.Option("--since", metavar="REV|DATE", help="A revision, or a date: the plan as it stood at the start of that day.")
    ] = "HEAD",
    until: Annotated[
        Optional[str],
        typer.Option("--until", metavar="REV|DATE", help="A revision, or a date (the end of that day); default: the working tree."),
    ] = None,
    format: GitFormat = "table",
) -> None:
    """What changed in the plan between two points: per action, grouped by theme.

    Actions added and removed, progress entries, status changes, target-date revisions,
    closures and withdrawals, and edits to the action text, lead or SCRs as word diffs.
    Old versions are read from git; nothing is checked out.

    \b
    Examples:
      cap changes                                  # uncommitted changes
      cap changes --since 2017-03-01               # since the last board meeting
      cap changes --since main --until HEAD --format md > comment.md
    """
    from cap import historyview as view
    from cap.history import GitError, plan_changes
    from cap.render import to_json

    if format not in GIT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(GIT_FORMATS)}", 2)
    folder = data_dir()
    try:
        changes = plan_changes(folder, since, until)
    except GitError as exc:
        git_fail(exc)
    for problem in changes.problems:
        typer.echo(problem.text(), err=True)
    if format == "json":
        typer.echo(to_json(view.changes_record(changes)), nl=False)
    elif format == "md":
        typer.echo(view.changes_markdown(changes), nl=False)
    else:
        console().print(view.changes_table(changes))


@app.command("history")
def history_command(
    ref: Annotated[str, typer.Argument(help="The action's ref, for example 4.10.")],
    format: GitFormat = "table",
) -> None:
    """The life of one action: each commit that changed it (date, author, subject) and what
    changed, oldest first; uncommitted changes last.

    \b
    Examples:
      cap history 4.4
      cap history 4.10 --format md
    """
    from cap import historyview as view
    from cap.history import GitError, UnknownRef, action_history
    from cap.render import to_json

    if format not in GIT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(GIT_FORMATS)}", 2)
    folder = data_dir()
    try:
        history = action_history(folder, ref)
    except GitError as exc:
        git_fail(exc)
    except UnknownRef as exc:
        fail(str(exc))
    if format == "json":
        typer.echo(to_json(view.history_record(history)), nl=False)
    elif format == "md":
        typer.echo(view.history_markdown(history), nl=False)
    else:
        console().print(view.history_table(history))


@app.command("merge-driver")
def merge_driver_command(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="%O: the common ancestor's version.")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="%A: our version; the result is written here.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="%B: their version.")],
) -> None:
    """Merge two versions of one action file (git runs this; see `cap git-setup`).

    Progress entries from both sides, in date order (an entry on both sides once);
    every other field three-way. Writes the result to OURS in the canonical format and
    exits 0; on a real conflict (a field changed differently on both sides, or a progress
    entry removed) leaves conflict markers around just those fields, says which, exits 1.

    \b
    Examples:
      git config merge.cap.driver "cap merge-driver %O %A %B"
      echo 'data/actions/*.yaml merge=cap' >> .gitattributes
    """
    from cap.history import GitError, line_merge, merge_texts
    from cap.store import write_output

    for path in (base, ours, theirs):
        if not path.is_file():
            fail(f"merge-driver: no such file {path}", 2)
    stem = ours.stem if ours.suffix == ".yaml" else None
    result = merge_texts(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), stem)
    what = f"action {result.ref}" if result.ref else "an action file"
    if result.text is None:
        try:
            write_output(ours, line_merge(base, ours, theirs))
            left = "git's line-by-line merge with conflict markers is in the file"
        except GitError as exc:
            left = f"the file is left as our version ({exc})"
        for conflict in result.conflicts:
            typer.echo(f"cap: merge conflict in {what}: {conflict}", err=True)
        typer.echo(f"cap: {what} not merged: {left}; resolve it, then run `cap validate`", err=True)
        raise typer.Exit(1)
    write_output(ours, result.text)
    if result.conflicts:
        for conflict in result.conflicts:
            typer.echo(f"cap: merge conflict in {what}: {conflict}", err=True)
        typer.echo(f"cap: {what}: the rest is merged; conflict markers mark what to resolve", err=True)
        raise typer.Exit(1)


@app.command("git-setup")
def git_setup_command() -> None:
    """Install the merge driver in this repository (safe to run again).

    Adds `data/actions/*.yaml merge=cap` to the .gitattributes at the top of the
    repository (commit it), and sets merge.cap.driver in this clone's git config (each
    clone runs this once) to this cap program.

    \b
    Examples:
      cap git-setup && git add .gitattributes && git commit -m "cap merge driver"
    """
    import shlex

    from cap.history import GitError, git_setup

    beside = Path(sys.executable).parent / ("cap.exe" if os.name == "nt" else "cap")
    command = shlex.quote(str(beside)) if beside.is_file() else f"{shlex.quote(sys.executable)} -m cap"
    try:
        done = git_setup(data_dir(), command)
    except GitError as exc:
        git_fail(exc)
    for line in done:
        typer.echo(line)


# ------------------------------------------------------------------ starting: init, import


@app.command("init")
def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to make the repository (default: here).")] = Path("."),
    blank: Annotated[bool, typer.Option("--blank", help="No themes: start themes.yaml empty.")] = False,
) -> None:
    """Make a new plan repository: data/, a README, the pre-commit hook and CI check.

    Writes data/actions/ (empty), data/themes.yaml (the four themes of the Thematic
    Learning Framework, or none with --blank), data/scrs.yaml, README.md,
    .pre-commit-config.yaml, .github/workflows/cap-validate.yml and .gitattributes.
    Refuses to touch an existing data folder; other files that exist are kept.

    \b
    Examples:
      cap init norfolk-cap
      cap init --blank
    """
    from cap.scaffold import InitRefused, create_repository

    try:
        created = create_repository(directory, blank=blank)
    except InitRefused as exc:
        fail(str(exc))
    for rel in created.written:
        typer.echo(f"created {rel.as_posix()}")
    for rel in created.kept:
        typer.echo(f"kept {rel.as_posix()} (it exists already)")
    typer.echo(f"new plan repository in {directory}: next, cap import your current plan (see README.md)")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="The plan: a CSV saved by Excel, or a Word table copied as text.")],
    progress_date: Annotated[
        Optional[str],
        typer.Option("--progress-date", metavar="DATE", help="Date of the narratives (the paper's date; default today)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would be created; write nothing.")] = False,
    update: Annotated[
        bool, typer.Option("--update", help="Add a dated progress entry to existing actions whose narrative is new.")
    ] = False,
    add_themes: Annotated[
        bool, typer.Option("--add-themes", help="Add unknown theme headings to themes.yaml (numbered from their refs).")
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="auto, csv or text (tab-separated).")] = "auto",
) -> None:
    """Bring a plan kept in Excel or Word in: one action file per row, all or nothing.

    Columns: Ref, SCR Ref, Action, Lead agency, Target date, Progress, and a Theme
    column or theme headings between the tables; Status, Progress date, Signed off,
    Withdrawn reason, Target history and Progress authors are used when present (cap
    report --format csv writes them all). A narrative starting "Complete." makes the
    action complete, any other in-progress, none open. Existing actions are never
    overwritten, and nothing is written that cap validate would reject.

    \b
    Examples:
      cap import plan.csv --progress-date 2017-01-31 --dry-run
      cap import plan.txt --progress-date 31/01/17
      cap import march.csv --update --progress-date 2017-03-31
    """
    from cap.dates import DateError, parse_date, today
    from cap.importer import FORMATS as IMPORT_FORMATS
    from cap.importer import import_plan, summary_lines

    if format not in IMPORT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(IMPORT_FORMATS)}", 2)
    now = today()
    try:
        day = parse_date(progress_date) if progress_date is not None else now
    except DateError as exc:
        fail(f"--progress-date: {exc}", 2)
    if day > now:
        fail(f"--progress-date {day.isoformat()} is after today ({now.isoformat()}): "
             "record what has happened, not what is planned")
    if file.is_dir():
        fail(f"{file} is a folder: name the file to import", 2)
    if not file.is_file():
        fail(f"{file}: no such file", 2)
    folder = data_dir()
    outcome, problems = _write(
        lambda: import_plan(folder, file, progress_date=day, today=now, update=update, add_themes=add_themes,
                            kind=format, dry_run=dry_run),
        "the imported files", "each file is either as it was or written whole",
    )
    if problems:
        report_problems(problems)
    for line in summary_lines(outcome, folder, dry_run):
        typer.echo(line)


# ------------------------------------------------------------------ entry point


def main() -> None:
    """The console script: run the app; every failure is one line on stderr, never a traceback.

    Usage mistakes (exit 2) are one line too, not click's usage block; output is UTF-8
    whatever the platform's default (a CSV redirected on Windows keeps every character).
    """
    errors = _click_exceptions()
    if sys.stdout is None:  # started with standard output closed (`cap list >&-`)
        sys.stderr and print("cap: error: standard output is closed", file=sys.stderr)
        sys.exit(1)
    _utf8_streams()
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()
    except errors.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            typer.echo(exc.ctx.get_help())  # plain `cap`: the help, as usage
        else:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            message = " ".join(exc.format_message().split())
            typer.echo(f"cap: error: {message}{where}", err=True)
        code = 2
    except errors.ClickException as exc:
        typer.echo(f"cap: error: {' '.join(exc.format_message().split())}", err=True)
        code = exc.exit_code
    except typer.Abort:
        typer.echo("cap: aborted", err=True)
        code = 1
    except BrokenPipeError:
        # The reader went away (`cap list | head`): stop quietly, as other tools do.
        _quiet_stdout()
        code = 0
    except KeyboardInterrupt:
        typer.echo("cap: interrupted", err=True)
        code = 130
    except OSError as exc:
        # Standard output full or gone (`cap list > /dev/full`), or another fault of the
        # machine rather than of the data: one line.
        _quiet_stdout()
        typer.echo(f"cap: error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), err=True)
        code = 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CAP_DEBUG"):
            raise
        typer.echo(f"cap: internal error: {type(exc).__name__}: {exc} (set CAP_DEBUG=1 for details)", err=True)
        code = 70
    sys.exit(code if isinstance(code, int) else 0)


def _click_exceptions():
    """Click's exception classes: typer 0.29 and later carry their own copy of click."""
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - typer before 0.29 uses click itself
        from click import exceptions
    return exceptions


def _utf8_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def _quiet_stdout() -> None:
    """After a failed write, let the interpreter's final flush fail silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
