"""The return form as a Word document (`cap round start --format docx`), and reading it back.

The same form as the workbook, for agencies that prefer Word: a heading, the cover's
lines in a table (Date of this update to fill in), the three lines on how to fill it
in, then one table per action: the plan's lines (ref, the action word for word, target
date, status, BRAG, latest progress and its date) shaded grey, the lines the agency
fills in (done since then, status now, proposed new target date, reason, evidence, who
is reporting) left white, and the form key (round, ref, fingerprint) in small grey
text. A table is read back by the labels in its first column, so tables moved or
deleted, text wrapped or typed over several paragraphs, all come back.

    >>> raw = render_docx(form)          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io

from cap.dates import format_uk
from cap.rounds.forms import FORM_VERSION, HOW_TO, FormRequest, cover_lines, form_key, latest
from cap.rounds.reading import Cell, FormError, FormRow, Issue, ReadForm, fold

#: Each action's table: (label, field it is read back as, filled in by the agency).
LINES = (
    ("Ref", "ref", False), ("Action", None, False), ("Target date", None, False), ("Status", None, False),
    ("BRAG", None, False), ("Latest progress", None, False), ("Progress date", None, False),
    ("Done since then", "done", True), ("Status now (in progress or complete)", "status", True),
    ("Proposed new target date", "target", True), ("Reason for new date", "reason", True),
    ("Evidence", "evidence", True), ("Who is reporting", "who", True), ("Form key", "key", False),
)
LABELS = {fold(label): name for label, name, _ in LINES if name} | {"status now": "status"}
GREY = "EEF1F4"


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _text(value) -> str:
    from cap.reports.package import inert

    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_uk(value, full_year=True)
    return inert(str(value))


def render_docx(form: FormRequest) -> bytes:
    """The Word form's bytes."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    from cap.query import brag

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2)
    doc.add_heading(_text(f"Action plan update: {form.agency_name}"), level=1)
    cover = doc.add_table(rows=0, cols=2)
    cover.style = "Table Grid"
    for label, value in cover_lines(form):
        cells = cover.add_row().cells
        cells[0].text = label
        cells[1].text = _text(value)
        _shade(cells[0], GREY)
        if label != "Date of this update":
            _shade(cells[1], GREY)
    doc.add_heading("How to fill it in", level=2)
    for line in HOW_TO:
        doc.add_paragraph(line.replace("Actions sheet", "tables below").replace("grey columns", "grey lines")
                          .replace("yellow columns", "white lines").replace("an Excel workbook, .xlsx",
                                                                             "a Word document, .docx"))
    for action, print_ in zip(form.actions, form.fingerprints):
        text, day = latest(action)
        values = {
            "Ref": action.ref, "Action": action.action, "Target date": action.target_date,
            "Status": action.status, "BRAG": brag(action, form.as_of) or "", "Latest progress": text,
            "Progress date": day, "Form key": form_key(form.round_id, action.ref, print_),
        }
        doc.add_paragraph()
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, _name, filled in LINES:
            cells = table.add_row().cells
            cells[0].text = label
            cells[0].width, cells[1].width = Cm(4.5), Cm(12.5)
            if not filled:
                cells[1].text = _text(values.get(label))
                _shade(cells[0], GREY)
                _shade(cells[1], GREY)
            if label == "Form key":
                for cell in cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(7)
                        run.font.color.rgb = RGBColor(0x88, 0x88, 0x88)
    props = doc.core_properties
    stamp = dt.datetime(form.started.year, form.started.month, form.started.day)
    props.title = _text(f"Action plan update: {form.agency_name}, round {form.round_id}")
    props.author = "cap"
    props.keywords = _text(f"{FORM_VERSION}|{form.round_id}|{form.agency_key}")
    props.created = props.modified = stamp
    props.last_modified_by = "cap"
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _stable(out.getvalue())


def _stable(raw: bytes) -> bytes:
    """The document's zip with every entry dated alike (the same form, the same bytes)."""
    import zipfile

    from cap.reports.package import StableZip

    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with StableZip(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def read_docx(doc, form: ReadForm) -> None:
    """Fill `form` from a returned Word form (a python-docx Document opened by cap.intake)."""
    form.kind = "docx"
    keywords = (doc.core_properties.keywords or "").split("|")
    if len(keywords) == 3 and keywords[0] == FORM_VERSION:
        form.round_id, form.agency_key = keywords[1] or None, keywords[2] or None
    found_rows = False
    for number, table in enumerate(doc.tables, start=1):
        where = f"table {number}"
        got = FormRow(where, 0)
        for row_number, row in enumerate(table.rows, start=1):
            cells = row.cells
            if len(cells) < 2:
                continue
            label = fold(cells[0].text)
            value = "\n".join(p.text for p in cells[-1].paragraphs).strip()
            if label == "agency" and form.agency_name is None and value:
                form.agency_name = value
            elif label == "date of this update":
                form.reported = Cell(value or None, "Date of this update", row_number)
                form.cover_place = where
            elif label in LABELS and value:
                got.cells[LABELS[label]] = Cell(value, cells[0].text.strip(), row_number)
        if got.key is not None or got.ref is not None:
            got.sheet = f"{where} ({got.ref})"
            form.rows.append(got)
            found_rows = True
    if not found_rows:
        raise FormError("has no tables of actions with the form's lines (Ref, Done since then ...): "
                        "it is not a return form")


__all__ = ["render_docx", "read_docx", "Issue"]
