"""Issue 24: recommendations and findings kept as the review's (data/scrs.yaml), --review and
--add-reviews, headings naming a review, leads naming people, several actions in one cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from cap.importer.numbered import numbered, split_row
from cap.importer.people import split_lead_cell
from cap.importer.recommendations import recommendation_heading, review_heading
from tests.conftest import Cap
from tests.test_cli_import import loaded, snapshot
from tests.test_import_docx import table
from tests.test_import_tracker import csv_file
from tests.test_import_xlsx import make_workbook

D = dt.date


@pytest.fixture
def repo(tmp_path) -> Path:
    """A fresh `cap init` whose scrs.yaml has Case Q."""
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    (tmp_path / "repo" / "data" / "scrs.yaml").write_text("scrs:\n- id: Q\n  title: Case Q\n  kind: scr\n",
                                                        encoding="utf-8")
    return tmp_path / "repo" / "data"


def run(data: Path, source: Path, *args: str):
    return Cap(data)("import", str(source), "--progress-date", "2017-01-31", *args)


def test_findings_as_heading_rows_become_the_reviews_recommendations(repo, tmp_path):
    source = make_workbook(tmp_path / "scr.xlsx", {"Action Plan": [
        ["SCR Child A (2016)"],
        ["Ref", "Action", "Lead", "Target date", "Progress"],
        ["SCR Finding 1: Use of IT"],
        ["1", "Audit the IT system.", "Health", "Q1 2017", ""],
        ["2", "Train staff on the system.", "Police", "Q2 2017", "Begun."],
        ["Recommendation 2: Share information"],
        ["3", "Publish the protocol.", "NSCB", "01/06/17", ""],
    ]})
    noted = run(repo, source, "--theme", "curiosity", "--dry-run")         # a title above the table: noted
    assert noted.exit_code == 0, noted.output
    assert ("sheet 'Action Plan' row 1: the title names the review 'Child A', not in scrs.yaml: give --add-reviews "
            "to record the actions as its own") in noted.stdout
    dry = run(repo, source, "--theme", "curiosity", "--add-reviews", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would add SCRs to scrs.yaml: Child-A" in dry.stdout
    assert "would add recommendations to scrs.yaml: Child-A-1, Child-A-2" in dry.stdout
    assert run(repo, source, "--theme", "curiosity", "--add-reviews").exit_code == 0
    plan = loaded(repo)
    review = next(s for s in plan.scrs if s.id == "Child-A")
    assert (review.title, review.kind) == ("SCR Child A (2016)", "scr")
    assert [(r.id, r.text, r.response) for r in review.recommendations] == [
        ("Child-A-1", "Use of IT", "accepted"), ("Child-A-2", "Share information", "accepted")]
    got = {a.source_ref: a for a in plan.actions}
    assert [(got[x].recommendations, got[x].scrs) for x in ("1", "2", "3")] == [
        (["Child-A-1"], ["Child-A"]), (["Child-A-1"], ["Child-A"]), (["Child-A-2"], ["Child-A"])]
    assert got["1"].action == "Audit the IT system."                    # the finding is not in the action's text
    assert Cap(repo)("validate", "--as-of", "2017-07-01").exit_code == 0
    shown = Cap(repo)("reviews", "Child-A", "--as-of", "2017-07-01")
    assert shown.exit_code == 0 and "Child-A-1" in shown.stdout


def test_a_recommendation_column_and_the_review_option(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Recommendation,Action,Lead,Timescale",
                      "1,Agencies should audit supervision.,Audit 20 files.,Health,01/06/17",
                      "2,Agencies should audit supervision.,Report to the board.,Health,01/07/17",
                      "3,The board should publish learning.,Publish a briefing.,NSCB,01/08/17")
    result = run(repo, source, "--theme", "curiosity", "--review", "Q")
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    case_q = next(s for s in plan.scrs if s.id == "Q")
    assert [(r.id, r.text) for r in case_q.recommendations] == [
        ("Q-1", "Agencies should audit supervision."), ("Q-2", "The board should publish learning.")]
    assert [(a.recommendations, a.scrs) for a in plan.actions] == [(["Q-1"], ["Q"]), (["Q-1"], ["Q"]),
                                                                   (["Q-2"], ["Q"])]
    assert Cap(repo)("validate", "--as-of", "2017-07-01").exit_code == 0
    unknown = run(repo, source, "--theme", "curiosity", "--scr", "Z9")
    assert unknown.exit_code == 1 and "--review 'Z9' is not a review in scrs.yaml" in unknown.stderr
    assert "--add-reviews" in unknown.stderr


def test_without_a_review_the_recommendation_stays_in_the_action_text(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Recommendation,Action,Lead,Timescale",
                      "1,Agencies should audit supervision.,Audit 20 files.,Health,01/06/17")
    assert run(repo, source, "--theme", "curiosity").exit_code == 0
    action = loaded(repo).actions[0]
    assert action.action == "Audit 20 files.\nRecommendation: Agencies should audit supervision."
    assert action.recommendations == []


def test_a_word_plan_with_a_review_heading_per_table(repo, tmp_path):
    document = docx.Document()
    document.add_paragraph("Action plan, March 2018")
    table(document, ["Version", "Date"], [["1", "01/03/18"]])
    document.add_heading("LCSPR Family B", level=1)
    document.add_heading("Finding 1: Neglect was not recognised", level=2)
    table(document, ["No.", "Action", "Lead agency", "Target date"], [["1", "Run neglect training.", "NSCB", "Q4 2017"]])
    path = tmp_path / "plan.docx"
    document.save(path)
    refused = run(repo, path, "--theme", "curiosity")                   # a section heading: refused
    assert refused.exit_code == 1
    assert ("the heading 'LCSPR Family B' (before table 2): heading 'LCSPR Family B' names a review that is not in "
            "scrs.yaml (the reviews: Q); give --add-reviews to add it") in refused.stderr
    result = run(repo, path, "--theme", "curiosity", "--add-reviews")
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    review = next(s for s in plan.scrs if s.id == "Family-B")
    assert review.kind == "cspr" and [r.text for r in review.recommendations] == ["Neglect was not recognised"]
    assert plan.actions[0].recommendations == ["Family-B-1"]


def test_leads_with_named_officers(repo, tmp_path):
    source = csv_file(
        tmp_path, "No.,Action,Lead,Lead officer,Timescale",
        '1,Audit.,"Michael Lozano, Patient Safety Lead, Norfolk and Suffolk NHS Foundation Trust",,01/06/17',
        '2,Train.,Chair / DCS,"Pat Jones\nSam Lee",01/06/17',
        "3,Brief.,Norfolk Constabulary,,01/06/17")
    assert run(repo, source, "--theme", "curiosity").exit_code == 0
    got = {a.source_ref: a for a in loaded(repo).actions}
    assert (got["1"].lead, got["1"].owner) == (["Norfolk and Suffolk NHS Foundation Trust"],
                                               "Michael Lozano, Patient Safety Lead")
    assert (got["2"].lead, got["2"].owner) == (["Chair", "DCS"], "Pat Jones; Sam Lee")   # several people: all kept
    assert (got["3"].lead, got["3"].owner) == (["Norfolk Constabulary"], None)


def test_leads_matched_through_agencies_yaml(repo):
    from cap.agencies import Agency

    nsft = Agency(id="nsft", name="NSFT", aliases=["Norfolk and Suffolk NHS Foundation Trust"])
    assert split_lead_cell("Jane Smith, Norfolk and Suffolk NHS Foundation Trust", [nsft]) == (["NSFT"], "Jane Smith")
    assert split_lead_cell("Designated Nurse, NSFT", [nsft]) == (["NSFT"], "Designated Nurse")
    assert split_lead_cell("Health/NSCB", []) == (["Health", "NSCB"], None)


def test_a_numbered_double_action_cell(repo, tmp_path):
    source = csv_file(
        tmp_path, "No.,Recommendation,Action,Lead,Lead officer,Timescale",
        '1,Improve IT.,"1. To review the IT system. 2. To monitor its use.",Health,"1. Pat Jones 2. Sam Lee",'
        '"1. Q1 2017 2. Q3 2017"',
        '2,Share.,"1. To write guidance. 2. To train staff.",NSCB,,"1. 01/06/17 2. 01/07/17 3. 01/08/17"')
    result = run(repo, source, "--theme", "curiosity", "--review", "Q")
    assert result.exit_code == 0, result.output
    assert "row 2: the Action cell numbers 2 actions: imported as 2" in result.stdout
    assert ("row 3: the Action cell numbers 2 actions, the target date cell 3: kept as one action"
            in result.stdout)
    got = {a.source_ref: a for a in loaded(repo).actions}
    assert sorted(got) == ["1 (1)", "1 (2)", "2"]
    first, second = got["1 (1)"], got["1 (2)"]
    assert (first.action, first.owner, first.target_date) == ("To review the IT system.", "Pat Jones", D(2017, 3, 31))
    assert (second.action, second.owner, second.target_date) == ("To monitor its use.", "Sam Lee", D(2017, 9, 30))
    assert first.recommendations == second.recommendations == ["Q-1"]              # the same recommendation


@pytest.mark.parametrize("text,expected", [
    ("1. To review the policy. 2. To monitor its use.", ["To review the policy.", "To monitor its use."]),
    ("1) Audit\n2) Report", ["Audit", "Report"]),
    ("Review 2. policies", None), ("2. Start at two 3. then three", None), ("One action.", None),
])
def test_numbered_cells(text, expected):
    assert numbered(text) == expected


def test_split_row_keeps_an_unnumbered_cell_for_each_action():
    parts, why = split_row({"action": "1. A 2. B", "lead": "Health", "target_date": "1. Q1 2017 2. Q2 2017"})
    assert why is None and [(p["action"], p["lead"], p["target_date"]) for p in parts] == [
        ("A", "Health", "Q1 2017"), ("B", "Health", "Q2 2017")]


@pytest.mark.parametrize("text,expected", [
    ("SCR Child A (2016)", ("scr", "Child A", "SCR Child A (2016)")),
    ("LCSPR Family B", ("cspr", "Family B", "LCSPR Family B")),
    ("DHR - Adult C", ("dhr", "Adult C", "DHR Adult C")),
    ("Domestic Homicide Review: Adult C - action plan", ("dhr", "Adult C", "Domestic Homicide Review Adult C")),
    ("Professional curiosity", None), ("Scrutiny", None), ("SAR learning and development", None),
])
def test_review_headings(text, expected):
    assert review_heading(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("SCR Finding 1: Use of IT", (1, "Use of IT")), ("Recommendation 3", (3, "Recommendation 3")),
    ("Finding: Neglect", (None, "Neglect")), ("Professional curiosity", None), ("Recommendations", None),
    ("Record keeping", None), ("Findings from audits", None),
])
def test_recommendation_headings(text, expected):
    assert recommendation_heading(text) == expected


def test_nothing_written_when_a_review_is_refused(repo, tmp_path):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale", "1,Audit.,Health,01/06/17")
    before = snapshot(repo)
    assert run(repo, source, "--theme", "curiosity", "--review", "New").exit_code == 1
    assert snapshot(repo) == before
    assert run(repo, source, "--theme", "curiosity", "--review", "New", "--add-reviews").exit_code == 0
    assert [s.id for s in loaded(repo).scrs] == ["New", "Q"]       # a sorted list stays sorted
