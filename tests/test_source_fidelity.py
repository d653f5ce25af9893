"""The data files hold the January 2017 plan word for word (checked against the source)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cap.dates import parse_target
from cap.loader import load_plan
from tests.conftest import DATA, SOURCE

THEME_HEADINGS = {
    "Professional Curiosity": "curiosity",
    "Fora for discussion and information-sharing": "information-sharing",
    "Collaborative working, decision-making and planning": "collaboration",
    "Ownership and accountability: management grip": "accountability",
}


def source_rows() -> dict[str, dict]:
    """An independent reading of the source's tab-separated tables."""
    rows: dict[str, dict] = {}
    theme, last = None, None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) != 6:
            continue
        if cells[0] in THEME_HEADINGS:
            theme = THEME_HEADINGS[cells[0]]
        elif cells[0] == "Ref":
            continue
        elif cells[0] == "" and last:  # text run on after a page break (4.6)
            for key, extra in zip(("ref", "scr", "action", "lead", "target", "progress"), cells):
                if extra:
                    last[key] = f"{last[key]} {extra}"
        else:
            last = dict(zip(("ref", "scr", "action", "lead", "target", "progress"), cells), theme=theme)
            rows[last["ref"]] = last
    return rows


ROWS = source_rows()
PLAN, PROBLEMS = load_plan(DATA)
ACTIONS = {a.ref: a for a in PLAN.actions}


def test_the_real_data_loads_without_problems():
    assert PROBLEMS == []


def test_all_22_actions_are_there_in_natural_order():
    expected = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3"] + [
        f"4.{n}" for n in range(1, 12)
    ]
    assert len(ROWS) == 22
    assert [a.ref for a in PLAN.actions] == expected
    assert set(ROWS) == set(ACTIONS)


@pytest.mark.parametrize("ref", sorted(ROWS))
def test_action_matches_source_word_for_word(ref):
    row, action = ROWS[ref], ACTIONS[ref]
    assert action.theme == row["theme"]
    assert action.action == row["action"]
    assert action.lead == row["lead"].split("/")
    assert action.target_date == parse_target(row["target"])
    scr = row["scr"]
    assert action.all_scrs == ("All" in scr)
    assert action.scrs == [s for s in re.split(r"\s*,\s*", re.sub(r"\s*\(and All\)|^All$", "", scr)) if s]
    assert action.scr_label().replace(" ", "") == scr.replace(" ", "")
    assert len(action.progress) == 1
    assert action.progress[0].date == dt.date(2017, 1, 31)
    assert action.progress[0].text == row["progress"]
    assert action.status == ("complete" if row["progress"].startswith("Complete.") else "in-progress")


def test_page_break_text_of_4_6_is_joined():
    assert ACTIONS["4.6"].action.endswith(
        "in respect of safeguarding children and put in place mechanisms to ensure this is used "
        "effectively and routinely."
    )


def test_dates_are_day_first_and_4_2_is_ongoing():
    assert ACTIONS["1.1"].target_date == dt.date(2017, 6, 1)
    assert ACTIONS["2.3"].target_date == dt.date(2017, 12, 1)
    assert ACTIONS["4.2"].target_date == "ongoing"


def test_reference_data():
    assert [t.id for t in PLAN.themes] == ["curiosity", "information-sharing", "collaboration", "accountability"]
    assert [t.number for t in PLAN.themes] == [1, 2, 3, 4]
    assert [s.id for s in PLAN.scrs] == list("DIJKLMNOPQRS")
    cited = {s for a in PLAN.actions for s in a.scrs}
    assert cited == {s.id for s in PLAN.scrs}
    assert "PowerPoint" in next(s for s in PLAN.scrs if s.id == "Q").note
