"""The Excel paper as the board prints and reads it: real date cells, A4 landscape text at
8 points or more after fitting to the page's width, short and whole sheet names, Summary
cells that wrap, and a footer on every printed page. Read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from cap.loader import load_plan
from cap.query import Filters
from cap.reports import build_report, render
from cap.reports.xlsx import sheet_name
from tests.conftest import DATA, Cap

A4_LANDSCAPE_WIDTH_IN = 297 / 25.4


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def printed_points(ws) -> float:
    """The body text's size once Excel fits the print area to the page's width: 11 points
    scaled by the printable width over the printed columns' width (never above 1)."""
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    first, last = re.findall(r"\$([A-Z]+)\$\d+", area)[:2]
    widths = [ws.column_dimensions[get_column_letter(i)].width
              for i in range(column_index_from_string(first), column_index_from_string(last) + 1)]
    pixels = sum(w * 7 + 5 for w in widths)
    printable = (A4_LANDSCAPE_WIDTH_IN - ws.page_margins.left - ws.page_margins.right) * 96
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
    assert ws.page_setup.fitToWidth in (1, "1") and ws.sheet_properties.pageSetUpPr.fitToPage
    sizes = {c.font.sz or 11 for row in ws.iter_rows(min_row=3) for c in row if c.value is not None}
    return min(sizes or {11}) * min(1.0, printable / pixels)


@pytest.fixture(scope="module")
def plan():
    plan, problems = load_plan(DATA)
    assert problems == []
    return plan


@pytest.fixture(scope="module")
def book(plan):
    return workbook(render(build_report(plan, Filters(), dt.date(2017, 7, 1)), "xlsx"))


def test_printed_text_is_at_least_8_points(book, plan):
    for ws in book.worksheets[1:]:
        assert printed_points(ws) >= 8, ws.title
    # With the board's own rating beside BRAG (a column more), still 8 points or more.
    from cap.models import Plan

    rated = Plan(plan.themes, plan.scrs, [a.model_copy(update={"rating": "Amber"}) for a in plan.actions])
    wb = workbook(render(build_report(rated, Filters(), dt.date(2017, 7, 1)), "xlsx"))
    assert wb.worksheets[1]["J2"].value == "Board rating"
    for ws in wb.worksheets[1:]:
        assert printed_points(ws) >= 8, ws.title


def test_the_check_can_fail():
    """printed_points finds a sheet whose printed columns are too wide."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth = "landscape", 9, 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for i in range(1, 12):
        ws.column_dimensions[get_column_letter(i)].width = 30
    ws["A3"] = "x"
    ws.print_area = "A1:K3"
    assert printed_points(ws) < 8


def test_every_date_column_is_a_date_cell(tmp_path, data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("progress", "2.4", "Done.", "--status", "complete", "--date", "2017-03-01").exit_code in (0, 1)
    assert cap("close", "2.4", "--by", "SCR Review Group", "--date", "2017-03-20").exit_code == 0
    assert cap("withdraw", "1.4", "--reason", "Superseded.", "--date", "2017-04-01").exit_code == 0
    out = tmp_path / "plan.xlsx"
    assert cap("report", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    seen = set()
    for ws in wb.worksheets[1:]:
        header = {c.value: c.column for c in ws[2]}
        for name in ("Target date", "Progress date", "Signed off", "Opened", "Completed", "Withdrawn on",
                     "Impact review", "Date"):
            if name not in header:
                continue
            for row in ws.iter_rows(min_row=3, min_col=header[name], max_col=header[name]):
                cell = row[0]
                if cell.value is None or cell.value == "ongoing" or str(cell.value).startswith("none: "):
                    continue
                assert isinstance(cell.value, dt.datetime), (ws.title, name, cell.value)
                assert cell.number_format == "dd/mm/yyyy", (ws.title, name)
                seen.add(name)
    assert {"Target date", "Progress date", "Signed off", "Opened", "Completed", "Withdrawn on",
            "Impact review"} <= seen


def test_sheet_names_are_short_and_whole(book, plan):
    headings = {f"{t.number}. {t.title}": t.id for t in plan.themes}
    for ws in book.worksheets[1:]:
        heading = ws["A1"].value
        assert len(ws.title) <= 31
        assert ws.title == headings[heading] or (
            heading.startswith(ws.title) and heading[len(ws.title):][:1] in ("", " ", ",", ":"))
    assert [ws.title for ws in book.worksheets] == [
        "Summary", "1. Professional curiosity", "2. Fora for discussion", "3. Collaborative working",
        "4. Ownership and accountability"]
    taken: set[str] = set()
    assert sheet_name("Supercalifragilisticexpialidociousnessesness", taken, "word") == "word"
    assert sheet_name("1. Professional curiosity", taken) == "1. Professional curiosity"
    assert sheet_name("1. Professional curiosity", taken) == "1. Professional curiosity (2)"
    assert sheet_name("9. Antidisestablishmentarianisms everywhere", taken, "anti") == "anti"
    assert sheet_name("A/B: [this]*?", taken) == "A B this"


def test_summary_cells_wrap_and_footers_print(book):
    summary = book["Summary"]
    filled = [c for row in summary.iter_rows() for c in row if c.value is not None]
    assert filled and all(c.alignment.wrap_text for c in filled)
    for ws in book.worksheets:
        assert ws.oddFooter.center.text == "Page &P of &N" and ws.oddFooter.left.text == "&A"
        assert "as of 01/07/2017" in ws.oddFooter.right.text
        # the footer sits inside the bottom margin, clear of the body
        assert ws.page_margins.footer < ws.page_margins.bottom


def test_the_annual_footer_names_its_period(plan):
    report = build_report(plan, Filters(), dt.date(2026, 12, 7), kind="annual",
                          period=(dt.date(2016, 4, 1), dt.date(2017, 3, 31)))
    ws = workbook(render(report, "xlsx")).worksheets[0]
    assert "01/04/2016 to 31/03/2017" in ws.oddFooter.right.text and "2026" not in ws.oddFooter.right.text
    from docx import Document

    footer = Document(io.BytesIO(render(report, "docx"))).sections[0].footer.paragraphs[0].text
    assert "01/04/2016 to 31/03/2017" in footer and "2026" not in footer
