"""The plumbing every command shares: the Typer app, the top-level options, finding the
data folder, loading the plan, one-line failures, the shared options, output helpers.

Exit status: 0 success, 1 bad data, 2 usage mistakes (among them a ref, theme or case the
plan does not have: cap.nearest names the nearest ones).
Heavy modules (pydantic models, rich tables) are imported inside the commands that use
them, so `cap --help` and `cap --version` start fast.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
import typer.core

from cap import __version__


class _PlainArgument(typer.core.TyperArgument):
    """An argument shown by its metavar: bare when required, in [brackets] when optional,
    without typer's `{braces}` or `<type>`."""

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required or name.startswith("[") else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")

    def display_type_rich(self, ctx):
        return None

    def display_type(self, ctx):
        return None


def _plain_help(command) -> None:
    """Help that names what to type: `REF` and `TEXT`, not typer's `{ref}` and `<str>`.

    Each argument is shown by its metavar (default: its name in capitals); an option
    without a metavar shows its name in capitals. Only typer's own parameter classes are
    changed; anything else is left alone."""
    for param in getattr(command, "params", []):
        if type(param) is typer.core.TyperArgument:
            param.__class__ = _PlainArgument
            if param.metavar is None:
                param.metavar = param.name.upper()
        elif type(param) is typer.core.TyperOption and param.metavar is None and not (param.is_flag or param.count):
            param.metavar = param.name.upper()


class _Group(typer.core.TyperGroup):
    """The app's group: every command's help made plain (see `_plain_help`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            _plain_help(command)
            _whole_short_help(command)


def _whole_short_help(command) -> None:
    """A command (and each of a group's commands) with no short help of its own gets its
    first sentence, whole: click would cut it with `...` to fit the list."""
    if not command.short_help:
        command.short_help = first_sentence(command.help or "")
    for sub in getattr(command, "commands", {}).values():
        _whole_short_help(sub)


def first_sentence(text: str) -> str:
    """A command's help up to the end of its first sentence, whole: what `cap --help` lists
    for a command with no short help of its own (click would cut it with `...`)."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    end = re.search(r"[.](\s|$)", paragraph)
    return paragraph[: end.start() + 1] if end else paragraph


app = typer.Typer(
    name="cap",
    cls=_Group,
    help="Keep a Serious Case Review composite action plan as plain text under git.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """What the top-level options set for every command."""

    data: Optional[Path] = None


_state = State()


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr, then the exit status (1 bad data, 2 usage)."""
    say(f"cap: error: {message}", err=True)
    raise typer.Exit(code)


def say(line: str, err: bool = False) -> None:
    """Print a line for a person: any control character in it (from the plan, a file name,
    git) is shown escaped, `\\x1b`, never sent to the terminal raw (cap.text.visible)."""
    from cap.text import visible

    typer.echo(visible(line), err=err)


def console(stderr: bool = False, width: int | None = None):
    """A rich console that prints user text as written (no markup, no highlighting)."""
    from rich.console import Console

    return Console(markup=False, highlight=False, emoji=False, stderr=stderr, width=width)


#: Spaces at the end of a line, before any colour codes that close it.
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def print_view(renderable) -> None:
    """Print a rich view (show, stats, history, changes) as wide as the terminal, or, when
    output is not a terminal, $COLUMNS or 160 (never squeezed into rich's 80), with no
    spaces left at the ends of lines. User text in views is escaped (cap.text.visible)
    before it reaches rich, so the only escape sequences here are rich's own colours."""
    out = console(width=terminal_width())
    with out.capture() as captured:
        out.print(renderable)
    write_out([_TRAILING.sub(r"\1", captured.get())])


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


def check_ref(ref: str) -> str:
    """A REF argument is two numbers, like 4.10 (never a path): else one line, exit 2.
    Every command taking a ref checks it here, by the same rule as the writes."""
    from cap.refs import not_a_ref

    message = not_a_ref(ref)
    if message is not None:
        fail(message, 2)
    return ref


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


def date_option(value: Optional[str], option: str = "--date") -> Optional[dt.date]:
    """A date option, or a one-line usage error (exit 2)."""
    from cap.dates import DateError, parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as exc:
        fail(f"{option}: {exc}", 2)


def load_agencies():
    """The agencies of data/agencies.yaml (None: the plan has none), or its problems and exit 1."""
    from cap.agencies import load_agencies as load

    agencies, problems = load(data_dir())
    report_problems(problems)
    return agencies


def resolve_lead_or_fail(plan, text: str):
    """`--lead TEXT` as every command reads it (cap.query.resolve_lead), or exit 2 naming the nearest."""
    from cap.query import UnknownLead, resolve_lead

    try:
        return resolve_lead(text, plan.actions, load_agencies())
    except UnknownLead as exc:
        fail(str(exc), exc.exit_code)


def resolve_theme_id(plan, text: Optional[str]) -> Optional[str]:
    from cap.query import UnknownTheme, resolve_theme

    if text is None:
        return None
    try:
        return resolve_theme(plan.themes, text).id
    except UnknownTheme as exc:
        fail(str(exc), exc.exit_code)


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


# ---------------------------------------------------------------- shell completion
# Each callback names what the plan knows (cap.names); it never prints and never fails:
# a shell asking for completions gets a list, or nothing.


def _completion_folder(ctx) -> Path | None:
    from cap.loader import find_data_dir

    root = ctx.find_root() if ctx is not None else None
    explicit = root.params.get("data") if root is not None else None
    try:
        return find_data_dir(Path(explicit) if explicit else None, os.environ, Path.cwd())
    except Exception:  # noqa: BLE001 - no data folder: nothing to offer
        return None


#: Only a shell asking for completions (typer sets `_CAP_COMPLETE`) needs the callbacks;
#: without them typer has fewer functions to inspect, so every other run starts faster.
_COMPLETING = any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)


def _completer(names, needs_folder: bool = True):
    if not _COMPLETING:
        return None

    def complete(ctx, incomplete):  # typer passes these by name (no annotations: cheap to inspect)
        try:
            if not needs_folder:
                return names(incomplete)
            folder = _completion_folder(ctx)
            return names(folder, incomplete) if folder is not None else []
        except Exception:  # noqa: BLE001 - completion must never fail or print
            return []

    return complete


def _names():
    from cap import names

    return names


complete_ref = _completer(lambda folder, inc: _names().refs(folder, inc))
complete_theme = _completer(lambda folder, inc: _names().themes(folder, inc))
complete_case = _completer(lambda folder, inc: _names().cases(folder, inc))
complete_lead = _completer(lambda folder, inc: _names().leads(folder, inc))
complete_status = _completer(lambda inc: _names().statuses(inc), needs_folder=False)
complete_progress_status = _completer(
    lambda inc: _names().statuses(inc, ("open", "in-progress", "complete")), needs_folder=False
)


# Options shared by the commands that select actions (list, report, ...).
AsOf = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Judge overdue/due dates as of this day (default: today)."),
]
ThemeOpt = Annotated[
    Optional[str],
    typer.Option("--theme", "-t", metavar="T", help="Theme id, alias, title or unambiguous prefix.", autocompletion=complete_theme),
]
ScrOpt = Annotated[
    Optional[str],
    typer.Option("--scr", "--review", metavar="L", help="Actions citing case L, plus those for all reviews.",
                 autocompletion=complete_case),
]
LeadOpt = Annotated[
    Optional[str],
    typer.Option("--lead", metavar="AGENCY",
                 help="A lead agency: its whole name, id or alias (data/agencies.yaml), else the leads beginning with "
                      "AGENCY (any case).", autocompletion=complete_lead),
]
StatusOpt = Annotated[
    Optional[list[str]],
    typer.Option("--status", "-s", metavar="S", help="open, in-progress, complete, closed or withdrawn (repeatable; any case).",
                 autocompletion=complete_status),
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


def build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped, kind=None,
                  impact_due=False):
    """The Filters for the shared selection options, or a clear error."""
    from cap.models import KINDS, STATUSES

    if kind is not None and kind not in KINDS:
        fail(f"unknown kind of review {kind!r}; valid: {', '.join(KINDS)}", 2)
    from cap.query import Filters

    status = [s.strip().lower() for s in status or []]  # any case, as themes
    for s in status:
        if s not in STATUSES:
            fail(f"unknown status {s!r}; valid: {', '.join(STATUSES)}", 2)
    if scr is not None:
        known = {s.id.lower(): s.id for s in plan.scrs} | {c.lower(): c for a in plan.actions for c in a.scrs}
        if scr.strip().lower() not in known:
            from cap.nearest import unknown

            fail(unknown("SCR", scr, sorted(set(known.values())), plural="cases"), 2)
        scr = scr.strip()
    choice = resolve_lead_or_fail(plan, lead) if lead is not None else None
    return Filters(
        theme=resolve_theme_id(plan, theme),
        scr=scr,
        lead=lead,
        lead_texts=choice.texts if choice is not None else None,
        lead_names=choice.names if choice is not None else (),
        statuses=list(status or []),
        overdue=overdue,
        due_within=due_within,
        search=search,
        slipped=slipped,
        kind=kind,
        kinds={s.id: s.kind for s in plan.scrs if s.kind},
        impact_due=impact_due,
    )


def guarded_write(run, what: str, unchanged: str = "nothing was changed"):
    """Run a write; a lock timeout or a failed write is one line, exit 1."""
    from cap.store import StoreError

    from pydantic import ValidationError

    try:
        return run()
    except StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write {what}: {exc.strerror or exc} ({unchanged})")
    except ValidationError as exc:  # a value the record cannot hold, said in cap's words
        from cap.modelproblems import plain_error

        said = "; ".join(plain_error(e) for e in exc.errors(include_url=False)[:3])
        fail(f"refused: {said} ({unchanged})", 2)
