"""The Word return form: written, filled as people fill Word tables, collected; and every
form opened by LibreOffice where it is installed."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from docx import Document

from cap.rounds.record import load_rounds
from tests.conftest import Cap
from tests.test_round_collect import action, collect, fill

TODAY = dt.date(2017, 7, 20)


@pytest.fixture
def today(monkeypatch):
    import cap.dates

    monkeypatch.setattr(cap.dates, "today", lambda: TODAY)
    return TODAY


def set_line(table, label, value):
    for row in table.rows:
        if row.cells[0].text.startswith(label):
            row.cells[1].text = value
            return
    raise AssertionError(label)


def table_of(doc, ref):
    return next(t for t in doc.tables if t.rows[0].cells[1].text == ref)


def test_the_word_form_round_trip(data_copy, today, tmp_path):
    result = Cap(data_copy)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "--format", "docx",
                            "--lead", "Education")
    assert result.exit_code == 0, result.stderr
    form = data_copy.parent / "returns" / "2017-07" / "education.docx"
    doc = Document(str(form))
    assert doc.paragraphs[0].text == "Action plan update: Education"
    cover = doc.tables[0]
    assert [r.cells[0].text for r in cover.rows] == ["Agency", "Round", "Return by", "Send it back to",
                                                     "Date of this update"]
    assert cover.rows[2].cells[1].text == "14/07/2017"
    first = table_of(doc, "3.1")
    assert [r.cells[0].text for r in first.rows][7:] == [
        "Done since then", "Status now (in progress or complete)", "Proposed new target date",
        "Reason for new date", "Evidence", "Who is reporting", "Form key"]
    assert first.rows[-1].cells[1].text.startswith("2017-07|3.1|")
    # As people do: text over two paragraphs, a date in words, a table deleted, the cover's date.
    set_line(table_of(doc, "3.1"), "Done since then", "Trained 40 schools.\nMore in September.")
    set_line(table_of(doc, "3.1"), "Status now", "Complete")
    set_line(table_of(doc, "4.8"), "Proposed new target date", "30 September 2017")
    set_line(table_of(doc, "4.8"), "Reason for new date", "Waiting for the audit.")
    set_line(doc.tables[0], "Date of this update", "12/7/17")
    gone = table_of(doc, "4.7")._tbl
    gone.getparent().remove(gone)
    doc.save(str(tmp_path / "Education reply (final).docx"))
    result = collect(data_copy, tmp_path / "Education reply (final).docx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:4] == [
        "Education reply (final).docx: Education, round 2017-07, reported 12/07/2017",
        "  3.1  progress entry of 12/07/2017 by Education; status in-progress -> complete",
        "  4.8  asks for a new target date, 30/09/2017 (not applied: for the board to decide)",
        "  not in the form (rows deleted): 4.7",
    ]
    done = action(data_copy, "3.1")
    assert done.status == "complete" and done.progress[-1].text == "Trained 40 schools.\nMore in September."  # its paragraphs kept
    (record,), _ = load_rounds(data_copy)
    assert record.format == "docx" and record.agency("education").requests[0].to == dt.date(2017, 9, 30)
    again = collect(data_copy, tmp_path / "Education reply (final).docx")
    assert again.stdout.splitlines()[-1] == "nothing new: every file was collected already"


def test_a_word_document_that_is_no_form(data_copy, today, tmp_path):
    assert Cap(data_copy)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01").exit_code == 0
    doc = Document()
    doc.add_paragraph("Dear manager, all is well.")
    doc.save(str(tmp_path / "letter.docx"))
    result = collect(data_copy, tmp_path / "letter.docx")
    assert result.exit_code == 1
    assert "letter.docx: has no tables of actions with the form's lines" in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_form(data_copy, today, tmp_path):
    cap = Cap(data_copy)
    assert cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "--lead", "Health").exit_code == 0
    assert cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "--lead", "Health",
               "--format", "docx").exit_code == 0
    forms = sorted((data_copy.parent / "returns").glob("*/health.*"))
    assert len(forms) == 2
    for form in forms:
        out = tmp_path / form.suffix[1:]
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                        "pdf", "--outdir", str(out), str(form)], check=True, capture_output=True, timeout=180)
        assert (out / "health.pdf").stat().st_size > 1000
    # A form LibreOffice saved comes back in.
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path / "saved"), str(forms[0])], check=True, capture_output=True,
                   timeout=180)
    filled = fill(tmp_path / "saved" / "health.xlsx", tmp_path / "health.xlsx", {"2.2": {"H": "Done."}})
    assert collect(data_copy, filled).exit_code == 0
