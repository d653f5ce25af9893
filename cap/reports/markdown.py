"""The report as GitHub-flavoured Markdown: headings and pipe tables.

Renders as tables on GitHub and in a pull-request comment, and stays readable as plain
text. Every user text is escaped, so `*`, `|` or `<script>` in an action shows as written;
line breaks inside a cell become `<br>`.
"""

from __future__ import annotations

import re

from cap.dates import format_uk
from cap.text import plural, visible
from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Row, progress_line, target_text

#: What could make Markdown read user text as markup: emphasis, code, HTML, a table's `|`,
#: an entity (`&amp;`), and the `]` of a link or image (`[a](b)`, `[a][b]`).
_SPECIAL = re.compile(r"[\\`*_<|~]|&(?=[A-Za-z#])|\](?=[(\[])")


def escape(text: str) -> str:
    """Text that Markdown shows as written, on one line (`<br>` for line breaks); a control
    character shows as an escape (`\\x1b`), for the terminal the Markdown may be printed on."""
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), visible(text))
    return "<br>".join(line.strip() for line in text.strip().splitlines())


def table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> list[str]:
    """A pipe table of cells that are Markdown already; `numeric` columns right-aligned."""
    align = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return lines


def _refs(rows) -> str:
    return ", ".join(r.ref for r in rows)


def _status(row: Row) -> str:
    return "<br>".join([escape(row.status), *(f"_{escape(n)}_" for n in row.notes)])


def _progress(row: Row) -> str:
    if not row.progress:
        return "_no progress recorded_"
    return "<br>".join(escape(progress_line(e)) for e in row.progress)


def _brag(row: Row) -> str:
    ours = f"**{row.brag}**" if row.brag else ""
    return ours + (f"<br>_board: {escape(row.rating)}_" if row.rating else "")


def _ref(row: Row) -> str:
    return row.ref + (f"<br>_was {escape(row.source_ref)}_" if row.source_ref else "")


def summary(report: Report) -> list[str]:
    s = report.summary
    out = ["## Summary", "", f"**{escape(s.headline)}.**", ""]
    if report.round is not None:  # the latest update round (issue 23)
        out += [f"{escape(report.round.title)}: {escape(report.round.headline)}.", ""]
        out += [f"- {escape(line)}" for line in report.round.retarget_lines()] + ([""] if report.round.retargets else [])
    if not s.total:
        return out + ["No actions are selected.", "", *key(report)]

    out += ["### Status by theme", ""]
    rows = [[escape(t.theme.heading), *map(str, t.counts), str(t.total), str(t.overdue)] for t in s.by_theme]
    rows.append(["**Total**", *(f"**{n}**" for n in s.status_totals), f"**{s.total}**", f"**{len(s.overdue)}**"])
    out += table(["Theme", *STATUSES, "total", "overdue"], rows, set(range(1, len(STATUSES) + 3))) + [""]

    out += ["### BRAG", ""]
    counts = dict(s.brag_counts)
    out += table(["BRAG", "Meaning", "Actions"],
                 [[f"**{b}**", escape(meaning), str(counts[b])] for b, meaning in report.key]
                 + [["withdrawn", escape(WITHDRAWN_NOTE), str(s.withdrawn)]], {2})
    out += [""]

    out += ["### Overdue by lead agency", ""]
    if s.overdue_by_lead:
        out += table(["Lead agency", "Overdue", "Refs"],
                     [[escape(c.lead), str(c.count), ", ".join(c.refs)] for c in s.overdue_by_lead], {1})
        out += ["", "An action with more than one lead agency counts for each.", ""]
    else:
        out += ["None.", ""]

    out += [f"### No progress since {report.stale_since_text}", ""]
    if s.stale:
        out += [f"{len(s.stale)} open or in-progress {'action has' if len(s.stale) == 1 else 'actions have'} "
                "no progress entry since then.", ""]
        out += table(["Lead agency", "Actions", "Refs"],
                     [[escape(c.lead), str(c.count), ", ".join(c.refs)] for c in s.stale_by_lead], {1})
    else:
        out += ["None."]
    out += [""]

    out += [f"### Due in the next {plural(report.amber_days, 'day')} (to {report.due_until_text})", ""]
    if s.due_soon:
        out += table(["Ref", "Target date", "Lead agency", "Action"],
                     [[r.ref, target_text(r), escape(r.lead_label), escape(r.action)] for r in s.due_soon])
    else:
        out += ["None."]
    out += [""]

    if s.slipped:
        out += [f"Target date put back: {_refs(s.slipped)}.", ""]
    return out


def key(report: Report) -> list[str]:
    out = ["### BRAG key", ""]
    out += [f"- **{rating}**: {escape(meaning)}" for rating, meaning in report.key]
    out += [f"- {WITHDRAWN_NOTE}", ""]
    return out


HEADER = ["Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress", "Status", "BRAG"]


def sections(report: Report) -> list[str]:
    out: list[str] = []
    for section in report.sections:
        out += [f"## {escape(section.theme.heading)}", ""]
        out += table(HEADER, [
            [_ref(r), escape(r.scr_ref), escape(r.action), escape(r.lead_label), target_text(r),
             _progress(r), _status(r), _brag(r)]
            for r in section.rows
        ])
        out += [""]
    if report.withdrawn:
        out += ["## Withdrawn actions", ""]
        out += table(["Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Reason"], [
            [r.ref, escape(r.scr_ref), escape(r.action), escape(r.lead_label), target_text(r),
             escape(r.withdrawn_reason or "")]
            for r in report.withdrawn
        ])
        out += [""]
    if not report.rows:
        out += ["No actions to list." if report.kind != "exceptions" else "No exceptions.", ""]
    return out


def render_paper(report: Report) -> str:
    """A paper (sign-off pack, annual statistics, reviews): headings, paragraphs, pipe tables."""
    paper = report.paper
    lines = [f"# {escape(paper.title)}", "", escape(paper.description)]
    if report.stamp:
        lines[-1] += f" Produced on {format_uk(report.stamp, full_year=True)}."
    lines.append("")
    for block in paper.blocks:
        lines += block_lines(block)
    for note in paper.notes:
        lines += [f"_{escape(note)}_", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def block_lines(block) -> list[str]:
    """One Block of a paper, or of a report's `blocks`: heading, paragraphs, tables, chart."""
    lines = ["#" * block.level + " " + escape(block.heading), ""]
    for paragraph in block.paragraphs:
        lines += [escape(paragraph), ""]
    for t in block.tables:
        if t.title:
            lines += [f"**{escape(t.title)}**", ""]
        if not t.rows:
            lines += [f"_{escape(t.empty)}_", ""]
            continue
        lines += table([escape(c) for c in t.columns], [[escape(c) for c in row] for row in t.rows],
                       set(t.numeric))
        lines.append("")
    if block.chart is not None:
        c = block.chart
        lines += table([escape(c.title), *(escape(name) for name, _ in c.series)],
                       [[escape(label), *(str(values[i]) for _, values in c.series)]
                        for i, label in enumerate(c.labels)], set(range(1, len(c.series) + 1)))
        lines.append("")
    for paragraph in block.closing:
        lines += [escape(paragraph), ""]
    return lines


def render(report: Report) -> str:
    if report.paper is not None:
        return render_paper(report)
    intro = [f"# {escape(report.title)}", "", f"{escape(report.kind_label)}, as of {report.as_of_text}."]
    if report.selection:
        intro[-1] += " Selection: " + escape("; ".join(report.selection)) + "."
    if report.stamp:
        intro[-1] += f" Produced on {format_uk(report.stamp, full_year=True)}."
    # The exception report is the short list the board discusses: its groups first, then the summary.
    parts = [sections(report), summary(report)] if report.kind == "exceptions" else [summary(report), sections(report)]
    extra = [line for block in report.blocks for line in block_lines(block)]
    lines = [*intro, "", *parts[0], *extra, *parts[1]]  # the blocks (--since...) after the summary
    return "\n".join(lines).rstrip("\n") + "\n"
