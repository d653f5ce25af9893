"""Issue 24: Word tables read directly (cap/importer/docx.py), and the text route's rule
for a cell of several lines. Each document is built here with python-docx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from tests.conftest import Cap
from tests.importing import repo, run  # noqa: F401 (repo: a fixture)
from tests.test_cli_import import loaded, snapshot

D = dt.date


def table(document, header: list[str], rows: list[list[str]]):
    """A table of `header` and `rows`; a cell's text with `\\n\\n` is several paragraphs."""
    t = document.add_table(rows=1 + len(rows), cols=len(header))
    for i, name in enumerate(header):
        t.cell(0, i).text = name
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            first, *more = text.split("\n\n")
            t.cell(r, c).text = first
            for paragraph in more:
                t.cell(r, c).add_paragraph(paragraph)
    return t


HEADER = ["No.", "Action", "Lead agency", "Target date", "Progress"]


def test_a_word_table_with_merged_cells_and_several_paragraphs_per_cell(repo, tmp_path):
    document = docx.Document()
    document.add_paragraph("This plan was agreed by the board in January 2017.")   # prose: not read
    document.add_heading("Professional curiosity", level=2)
    t = table(document, HEADER, [
        ["1", "Audit supervision files.\n\nReport the findings to the board.", "", "Q2 2017/18", "Audit begun."],
        ["2", "Train front-line staff.", "", "31/03/2017", ""],
        ["3", "Brief GPs.", "NSCB", "TBC", ""],
    ])
    merged = t.cell(1, 2).merge(t.cell(2, 2))          # one lead over two actions, two paragraphs in it
    merged.text = "Police"
    merged.add_paragraph("Children's Services")
    document.add_heading("Information sharing", level=2)
    table(document, HEADER, [["1", "Publish the protocol.", "NSCB", "01/06/17", ""]])
    path = tmp_path / "plan.docx"
    document.save(path)
    result = run(repo, path, "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "columns of the header at table 1 row 1:\n  column A 'No.' -> ref\n" in out
    assert "columns of the header at table 2 row 1: as at table 1 row 1\n" in out     # one plan
    assert "  table 1 row 2 column D: Target date 'Q2 2017/18' -> 30/09/2017" in out
    assert ("1 paragraph of text outside the tables not read (the first: 'This plan was agreed by the board in "
            "January 2017.')") in out
    assert run(repo, path).exit_code == 0
    got = {a.ref: a for a in loaded(repo).actions}
    assert sorted(got) == ["1.1", "1.2", "1.3", "2.1"]
    first = got["1.1"]
    assert first.action == "Audit supervision files.\nReport the findings to the board."   # joined, not fragments
    assert first.lead == ["Police", "Children's Services"]                                # split: a list
    assert got["1.2"].lead == ["Police", "Children's Services"]                            # merged down: filled
    assert (first.theme, got["2.1"].theme) == ("curiosity", "information-sharing")
    assert first.target_date == D(2017, 9, 30) and got["1.3"].target_date == "ongoing"
    assert Cap(repo)("validate", "--as-of", "2017-07-01").exit_code == 0


def test_table_option_and_tables_without_a_header(repo, tmp_path):
    document = docx.Document()
    table(document, ["Version", "Date", "Author"], [["1.0", "01/01/17", "MEO"]])       # document control
    document.add_heading("Professional curiosity", level=2)
    table(document, HEADER, [["1", "Audit.", "Police", "01/06/17", ""]])
    document.add_heading("Information sharing", level=2)
    table(document, HEADER, [["1", "Share.", "NSCB", "01/06/17", ""]])
    path = tmp_path / "plan.docx"
    document.save(path)
    result = run(repo, path, "--table", "3", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create data/actions/2.1.yaml  (information-sharing, open)" in result.stdout
    assert "1.1" not in result.stdout
    whole = run(repo, path, "--dry-run")
    assert "table 1: no header row naming the fields; not read (--table 1 reads it)" in whole.stdout
    missing = run(repo, path, "--table", "9")
    assert missing.exit_code == 1 and "--table 9: the document has 3 tables" in missing.stderr


def test_an_error_in_a_word_table_names_table_row_and_column(repo, tmp_path):
    document = docx.Document()
    document.add_heading("Professional curiosity", level=2)
    table(document, HEADER, [["1", "Audit.", "Police", "31/4/15", ""]])
    path = tmp_path / "plan.docx"
    document.save(path)
    before = snapshot(repo)
    result = run(repo, path)
    assert result.exit_code == 1
    assert "plan.docx:2:1: error: CAP804 table 1, row 2, column D: Target date: '31/4/15' is not a real date" \
        in result.stderr
    assert snapshot(repo) == before


def test_a_word_document_in_caps_own_columns(repo, tmp_path):
    document = docx.Document()
    document.add_heading("Professional curiosity", level=2)
    table(document, ["Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress"],
          [["1.1", "D", "Audit.\n\nThen report.", "Police", "01/06/17", "Begun."]])
    path = tmp_path / "plan.docx"
    document.save(path)
    result = run(repo, path)
    assert result.exit_code == 0, result.output
    action = loaded(repo).action("1.1")
    assert (action.action, action.scrs, action.status) == ("Audit.\nThen report.", ["D"], "in-progress")


def test_not_a_word_document(repo, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = run(repo, path)
    assert result.exit_code == 1 and "not a Word document Word or cap can read" in result.stderr
    old = tmp_path / "old.docx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = run(repo, old)
    assert result.exit_code == 1 and "not a Word Document (.docx)" in result.stderr


def test_a_text_copy_of_a_cell_of_several_lines_is_one_cell(repo, tmp_path):
    lines = [
        "Professional curiosity",
        "No.\tAction\tLead agency\tTarget date",
        "1\tAudit supervision files.",            # the cell's first paragraph ...
        "Report the findings.",                   # ... a middle one (no tab) ...
        "Then brief the board.\tPolice\tQ4 2017", # ... and its last, with the rest of the row
        "2\tTrain staff.\tNSCB\t01/06/17",
    ]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(repo, path)
    assert result.exit_code == 0, result.output
    assert "lines 3-5: one row of the table (a cell of several lines): joined" in result.stdout
    got = {a.ref: a for a in loaded(repo).actions}
    assert got["1.1"].action == "Audit supervision files.\nReport the findings.\nThen brief the board."
    assert (got["1.1"].lead, got["1.1"].target_date) == (["Police"], D(2017, 12, 31))
    assert got["1.2"].action == "Train staff."


def test_the_docs_example_word_plan(repo):
    """docs/examples/findings.docx, the example of docs/importing.md, imports as the page says."""
    source = Path(__file__).resolve().parent.parent / "docs" / "examples" / "findings.docx"
    result = Cap(repo)("import", str(source), "--progress-date", "2018-03-31", "--theme", "curiosity",
                       "--add-reviews")
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    review = next(s for s in plan.scrs if s.id == "Child-A")
    assert [(r.id, r.text) for r in review.recommendations] == [("Child-A-1", "Use of IT"), ("Child-A-2", "Escalation")]
    got = {a.ref: a for a in plan.actions}
    assert (got["1.1"].lead, got["1.1"].owner, got["1.1"].target_date) == (
        ["Norfolk and Suffolk NHS Foundation Trust"], "Michael Lozano, Patient Safety Lead", D(2018, 6, 30))
    assert (got["1.2"].action, got["1.2"].target_date) == ("To monitor their use.", D(2018, 12, 31))
    assert (got["1.3"].action, got["1.3"].lead) == ("Train front-line staff on the alerts.\nInclude GP practices.",
                                                    ["Police", "Health"])
    assert (got["1.4"].lead, got["1.4"].target_date, got["1.4"].status) == (["Police", "Health"], "ongoing", "open")
    assert [a.recommendations for a in plan.actions] == [["Child-A-1"]] * 4 + [["Child-A-2"]]
    assert Cap(repo)("validate", "--as-of", "2018-07-01").exit_code == 0


@pytest.mark.slow
def test_the_installed_cap_imports_a_word_document(repo, tmp_path):
    """`cap import plan.docx` as a real process: the dry run first, then the import, all or nothing."""
    from tests.test_cli_show import run_cap

    source = Path(__file__).resolve().parent.parent / "docs" / "examples" / "findings.docx"
    args = ("--data", str(repo), "import", str(source), "--progress-date", "2018-03-31", "--theme", "curiosity")
    refused = run_cap(*args, cwd=tmp_path)
    assert refused.returncode == 1 and "give --add-reviews" in refused.stderr
    assert not [p for p in (repo / "actions").iterdir() if p.suffix == ".yaml"]
    done = run_cap(*args, "--add-reviews", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "5 created, 0 updated, 0 unchanged" in done.stdout
