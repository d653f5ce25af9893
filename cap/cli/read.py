"""Reading the plan: `cap list` and `cap show`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cap.cli.common import (
    app, check_ref, fail, say, print_view, terminal_width, write_out, print_list, data_dir, report_problems, load_plan,
    parse_as_of, build_filters, AsOf, ThemeOpt, ScrOpt, LeadOpt, StatusOpt, OverdueOpt, DueWithinOpt,
    SearchOpt, SlippedOpt, complete_ref,
)


FORMATS = ("table", "json", "csv")


@app.command("list", short_help='List actions, filtered, in ref order.')
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
    kind: Annotated[
        Optional[str],
        typer.Option("--kind", metavar="KIND", help="Actions citing a review of this kind (scr, sar, dhr, ...), "
                     "plus those for all reviews."),
    ] = None,
    impact_due: Annotated[
        bool, typer.Option("--impact-due", help="Closed actions whose impact review date has passed with no impact entry since sign-off.")
    ] = False,
) -> None:
    """List actions, filtered (filters combine with AND), in ref order.

    \b
    Examples:
      cap list --theme curiosity --overdue
      cap list --review Q --status in-progress --format csv
      cap list --kind scr --due-within 30 --as-of 2017-05-01
      cap list --impact-due
    """
    from cap import render
    from cap.query import select
    from cap.text import plural

    if format not in FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(FORMATS)}", 2)
    day = parse_as_of(as_of)
    plan = load_plan()
    filters = build_filters(plan, theme, scr, lead, status, overdue, due_within, search, slipped, kind, impact_due)
    actions = select(plan.actions, filters, day)
    if format == "json":
        write_out(render.json_list(render.record(a, day) for a in actions))
    elif format == "csv":
        write_out([render.to_csv(render.record(a, day) for a in actions)])
    else:
        width = terminal_width()
        lines = render.list_lines(actions, day, width)
        total = plural(len(plan.actions), "action")
        footer = f"{len(actions)} of {total} (as of {day.isoformat()}; * target revised)"
        print_list(lines, render.shorten(footer, width))


@app.command("show", short_help='Show everything about one action.')
def show_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref, for example 4.10.", autocompletion=complete_ref)],
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
    from cap.loader import action_path, load_action_file, load_reference, not_a_file

    if format not in ("text", "json"):
        fail(f"unknown format {format!r}; choose from text, json", 2)
    check_ref(ref)
    day = parse_as_of(as_of)
    folder = data_dir()
    themes, _scrs, problems = load_reference(folder)
    path = action_path(folder, ref)
    if not path.is_file():
        report_problems(problems)
        shown = path.relative_to(folder.parent).as_posix()
        kind = not_a_file(path)
        if kind:
            fail(f"{shown} is {kind}, not a file: an action is a file; remove or rename it")
        from cap.updates import unknown_ref

        fail(unknown_ref(folder, ref, shown).message, 2)
    action, found = load_action_file(path, folder)
    report_problems(problems + found)
    from cap.rounds.record import request_line, requests_for

    asked = requests_for(folder, action) if action is not None else []
    if format == "json":
        data = render.record(action, day)
        if asked:  # the new target dates agencies asked for in a round (issue 23)
            data["retarget_requests"] = [
                {"round": r.id, "agency": a.name, "date": q.date.isoformat(), "to": str(q.to), "reason": q.reason,
                 "by": q.by} for r, a, q in asked]
        typer.echo(render.to_json(data), nl=False)
        return
    title = next((t.title for t in themes if t.id == action.theme), None)
    print_view(render.show_view(action, day, title))
    for record, agency, request in asked:
        say(f"Retarget asked for: {request_line(record, agency, request)}")
