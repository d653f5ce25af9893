"""`cap report` as an Excel workbook and a Word paper: each file read back (openpyxl,
python-docx) and every cell compared with the plan; text inert, bytes deterministic."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cap.dates import format_uk
from cap.loader import load_plan
from cap.models import Action, Plan, ProgressEntry, Theme
from cap.query import Filters, brag, days_overdue
from cap.reports import build_report, render
from cap.reports.package import inert
from tests.conftest import DATA, MINIMAL_SCRS, MINIMAL_THEMES, Cap, action_yaml, write_files
from tests.test_cli_show import run_cap

AS_OF = dt.date(2017, 7, 1)
D = dt.date
THEME_SHEETS = ["1. Professional curiosity", "2. Fora for discussion",
                "3. Collaborative working", "4. Ownership and accountability"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def plan():
    plan, problems = load_plan(DATA)
    assert problems == []
    return plan


def report_bytes(cap: Cap, fmt: str, *args: str, as_of: str = "2017-07-01") -> bytes:
    result = cap("report", "--format", fmt, "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def document(data: bytes):
    return docx.Document(io.BytesIO(data))


def day(value):
    """A cell's date as a date (openpyxl reads date cells as datetimes)."""
    return value.date() if isinstance(value, dt.datetime) else value


def sheet_rows(ws, first: int = 3) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=first, values_only=True)]


def refs_of(cap: Cap, *args: str) -> list[str]:
    result = cap("report", "--format", "json", "--as-of", "2017-07-01", *args)
    data = json.loads(result.stdout)
    return [a["ref"] for t in data["themes"] for a in t["actions"]]


# ------------------------------------------------------------------ the workbook


def test_workbook_has_a_summary_then_a_sheet_per_theme(cap):
    wb = workbook(report_bytes(cap, "xlsx"))
    assert wb.sheetnames == ["Summary", *THEME_SHEETS]
    assert wb["4. Ownership and accountability"]["A1"].value == "4. Ownership and accountability: management grip"


def test_every_theme_sheet_cell_matches_the_plan(cap, plan):
    wb = workbook(report_bytes(cap, "xlsx"))
    seen = []
    for name in THEME_SHEETS:
        ws = wb[name]
        assert [c.value for c in ws[2]] == [
            "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress date", "Progress", "Status", "BRAG",
            "Days overdue", "Notes", "Progress by", "Signed off", "Signed off by", "Target history",
            "Opened", "Completed", "Withdrawn on", "Impact review"]
        for cells in ws.iter_rows(min_row=3):
            values = [c.value for c in cells]
            action = plan.action(values[0])
            seen.append(action.ref)
            rating = brag(action, AS_OF, 30)
            latest = action.latest_progress
            assert values[:10] == [
                action.ref, action.scr_label() or None, action.action, "/".join(action.lead),
                values[4] if action.target_date == "ongoing" else dt.datetime.combine(action.target_date, dt.time()),
                dt.datetime.combine(latest.date, dt.time()), latest.text, action.status, rating,
                days_overdue(action, AS_OF),
            ]
            if action.target_date == "ongoing":
                assert values[4] == "ongoing" and cells[4].data_type == "s"
            else:
                assert cells[4].is_date and cells[4].number_format == "dd/mm/yyyy"
            assert cells[5].is_date and cells[5].number_format == "dd/mm/yyyy"
            if values[9] is not None:
                assert cells[9].data_type == "n" and isinstance(values[9], int)
            fill = cells[8].fill.fgColor.rgb
            assert fill == {"Blue": "001F5FA8", "Red": "00B3261E", "Amber": "00F0A202", "Green": "002E7D32"}[rating]
    assert seen == [a.ref for a in plan.actions]


def test_theme_sheets_are_frozen_filtered_wrapped_and_print_on_a4_landscape(cap):
    wb = workbook(report_bytes(cap, "xlsx"))
    ws = wb["1. Professional curiosity"]
    assert ws.freeze_panes == "B3"
    assert ws.auto_filter.ref == "A2:S6"
    assert ws.print_title_rows == "$2:$2"
    assert ws.print_area == "'1. Professional curiosity'!$A$1:$K$6"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["C3"].alignment.wrap_text and ws.column_dimensions["C"].width == 40
    assert ws.row_dimensions[3].height and ws.row_dimensions[3].height > 15  # a long action: a taller row
    summary = wb["Summary"]
    assert summary.page_setup.orientation == "landscape" and summary.page_setup.paperSize == 9


def test_summary_sheet_has_the_html_reports_figures(cap):
    wb = workbook(report_bytes(cap, "xlsx"))
    rows = [tuple(v for v in row if v is not None) for row in wb["Summary"].iter_rows(values_only=True)]
    rows = [r for r in rows if r]
    assert rows[0] == ("Serious Case Review composite action plan",)
    assert rows[1] == ("Composite action plan, as of 01/07/2017.",)
    assert rows[2] == ("11 of 22 actions overdue as of 01/07/2017.",)
    assert ("1. Professional curiosity", 0, 4, 0, 0, 0, 4, 3) in rows
    assert ("Total", 0, 21, 1, 0, 0, 22, 11) in rows
    assert ("Blue", 1, "Closed, or complete and awaiting sign-off.") in rows
    assert ("Red", 11, "Overdue: open or in progress and past its target date.") in rows
    assert ("NSCB", 6, "1.1, 1.2, 1.3, 2.2, 4.9, 4.11") in rows  # the NSCB with its aliases (agencies.yaml) in rows
    assert ("No progress since 02/04/2017",) in rows
    assert ("Due in the next 30 days (to 31/07/2017)",) in rows
    due = [r for r in rows if len(r) == 4 and r[1] in ("3.3", "4.1")]
    assert [(r[1], r[2]) for r in due] == [("3.3", dt.datetime(2017, 7, 1)), ("4.1", dt.datetime(2017, 7, 1))]
    blue = next(c for c in wb["Summary"]["A"] if c.value == "Blue")
    assert blue.fill.fgColor.rgb == "001F5FA8" and blue.font.color.rgb == "00FFFFFF"   # colour and word


def test_full_adds_every_progress_entry(tmp_path, data_copy):
    cap = Cap(data_copy)
    assert cap("progress", "1.1", "Second entry.", "--date", "2017-03-01", "--author", "Pat").exit_code == 0
    wb = workbook(report_bytes(cap, "xlsx", "--full"))
    assert wb.sheetnames[-1] == "Progress log"
    log = sheet_rows(wb["Progress log"])
    assert log[:2] == [("1.1", dt.datetime(2017, 1, 31), load_plan(data_copy)[0].action("1.1").progress[0].text, None),
                       ("1.1", dt.datetime(2017, 3, 1), "Second entry.", "Pat")]
    assert len(log) == 23
    first = sheet_rows(wb["1. Professional curiosity"])[0]
    assert first[5:7] == (dt.datetime(2017, 3, 1), "Second entry.") and first[11] == "Pat"
    assert "Progress log" not in workbook(report_bytes(cap, "xlsx")).sheetnames


def test_withdrawn_closed_and_retargeted_actions(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("withdraw", "1.4", "--reason", "Superseded by 1.5.", "--date", "2017-04-01").exit_code == 0
    assert cap("close", "2.4", "--by", "SCR Review Group", "--date", "2017-03-20").exit_code == 0
    assert cap("retarget", "4.4", "2017-09-01", "--reason", "Awaiting MASH.", "--date", "2017-02-15").exit_code == 0
    wb = workbook(report_bytes(cap, "xlsx"))
    assert wb.sheetnames[-1] == "Withdrawn"
    withdrawn = sheet_rows(wb["Withdrawn"])
    assert [(r[0], r[1], r[6]) for r in withdrawn] == [("1.4", "1. Professional curiosity", "Superseded by 1.5.")]
    assert "1.4" not in [r[0] for r in sheet_rows(wb["1. Professional curiosity"])]
    closed = next(r for r in sheet_rows(wb["2. Fora for discussion"]) if r[0] == "2.4")
    assert closed[7:9] == ("closed", "Blue") and closed[12:14] == (dt.datetime(2017, 3, 20), "SCR Review Group")
    moved = next(r for r in sheet_rows(wb["4. Ownership and accountability"]) if r[0] == "4.4")
    assert moved[14] == "2017-02-15: 2017-03-01 -> 2017-09-01: Awaiting MASH."
    assert "target put back from 01/03/2017 (Awaiting MASH.)" in moved[10]


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    ["--kind", "exceptions"], ["--kind", "agency", "--lead", "Health"], ["--theme", "curiosity"],
    ["--lead", "nscb", "--overdue"], ["--search", "audit"], ["--status", "complete"],
])
def test_every_kind_and_filter_lists_the_reports_rows(cap, args):
    wb = workbook(report_bytes(cap, "xlsx", *args))
    listed = [r[0] for name in wb.sheetnames[1:] for r in sheet_rows(wb[name])]
    # (the exception report lists its groups in turn: overdue, put back, stale)
    from cap.models import natural_key

    assert sorted(listed, key=natural_key) == refs_of(cap, *args) and listed
    paper = document(report_bytes(cap, "docx", *args))
    in_word = [t.rows[i].cells[0].text for t in paper.tables if t.rows[0].cells[1].text == "SCR Ref"
               for i in range(1, len(t.rows))]
    assert in_word == listed


def test_an_exception_report_with_nothing_to_list(cap):
    wb = workbook(report_bytes(cap, "xlsx", "--kind", "exceptions", as_of="2016-01-01"))
    assert wb.sheetnames == ["Summary"]
    assert "No exceptions." in [c.value for c in wb["Summary"]["A"]]
    paper = document(report_bytes(cap, "docx", "--kind", "exceptions", as_of="2016-01-01"))
    assert "No exceptions." in [p.text for p in paper.paragraphs]


HOSTILE = {
    "action": "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "lead": "[\"+cmd|' /C calc'!A0\", \"@SUM(1)\"]",
    "progress": "[{date: 2017-01-31, text: \"-2+3\\n<b>*bold*</b> & \\t end\"}]",
    "scrs": "[A]",
}


@pytest.fixture
def hostile(tmp_path) -> Path:
    return write_files(tmp_path, {
        "data/themes.yaml": MINIMAL_THEMES, "data/scrs.yaml": MINIMAL_SCRS,
        "data/actions/1.1.yaml": action_yaml(**HOSTILE, status="in-progress"),
    }) / "data"


def test_no_cell_is_ever_a_formula(hostile):
    data = report_bytes(Cap(hostile), "xlsx", "--full")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s or "<f " in s for s in sheets)
    wb = workbook(data)
    row = next(wb["1. Professional curiosity"].iter_rows(min_row=3))
    assert row[2].value == HOSTILE["action"] and row[2].data_type == "s"
    assert row[3].value == "+cmd|' /C calc'!A0/@SUM(1)" and row[3].data_type == "s"
    assert row[6].value == "-2+3\n<b>*bold*</b> & \t end"


def test_word_text_is_exactly_the_stored_text(hostile):
    paper = document(report_bytes(Cap(hostile), "docx"))
    table = paper.tables[-1]
    cells = table.rows[1].cells
    assert cells[2].text == HOSTILE["action"]
    assert cells[3].text == "+cmd|' /C calc'!A0/@SUM(1)"
    assert cells[5].text == "31/01/2017 -2+3\n<b>*bold*</b> & \t end"


@pytest.mark.slow
def test_same_data_same_bytes_and_the_report_day_as_timestamp(cap):
    for fmt in ("xlsx", "docx"):
        first = report_bytes(cap, fmt)
        assert report_bytes(cap, fmt) == first
        assert report_bytes(cap, fmt, as_of="2017-07-02") != first
        with zipfile.ZipFile(io.BytesIO(first)) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            core = z.read("docProps/core.xml").decode()
        assert core.count("2017-07-01T00:00:00Z") >= 2 and "cap" in core


# ------------------------------------------------------------------ the Word paper


def test_word_paper_layout(cap):
    paper = document(report_bytes(cap, "docx"))
    headings = [(p.style.name, p.text) for p in paper.paragraphs if p.style.name.startswith(("Title", "Heading"))]
    assert headings[0] == ("Title", "Serious Case Review composite action plan")
    assert [t for s, t in headings if s == "Heading 1"] == [
        "Summary", "1. Professional curiosity", "2. Fora for discussion and information-sharing",
        "3. Collaborative working, decision-making and planning", "4. Ownership and accountability: management grip"]
    texts = [p.text for p in paper.paragraphs]
    assert "Composite action plan, as of 01/07/2017." in texts
    assert "11 of 22 actions overdue as of 01/07/2017." in texts
    section = paper.sections[0]
    assert section.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and 'w:fldCharType="begin"' in footer
    for table in paper.tables:
        assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None   # repeated on every page


def test_every_word_table_cell_matches_the_plan(cap, plan):
    paper = document(report_bytes(cap, "docx", "--full"))
    tables = [t for t in paper.tables if t.rows[0].cells[1].text == "SCR Ref"]
    assert len(tables) == 4
    seen = []
    for table in tables:
        assert [c.text for c in table.rows[0].cells] == [
            "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress", "Status", "BRAG"]
        for row in table.rows[1:]:
            cells = row.cells
            action = plan.action(cells[0].text)
            seen.append(action.ref)
            rating = brag(action, AS_OF, 30)
            assert [c.text for c in cells[1:5]] == [
                action.scr_label(), action.action, "/".join(action.lead), format_uk(action.target_date, full_year=True)]
            assert [p.text for p in cells[5].paragraphs] == [f"{format_uk(e.date, full_year=True)} {e.text}" for e in action.progress]
            assert cells[6].paragraphs[0].text == action.status
            assert cells[7].text == rating
            shade = cells[7]._tc.find(f"{W}tcPr/{W}shd")
            assert shade.get(f"{W}fill") == {"Blue": "1F5FA8", "Red": "B3261E", "Amber": "F0A202", "Green": "2E7D32"}[rating]
    assert seen == [a.ref for a in plan.actions]


def test_word_summary_tables(cap):
    paper = document(report_bytes(cap, "docx"))
    rows = [[c.text for c in r.cells] for t in paper.tables for r in t.rows]
    assert ["Total", "0", "21", "1", "0", "0", "22", "11"] in rows
    assert ["Red", "Overdue: open or in progress and past its target date.", "11"] in rows
    assert ["NSCB", "6", "1.1, 1.2, 1.3, 2.2, 4.9, 4.11"] in rows


# ------------------------------------------------------------------ written as it is made: the same document


def _varied(plan: Plan) -> Plan:
    """The real plan with what only some plans have: the board's ratings and refs, withdrawn
    actions with reasons, notes under a status, and texts that look like the marks `render`
    leaves in word/document.xml or like a row of a sheet."""
    actions = list(plan.actions)
    actions[0] = actions[0].model_copy(update={"rating": "Amber", "source_ref": "A-7"})
    actions[1] = actions[1].model_copy(update={"status": "withdrawn", "withdrawn_reason": "<!--cap-rows-0--> gone"})
    actions[2] = actions[2].model_copy(update={"action": '<!--cap-rows-1--></w:tbl><row r="9"></row>'})
    actions[5] = actions[5].model_copy(update={"status": "withdrawn", "withdrawn_reason": "Merged into 2.1."})
    return Plan(themes=plan.themes, scrs=plan.scrs, actions=actions)


def _reports(plan: Plan) -> list:
    varied = _varied(plan)
    return [
        build_report(plan, Filters(), AS_OF),
        build_report(varied, Filters(), AS_OF, full=True, stamp=D(2017, 7, 3)),
        build_report(varied, Filters(), D(2026, 11, 26), kind="exceptions"),
        build_report(plan, Filters(lead="Health"), D(2017, 3, 1), kind="agency"),
        build_report(plan, Filters(statuses=("closed",)), AS_OF),    # nothing listed
        build_report(plan, Filters(), D(2016, 1, 1), kind="exceptions"),
        build_report(plan, Filters(), AS_OF, kind="signoff"),
        build_report(plan, Filters(), AS_OF, kind="annual", period=(D(2016, 4, 1), D(2017, 3, 31))),
    ]


def _parts(data: bytes, drop: bytes | None = None) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: re.sub(drop, b"", z.read(n)) if drop else z.read(n) for n in z.namelist()}


@pytest.mark.slow
def test_a_workbook_written_as_it_is_made_is_the_workbook_held_whole(plan):
    """`render` uses openpyxl's write-only mode; the same code held whole gives the same
    parts, in the same order, but for the empty row a write-only sheet writes for a blank line."""
    from cap.reports import xlsx

    empty_row = rb'<row r="\d+"\s*(/>|></row>)'
    for report in _reports(plan):
        streamed = render(report, "xlsx")
        whole = xlsx.save(xlsx.build_workbook(report))
        assert list(_parts(streamed)) == list(_parts(whole))
        assert _parts(streamed, drop=empty_row) == _parts(whole, drop=empty_row), report.kind
        assert render(report, "xlsx") == streamed
    wb = workbook(render(_reports(plan)[1], "xlsx"))
    assert wb["Withdrawn"]["G3"].value == "<!--cap-rows-0--> gone"
    assert wb["1. Professional curiosity"]["J3"].value == "Amber" and wb["Summary"].freeze_panes is None


@pytest.mark.slow
def test_a_word_paper_written_as_it_is_made_is_the_paper_held_whole(plan):
    """`render` writes each table's rows into word/document.xml one at a time; the same
    report made whole by python-docx gives the same bytes."""
    from cap.reports import docx as word
    from cap.reports.package import StableZip, entry

    for report in _reports(plan):
        saved, whole = io.BytesIO(), io.BytesIO()
        word.build_document(report).save(saved)
        with zipfile.ZipFile(saved) as source, StableZip(whole, "w") as target:
            for info in source.infolist():
                target.writestr(entry(info), source.read(info))   # dated as render dates them
        assert render(report, "docx") == whole.getvalue(), report.kind
    paper = document(render(_reports(plan)[1], "docx"))
    cells = [c.text for t in paper.tables for r in t.rows for c in r.cells]
    assert "<!--cap-rows-0--> gone" in cells and '<!--cap-rows-1--></w:tbl><row r="9"></row>' in cells


# ------------------------------------------------------------------ the command line


@pytest.mark.slow
@pytest.mark.parametrize("name,fmt", [("plan.xlsx", "xlsx"), ("paper.docx", "docx"), ("PAPER.DOCX", "docx")])
def test_format_follows_the_file_name(cap, tmp_path, name, fmt):
    out = tmp_path / name
    result = cap("report", "--as-of", "2017-07-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}: 22 actions, as of 01/07/2017\n"
    assert out.read_bytes() == report_bytes(cap, fmt)


def test_binary_report_is_not_sent_to_a_terminal(cap, monkeypatch):
    import cap.cli.report as report_cli

    monkeypatch.setattr(report_cli, "stdout_is_terminal", lambda: True)
    result = cap("report", "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == ("cap: error: a xlsx report is a file, not text for the terminal: give -o FILE "
                             "(for example -o plan.xlsx) or redirect standard output to a file\n")
    assert result.stdout_bytes == b""


@pytest.mark.slow
def test_installed_cap_writes_a_workbook_to_a_pipe_and_refuses_a_terminal(tmp_path):
    piped = subprocess.run([*_cap_command(), "report", "--format", "docx", "--as-of", "2017-07-01"],
                           capture_output=True, timeout=60, cwd=tmp_path, env=_env())
    assert piped.returncode == 0, piped.stderr
    assert document(piped.stdout).paragraphs[0].text == "Serious Case Review composite action plan"
    import pty

    main, child = pty.openpty()
    try:
        shown = subprocess.run([*_cap_command(), "report", "--format", "xlsx"], stdout=child,
                               stderr=subprocess.PIPE, timeout=60, env=_env())
    finally:
        os.close(child)
        os.close(main)
    assert shown.returncode == 2 and b"give -o FILE" in shown.stderr
    made = run_cap("--data", str(DATA), "report", "--as-of", "2017-07-01", "-o", str(tmp_path / "plan.xlsx"))
    assert made.returncode == 0, made.stderr
    assert workbook((tmp_path / "plan.xlsx").read_bytes()).sheetnames[0] == "Summary"


def _cap_command() -> list[str]:
    import shutil
    import sys

    beside = os.path.join(os.path.dirname(sys.executable), "cap")
    return [beside if os.path.exists(beside) else shutil.which("cap"), "--data", str(DATA)]


def _env() -> dict:
    env = {**os.environ}
    env.pop("CAP_DATA", None)
    return env


# ------------------------------------------------------------------ LibreOffice (skipped where absent)


def _soffice() -> str:
    import shutil

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui libreoffice-calc-nogui)")
    return exe


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_libreoffice_converts_both_to_pdf(cap, tmp_path, request):
    exe = _soffice()
    (tmp_path / "paper.docx").write_bytes(report_bytes(cap, "docx"))
    (tmp_path / "plan.xlsx").write_bytes(report_bytes(cap, "xlsx"))
    done = subprocess.run(
        [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "paper.docx"), str(tmp_path / "plan.xlsx")],
        capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    paper, book = (tmp_path / "paper.pdf").read_bytes(), (tmp_path / "plan.pdf").read_bytes()
    assert 3 <= _pages(paper) <= 12        # the summary, then four themes of 22 actions
    assert 3 <= _pages(book) <= 15         # the summary sheet, then one or two pages a theme
    if request.config.getoption("--update-golden"):   # the README's pictures
        import shutil

        from tests.conftest import ROOT

        for pdf, name in ((tmp_path / "paper.pdf", "report-docx"), (tmp_path / "plan.pdf", "report-xlsx")):
            subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(ROOT / "docs" / name)], check=True, timeout=120)


# ------------------------------------------------------------------ any text, exactly (property)

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=1).filter(
    lambda t: t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(action=TEXT, lead=TEXT.filter(lambda t: "/" not in t), progress=TEXT)
def test_any_text_reads_back_exactly(action, lead, progress):
    plan = Plan(themes=[Theme(id="curiosity", number=1, title="Professional curiosity")], scrs=[], actions=[
        Action(ref="1.1", theme="curiosity", action=action, lead=[lead], target_date=D(2017, 6, 1),
               status="in-progress", progress=[ProgressEntry(date=D(2017, 1, 31), text=progress)])])
    report = build_report(plan, Filters(), AS_OF)
    row = next(workbook(render(report, "xlsx"))["1. Professional curiosity"].iter_rows(min_row=3, values_only=True))
    assert row[2:4] == (inert(action), inert(lead)) and row[6] == inert(progress)
    cells = document(render(report, "docx")).tables[-1].rows[1].cells
    assert cells[2].text == inert(action) and cells[3].text == inert(lead)
    assert cells[5].text == f"31/01/2017 {inert(progress)}"


def test_a_character_xml_cannot_hold_is_shown_not_dropped():
    """The second line of defence: files no longer load with control characters (CAP012),
    but a renderer handed one writes it visibly rather than producing a broken file."""
    from cap.reports.package import inert

    assert inert("a\x01b\x1b\ufffe\tc\nd") == "a\\x01b\\x1b\\xfffe\tc\nd"
