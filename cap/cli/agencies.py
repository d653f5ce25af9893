"""The partnership's agencies: `cap agencies`."""

from __future__ import annotations

from typing import Annotated

import typer

from cap.cli.common import app, fail, load_agencies, load_plan, parse_as_of, say, terminal_width, write_out, AsOf

FORMATS = ("table", "json")


@app.command("agencies")
def agencies_command(
    as_of: AsOf = None,
    due_within: Annotated[
        int, typer.Option("--due-within", metavar="N", min=0, help="Due soon: an open action due within N days of the as-of date.")
    ] = 30,
    format: Annotated[str, typer.Option("--format", "-f", metavar="table|json", help="Output format.")] = "table",
) -> None:
    """List the lead agencies: open, overdue and due-soon actions, and whether each has a
    contact with an email (in data/agencies.yaml) to send its update form to.

    The agencies of data/agencies.yaml come first, in its order; a lead that names none of
    them is listed after, marked `-` in the Id column.

    \b
    Examples:
      cap agencies --as-of 2017-07-01
      cap agencies --due-within 14 --format json
    """
    from cap.agencycounts import agency_counts

    if format not in FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(FORMATS)}", 2)
    day = parse_as_of(as_of)
    plan = load_plan()
    rows = agency_counts(plan.actions, load_agencies(), day, due_within)
    if format == "json":
        import json

        write_out([json.dumps([r.record() for r in rows], indent=2, ensure_ascii=False), "\n"])
        return
    _table(rows, day, due_within)


def _table(rows, day, due_within) -> None:
    from cap.render import shorten
    from cap.text import plural

    width = terminal_width()
    header = ("Agency", "Id", "Open", "Overdue", "Due soon", "Contact")
    cells = [(r.name, r.id or "-", str(r.open), str(r.overdue), str(r.due_soon),
              "yes" if r.has_contact else "no email" if r.contacts else "no") for r in rows]
    numbers = [max(len(header[i]), *(len(c[i]) for c in cells)) if cells else len(header[i]) for i in range(2, 6)]
    ids = max([len(header[1]), *(len(c[1]) for c in cells)])
    fixed = ids + sum(numbers) + 2 * 5
    name_width = max(12, min(max([len(header[0]), *(len(c[0]) for c in cells)]), width - fixed))

    def line(row) -> str:
        name = shorten(row[0], name_width).ljust(name_width)
        rest = [row[1].ljust(ids)] + [row[i].rjust(numbers[i - 2]) for i in range(2, 5)] + [row[5]]
        return "  ".join([name, *rest]).rstrip()

    say(line(header))
    for row in cells:
        say(line(row))
    known = [r for r in rows if r.id is not None]
    contacts = sum(1 for r in known if r.has_contact)
    tail = (f"{plural(len(rows), 'agency', 'agencies')}, {contacts} with a contact"
            f" (as of {day.isoformat()}; due soon: within {plural(due_within, 'day')})")
    if not known:
        tail += "; no agencies in data/agencies.yaml: each lead as the actions write it"
    say(tail)
