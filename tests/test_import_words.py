"""Issue 24: the words and dates real trackers use, template guidance rows, skipped rows,
and every problem at its cell (cap/importer/words.py, boarddates.py, rowaction.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from cap.importer.boarddates import BoardDateError, read_board_date
from cap.importer.columns import FIELDS
from tests.conftest import Cap
from tests.importing import repo, run  # noqa: F401 (repo: a fixture)
from tests.test_cli_import import loaded, snapshot
from tests.test_import_tracker import csv_file
from tests.test_import_xlsx import make_workbook

D = dt.date
TRACKER_DAY = D(2017, 1, 31)


# ------------------------------------------------------------------ vague dates


@pytest.mark.parametrize("text,expected,kept,how", [
    ("Q2 2017/18", D(2017, 9, 30), False, "the financial year's quarter 2"),
    ("Q4 2017/18", D(2018, 3, 31), False, "the financial year's quarter 4"),
    ("2017-18 Q1", D(2017, 6, 30), False, "the financial year's quarter 1"),
    ("Q4 2017", D(2017, 12, 31), False, "the calendar's quarter 4"),
    ("Spring 2018", D(2018, 5, 31), False, "a season"),
    ("Winter 2017", D(2018, 2, 28), False, "a season"),
    ("end of 2017", D(2017, 12, 31), False, "part of a year"),
    ("mid 2018", D(2018, 6, 30), False, "part of a year"),
    ("H1 2018", D(2018, 6, 30), False, "part of a year"),
    ("2017/18", D(2018, 3, 31), False, "a financial year"),
    ("by March", D(2017, 3, 31), True, "a month without a year"),
    ("by January", D(2017, 1, 31), True, "a month without a year"),
    ("December", D(2017, 12, 31), True, "a month without a year"),
    ("Immediate", TRACKER_DAY, True, "immediate: due on the tracker's date"),
    ("Immediately", TRACKER_DAY, True, "immediate"),
    ("w/c 5th March 2018", D(2018, 3, 11), False, "a week"),
    ("By 31/12/2016", D(2016, 12, 31), False, ""),
    ("5th March 2018", D(2018, 3, 5), False, ""),
    ("TBC", "ongoing", True, "no date in the words"),
    ("To be agreed", "ongoing", True, "no date in the words"),
    ("April 2017", D(2017, 4, 30), False, "a month: its last day"),
])
def test_vague_dates_and_how_each_was_read(text, expected, kept, how):
    reading = read_board_date(text, TRACKER_DAY)
    assert (reading.value, reading.kept) == (expected, kept)
    assert reading.how.startswith(how)


def test_a_date_shaped_text_that_is_no_day_and_its_fix():
    with pytest.raises(BoardDateError, match="'31/4/15' is not a real date"):
        read_board_date("31/4/15", TRACKER_DAY)
    fixed = read_board_date("31/4/15", TRACKER_DAY, {"31/4/15": D(2015, 4, 30)})
    assert fixed.value == D(2015, 4, 30) and fixed.how.startswith("--fix-date")


def test_the_dry_run_lists_how_each_date_was_read(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale",
                      "a,Audit.,Health,Q2 2017/18", "b,Train.,Police,Immediate", "c,Brief.,NSCB,TBC",
                      "d,Plan.,NSCB,01/06/17")
    result = run(repo, source, "--theme", "curiosity", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "dates read:\n" in out
    assert ("  row 2 column D: Target date 'Q2 2017/18' -> 30/09/2017 (the financial year's quarter 2 (April-June "
            "is Q1), ending 30/09/2017)") in out
    assert "  row 3 column D: Target date 'Immediate' -> 31/01/2017 (immediate: due on the tracker's date" in out
    assert "  row 4 column D: Target date 'TBC' -> ongoing (no date in the words: ongoing, the words kept)" in out
    assert "'01/06/17'" not in out                                           # a plain day needs no saying
    assert run(repo, source, "--theme", "curiosity").exit_code == 0
    got = {a.source_ref: a for a in loaded(repo).actions}
    assert got["b"].target_date == TRACKER_DAY                               # overdue from the next day
    assert Cap(repo)("list", "--overdue", "--as-of", "2017-02-01").stdout.count("Train.") == 1
    assert got["c"].target_date == "ongoing"
    assert got["c"].progress[0].text == "Target date in the tracker: TBC"


def test_a_day_that_does_not_exist_is_an_error_at_its_cell_until_fixed(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale", "a,Audit.,Health,31/4/15")
    before = snapshot(repo)
    result = run(repo, source, "--theme", "curiosity")
    assert result.exit_code == 1
    assert ("tracker.csv:2:1: error: CAP804 row 2, column D: Target date: '31/4/15' is not a real date; correct "
            "the cell, or give --fix-date \"31/4/15=DD/MM/YYYY\" to say what was meant") in result.stderr
    assert snapshot(repo) == before
    fixed = run(repo, source, "--theme", "curiosity", "--fix-date", "31/4/15=30/04/2015")
    assert fixed.exit_code == 0, fixed.output
    assert loaded(repo).actions[0].target_date == D(2015, 4, 30)
    assert run(repo, source, "--fix-date", "31/4/15").exit_code == 2


# ------------------------------------------------------------------ status words


@pytest.mark.parametrize("word,status,rating,kept", [
    ("Amber/Green", "in-progress", None, True), ("Amber / Green", "in-progress", None, True),
    ("Green/Blue", "complete", None, True), ("Completed - awaiting evidence", "complete", None, True),
    ("Partially complete", "in-progress", None, False), ("On track", "in-progress", None, False),
    ("Not yet due", "open", None, True), ("Overdue", "in-progress", None, True),
    ("Superseded", "withdrawn", None, False), ("Amber", "in-progress", "Amber", False),
])
def test_status_words(repo, tmp_path, word, status, rating, kept):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Status", f"a,Audit.,Health,01/06/17,{word}")
    result = run(repo, source, "--theme", "curiosity")
    assert result.exit_code == 0, result.output
    action = loaded(repo).actions[0]
    assert (action.status, action.rating) == (status, rating)
    texts = [e.text for e in action.progress]
    assert (f"Status in the tracker: {word}" in "\n".join(texts)) is kept


# ------------------------------------------------------------------ rows skipped


DHR_HEADER = ["Recommendation", "Scope of recommendation i.e. local or regional", "Action to take", "Lead Agency",
              "Key milestones achieved in enacting recommendation", "Target Date", "Date of completion and Outcome"]
DHR_GUIDANCE = ["What is the over-arching recommendation?", "Local, regional or national level?",
                "How exactly is the relevant agency going to make this recommendation happen?",
                "Which agency is responsible for monitoring progress of the actions?",
                "Have there been key steps that have allowed the recommendation to be enacted?",
                "When should this recommendation be completed by?",
                "When is the recommendation completed and what is the outcome?"]


def test_the_home_office_dhr_template_with_its_guidance_row(repo, tmp_path):
    source = make_workbook(tmp_path / "dhr.xlsx", {"Action Plan": [
        ["Domestic Homicide Review: Adult C - action plan"], DHR_HEADER, DHR_GUIDANCE,
        ["Agencies should train staff in coercive control.", "Local", "Deliver training to front-line staff.",
         "Police", "Training designed.", "Q4 2017/18", "12/03/2018 - 240 staff trained"],
        ["The CSP should audit risk assessments.", "Local", "Audit 30 DASH risk assessments.",
         "Community Safety Partnership", "", "Spring 2018", ""],
    ]})
    result = run(repo, source, "--theme", "curiosity", "--dry-run", "--add-reviews")
    assert result.exit_code == 0, result.output
    assert ("sheet 'Action Plan' row 3: the template's guidance ('What is the over-arching recommendation?' ...): "
            "skipped") in result.stdout
    assert "ignored" not in result.stdout                       # every column of the template is read
    assert "column F 'Target Date' -> target_date" in result.stdout
    assert "column G 'Date of completion and Outcome' -> completed" in result.stdout
    result = Cap(repo)("import", str(source), "--theme", "curiosity", "--progress-date", "2018-06-30",
                       "--add-reviews")
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    review = plan.scrs[0]                                   # the title row names the review
    assert (review.id, review.title, review.kind) == ("Adult-C", "Domestic Homicide Review Adult C", "dhr")
    assert [(r.id, r.text) for r in review.recommendations] == [
        ("Adult-C-1", "Agencies should train staff in coercive control."),
        ("Adult-C-2", "The CSP should audit risk assessments.")]
    first, second = plan.actions
    assert first.action == "Deliver training to front-line staff.\nScope: Local"
    assert (first.recommendations, second.recommendations, first.scrs) == (["Adult-C-1"], ["Adult-C-2"], ["Adult-C"])
    assert (first.status, first.target_date, first.completed) == ("complete", D(2018, 3, 31), D(2018, 3, 12))
    assert [(e.date, e.text) for e in first.progress] == [
        (D(2018, 3, 12), "Training designed.\n12/03/2018 - 240 staff trained")]
    assert (second.status, second.target_date, second.lead) == ("open", D(2018, 5, 31),
                                                                ["Community Safety Partnership"])


def test_skip_row_and_skip_incomplete(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale", "a,Audit.,Health,01/06/17",
                      "b,Example row: delete me,Agency,dd/mm/yy", "c,Train.,,01/06/17", "d,,Police,01/06/17")
    refused = run(repo, source, "--theme", "curiosity")
    assert refused.exit_code == 1
    assert "row 4, column C: Lead agency is empty: fill it in, or give --skip-incomplete" in refused.stderr
    assert "row 5, column B: this row has no action text" in refused.stderr
    result = run(repo, source, "--theme", "curiosity", "--skip-row", "3", "--skip-incomplete")
    assert result.exit_code == 0, result.output
    assert "row 3: skipped (--skip-row)" in result.stdout
    assert "warning: row 4: no lead; skipped (--skip-incomplete)" in result.stdout
    assert "warning: row 5: no action text; skipped (--skip-incomplete)" in result.stdout
    assert [a.source_ref for a in loaded(repo).actions] == ["a"]
    assert run(repo, source, "--skip-row", "x").exit_code == 2


# ------------------------------------------------------------------ columns


def test_ignored_columns_are_listed_once(repo, tmp_path):
    source = make_workbook(tmp_path / "two.xlsx", {"Plan": [
        ["No.", "Action", "Lead", "Timescale", "Notes"], ["Professional curiosity"], ["a", "A.", "NSCB", "Q1 2018", "x"],
        ["No.", "Action", "Lead", "Timescale", "Notes"], ["Information sharing"], ["b", "B.", "NSCB", "Q1 2018", "y"],
    ]})
    result = run(repo, source)
    assert result.exit_code == 0, result.output
    assert "ignored columns: Notes\n" in result.stdout


def test_map_lists_every_field_and_maps_dated_fields(repo, tmp_path):
    help_text = " ".join(Cap()("import", "--help").stdout.split())
    assert ", ".join(FIELDS) in help_text.replace("│ ", "").replace(" │", "") or all(f in help_text for f in FIELDS)
    bad = run(repo, tmp_path, "--map", "X=nonsense")
    assert bad.exit_code == 2 and "the fields are " + ", ".join(FIELDS) in bad.stderr
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Next look,Impact check",
                      "a,Audit.,Health,01/06/17,Q3 2017,30/06/2018")
    result = run(repo, source, "--theme", "curiosity", "--map", "Next look=review_date",
                 "--map", "Impact check=impact_review")
    assert result.exit_code == 0, result.output
    action = loaded(repo).actions[0]
    assert (action.review_date, action.impact_review) == (D(2017, 9, 30), D(2018, 6, 30))


def test_the_help_of_map_names_the_fields_the_importer_accepts():
    from cap.cli.setup import _MAP_FIELDS

    assert _MAP_FIELDS.split(", ") == list(FIELDS)


def test_a_value_cap_cannot_store_is_an_error_at_its_source_cell(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Outcome", "a,Audit.,NSCB,01/06/17,fine\x1b[2J")
    result = run(repo, source, "--theme", "curiosity")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "row 2, column E: the cell holds the control character \\x1b" in lines[0], lines
    assert "data/actions" not in result.stderr and ".yaml" not in result.stderr


def test_caps_own_columns_take_board_dates_and_skip_row(repo, tmp_path):
    source = csv_file(tmp_path, "Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress",
                      "curiosity,1.1,D,Audit.,NSCB,Q2 2017/18,Begun.", "curiosity,1.2,D,Train.,NSCB,TBC,",
                      "curiosity,1.3,D,Example: delete this row,NSCB,dd/mm/yy,", "curiosity,1.4,D,Brief.,NSCB,31/4/15,",
                      name="plan.csv")
    refused = run(repo, source, "--skip-row", "4")
    assert refused.exit_code == 1
    assert "row 5, column F: Target date: '31/4/15' is not a real date" in refused.stderr
    assert "or give --fix-date \"31/4/15=DD/MM/YYYY\" to say what was meant" in refused.stderr
    dry = run(repo, source, "--skip-row", "4", "--fix-date", "31/4/15=30/04/2015", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "row 4: skipped (--skip-row)" in dry.stdout
    assert "  row 2 column F: Target date 'Q2 2017/18' -> 30/09/2017 (the financial year's quarter 2" in dry.stdout
    assert "  row 3 column F: Target date 'TBC' -> ongoing (no date in the words" in dry.stdout
    assert run(repo, source, "--skip-row", "4", "--fix-date", "31/4/15=30/04/2015").exit_code == 0
    got = {a.ref: a for a in loaded(repo).actions}
    assert sorted(got) == ["1.1", "1.2", "1.4"]
    assert got["1.1"].target_date == D(2017, 9, 30)
    assert [e.text for e in got["1.1"].progress] == ["Begun."]
    assert (got["1.2"].target_date, [e.text for e in got["1.2"].progress]) == (
        "ongoing", ["Target date in the source: TBC"])
    assert got["1.4"].target_date == D(2015, 4, 30)
