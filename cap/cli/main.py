"""The console script `cap`: runs the app so that every failure is one line, never a traceback."""

from __future__ import annotations

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
    try:
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
        typer.echo(visible(f"cap: internal error: {type(exc).__name__}: {exc} (set CAP_DEBUG=1 for details)"), err=True)
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
