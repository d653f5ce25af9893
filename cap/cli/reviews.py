"""The reviews and their recommendations: `cap reviews` and `cap reviews CASE`."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from cap.cli.common import AsOf, app, fail, load_plan, parse_as_of, print_view


@app.command("reviews", short_help='Each review: its recommendations and their actions.')
def reviews_command(
    case: Annotated[Optional[str], typer.Argument(metavar="[CASE]", help="One case in full, for example Q.")] = None,
    as_of: AsOf = None,
    format: Annotated[str, typer.Option("--format", "-f", metavar="text|md|json", help="Output format.")] = "text",
) -> None:
    """The reviews: kind, publication, recommendations by response, actions (total, closed,
    overdue; withdrawn apart) and a flag where no plan was in place within 3 months of
    publication. With CASE, that case in full: each recommendation, its response and the
    actions answering it.

    \b
    Examples:
      cap reviews --as-of 2017-07-01
      cap reviews Q
      cap reviews --format md > reviews.md
    """
    import dataclasses

    from cap.cli.report import lives_for
    from cap.query import Filters
    from cap.reports import build_report, render
    from cap.reports.stats import paper_view
    from cap.reviews import UnknownReview, review_paper, reviews_paper

    if format not in ("text", "md", "json"):
        fail(f"unknown format {format!r}; choose from text, md, json", 2)
    day = parse_as_of(as_of)
    plan = load_plan()
    lives = lives_for(plan)
    title = "Reviews and their recommendations"
    try:
        paper = reviews_paper(plan, lives, day, title) if case is None else review_paper(plan, case, lives, day, title)
    except UnknownReview as exc:
        fail(str(exc), exc.exit_code)
    if format == "text":
        print_view(paper_view(paper))
        return
    report = dataclasses.replace(build_report(plan, Filters(), day), paper=paper)
    typer.echo(render(report, format), nl=False)
