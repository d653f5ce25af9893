"""Checking the data: `cap validate` and `cap schema`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cap.cli.common import app, fail, say, data_dir, parse_as_of


VALIDATE_FORMATS = ("text", "github", "json")


@app.command("validate", short_help='Check every data file: each problem with its file and line.')
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
            say(problem.github() if format == "github" else problem.text())
        say(report.summary() + (" (--strict: warnings count as errors)" if strict and report.problems else ""))
    raise typer.Exit(0 if report.ok else 1)


SCHEMA_KINDS = ("action", "themes", "scrs", "agencies", "round")


@app.command("schema", short_help="Print a data file's JSON Schema, for editors.")
def schema_command(
    kind: Annotated[
        str, typer.Argument(metavar="[action|themes|scrs|agencies|round]",
                      help="Which file: an action file (default), themes.yaml, scrs.yaml, agencies.yaml "
                           "or a round's file (data/rounds/).")
    ] = "action",
) -> None:
    """Print the JSON Schema of a data file, for editors (completion, red squiggles).

    \b
    Examples:
      cap schema > schemas/action.json
      cap schema themes > schemas/themes.json
      cap schema scrs > schemas/scrs.json
      cap schema agencies > schemas/agencies.json
      cap schema round > schemas/round.json
    """
    import json

    from cap.schema import json_schema

    if kind not in SCHEMA_KINDS:
        fail(f"unknown schema {kind!r}; choose from {', '.join(SCHEMA_KINDS)}", 2)
    typer.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))
