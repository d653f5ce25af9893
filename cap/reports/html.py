"""The report as one self-contained HTML page, for the screen and for A4 landscape paper.

Nothing is fetched from anywhere: the CSS is inline, the chart of status by theme is an
inline SVG, there is no script, and a Content-Security-Policy forbids loading anything.
BRAG ratings are coloured badges that also carry their name (never colour alone). Every
piece of user text goes through `escape`, so `<script>` in an action shows as text.
"""

from __future__ import annotations

import html

from cap.text import plural, visible
from cap.dates import format_uk
from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Row, Summary, target_text

#: Chart colours by status (distinct from the BRAG colours) and the text drawn on them.
STATUS_COLOURS = {
    "open": ("#9aa0a6", "#000000"),
    "in-progress": ("#5b3f8c", "#ffffff"),
    "complete": ("#138a7e", "#ffffff"),
    "closed": ("#27304a", "#ffffff"),
    "withdrawn": ("#dadce0", "#000000"),
}

CSS = """\
:root { --blue: #1f5fa8; --red: #b3261e; --amber: #f0a202; --green: #2e7d32;
  --ink: #1b1b1b; --muted: #5f6368; --line: #c8ccd1; --head: #eef1f4; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: "Segoe UI", Calibri, Arial, Helvetica, sans-serif; color: var(--ink);
  font-size: 14px; line-height: 1.4; max-width: 1500px; margin: 0 auto; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 3px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 14px 0 6px; }
p { margin: 4px 0; }
.meta { color: var(--muted); }
.headline { font-size: 19px; font-weight: 600; margin-top: 10px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; background: #f7f8f9; }
table.key td:first-child { width: 1%; }
.text { white-space: pre-line; overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px 28px;
  align-items: start; }
.chart { margin: 0; }
.chart svg { width: 100%; max-width: 760px; height: auto; display: block; }
.brag { display: inline-block; min-width: 4.6em; padding: 1px 6px; border-radius: 3px; font-weight: 700;
  text-align: center; border: 1px solid rgba(0, 0, 0, .25); }
.brag-blue { background: var(--blue); color: #fff; }
.brag-red { background: var(--red); color: #fff; }
.brag-amber { background: var(--amber); color: #000; }
.brag-green { background: var(--green); color: #fff; }
tr.rated-blue td.ref { border-left: 5px solid var(--blue); }
tr.rated-red td.ref { border-left: 5px solid var(--red); }
tr.rated-amber td.ref { border-left: 5px solid var(--amber); }
tr.rated-green td.ref { border-left: 5px solid var(--green); }
.note { display: block; color: var(--muted); font-size: 12px; }
.entry + .entry { margin-top: 4px; padding-top: 4px; border-top: 1px dotted var(--line); }
.entry .date { font-weight: 600; }
.none { color: var(--muted); font-style: italic; }
dl.key { display: grid; grid-template-columns: max-content 1fr; gap: 4px 10px; margin: 0; }
dl.key dt, dl.key dd { margin: 0; }
table.actions col.ref { width: 4%; } table.actions col.scr { width: 7%; }
table.actions col.action { width: 26%; } table.actions col.lead { width: 10%; }
table.actions col.target { width: 7%; } table.actions col.progress { width: 28%; }
table.actions col.status { width: 11%; } table.actions col.brag { width: 7%; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { font-size: 8.5pt; max-width: none; padding: 0; }
  h1 { font-size: 16pt; } h2 { font-size: 12pt; margin-top: 14pt; break-after: avoid; }
  h3 { font-size: 10pt; break-after: avoid; }
  .headline { font-size: 12pt; }
  .note { font-size: 7.5pt; }
  tr, .chart, dl.key, .grid > div { break-inside: avoid; }
  thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def escape(text: str) -> str:
    """User text as HTML text or attribute value: `<`, `>`, `&` and quotes escaped; a
    control character (not allowed in HTML) shown as an escape, `\\x1b`."""
    return html.escape(visible(str(text)), quote=True)


def badge(rating: str | None) -> str:
    if not rating:
        return '<span class="none">none</span>'
    return f'<span class="brag brag-{rating.lower()}">{escape(rating)}</span>'


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), cls: str = "") -> str:
    """A table from cells that are HTML already; `numeric` columns right-aligned."""
    def cell(tag: str, i: int, content: str) -> str:
        return f'<{tag} class="n">{content}</{tag}>' if i in numeric else f"<{tag}>{content}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "\n".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def chart(summary: Summary) -> str:
    """Status by theme as horizontal stacked bars, one per theme, drawn in inline SVG."""
    width, left, bar_width, bar_height, step = 760, 4, 710, 24, 52
    top = 8
    most = max((t.total for t in summary.by_theme), default=0) or 1
    parts = []
    y = top
    for t in summary.by_theme:
        parts.append(f'<text x="{left}" y="{y + 15}" class="label">{escape(t.theme.heading)}</text>')
        x = float(left)
        bar_y = y + 21
        for status, count in zip(STATUSES, t.counts):
            if not count:
                continue
            w = bar_width * count / most
            fill, ink = STATUS_COLOURS[status]
            parts.append(
                f'<rect x="{x:.1f}" y="{bar_y}" width="{w:.1f}" height="{bar_height}" fill="{fill}">'
                f"<title>{escape(t.theme.heading)}: {count} {status}</title></rect>"
            )
            if w >= 18:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{bar_y + 17}" text-anchor="middle" '
                             f'fill="{ink}" class="count">{count}</text>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{bar_y + 17}" class="total">{t.total}</text>')
        y += step
    legend_y = y + 10
    x = float(left)
    totals = dict(zip(STATUSES, summary.status_totals))
    for status in STATUSES:
        fill, _ink = STATUS_COLOURS[status]
        label = f"{status} ({totals[status]})"
        parts.append(f'<rect x="{x:.1f}" y="{legend_y}" width="15" height="15" fill="{fill}" '
                     f'stroke="#5f6368" stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 20:.1f}" y="{legend_y + 13}" class="legend">{escape(label)}</text>')
        x += 36 + 7.6 * len(label)
    height = legend_y + 24
    description = "; ".join(
        f"{t.theme.heading}: " + ", ".join(f"{n} {s}" for s, n in zip(STATUSES, t.counts) if n)
        for t in summary.by_theme
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="Segoe UI, Calibri, Arial, Helvetica, sans-serif">\n'
        f'<title id="chart-title">Actions by status and theme</title>\n'
        f'<desc id="chart-desc">{escape(description)}</desc>\n'
        "<style>.label { font-size: 15px; fill: #1b1b1b; } .count { font-size: 14px; font-weight: 700; } "
        ".total { font-size: 14px; fill: #1b1b1b; } .legend { font-size: 14px; fill: #1b1b1b; }</style>\n"
        + "\n".join(parts)
        + "\n</svg>"
    )


def summary(report: Report) -> str:
    s = report.summary
    if not s.total:
        return f'<section class="summary">\n<h2>Summary</h2>\n<p>No actions are selected.</p>\n{key(report)}\n</section>'
    rows = [[escape(t.theme.heading), *map(str, t.counts), str(t.total), str(t.overdue)] for t in s.by_theme]
    numeric = set(range(1, len(STATUSES) + 3))
    by_theme = _table(["Theme", *STATUSES, "total", "overdue"], rows, numeric)
    totals = "".join(f'<td class="n">{n}</td>' for n in (*s.status_totals, s.total, len(s.overdue)))
    by_theme = by_theme.replace("\n</tbody>", f'\n<tr class="total"><td>Total</td>{totals}</tr>\n</tbody>')

    counts = dict(s.brag_counts)
    brag = _table(["BRAG", "meaning", "actions"],
                  [[badge(b), escape(meaning), str(counts[b])] for b, meaning in report.key]
                  + [["withdrawn", escape(WITHDRAWN_NOTE), str(s.withdrawn)]], {2}, "key")
    if s.overdue_by_lead:
        leads = _table(["Lead agency", "overdue", "refs"],
                       [[escape(c.lead), str(c.count), ", ".join(c.refs)] for c in s.overdue_by_lead], {1})
        leads += '\n<p class="note">An action with more than one lead agency counts for each.</p>'
    else:
        leads = '<p class="none">None.</p>'
    if s.due_soon:
        due = _table(["Ref", "Target date", "Lead agency", "Action"],
                     [[r.ref, target_text(r), escape(r.lead_label), f'<span class="text">{escape(r.action)}</span>']
                      for r in s.due_soon])
    else:
        due = '<p class="none">None.</p>'
    if s.stale:
        stale = (f"<p>{len(s.stale)} open or in-progress {'action has' if len(s.stale) == 1 else 'actions have'} "
                 "no progress entry since then.</p>\n")
        stale += _table(["Lead agency", "actions", "refs"],
                        [[escape(c.lead), str(c.count), ", ".join(c.refs)] for c in s.stale_by_lead], {1})
    else:
        stale = '<p class="none">None.</p>'
    slipped = (f'\n<p>Target date put back: {", ".join(r.ref for r in s.slipped)}.</p>' if s.slipped else "")
    return f"""<section class="summary">
<h2>Summary</h2>
<div class="grid">
<figure class="chart">
{chart(s)}
</figure>
<div>
<h3>Status by theme</h3>
{by_theme}{slipped}
</div>
</div>
<div class="grid">
<div>
<h3>BRAG</h3>
{brag}
</div>
<div>
<h3>Overdue by lead agency</h3>
{leads}
</div>
<div>
<h3>No progress since {report.stale_since_text}</h3>
{stale}
</div>
</div>
<h3>Due in the next {plural(report.amber_days, 'day')} (to {report.due_until_text})</h3>
{due}
</section>"""


def key(report: Report) -> str:
    """The BRAG key on its own (the summary's BRAG table carries it when there are actions)."""
    items = "\n".join(f"<dt>{badge(rating)}</dt><dd>{escape(meaning)}</dd>" for rating, meaning in report.key)
    return f"""<h3>BRAG key</h3>
<dl class="key">
{items}
</dl>
<p class="note">{escape(WITHDRAWN_NOTE)}</p>"""


def _progress(row: Row) -> str:
    if not row.progress:
        return '<span class="none">no progress recorded</span>'
    return "".join(
        f'<div class="entry"><span class="date">{format_uk(e.date)}</span> '
        f'<span class="text">{escape(e.text)}</span>'
        + (f' <span class="author">({escape(e.author)})</span>' if e.author else "")
        + "</div>"
        for e in row.progress
    )


def _status(row: Row) -> str:
    return escape(row.status) + "".join(f'<span class="note">{escape(n)}</span>' for n in row.notes)


COLUMNS = ("ref", "scr", "action", "lead", "target", "progress", "status", "brag")
HEADER = ("Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress", "Status", "BRAG")


def action_row(row: Row) -> str:
    rated = f' class="rated-{row.brag.lower()}"' if row.brag else ""
    cells = [
        f'<td class="ref nowrap">{escape(row.ref)}'
        + (f'<span class="note">was {escape(row.source_ref)}</span>' if row.source_ref else "") + "</td>",
        f"<td>{escape(row.scr_ref)}</td>",
        f'<td class="text">{escape(row.action)}</td>',
        f"<td>{escape(row.lead_label)}</td>",
        f'<td class="nowrap">{escape(target_text(row))}</td>',
        f"<td>{_progress(row)}</td>",
        f"<td>{_status(row)}</td>",
        f"<td>{badge(row.brag)}"
        + (f'<span class="note">board: {escape(row.rating)}</span>' if row.rating else "") + "</td>",
    ]
    return f"<tr id=\"action-{escape(row.ref)}\"{rated}>" + "".join(cells) + "</tr>"


def actions_table(rows) -> str:
    cols = "".join(f'<col class="{c}">' for c in COLUMNS)
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "\n".join(action_row(r) for r in rows)
    return (f'<table class="actions">\n<colgroup>{cols}</colgroup>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n{body}\n</tbody>\n</table>")


def sections(report: Report) -> str:
    out = []
    for section in report.sections:
        out.append(f'<section class="theme" id="theme-{escape(section.theme.id)}">\n'
                   f"<h2>{escape(section.theme.heading)}</h2>\n{actions_table(section.rows)}\n</section>")
    if report.withdrawn:
        rows = [[escape(r.ref), escape(r.scr_ref), f'<span class="text">{escape(r.action)}</span>',
                 escape(r.lead_label), escape(target_text(r)),
                 f'<span class="text">{escape(r.withdrawn_reason or "")}</span>']
                for r in report.withdrawn]
        out.append('<section class="withdrawn">\n<h2>Withdrawn actions</h2>\n'
                   + _table(["Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Reason"], rows)
                   + f'\n<p class="note">{escape(WITHDRAWN_NOTE)}</p>\n</section>')
    if not report.rows:
        out.append(f'<p class="none">{"No exceptions." if report.kind == "exceptions" else "No actions to list."}</p>')
    return "\n".join(out)


def render(report: Report) -> str:
    meta = f"{escape(report.kind_label)}, as of <strong>{report.as_of_text}</strong>."
    if report.selection:
        meta += " Selection: " + escape("; ".join(report.selection)) + "."
    footer = f"{escape(report.title)}: {escape(report.kind_label)}, as of {report.as_of_text}."
    if report.stamp:
        footer += f" Produced on {format_uk(report.stamp, full_year=True)}."
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(report.title)} - as of {report.as_of_text}</title>
<style>
{CSS}</style>
</head>
<body>
<header>
<h1>{escape(report.title)}</h1>
<p class="meta">{meta}</p>
<p class="headline">{escape(report.summary.headline)}.</p>
</header>
{summary(report)}
{sections(report)}
<footer>{footer}</footer>
</body>
</html>
"""
