"""The console script `cap`: runs the app so that every failure is one line, never a traceback."""

from __future__ import annotations

import gc
import os
import sys

import typer

from cap.cli.common import app
from cap.text import visible

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
    _no_pydantic_plugins()
    everything = app.registered_commands
    try:
        # Only the command being run is built (see `_only_command`); restored below, so a
        # later call (tests call main() more than once) sees every command again.
        app.registered_commands = _only_command(sys.argv[1:], everything)
        code = app(standalone_mode=False)
        sys.stdout.flush()
    except errors.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            typer.echo(exc.ctx.get_help())  # plain `cap`: the help, as usage
        else:
            where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            message = " ".join(exc.format_message().split())
            typer.echo(visible(f"cap: error: {message}{where}"), err=True)
        code = 2
    except errors.ClickException as exc:
        typer.echo(visible(f"cap: error: {' '.join(exc.format_message().split())}"), err=True)
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
        typer.echo(visible(f"cap: error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")), err=True)
        code = 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("CAP_DEBUG"):
            raise
        said = f"{type(exc).__name__}: {exc}"
        if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):  # pydantic's words never shown
            from cap.modelproblems import plain_error

            said = "a record was refused: " + "; ".join(plain_error(e) for e in exc.errors(include_url=False)[:3])
        typer.echo(visible(f"cap: internal error: {' '.join(said.split())} (set CAP_DEBUG=1 for details)"), err=True)
        code = 70
    finally:
        app.registered_commands = everything
        _nothing_left_to_collect()
    sys.exit(code if isinstance(code, int) else 0)


#: The top-level options that take a value (`cap --data DIR show 4.4`).
_VALUED = ("--data",)


def _only_command(args: list[str], commands: list) -> list:
    """The registered commands to build for this run: only the one `args` names.

    Typer turns every registered command into a click command (inspecting each
    function's signature) before it runs any: a fifth of a `cap show`'s time. When the
    first word after the top-level options names exactly one command, only that one is
    built; it parses, runs and fails exactly as it would among the others. Anything
    else (no command, `--help`, `--version`, a misspelt name that wants suggestions,
    a shell asking for completions) gets every command, in help order.
    """
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return commands
    words = iter(args)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word.startswith(tuple(f"{o}=" for o in _VALUED)):
            continue
        elif word.startswith("-"):
            return commands
        else:
            from typer.main import get_command_name

            from cap.cli.common import app

            if any(g.name == word for g in app.registered_groups):  # `cap round ...`: the group alone
                return []
            named = [c for c in commands
                     if (c.name or get_command_name(c.callback.__name__)) == word]
            return named if len(named) == 1 else commands
    return commands


def _nothing_left_to_collect() -> None:
    """The command is done: the interpreter's exit need not look for garbage again.

    On its way out Python runs the cyclic garbage collector over every object still
    alive (pydantic's, typer's, rich's, and a loaded plan's), more than once: a sixth of
    a `cap show`. `gc.freeze` (the standard library's) sets those objects aside from
    collection; they are freed with the process as before, files flushed and exit
    handlers run as before.
    """
    gc.freeze()


def _no_pydantic_plugins() -> None:
    """The command line looks for no pydantic plugins.

    pydantic scans every installed package's entry points for plugins the first time it
    builds a validator; a command-line run uses none. `PYDANTIC_DISABLE_PLUGINS` is
    pydantic's documented switch for that (a person's own setting is kept). Only the
    console script sets it: a library user of cap keeps pydantic's behaviour.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


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
