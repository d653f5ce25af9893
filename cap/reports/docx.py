"""The report as a Word board paper (python-docx), in the source document's layout.

The title, what the paper is and its as-of date, the headline, the summary tables (status
by theme, BRAG with the key, overdue by lead agency, no progress since, due soon), then a
heading per theme (Word's built-in Heading 1, so the navigation pane lists the themes) over
a table of its actions: Ref, SCR Ref, Action, Lead agency, Target date, Progress, Status,
BRAG. The BRAG cell is shaded with its colour and carries its word. Withdrawn actions
follow in a table of their own. A4 landscape; each table's header row repeats on every
page; the footer numbers the pages (Word fields PAGE and NUMPAGES).

Text is exactly the stored text: nothing in it is read as markup; a line break stays a
line break. The document's timestamps are the report's day, so the same data and
`--as-of` give the same bytes.

`render` never holds the tables' rows: python-docx makes the document with each table's
header row only, and the rows are made one at a time as word/document.xml is written into
the zip, each serialised and dropped (`_Body`). `build_document` makes the same document
whole (tests/test_report_office.py holds the two to the same XML).
"""

from __future__ import annotations

import io
import re
import zipfile

from cap.dates import format_uk
from cap.models import STATUSES
from cap.reports.model import WITHDRAWN_NOTE, Report, Row, target_text
from cap.reports.package import StableZip, as_of_stamp, entry, inert
from cap.reports.xlsx import BRAG_COLOURS, HEAD_FILL

#: The theme tables' columns and their widths in centimetres (A4 landscape less margins: 27.3 cm).
#: Each at least as wide as its header's longest word and a date (`01/06/2017`) on one line.
COLUMNS = (
    ("Ref", 1.2), ("SCR Ref", 1.9), ("Action", 6.4), ("Lead agency", 2.6), ("Target date", 2.5),
    ("Progress", 8.2), ("Status", 2.9), ("BRAG", 1.6),
)
WITHDRAWN_COLUMNS = (
    ("Ref", 1.2), ("SCR Ref", 1.9), ("Action", 8.6), ("Lead agency", 2.6), ("Target date", 2.5), ("Reason", 10.5),
)



def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _element(tag: str, **attrs):
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_qn(f"w:{key}"), value)
    return el


def _shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def _repeat_header(row) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_element("w:tblHeader", val="true"))
    tr_pr.append(_element("w:cantSplit", val="true"))


_PIECES = re.compile(r"(\n|\t)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _write(paragraph, text: str, *, bold=False, italic=False, colour: str | None = None, size=None):
    """Add a run of exactly `text` (a line break and a tab as Word's own) to a paragraph.

    Built in the XML directly: python-docx's run API is the slow part of a 10,000-action paper.
    """
    r = _element("w:r")
    if bold or italic or colour or size:
        pr = _element("w:rPr")
        if bold:
            pr.append(_element("w:b"))
        if italic:
            pr.append(_element("w:i"))
        if colour:
            pr.append(_element("w:color", val=colour))
        if size:
            pr.append(_element("w:sz", val=str(round(size * 2))))
        r.append(pr)
    for piece in _PIECES.split(inert(text)):
        if piece == "\n":
            r.append(_element("w:br"))
        elif piece == "\t":
            r.append(_element("w:tab"))
        elif piece:
            t = _element("w:t")
            t.set(_XML_SPACE, "preserve")
            t.text = piece
            r.append(t)
    getattr(paragraph, "_p", paragraph).append(r)
    return r


def _set(cell, text: str, **style) -> None:
    """The cell's one paragraph holds exactly `text`."""
    if text:
        _write(cell.paragraphs[0], text, **style)


def _brag_cell(cell, rating: str | None) -> None:
    if not rating:
        return
    fill, ink = BRAG_COLOURS[rating]
    _shade(cell, fill)
    _set(cell, rating, bold=True, colour=ink)


def _table(doc, header, widths=None):
    """A bordered table whose header row is shaded, bold and repeated on every page."""
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, header):
        _set(cell, name, bold=True)
        _shade(cell, HEAD_FILL)
    _repeat_header(table.rows[0])
    if widths:
        for column, cell, width in zip(table.columns, table.rows[0].cells, widths):
            column.width = cell.width = Cm(width)  # the grid and the header's cells: Word reads both
    return table


def _add_row(table):
    """A new row's cells (each as wide as its column: python-docx copies the grid's widths)."""
    from docx.table import _Cell

    return [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]


#: What stands in word/document.xml for a table's body rows until they are written.
_MARK = "cap-rows-"
_MARKS = re.compile(rb"<!--" + _MARK.encode() + rb"(\d+)-->")
#: The namespace declarations lxml gives a part's element serialised alone (its
#: ancestors'); within the part they are declared once, on the root.
_DECLARATIONS = re.compile(rb"\s+xmlns(?::[\w.-]+)?=\"[^\"]*\"")


class _Body:
    """Where the tables' body rows go: into each table as it is made (a document held
    whole), or, `streamed`, later, one row at a time, as word/document.xml is written."""

    def __init__(self, streamed: bool):
        self.streamed = streamed
        #: The tables whose rows are still to make: (table, items, fill).
        self.deferred: list[tuple] = []

    def rows(self, table, items, fill) -> None:
        """The table's rows: `fill(cells, item)` fills a new row's cells for each item."""
        if not self.streamed:
            for item in items:
                fill(_add_row(table), item)
            return
        from lxml import etree

        table._tbl.append(etree.Comment(f"{_MARK}{len(self.deferred)}"))
        self.deferred.append((table, items, fill))

    def write(self, xml: bytes, out) -> None:
        """Write word/document.xml, made with the marks `rows` left, to `out`, the rows in
        place of each mark: each row made, serialised as it is within the part, dropped."""
        from lxml import etree

        pieces = _MARKS.split(xml)
        if pieces[1::2] != [str(n).encode() for n in range(len(self.deferred))]:
            raise AssertionError("word/document.xml does not hold each table's mark once, in order")
        out.write(pieces[0])
        for n, text in zip(pieces[1::2], pieces[2::2]):
            table, items, fill = self.deferred[int(n)]
            for item in items:
                cells = _add_row(table)
                fill(cells, item)
                tr = cells[0]._tc.getparent()
                data = etree.tostring(tr, encoding="UTF-8", xml_declaration=False, with_tail=False)
                head, close, rest = data.partition(b">")
                out.write(_DECLARATIONS.sub(b"", head) + close + rest)
                tr.getparent().remove(tr)
            out.write(text)


#: The width of an A4 landscape page less its margins, in centimetres.
PAGE_CM = 27.3


def _simple_table(doc, body: _Body, header, rows, bold_last=False, brag_col=None) -> None:
    """A table whose column widths follow its content (cap/reports/widths.py): a ref or a
    count narrow, a text wide, no word broken in the middle."""
    from cap.reports.widths import fit_widths

    table = _table(doc, header, fit_widths(header, rows, PAGE_CM))
    last = len(rows) - 1

    def fill(cells, item):
        i, values = item
        bold = bold_last and i == last
        for col, (cell, value) in enumerate(zip(cells, values)):
            if col == brag_col and value in BRAG_COLOURS:
                _brag_cell(cell, value)
            else:
                _set(cell, str(value), bold=bold)

    body.rows(table, enumerate(rows), fill)


def _progress_cell(cell, row: Row) -> None:
    if not row.progress:
        _set(cell, "no progress recorded", italic=True)
        return
    paragraph = cell.paragraphs[0]
    for n, entry in enumerate(row.progress):
        if n:
            paragraph = cell.add_paragraph()
        _write(paragraph, format_uk(entry.date, full_year=True), bold=True)
        _write(paragraph, " " + entry.text)
        if entry.author:
            _write(paragraph, f" ({entry.author})")


def _status_cell(cell, row: Row) -> None:
    _set(cell, row.status)
    for note in row.notes:
        _write(cell.add_paragraph(), note, italic=True, size=7.5)


def _summary(doc, body: _Body, report: Report) -> None:
    s = report.summary
    doc.add_heading("Summary", level=1)
    if not s.total:
        doc.add_paragraph("No actions are selected.")
    else:
        doc.add_heading("Status by theme", level=2)
        rows = [[t.theme.heading, *t.counts, t.total, t.overdue] for t in s.by_theme]
        rows.append(["Total", *s.status_totals, s.total, len(s.overdue)])
        _simple_table(doc, body, ["Theme", *STATUSES, "total", "overdue"], rows, bold_last=True)
        if s.slipped:
            doc.add_paragraph("Target date put back: " + ", ".join(r.ref for r in s.slipped) + ".")
    doc.add_heading("BRAG", level=2)
    counts = dict(s.brag_counts)
    _simple_table(doc, body, ["BRAG", "Meaning", "Actions"],
                  [[b, meaning, counts.get(b, 0)] for b, meaning in report.key]
                  + [["withdrawn", WITHDRAWN_NOTE, s.withdrawn]], brag_col=0)
    if not s.total:
        return
    doc.add_heading("Overdue by lead agency", level=2)
    if s.overdue_by_lead:
        _simple_table(doc, body, ["Lead agency", "Overdue", "Refs"],
                      [[c.lead, c.count, ", ".join(c.refs)] for c in s.overdue_by_lead])
        doc.add_paragraph("An action with more than one lead agency counts for each.")
    else:
        doc.add_paragraph("None.")
    doc.add_heading(f"No progress since {report.stale_since_text}", level=2)
    if s.stale:
        noun = "action has" if len(s.stale) == 1 else "actions have"
        doc.add_paragraph(f"{len(s.stale)} open or in-progress {noun} no progress entry since then.")
        _simple_table(doc, body, ["Lead agency", "Actions", "Refs"],
                      [[c.lead, c.count, ", ".join(c.refs)] for c in s.stale_by_lead])
    else:
        doc.add_paragraph("None.")
    doc.add_heading(f"Due in the next {report.amber_days} days (to {report.due_until_text})", level=2)
    if s.due_soon:
        _simple_table(doc, body, ["Ref", "Target date", "Lead agency", "Action"],
                      [[r.ref, target_text(r), r.lead_label, r.action] for r in s.due_soon])
    else:
        doc.add_paragraph("None.")


def _action_row(cells, row: Row) -> None:
    _set(cells[0], row.ref)
    if row.source_ref:
        _write(cells[0].add_paragraph(), f"was {row.source_ref}", italic=True, size=7.5)
    _set(cells[1], row.scr_ref)
    _set(cells[2], row.action)
    _set(cells[3], row.lead_label)
    _set(cells[4], target_text(row))
    _progress_cell(cells[5], row)
    _status_cell(cells[6], row)
    _brag_cell(cells[7], row.brag)
    if row.rating:
        _write(cells[7].add_paragraph(), f"board: {row.rating}", italic=True, size=7.5)


def _withdrawn_row(cells, row: Row) -> None:
    for cell, text in zip(cells, [row.ref, row.scr_ref, row.action, row.lead_label, target_text(row),
                                  row.withdrawn_reason or ""]):
        _set(cell, text)


def _sections(doc, body: _Body, report: Report) -> None:
    for section in report.sections:
        doc.add_heading(inert(section.theme.heading), level=1)
        body.rows(_table(doc, [n for n, _w in COLUMNS], [w for _n, w in COLUMNS]), section.rows, _action_row)
    withdrawn = report.withdrawn
    if withdrawn:
        doc.add_heading("Withdrawn actions", level=1)
        body.rows(_table(doc, [n for n, _w in WITHDRAWN_COLUMNS], [w for _n, w in WITHDRAWN_COLUMNS]), withdrawn,
                  _withdrawn_row)
        doc.add_paragraph(WITHDRAWN_NOTE)
    if not report.rows:
        doc.add_paragraph("No exceptions." if report.kind == "exceptions" else "No actions to list.")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when laying out pages."""
    def run_with(*children):
        run = paragraph.add_run()
        for child in children:
            run._r.append(child)

    instr = _element("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run_with(_element("w:fldChar", fldCharType="begin"))
    run_with(instr)
    run_with(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    run_with(_element("w:fldChar", fldCharType="end"))


def _page_setup(doc, report: Report) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(12)
    section.top_margin = section.bottom_margin = Mm(12)
    section.footer_distance = Mm(6)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(footer, f"{report.footer_text}. Page ", size=8)
    _field(footer, "PAGE", "1")
    _write(footer, " of ", size=8)
    _field(footer, "NUMPAGES", "1")
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9)
    normal.paragraph_format.space_after = Pt(2)


def _paper(doc, body: _Body, report: Report) -> None:
    """A paper (sign-off pack, annual statistics, reviews): its blocks as headings,
    paragraphs and tables (a chart as its table of values)."""
    paper = report.paper
    doc.add_heading(inert(paper.title), level=0)
    meta = doc.add_paragraph()
    _write(meta, paper.description)
    if report.stamp:
        _write(meta, f" Produced on {format_uk(report.stamp, full_year=True)}.")
    for block in paper.blocks:
        _block(doc, body, block)
    for note in paper.notes:
        _write(doc.add_paragraph(), note, italic=True)


def _block(doc, body: _Body, block) -> None:
    """One Block (of a paper, or of a report's `blocks`): heading, paragraphs, tables (a
    chart as its table of values), closing lines."""
    from cap.reports.paper import Table

    doc.add_heading(inert(block.heading), level=min(max(block.level - 1, 1), 3))
    for paragraph in block.paragraphs:
        _write(doc.add_paragraph(), paragraph)
    tables = list(block.tables)
    if block.chart is not None:
        c = block.chart
        tables.append(Table(c.title, ("Month", *(n for n, _v in c.series)),
                            tuple((label, *(str(v[i]) for _n, v in c.series)) for i, label in enumerate(c.labels))))
    for table in tables:
        if table.title:
            _write(doc.add_paragraph(), table.title, bold=True)
        if not table.rows:
            _write(doc.add_paragraph(), table.empty, italic=True)
            continue
        _simple_table(doc, body, list(table.columns), [list(r) for r in table.rows])
    for paragraph in block.closing:
        _write(doc.add_paragraph(), paragraph, bold=True)


def build_document(report: Report, body: _Body | None = None):
    """The python-docx Document of the report (not yet saved), whole; with a streamed
    `body`, its tables hold their header rows only, the rest left to `body.write`."""
    from docx import Document

    body = body or _Body(streamed=False)
    doc = Document()
    _page_setup(doc, report)
    if report.paper is not None:
        _paper(doc, body, report)
        props = doc.core_properties
        stamp = as_of_stamp(report)
        props.title = inert(report.paper.title)
        props.subject = inert(report.paper.description)
        props.author = props.last_modified_by = "cap"
        props.created = props.modified = props.last_printed = stamp
        props.revision = 1
        props.comments = ""
        return doc
    doc.add_heading(inert(report.title), level=0)
    meta = doc.add_paragraph()
    _write(meta, f"{report.kind_label}, as of ")
    _write(meta, report.as_of_text, bold=True)
    _write(meta, ".")
    if report.selection:
        _write(meta, " Selection: " + "; ".join(report.selection) + ".")
    if report.stamp:
        _write(meta, f" Produced on {format_uk(report.stamp, full_year=True)}.")
    _write(doc.add_paragraph(), report.summary.headline + ".", bold=True, size=13)
    if report.round is not None:  # the latest update round (issue 23)
        _write(doc.add_paragraph(), f"{report.round.title}: {report.round.headline}.", bold=True)
        if report.round.retargets:
            _write(doc.add_paragraph(), "New target dates asked for, awaiting the board's decision:")
            for line in report.round.retarget_lines():
                _write(doc.add_paragraph(), "- " + line)
    if report.kind == "exceptions":  # the short list the board discusses: its groups first
        _sections(doc, body, report)
        for block in report.blocks:
            _block(doc, body, block)
        _summary(doc, body, report)
    else:
        _summary(doc, body, report)
        for block in report.blocks:  # what changed since the last meeting, ...
            _block(doc, body, block)
        _sections(doc, body, report)
    props = doc.core_properties
    stamp = as_of_stamp(report)
    props.title = inert(report.title)
    props.subject = inert(report.kind_label)
    props.author = props.last_modified_by = "cap"
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    props.comments = ""
    return doc


#: The part that holds the document's text and tables.
DOCUMENT_PART = "word/document.xml"


def render(report: Report) -> bytes:
    """The document's bytes: the same report gives the same bytes. The tables' rows are
    made as they are written (`_Body`): a 10,000-action paper is never held as XML."""
    body = _Body(streamed=True)
    saved = io.BytesIO()
    build_document(report, body).save(saved)  # every part but the tables' rows
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, StableZip(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            with target.open(entry(info), "w") as part:
                if info.filename == DOCUMENT_PART:
                    body.write(source.read(info), part)
                else:
                    part.write(source.read(info))
    return out.getvalue()
