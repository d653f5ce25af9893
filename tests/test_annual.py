"""The annual statistics: each figure against the fixture plan's dates, worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cap.lifedates import life_dates
from cap.loader import load_plan
from cap.reports.annual import PeriodError, annual, financial_year, target_on
from tests.reviewsfixture import AS_OF, write_plan
from tests.conftest import DATA, Cap

YEAR = (dt.date(2017, 4, 1), dt.date(2018, 3, 31))


@pytest.fixture
def data(tmp_path):
    return write_plan(tmp_path / "data")


@pytest.fixture
def figures(data):
    plan, problems = load_plan(data)
    assert not problems
    return annual(plan, life_dates(plan.actions, data, use_git=False), *YEAR)


def test_financial_year():
    assert financial_year("2017-18") == YEAR
    assert financial_year("2017/2018") == YEAR
    assert financial_year("2017") == YEAR
    for bad in ("2017-19", "17-18", "next year"):
        with pytest.raises(PeriodError):
            financial_year(bad)


def test_opened_in_the_period(figures):
    # 1.2 opened 2017-06-01 and 1.3 2017-07-01; 1.1 (March 2017), 4.1, 4.3 before, 4.2 after (April 2018)
    assert figures.totals["opened"] == 2 and figures.refs["opened"] == ["1.2", "1.3"]


def test_completed_signed_off_withdrawn(figures):
    assert figures.refs["completed"] == ["1.1", "1.2"]      # 2017-08-15, 2017-10-01 (4.3 in 2016)
    assert figures.refs["signed_off"] == ["1.2"]            # 2017-11-01 (4.3 signed off in 2016)
    assert figures.withdrawn == [("4.1", "Superseded.")]    # 2018-02-01


def test_target_revisions(figures):
    # 1.1 on 2017-05-01 by 92 days (1 June -> 1 Sept); 1.3 on 2017-07-20 by 61 days; 1.3's of 2018-05-01 is after
    assert figures.totals["revised"] == 2
    assert sorted(figures.revision_days) == [61, 92]
    assert (figures.revised_total_days, figures.revised_median_days) == (153, 76.5)


def test_progress_entries_dated_in_the_period(figures):
    # 1.1: 05-01, 08-15; 1.2: 06-01, 10-01, 11-01; 1.3: 07-01, 07-20; 4.1: 2018-02-01
    assert figures.totals["progress"] == 8


def test_state_at_the_end_of_the_period(figures):
    assert figures.refs["active_at_end"] == ["1.3"]        # 4.2 opened after; the rest done or withdrawn
    assert figures.refs["awaiting_at_end"] == ["1.1"]      # complete, not signed off
    # 1.3's target in force on 31/03/2018 is 01/10/2017 (its revision to June 2018 came in May): overdue
    assert figures.refs["overdue_at_end"] == ["1.3"]


def test_target_in_force_comes_from_the_history(data):
    plan, _ = load_plan(data)
    action = plan.action("1.3")
    assert target_on(action, dt.date(2017, 7, 19)) == dt.date(2017, 8, 1)
    assert target_on(action, dt.date(2017, 7, 20)) == dt.date(2017, 10, 1)
    assert target_on(action, dt.date(2018, 6, 1)) == dt.date(2018, 6, 1)


def test_share_completed_by_the_original_target(figures):
    # 1.1: original 2017-06-01, done 2017-08-15 (late); 1.2: original 2017-12-01, done 2017-10-01
    assert (figures.completed_on_time, figures.completed_with_date_target) == (1, 2)
    assert figures.on_time_share == 0.5


def test_impact(figures):
    assert figures.refs["impact_due"] == ["4.3"]       # review due 2017-10-01 (1.2's is November 2018)
    assert figures.refs["impact_entries"] == ["4.3"]   # entry of 2017-10-20


def test_recommendations_not_accepted_of_reviews_published_in_the_period(figures):
    # A was published 2017-05-10 (in); B in 2016 (out), its only one accepted anyway
    assert figures.not_accepted == [("A", "A-2", "not-accepted", "Out of scope."),
                                    ("A", "A-3", "partially-accepted", "Cost: a sample.")]


def test_by_theme_case_kind_and_lead(figures):
    assert {k: v["opened"] for k, v in figures.by_theme.items()} == {
        "1. Professional curiosity": 2, "4. Ownership and accountability": 0}
    assert list(figures.by_case) == ["A", "B", "C", "All reviews"]
    assert figures.by_case["A"]["completed"] == 2 and figures.by_case["A"]["withdrawn"] == 1
    assert figures.by_case["All reviews"]["withdrawn"] == 1
    # 4.1 is for all reviews: it counts under every kind
    assert {k: (v["opened"], v["withdrawn"]) for k, v in figures.by_kind.items()} == {
        "dhr": (0, 1), "scr": (1, 1), "sar": (1, 1)}
    assert {k: v["opened"] for k, v in figures.by_lead.items()} == {"Education": 0, "Health": 2, "NSCB": 1}


def test_per_month(figures):
    assert figures.months[0] == "2017-04" and figures.months[-1] == "2018-03" and len(figures.months) == 12
    by_month = dict(zip(figures.months, zip(figures.opened_by_month, figures.completed_by_month)))
    assert {m: v for m, v in by_month.items() if v != (0, 0)} == {
        "2017-06": (1, 0), "2017-07": (1, 0), "2017-08": (0, 1), "2017-10": (0, 1)}


def test_period_running_backwards_is_refused(data):
    plan, _ = load_plan(data)
    with pytest.raises(PeriodError):
        annual(plan, life_dates(plan.actions, use_git=False), YEAR[1], YEAR[0])


# ------------------------------------------------------------------ the paper, in every format


def test_report_kind_annual_in_every_format(data):
    cap = Cap(data)
    as_json = cap("report", "--kind", "annual", "--year", "2017-18", "--as-of", AS_OF.isoformat(), "-f", "json")
    assert as_json.exit_code == 0, as_json.output
    got = json.loads(as_json.stdout)
    assert got["figures"]["opened"] == 2 and got["revision_days"] == {"count": 2, "total": 153, "median": 76.5}
    assert got["from"] == "2017-04-01" and got["to"] == "2018-03-31" and got["undated"] == 0
    md = cap("report", "--kind", "annual", "--from", "2017-04-01", "--to", "31/03/2018", "--as-of", "2018-06-30")
    assert "| Actions opened | 2 |" in md.stdout and "1 of 2 (50%)" in md.stdout
    assert "| A | A-2 | not-accepted | Out of scope. |" in md.stdout
    assert "all from the data files" in md.stdout
    html = cap("report", "--kind", "annual", "--year", "2017-18", "--as-of", "2018-06-30", "-f", "html").stdout
    assert html.count("<svg") == 1 and "<title>Jun 2017: 1 opened</title>" in html
    csv = cap("report", "--kind", "annual", "--year", "2017-18", "--as-of", "2018-06-30", "-f", "csv").stdout
    assert csv.startswith("\ufeff") and "Actions withdrawn,1" in csv


def test_stats_prints_the_annual_figures(data):
    result = Cap(data)("stats", "--year", "2017-18", "--as-of", "2018-06-30")
    assert result.exit_code == 0, result.output
    assert "Annual statistics, 01/04/2017 to 31/03/2018." in result.stdout
    assert "153 days in total, median 76.5 days" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--year", "2017-19"], "a financial year runs from one year into the next"),
    (["--from", "2017-04-01"], "needs both --from DATE and --to DATE"),
    (["--year", "2017-18", "--from", "2017-04-01"], "not both"),
    (["--from", "2018-04-01", "--to", "2017-04-01"], "ends (2017-04-01) before it starts"),
])
def test_period_options_refused(data, args, message):
    result = Cap(data)("report", "--kind", "annual", *args)
    assert result.exit_code == 2 and message in result.output


def test_annual_needs_a_period_and_period_needs_annual(data):
    assert "need a period" in Cap(data)("report", "--kind", "annual").output
    result = Cap(data)("report", "--year", "2017-18")
    assert result.exit_code == 2 and "for the annual statistics" in result.output


def test_the_shipped_plan_in_2016_17():
    """The Norfolk plan: every action opened on 31/01/2017, 2.4 complete that day."""
    result = Cap(DATA)("stats", "--year", "2016-17", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "Actions opened 22" in lines and "Actions completed 1" in lines
