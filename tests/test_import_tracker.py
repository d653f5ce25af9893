"""Other boards' trackers: their columns and their words (cap/importer/tracker.py).

Three layouts unlike cap's own, end to end (a workbook with section headings, a CSV of
recommendations with numbered refs, a Word table with both Status and RAG columns and
numbered statuses), then each rule on its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cap.importer.tracker import BoardDateError, parse_board_date
from tests.conftest import Cap
from tests.test_cli_import import action_files, loaded, snapshot
from tests.test_import_xlsx import make_workbook

D = dt.date
PROGRESS_DATE = D(2017, 1, 31)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A fresh `cap init` (the four themes of the Norfolk plan)."""
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    return tmp_path / "repo" / "data"


@pytest.fixture
def blank(tmp_path) -> Path:
    """A fresh `cap init --blank` (no themes)."""
    assert Cap()("init", "--blank", str(tmp_path / "blank")).exit_code == 0
    return tmp_path / "blank" / "data"


def run(data: Path, source: Path, *args: str):
    return Cap(data)("import", str(source), "--progress-date", "2017-01-31", *args)


def csv_file(tmp_path: Path, *lines: str, name: str = "tracker.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


BRISTOL = ["Agency", "Actions", "RAG", "Target Date", "Evidence/Outcome", "Agency Lead Person"]


# ------------------------------------------------------------------ three layouts, end to end


def test_workbook_with_section_headings_ratings_and_board_dates(blank, tmp_path):
    source = make_workbook(tmp_path / "bristol.xlsx", {"Tracker": [
        ["Bristol Safeguarding Children Board: SCR action tracker"], [],
        BRISTOL,
        ["Learning from reviews", 0, 0, 0, 0, 0],                       # a PDF conversion's zeros
        ["NBT - X / UBHT - Y", "Audit discharge planning.", "Amber", "Apr-17", "Audit report", "Dr A"],
        ["Police", "Train officers in professional curiosity.", "Green", dt.datetime(2017, 6, 1), 0, "DI B"],
        ["Information sharing"],
        ["Chair / DCS", "Report to the board on escalation.", "Blue", "TBC", "Minutes", None],
        ["Health/NSCB", "Review the protocol.", "Not started", None, None, None],
    ]})
    result = run(blank, source, "--add-themes")
    assert result.exit_code == 0, result.output
    assert "warning: sheet 'Tracker' row 9: no target date; taken as ongoing" in result.stdout
    plan = loaded(blank)
    assert [(t.number, t.id, t.title) for t in plan.themes] == [
        (1, "learning-from-reviews", "Learning from reviews"), (2, "information-sharing", "Information sharing")]
    got = {a.ref: a for a in plan.actions}
    assert sorted(got) == ["1.1", "1.2", "2.1", "2.2"]
    first = got["1.1"]
    assert (first.lead, first.target_date, first.status, first.rating, first.owner, first.evidence) == (
        ["NBT - X", "UBHT - Y"], D(2017, 4, 30), "in-progress", "Amber", "Dr A", ["Audit report"])
    assert got["1.2"].evidence == [] and got["1.2"].target_date == D(2017, 6, 1) and got["1.2"].rating == "Green"
    tbc = got["2.1"]
    assert (tbc.lead, tbc.target_date, tbc.status, tbc.rating) == (["Chair", "DCS"], "ongoing", "complete", "Blue")
    assert [(e.date, e.text) for e in tbc.progress] == [(PROGRESS_DATE, "Target date in the tracker: TBC")]
    assert (got["2.2"].lead, got["2.2"].status, got["2.2"].target_date) == (["Health", "NSCB"], "open", "ongoing")
    assert Cap(blank)("validate").exit_code == 0


def test_csv_of_recommendations_with_the_boards_own_numbers(repo, tmp_path):
    source = csv_file(
        tmp_path,
        "No.,Recommendation,Responsibility,Date,Progress,Assessment of progress",
        "1.,Agencies should audit supervision.,Health,01/06/17,Audit planned for May.,Partially achieved",
        "2.,The board should publish learning.,NSCB,Sept 17,Briefing published.,Fully achieved",
        "3.,Consider a new protocol.,Police,31.12.2017,Covered by 2.,Not accepted",
        "4.,Train staff.,Education,To be confirmed in the Children and Social Work Act,,",
    )
    result = run(repo, source, "--theme", "curiosity")
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    got = {a.ref: a for a in plan.actions}
    assert [(r, a.source_ref, a.theme) for r, a in got.items()] == [
        ("1.1", "1.", "curiosity"), ("1.2", "2.", "curiosity"), ("1.3", "3.", "curiosity"), ("1.4", "4.", "curiosity")]
    assert got["1.1"].action == "Agencies should audit supervision."            # Recommendation is the action
    assert (got["1.1"].status, got["1.1"].target_date) == ("in-progress", D(2017, 6, 1))
    assert (got["1.2"].status, got["1.2"].target_date) == ("complete", D(2017, 9, 30))
    assert (got["1.3"].status, got["1.3"].withdrawn_reason) == ("withdrawn", "Covered by 2.")
    assert got["1.4"].target_date == "ongoing" and got["1.4"].status == "open"
    assert got["1.4"].progress[0].text == (
        "Target date in the tracker: To be confirmed in the Children and Social Work Act")
    shown = Cap(repo)("show", "1.2", "--as-of", "2017-07-01")
    assert "1.2 (the source's ref: 2.)" in shown.stdout


def test_word_table_with_status_and_rag_columns_and_numbered_statuses(repo, tmp_path):
    rows = [
        "Rec no\tRecommendation\tAction\tLead\tLead officer\tBy when\tUpdate\tStatus\tRAG",
        "Professional curiosity\t\t\t\t\t\t\t\t",
        "10.1.1\tBe curious.\tRun workshops.\tNSCB\tPat\tMarch 2017\tTwo held.\t2\tGreen",
        "10.1.2\tShare information.\tWrite guidance.\tHealth; Police\t\tOngoing\t\t3\tRed",
    ]
    source = tmp_path / "tracker.txt"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    refused = run(repo, source)
    assert refused.exit_code == 1
    assert "Status '2' is a number: say what each number means with --status-map" in refused.stderr
    result = run(repo, source, "--status-map", "1=complete,2=in-progress", "--status-map", "3=not started")
    assert result.exit_code == 0, result.output
    got = {a.ref: a for a in loaded(repo).actions}
    first = got["1.1"]
    assert first.action == "Run workshops.\nRecommendation: Be curious."   # nothing dropped
    assert (first.source_ref, first.owner, first.status, first.rating, first.target_date) == (
        "10.1.1", "Pat", "in-progress", "Green", D(2017, 3, 31))
    second = got["1.2"]
    assert (second.lead, second.status, second.rating, second.target_date) == (
        ["Health", "Police"], "open", "Red", "ongoing")


# ------------------------------------------------------------------ columns


def test_dry_run_prints_the_mapping_first_and_writes_nothing(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Who leads,Timescale,Notes,Comments",
                      "1.1,Do it.,NSCB,01/06/17,private,Started.")
    before = snapshot(repo)
    result = run(repo, source, "--dry-run", "--map", "Who leads=lead", "--ignore-column", "notes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:7] == [
        "columns of the header at row 1:",
        "  column A 'Ref' -> ref",
        "  column B 'Action' -> action",
        "  column C 'Who leads' -> lead",
        "  column D 'Timescale' -> target_date",
        "  column E 'Notes' -> ignored (--ignore-column)",
        "  column F 'Comments' -> progress",
    ]
    assert snapshot(repo) == before
    failing = csv_file(tmp_path, "Ref,Action,Who leads,Timescale", "1.1,Do it.,NSCB,31/02/17", name="bad.csv")
    result = run(repo, failing, "--dry-run", "--map", "Who leads=lead")
    assert result.exit_code == 1
    assert result.stdout.startswith("columns of the header at row 1:\n")     # still first, even with an error


def test_unknown_columns_need_a_map(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Who leads,Timescale", "1.1,Do it.,NSCB,01/06/17")
    result = run(repo, source)
    assert result.exit_code == 1
    assert "no column gives the lead agency" in result.stderr and '--map "Column=lead"' in result.stderr
    bad = run(repo, source, "--map", "Who leads=leader")
    assert bad.exit_code == 2 and "'leader' is not a field; the fields are ref, theme, action" in bad.stderr


def test_two_columns_for_one_field_are_refused(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Date,Target date", "1.1,Do it.,NSCB,01/06/17,01/07/17")
    result = run(repo, source)
    assert result.exit_code == 1 and "two columns are target_date: 'Date' and 'Target date'" in result.stderr
    assert run(repo, source, "--ignore-column", "Date").exit_code == 0


def test_a_cap_written_brag_column_is_not_a_rating(repo, tmp_path):
    made = Cap(Path(__file__).resolve().parent.parent / "data")("report", "--format", "csv", "--as-of", "2017-07-01")
    source = tmp_path / "report.csv"
    source.write_text(made.stdout, encoding="utf-8")
    assert run(repo, source).exit_code == 0
    assert all(a.rating is None and a.source_ref is None for a in loaded(repo).actions)


# ------------------------------------------------------------------ words and dates


@pytest.mark.parametrize("text,expected,kept", [
    ("01/06/17", D(2017, 6, 1), False), ("01.06.2017", D(2017, 6, 1), False), ("1 June 2017", D(2017, 6, 1), False),
    ("2017-06-01", D(2017, 6, 1), False), ("April 2017", D(2017, 4, 30), False), ("Apr-17", D(2017, 4, 30), False),
    ("Sept 08", D(2008, 9, 30), False), ("Feb 2016", D(2016, 2, 29), False), ("04/2017", D(2017, 4, 30), False),
    ("Ongoing", "ongoing", False), ("on-going", "ongoing", False), ("TBC", "ongoing", True),
    ("To be confirmed in the Children and Social Work Act", "ongoing", True),
    ("End of March 2018 (subject to funding)", D(2018, 3, 31), True),
    ("01/06/27", D(2027, 6, 1), False),          # 10 years after the progress date: still 20xx
    ("01/06/28", D(1928, 6, 1), False),          # more than 10 years after: 19xx
])
def test_board_dates(text, expected, kept):
    assert parse_board_date(text, PROGRESS_DATE) == (expected, kept)


@pytest.mark.parametrize("text", ["31/02/17", "29/02/2017", "13/13/17", "32.01.2017"])
def test_a_date_that_is_no_real_day(text):
    with pytest.raises(BoardDateError):
        parse_board_date(text, PROGRESS_DATE)


def test_invalid_day_is_an_error_naming_the_row(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date,RAG", "1.1,A.,NSCB,01/06/17,Red",
                      "1.2,B.,NSCB,31/02/17,Red")
    before = snapshot(repo)
    result = run(repo, source)
    assert result.exit_code == 1
    assert ("tracker.csv:3:1: error: CAP804 row 3, column D: Target date: '31/02/17' is not a real date; correct "
            "the cell, or give --fix-date \"31/02/17=DD/MM/YYYY\"") in result.stderr
    assert snapshot(repo) == before


def test_unknown_status_word_names_the_row_and_the_words_known(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date,Status", "1.1,A.,NSCB,01/06/17,Purple")
    result = run(repo, source)
    assert result.exit_code == 1
    assert "row 2, column E: Status 'Purple' is not a word cap knows; the words known: " in result.stderr
    assert "amber, amber/green, amber/red, blue, blue/green, closed, complete" in result.stderr


def test_blank_status_is_in_progress_with_progress_else_open(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date,Progress,Status",
                      "1.1,A.,NSCB,01/06/17,Started.,", "1.2,B.,NSCB,01/06/17,,")
    assert run(repo, source).exit_code == 0
    assert [a.status for a in loaded(repo).actions] == ["in-progress", "open"]


def test_withdrawn_without_progress_keeps_the_status_text_as_reason(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date,Status", "1.1,A.,NSCB,01/06/17,Superseded")
    assert run(repo, source).exit_code == 0
    action = loaded(repo).action("1.1")
    assert (action.status, action.withdrawn_reason) == ("withdrawn", "Superseded")


# ------------------------------------------------------------------ rows


def test_a_row_without_action_text(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date,Evidence", "1.1,A.,NSCB,01/06/17,",
                      ",,Police,,Minutes")
    result = run(repo, source)
    assert result.exit_code == 1
    assert "row 3, column B: this row has no action text (only evidence, lead)" in result.stderr
    skipped = run(repo, source, "--skip-incomplete")
    assert skipped.exit_code == 0, skipped.output
    assert "warning: row 3: no action text; skipped (--skip-incomplete)" in skipped.stdout
    assert [a.ref for a in loaded(repo).actions] == ["1.1"]


def test_section_heading_rows_become_themes_or_are_reported(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date", "10.1,Health,,",
                      "10.1.1,Audit.,Health,01/06/17")
    result = run(repo, source)
    assert result.exit_code == 1
    assert ("row 2: heading '10.1 Health' (a row with no lead or date) is not a theme; the themes are: "
            "Professional curiosity;") in result.stderr
    heading = csv_file(tmp_path, "Ref,Action,Lead,Target date", "4,Management grip,,",
                       "4.a,Audit.,Health,01/06/17", name="grip.csv")
    result = run(repo, heading)
    assert result.exit_code == 0, result.output
    action = loaded(repo).action("4.1")
    assert (action.theme, action.source_ref) == ("accountability", "4.a")


def test_valid_refs_under_their_theme_are_kept(repo, tmp_path):
    source = csv_file(tmp_path, "Ref,Action,Lead,Target date", "Professional curiosity,,,",
                      "1.7,A.,NSCB,01/06/17", "1.9,B.,NSCB,01/06/17")
    assert run(repo, source).exit_code == 0
    assert [(a.ref, a.source_ref) for a in loaded(repo).actions] == [("1.7", None), ("1.9", None)]


def test_numbering_continues_after_the_actions_a_theme_has(repo, tmp_path):
    first = csv_file(tmp_path, "Ref,Action,Lead,Target date", "1.1,A.,NSCB,01/06/17", name="one.csv")
    assert run(repo, first).exit_code == 0
    second = csv_file(tmp_path, "No.,Action,Lead,Target date", "a,B.,NSCB,01/06/17", name="two.csv")
    assert run(repo, second, "--theme", "curiosity").exit_code == 0
    assert [(a.ref, a.source_ref) for a in loaded(repo).actions] == [("1.1", None), ("1.2", "a")]


def test_theme_option_for_a_plan_without_themes(blank, tmp_path):
    source = csv_file(tmp_path, "Action,Lead,Target date", "A.,NSCB,01/06/17", "B.,Police,")
    refused = run(blank, source, "--theme", "learning")
    assert refused.exit_code == 1 and "--theme 'learning' is not a theme" in refused.stderr
    result = run(blank, source, "--theme", "learning", "--add-themes")
    assert result.exit_code == 0, result.output
    plan = loaded(blank)
    assert [(t.id, t.number, t.title) for t in plan.themes] == [("learning", 1, "Learning")]
    assert [(a.ref, a.theme, a.source_ref) for a in plan.actions] == [("1.1", "learning", None),
                                                                      ("1.2", "learning", None)]


# ------------------------------------------------------------------ ratings in show and reports, and back


def test_ratings_and_source_refs_show_and_come_back(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Agency,Target date,RAG", "a,Audit.,Health,01/06/17,Green")
    assert run(repo, source, "--theme", "curiosity").exit_code == 0
    cap = Cap(repo)
    shown = cap("show", "1.1", "--as-of", "2017-07-01")
    assert "Green (the board's own); cap's BRAG as of 2017-07-01: Red" in shown.stdout
    html = cap("report", "--format", "html", "--as-of", "2017-07-01").stdout
    assert '<span class="note">board: Green</span>' in html and '<span class="note">was a</span>' in html
    assert "**Red**<br>_board: Green_" in cap("report", "--as-of", "2017-07-01").stdout
    out = tmp_path / "plan.xlsx"
    assert cap("report", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    import openpyxl

    ws = openpyxl.load_workbook(out)["1. Professional curiosity"]
    header = [c.value for c in ws[2]]
    assert header[8:10] == ["BRAG", "Board rating"] and header[-1] == "Source ref"
    assert [c.value for c in ws[3]][8:10] == ["Red", "Green"]
    assert Cap()("init", str(tmp_path / "again")).exit_code == 0
    again = tmp_path / "again" / "data"
    assert Cap(again)("import", str(out), "--progress-date", "2017-01-31").exit_code == 0
    assert action_files(again) == action_files(repo)
    csv_out = tmp_path / "plan.csv"
    assert cap("report", "--as-of", "2017-07-01", "-o", str(csv_out)).exit_code == 0
    assert Cap()("init", str(tmp_path / "third")).exit_code == 0
    third = tmp_path / "third" / "data"
    assert Cap(third)("import", str(csv_out), "--progress-date", "2017-01-31").exit_code == 0
    assert action_files(third) == action_files(repo)


def test_merged_cells_and_hidden_sheets(repo, tmp_path):
    import openpyxl

    path = make_workbook(tmp_path / "merged.xlsx", {
        "Lists": [["Ref", "Action", "Lead", "Target date"], ["9.9", "Not the plan.", "X", "01/01/17"]],
        "Plan": [["Agency", "Actions", "Timescale"], ["Professional curiosity"],
                 ["Police", "First.", "April 2017"], [None, "Second.", "May 2017"], [None, "Third.", "June 2017"]],
    })
    wb = openpyxl.load_workbook(path)
    wb["Lists"].sheet_state = "hidden"
    wb["Plan"].merge_cells("A2:C2")          # a heading merged across: stays one heading
    wb["Plan"].merge_cells("A3:A5")          # one lead agency merged over three actions
    wb.save(path)
    result = run(repo, path)
    assert result.exit_code == 0, result.output
    assert [(a.ref, a.action, a.lead) for a in loaded(repo).actions] == [
        ("1.1", "First.", ["Police"]), ("1.2", "Second.", ["Police"]), ("1.3", "Third.", ["Police"])]


def test_a_cap_written_brag_column_is_not_a_rating_even_read_as_a_tracker(repo, tmp_path):
    made = Cap(Path(__file__).resolve().parent.parent / "data")("report", "--format", "csv", "--as-of", "2017-07-01")
    source = tmp_path / "report.csv"
    source.write_text(made.stdout, encoding="utf-8")
    result = run(repo, source, "--ignore-column", "Signed off", "--dry-run")   # an option: read as a tracker
    assert result.exit_code == 0, result.output
    assert "  column H 'BRAG' -> ignored (cap's own BRAG, computed: not the board's rating)" in result.stdout


def test_numbered_headings_number_the_new_themes(blank, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Agency,Target date", "3,Escalation,,", "3.1,A.,NSCB,01/06/17",
                      "Early help,,,", "x,B.,NSCB,01/06/17")
    result = run(blank, source, "--add-themes")
    assert result.exit_code == 0, result.output
    plan = loaded(blank)
    assert [(t.number, t.id) for t in plan.themes] == [(3, "escalation"), (4, "early-help")]
    assert [(a.ref, a.source_ref) for a in plan.actions] == [("3.1", None), ("4.1", "x")]


def test_the_docs_example_tracker(blank):
    """docs/examples/tracker.xlsx, the example of docs/importing.md, imports as the page says."""
    source = Path(__file__).resolve().parent.parent / "docs" / "examples" / "tracker.xlsx"
    result = run(blank, source, "--add-themes")
    assert result.exit_code == 0, result.output
    plan = loaded(blank)
    assert [(t.number, t.title) for t in plan.themes] == [(1, "Early help"), (2, "Escalation")]
    got = {a.ref: a for a in plan.actions}
    assert (got["1.1"].status, got["1.1"].rating, got["1.1"].target_date) == ("in-progress", "Amber", D(2017, 4, 30))
    assert got["1.1"].action == ("Audit 20 early help assessments and report the findings.\n"
                                 "Recommendation: Agencies should check that early help assessments lead to a plan.")
    assert got["1.2"].action == "Brief designated safeguarding leads on early help referrals."   # the 0 is empty
    assert (got["2.1"].lead, got["2.1"].target_date, got["2.1"].owner) == (["Chair", "DCS"], "ongoing", None)
    assert (got["2.2"].status, got["2.2"].scrs, got["2.2"].target_date) == ("open", ["L", "M"], D(2017, 9, 30))


def test_one_theme_a_sheet_in_a_tracker(blank, tmp_path):
    header = ["No.", "Actions", "Agency", "Timescale", "RAG"]
    source = make_workbook(tmp_path / "sheets.xlsx", {
        "Early help": [header, ["a", "Audit.", "Health", "Apr-17", "Green"]],
        "Escalation": [["Escalation actions"], header, ["b", "Relaunch.", "NSCB", "Ongoing", "Red"]],
    })
    result = run(blank, source, "--all-sheets", "--add-themes")
    assert result.exit_code == 0, result.output
    plan = loaded(blank)
    assert [(t.number, t.id) for t in plan.themes] == [(1, "early-help"), (2, "escalation")]
    assert [(a.ref, a.source_ref, a.rating) for a in plan.actions] == [("1.1", "a", "Green"), ("2.1", "b", "Red")]


def test_importing_the_same_tracker_again_finds_its_actions(repo, tmp_path, monkeypatch):
    first = csv_file(tmp_path, "No.,Action,Agency,Target date,Progress", "a,Audit.,Health,01/06/17,Planned.",
                     "b,Train.,Police,01/07/17,", name="january.csv")
    assert run(repo, first, "--theme", "curiosity").exit_code == 0
    later = csv_file(tmp_path, "No.,Action,Agency,Target date,Progress", "a,Audit.,Health,01/06/17,Audit done.",
                     "b,Train.,Police,01/07/17,", "c,Brief.,NSCB,01/08/17,", name="march.csv")
    result = Cap(repo)("import", str(later), "--theme", "curiosity", "--update", "--progress-date", "2017-03-31")
    assert result.exit_code == 0, result.output
    assert "updated data/actions/1.1.yaml  (new progress 2017-03-31)" in result.stdout
    assert "created data/actions/1.3.yaml  (curiosity, open)" in result.stdout
    plan = loaded(repo)
    assert [(a.ref, a.source_ref) for a in plan.actions] == [("1.1", "a"), ("1.2", "b"), ("1.3", "c")]
    assert [e.text for e in plan.action("1.1").progress] == ["Planned.", "Audit done."]
