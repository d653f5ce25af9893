"""Starting a plan: `cap init` and `cap import`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cap.cli.common import app, fail, say, data_dir, report_problems, guarded_write


@app.command("init", short_help='Make a new plan repository.')
def init_command(
    directory: Annotated[Path, typer.Argument(help="Where to make the repository (default: here).")] = Path("."),
    blank: Annotated[bool, typer.Option("--blank", help="No themes: start themes.yaml empty.")] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="A demonstration plan to try cap on: the January 2017 plan and a "
                           "dated git history of monthly updates to July 2017.")
    ] = False,
) -> None:
    """Make a new plan repository: data/, a README, the pre-commit hook and CI check.

    Writes data/actions/ (empty), data/themes.yaml (the four themes of the Thematic
    Learning Framework, or none with --blank), data/scrs.yaml, README.md,
    .pre-commit-config.yaml, .github/workflows/cap-validate.yml, the GitHub Pages
    workflow .github/workflows/cap-site.yml (cap site; read the README's warning before
    turning Pages on) and .gitattributes.
    Refuses to touch an existing data folder; other files that exist are kept.

    With --demo, a new folder becomes a demonstration plan to try cap on (cap changes
    --since, cap history, the site's trends): the January 2017 plan and a git commit
    for each month to July 2017. It needs git.

    \b
    Examples:
      cap init norfolk-cap
      cap init --blank
      cap init --demo demo
    """
    from cap.scaffold import InitRefused, create_repository

    if demo:
        if blank:
            fail("give --demo or --blank, not both", 2)
        from cap.demo import DemoRefused, make_demo

        try:
            made = guarded_write(lambda: make_demo(directory), "the demonstration plan")
        except (DemoRefused, InitRefused) as exc:
            fail(str(exc))
        say(f"made a demonstration plan in {directory}: the January 2017 plan and {len(made.subjects)} commits, "
            "one a month to July 2017")
        say(f"next: cd {directory} and try cap changes --since 2017-05-01, cap history 4.4 or cap site -o public")
        return

    try:
        created = create_repository(directory, blank=blank)
    except InitRefused as exc:
        fail(str(exc))
    for rel in created.written:
        say(f"created {rel.as_posix()}")
    for rel in created.kept:
        say(f"kept {rel.as_posix()} (it exists already)")
    say(f"new plan repository in {directory}: next, cap import your current plan (see README.md)")


#: The fields --map accepts (cap.importer.columns.FIELDS, spelt out here so that cap's start-up does
#: not import the importer; a test holds the two together).
_MAP_FIELDS = ("ref, theme, action, recommendation, scope, lead, owner, target_date, progress, status, rating, "
               "outcome, evidence, scrs, progress_date, completed, opened, review_date, impact_review, "
               "withdrawn_reason, source_ref")


@app.command("import", short_help='Bring a plan kept in Excel or Word in.')
def import_command(
    file: Annotated[Path, typer.Argument(help="The plan: an Excel workbook (.xlsx), a Word document (.docx), a CSV, "
                                         "or a table copied as text.")],
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
    add_agencies: Annotated[
        bool, typer.Option("--add-agencies", help="Add the lead agencies it meets that data/agencies.yaml does not name "
                           "to that file (made if missing), with the actions.")
    ] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="auto, csv, text (tab-separated), xlsx or docx.")] = "auto",
    sheet: Annotated[
        Optional[str], typer.Option("--sheet", metavar="NAME", help="The workbook's sheet to read (default: the first with a header row).")
    ] = None,
    all_sheets: Annotated[
        bool, typer.Option("--all-sheets", help="Read every sheet with a header row; a sheet's name is its rows' theme.")
    ] = False,
    maps: Annotated[
        Optional[list[str]],
        typer.Option("--map", metavar="'COLUMN=FIELD'", help="Read a tracker's column as a field: "
                     + _MAP_FIELDS + "."),
    ] = None,
    ignore_columns: Annotated[
        Optional[list[str]], typer.Option("--ignore-column", metavar="COLUMN", help="Leave a tracker's column out.")
    ] = None,
    theme: Annotated[
        Optional[str], typer.Option("--theme", metavar="ID", help="Put every row under this theme (a tracker without themes).")
    ] = None,
    status_map: Annotated[
        Optional[list[str]],
        typer.Option("--status-map", metavar="'1=complete,2=in-progress'", help="What a tracker's status numbers or words mean."),
    ] = None,
    skip_incomplete: Annotated[
        bool, typer.Option("--skip-incomplete", help="Skip rows with no action text or no lead (with a warning each) "
                           "instead of refusing.")
    ] = False,
    skip_rows: Annotated[
        Optional[list[str]],
        typer.Option("--skip-row", metavar="N", help="Skip this row of the sheet or CSV (line of text; TABLE:ROW in "
                     "a Word document). Repeatable."),
    ] = None,
    review: Annotated[
        Optional[str], typer.Option("--review", "--scr", metavar="ID", help="The review (scrs.yaml) every action of "
                                    "the file belongs to; its recommendations are recorded as the review's.")
    ] = None,
    add_reviews: Annotated[
        bool, typer.Option("--add-reviews", help="Add a review --review or a section heading names to scrs.yaml.")
    ] = False,
    table: Annotated[
        Optional[int], typer.Option("--table", metavar="N", min=1, help="The Word document's table to read (counted "
                                    "from 1; default: every table with a header row).")
    ] = None,
    fix_dates: Annotated[
        Optional[list[str]],
        typer.Option("--fix-date", metavar="'CELL=DD/MM/YYYY'", help="Read a date cell that is no real day as the "
                     "date meant: --fix-date \"31/4/15=30/04/2015\". Repeatable."),
    ] = None,
) -> None:
    """Bring a plan kept in Excel or Word in: one action file per row, all or nothing.

    Columns: Ref, SCR Ref, Action, Lead agency, Target date, Progress, and a Theme
    column or theme headings between the tables; Status, Progress date, Signed off,
    Withdrawn reason, Target history, Progress authors, Opened, Completed, Withdrawn on
    and Impact review are used when present (cap report --format csv writes them all);
    without an Opened column an action is opened on its progress date. A workbook is
    read as Excel holds it (the first sheet with a header row; one cap report made comes
    back whole). A narrative starting "Complete." makes the action complete, any other
    in-progress, none open. Existing actions are never overwritten, and nothing is
    written that cap validate would reject. Another board's tracker is read by its own
    column names (No., Actions, Agency, RAG, Timescale ...; --map names any other) and
    its own words (Red, Amber, Green, Complete, Not started, TBC, April 2017 ...): see
    docs/importing.md.

    \b
    Examples:
      cap import plan.csv --progress-date 2017-01-31 --dry-run
      cap import tracker.xlsx --sheet "Action plan" --progress-date 2017-01-31
      cap import plan.txt --progress-date 31/01/17
      cap import march.csv --update --progress-date 2017-03-31
      cap import tracker.xlsx --dry-run --map "Agency Lead Person=owner" --theme curiosity
      cap import plan.csv --add-agencies --progress-date 2017-01-31
    """
    from cap.dates import DateError, parse_date, today, too_early
    from cap.importer import FORMATS as IMPORT_FORMATS
    from cap.importer import import_plan, summary_lines

    if format not in IMPORT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(IMPORT_FORMATS)}", 2)
    now = today()
    try:
        day = parse_date(progress_date) if progress_date is not None else now
    except DateError as exc:
        fail(f"--progress-date: {exc}", 2)
    if too_early(day):
        fail(f"--progress-date {too_early(day)}", 2)
    if day > now:
        fail(f"--progress-date {day.isoformat()} is after today ({now.isoformat()}): "
             "record what has happened, not what is planned")
    if sheet is not None and all_sheets:
        fail("give --sheet NAME or --all-sheets, not both", 2)
    from cap.importer.columns import header_key
    from cap.importer.options import TrackerOptions, parse_fixes, parse_maps, parse_skip_rows, parse_status_map

    try:
        tracker = TrackerOptions(maps=parse_maps(maps or []), ignore={header_key(c) for c in ignore_columns or []},
                                 theme=theme, status_map=parse_status_map(status_map or []),
                                 skip_incomplete=skip_incomplete, skip_rows=parse_skip_rows(skip_rows or []),
                                 fixes=parse_fixes(fix_dates or []), review=review, add_reviews=add_reviews)
    except ValueError as exc:
        fail(str(exc), 2)

    from cap.loader import not_a_file

    if file.is_dir():
        fail(f"{file} is a folder: name the file to import", 2)
    kind = not_a_file(file)
    if kind:
        fail(f"{file} is {kind}, not a file: name the file to import", 2)
    if not file.is_file():
        fail(f"{file}: no such file", 2)
    folder = data_dir()
    outcome, problems = guarded_write(
        lambda: import_plan(folder, file, progress_date=day, today=now, update=update, add_themes=add_themes,
                            kind=format, dry_run=dry_run, sheet=sheet, all_sheets=all_sheets, tracker=tracker,
                            table=table, add_agencies=add_agencies,
                            progress_date_given=progress_date is not None),
        "the imported files", "each file is either as it was or written whole",
    )
    if dry_run:  # the tracker's columns and their fields, before anything else; then how each date was read
        for line in outcome.mapping:
            say(line)
        if outcome.readings:
            say("dates read:")
            for line in outcome.readings:
                say(f"  {line}")
    if problems:
        report_problems(problems)
    for line in summary_lines(outcome, folder, dry_run):
        say(line)
