"""The Word papers' tables: widths that follow the content (a ref narrow, a text wide) in
the plan paper, the exception report, the sign-off pack and the annual statistics, and
no header word, nor date, broken in the middle. Read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.shared import Cm

from cap.loader import load_plan
from cap.query import Filters
from cap.reports import build_report, render
from cap.reports.widths import fit_widths, min_width
from tests.conftest import DATA

AS_OF = dt.date(2017, 7, 1)


@pytest.fixture(scope="module")
def plan():
    plan, problems = load_plan(DATA)
    assert problems == []
    return plan


def tables_of(report):
    doc = Document(io.BytesIO(render(report, "docx")))
    for table in doc.tables:
        grid = [int(g.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
                for g in table._tbl.tblGrid.findall(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")]
        header = [c.text for c in table.rows[0].cells]
        yield table, header, [Cm(1).twips and g / 567 for g in grid]  # twentieths of a point to cm


PAPERS = {
    "plan": {}, "exceptions": {"kind": "exceptions"},
    "signoff": {"kind": "signoff"}, "annual": {"kind": "annual", "period": (dt.date(2016, 4, 1), dt.date(2017, 3, 31))},
}


@pytest.mark.parametrize("name", PAPERS)
def test_no_header_word_nor_date_is_broken(plan, name):
    report = build_report(plan, Filters(), AS_OF, **PAPERS[name])
    seen = 0
    for table, header, widths in tables_of(report):
        assert sum(widths) <= 27.4, (name, header)
        for text, width, cell in zip(header, widths, table.rows[0].cells):
            assert width + 0.01 >= min_width(text), (name, header, text, width)
            assert cell.width is not None and abs(cell.width.cm - width) < 0.01  # the header's cells as the grid
        for row in table.rows[1:]:
            for cell, width in zip(row.cells, widths):
                for word in cell.text.split():
                    if len(word) == 10 and word.count("/") == 2:  # a date: dd/mm/yyyy on one line
                        assert width + 0.01 >= min_width(word), (name, header, word, width)
        seen += 1
    assert seen


def test_widths_follow_the_content(plan):
    signoff = build_report(plan, Filters(), dt.date(2017, 7, 1), kind="signoff", since=dt.date(2016, 1, 1))
    annual = build_report(plan, Filters(), AS_OF, **PAPERS["annual"])
    plan_paper = build_report(plan, Filters(), AS_OF)
    found = {}
    for report in (signoff, annual, plan_paper):
        for _table, header, widths in tables_of(report):
            found.setdefault(tuple(header), widths)
    ref, action = found[("Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress", "Status", "BRAG")][0:3:2]
    assert ref < 1.5 < 6 < action
    due = next(w for h, w in found.items() if h[:2] == ("Ref", "Target date"))
    assert due[0] < 1.5 and due[3] > 3 * due[0]              # due soon: the ref narrow, the action wide
    fields = found.get(("Field", "Value"))
    if fields:
        assert fields[0] < 4 < 15 < fields[1]                # the sign-off pack: field names narrow
    figures = found[("Figure", "Value")]
    # the annual figures: each name on one line, the rest of the width to the values' sentences
    assert figures[0] + 0.01 >= min_width("Completed on or before the original target".replace(" ", "_"))
    assert sum(figures) <= 27.4


def test_fit_widths():
    assert fit_widths(["Ref", "Action"], [["1.1", "word " * 100]], 27.3)[1] > 15
    narrow = fit_widths(["A", "B"], [["Supercalifragilistic", "x " * 250]], 10)
    assert abs(sum(narrow) - 10) < 1e-9 and narrow[0] >= min_width("Supercalifragilistic")
    assert fit_widths(["Ref"], [["1.1"]], 27.3) == [min_width("Ref")]
