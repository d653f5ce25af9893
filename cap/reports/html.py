"""The report as one self-contained HTML page, for the screen and for A4 landscape paper.

Nothing is fetched from anywhere: the CSS is inline, the chart of status by theme is an
inline SVG, there is no script, and a Content-Security-Policy forbids loading anything.
BRAG ratings are coloured badges that also carry their name (never colour alone).

The page is cap/templates/report.html (Jinja2, autoescaped: `<script>` in an action
shows as text); this module only works out the numbers the templates lay out.
"""

from __future__ import annotations

from typing import Any, Iterator

from markupsafe import Markup

from cap import templating
from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Summary, target_text

#: Chart colours by status (distinct from the BRAG colours) and the text drawn on them.
STATUS_COLOURS = {
    "open": ("#9aa0a6", "#000000"),
    "in-progress": ("#5b3f8c", "#ffffff"),
    "complete": ("#138a7e", "#ffffff"),
    "closed": ("#27304a", "#ffffff"),
    "withdrawn": ("#dadce0", "#000000"),
}

#: The report's stylesheet (inline in the report; the site's site.css starts with it).
CSS = templating.text("report.css")
#: The report loads nothing: inline styles only, no script.
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def chart_geometry(summary: Summary, chart_id: str = "chart",
                   title: str = "Actions by status and theme") -> dict[str, Any]:
    """Where each bar of the status-by-theme chart goes (the template draws them)."""
    width, left, bar_width, bar_height, step = 760, 4, 710, 24, 52
    most = max((t.total for t in summary.by_theme), default=0) or 1
    themes = []
    y = 8
    for t in summary.by_theme:
        x = float(left)
        segments = []
        for status, count in zip(STATUSES, t.counts):
            if not count:
                continue
            w = bar_width * count / most
            fill, ink = STATUS_COLOURS[status]
            segments.append({"x": x, "w": w, "fill": fill, "ink": ink, "count": count, "status": status})
            x += w
        themes.append({"heading": t.theme.heading, "y": y, "bar_y": y + 21, "segments": segments,
                       "end": x, "total": t.total})
        y += step
    legend = []
    x = float(left)
    totals = dict(zip(STATUSES, summary.status_totals))
    for status in STATUSES:
        label = f"{status} ({totals[status]})"
        legend.append({"x": x, "fill": STATUS_COLOURS[status][0], "label": label})
        x += 36 + 7.6 * len(label)
    description = "; ".join(
        f"{t.theme.heading}: " + ", ".join(f"{n} {s}" for s, n in zip(STATUSES, t.counts) if n)
        for t in summary.by_theme
    )
    return {"id": chart_id, "title": title, "width": width, "height": y + 10 + 24, "left": left,
            "bar_height": bar_height, "themes": themes, "legend": legend, "legend_y": y + 10,
            "description": description, "inline_style": True}


def context(report: Report) -> dict[str, Any]:
    """What every template showing a report's pieces needs."""
    return {
        "report": report,
        "chart": chart_geometry(report.summary),
        "statuses": STATUSES,
        "brag_counts": dict(report.summary.brag_counts),
        "withdrawn_note": WITHDRAWN_NOTE,
        "target_text": target_text,
    }


# ------------------------------------------------------------------ papers (sign-off pack, annual statistics)

#: What a paper adds to the report's styles: tables of counts keep their first column readable.
PAPER_CSS = """\
table.counts td:first-child { min-width: 11em; } table.counts .text { overflow-wrap: normal; }
table.counts th { font-size: 12px; }
table.fields td:first-child { width: 12em; font-weight: 600; }
p.decision { margin: 6px 0 18px; font-weight: 600; }
"""
#: The month chart's series colours (opened, completed, ...).
SERIES_COLOURS = ("#1f5fa8", "#138a7e", "#b3261e", "#f0a202")


def month_chart_geometry(chart) -> dict[str, Any]:
    """Where each bar of a paper's chart goes: grouped bars per month (the template draws them)."""
    series = chart.series
    top = max([1, *(v for _, values in series for v in values)])
    bar, left, plot_height, base = 22, 40, 180, 200
    group = bar * len(series) + 14
    width = left + group * max(1, len(chart.labels)) + 10
    bars, labels = [], []
    for i, label in enumerate(chart.labels):
        x0 = left + i * group + 5
        for j, (name, values) in enumerate(series):
            h = round(plot_height * values[i] / top, 1)
            bars.append({"x": x0 + j * bar, "y": base - h, "w": bar - 2, "h": h, "value": values[i],
                         "name": name, "label": label, "fill": SERIES_COLOURS[j % len(SERIES_COLOURS)]})
        labels.append({"x": round(x0 + (group - 10) / 2, 1), "text": label[2:] if len(label) == 7 else label})
    legend = [{"x": left + j * 120, "name": name, "fill": SERIES_COLOURS[j % len(SERIES_COLOURS)]}
              for j, (name, _v) in enumerate(series)]
    description = "; ".join(f"{label}: " + ", ".join(f"{values[i]} {name}" for name, values in series)
                            for i, label in enumerate(chart.labels))
    return {"title": chart.title, "description": description, "width": width, "height": base + 44,
            "left": left, "base": base, "plot_height": plot_height, "top": top, "bars": bars,
            "labels": labels, "legend": legend}


def render_paper(report: Report) -> str:
    """A paper as one self-contained page, with the report's head and styles."""
    paper = report.paper
    charts = [month_chart_geometry(b.chart) if b.chart is not None else None for b in paper.blocks]
    return templating.render("paper.html", csp=Markup(CSP), stylesheet=None, inline_css=Markup(CSS + PAPER_CSS),
                             paper=paper, report=report, charts=charts)


def render(report: Report) -> str:
    return "".join(stream(report))


def stream(report: Report) -> Iterator[str]:
    """`render`, in pieces (cap.templating.stream): a large report is never held whole."""
    if report.paper is not None:
        return iter([render_paper(report)])
    return templating.stream("report.html", csp=Markup(CSP), stylesheet=None, inline_css=Markup(CSS), **context(report))
