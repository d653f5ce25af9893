"""The plan on the web: `cap site`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from cap.cli.common import app, fail, data_dir, load_agencies, load_plan, parse_as_of, AsOf


@app.command("site", short_help='Write the plan as a static website.')
def site_command(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="DIR", help="The folder to write the site into (made if missing).")
    ] = Path("public"),
    as_of: AsOf = None,
    title: Annotated[Optional[str], typer.Option("--title", metavar="TEXT", help="The site's title.")] = None,
    stamp: Annotated[bool, typer.Option("--stamp", help="Say on every page the day the site was built.")] = False,
) -> None:
    """Write the plan as a static website: a dashboard, trends over time from git, and a
    page per action, theme, case and lead agency.

    Open DIR/index.html in a browser, or publish DIR with GitHub or GitLab Pages (cap init
    writes the workflow). Old versions of the plan are read from git; nothing is checked
    out. The same data, history and --as-of date always give the same bytes. A public
    site publishes the whole plan and its progress texts: see docs/site.md.

    \b
    Examples:
      cap site -o public
      cap site -o public --as-of 2017-07-01 --title "Norfolk SCR action plan"
    """
    from cap.dates import today
    from cap.outputs import OutputRefused
    from cap.site import SiteError, build_site
    from cap.site.walk import TrendsTooLong

    day = parse_as_of(as_of)
    plan = load_plan()
    try:
        result = build_site(data_dir(), output, day, plan, title=title, stamp=today() if stamp else None,
                            agencies=load_agencies())
    except (OutputRefused, TrendsTooLong) as exc:
        fail(str(exc), 2)
    except SiteError as exc:
        fail(str(exc))
    trends = "with trends from git" if result.timeline.available else f"without trends ({result.timeline.reason})"
    typer.echo(f"wrote {result.pages} pages to {output}, as of {day.isoformat()}, {trends}", err=True)
