"""Reviews and recommendations: the record format, validate's checks, `cap reviews`,
`cap list --review/--kind/--impact-due`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from tests.conftest import DATA, Cap
from tests.reviewsfixture import AS_OF, actions, write_plan
from tests.test_cli_show import run_cap


@pytest.fixture
def data(tmp_path):
    return write_plan(tmp_path / "data")


def codes(result) -> list[str]:
    return [line.split(": ")[2].split()[0] for line in result.output.splitlines() if ": error: " in line
            or ": warning: " in line]


def edit_scrs(data, change):
    doc = yaml.safe_load((data / "scrs.yaml").read_text())
    change(doc)
    (data / "scrs.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def test_the_fixture_and_the_real_plan_validate_strictly(data):
    assert Cap(data)("validate", "--strict", "--as-of", AS_OF.isoformat()).exit_code == 0
    real = Cap(DATA)("validate", "--strict")
    assert real.exit_code == 0, real.output
    assert Cap(DATA)("fmt", "--check").exit_code == 0


def test_every_norfolk_case_is_an_scr_with_nothing_else_added():
    doc = yaml.safe_load((DATA / "scrs.yaml").read_text())
    assert {s["kind"] for s in doc["scrs"]} == {"scr"}
    assert not any({"published", "url", "recommendations"} & set(s) for s in doc["scrs"])


def test_recommendation_ids_and_reasons(data):
    def change(doc):
        recs = doc["scrs"][0]["recommendations"]
        recs[0]["id"] = "X-1"                # not the case's id
        del recs[1]["reason"]                # not-accepted without a reason
    edit_scrs(data, change)
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert "CAP216" in codes(result) and "CAP217" in codes(result)
    assert "recommendation id `X-1` should be the case's id" in result.output


def test_an_action_answers_a_declared_recommendation_of_a_case_it_cites(data):
    text = (data / "actions" / "4.2.yaml").read_text()
    (data / "actions" / "4.2.yaml").write_text(text.replace("all_scrs: false\n", "all_scrs: false\nrecommendations:\n- A-9\n- B-1\n"))
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert codes(result).count("CAP218") == 2
    assert "recommendation `A-9` is not declared" in result.output
    assert "recommendation `B-1` is of case B, which the action does not cite" in result.output


def test_an_accepted_recommendation_without_an_action_warns_and_fails_strict(data):
    text = (data / "actions" / "1.1.yaml").read_text()
    (data / "actions" / "1.1.yaml").write_text(text.replace("recommendations:\n- A-1\n", ""))
    plain = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert plain.exit_code == 0 and "warning: CAP219 recommendation `A-1` is accepted but no action answers it" in plain.output
    assert Cap(data)("validate", "--strict", "--as-of", AS_OF.isoformat()).exit_code == 1


def test_a_withdrawn_action_does_not_answer(data):
    # 1.3 answers B-1; withdrawn, it no longer does
    text = (data / "actions" / "1.3.yaml").read_text()
    text = text.replace("status: in-progress\n", "status: withdrawn\n").replace(
        "target_history:", "withdrawn_reason: Gone.\ntarget_history:")
    (data / "actions" / "1.3.yaml").write_text(text)
    assert "CAP219" in codes(Cap(data)("validate", "--as-of", AS_OF.isoformat()))


@pytest.mark.parametrize("field, value, message", [
    ("completed", "2017-02-01", "completed 2017-02-01 is before opened 2017-03-01"),
    ("opened", "2017-09-01", "completed 2017-08-15 is before opened 2017-09-01"),
])
def test_life_dates_in_order(data, field, value, message):
    path = data / "actions" / "1.1.yaml"
    text = path.read_text()
    import re
    path.write_text(re.sub(rf"^{field}: .*$", f"{field}: {value}", text, flags=re.M))
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 1 and "CAP220" in codes(result) and message in result.output


def test_signed_off_before_completed_and_withdrawn_before_opened(data):
    p = data / "actions" / "1.2.yaml"
    p.write_text(p.read_text().replace("completed: 2017-10-01", "completed: 2017-11-02"))
    q = data / "actions" / "4.1.yaml"
    q.write_text(q.read_text().replace("withdrawn: 2018-02-01", "withdrawn: 2016-11-01"))
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert "signed off 2017-11-01 is before completed 2017-11-02" in result.output
    assert "withdrawn 2016-11-01 is before opened 2016-12-01" in result.output


def test_closed_without_outcome_or_evidence_only_under_strict(data):
    p = data / "actions" / "1.2.yaml"
    p.write_text(p.read_text().replace("outcome: Audit reported.\n", ""))
    assert Cap(data)("validate", "--as-of", AS_OF.isoformat()).exit_code == 0
    strict = Cap(data)("validate", "--strict", "--as-of", AS_OF.isoformat())
    assert strict.exit_code == 1 and "CAP221" in codes(strict)


def test_a_future_life_date_is_reported_once(data):
    p = data / "actions" / "4.2.yaml"
    p.write_text(p.read_text().replace("opened: 2018-04-15", "opened: 2018-07-15"))
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    assert "`opened` dated 2018-07-15 is in the future" in result.output


# ------------------------------------------------------------------ cap reviews


def test_reviews_lists_each_case(data):
    result = Cap(data)("reviews", "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.output
    got = {r["id"]: r for r in json.loads(result.stdout)["reviews"]}
    a, b, c = got["A"], got["B"], got["C"]
    # A: published 10/05/2017, 13 whole months to 30/06/2018; 1.1 opened 01/03/2017, in time
    assert (a["kind"], a["published"], a["months_since_published"], a["plan_late"]) == ("scr", "2017-05-10", 13, False)
    assert a["recommendations"] == {"accepted": 1, "partially_accepted": 1, "not_accepted": 1}
    assert a["actions"] == {"total": 2, "closed": 1, "overdue": 0, "withdrawn": 1}   # 4.1 withdrawn apart
    # B: published 15/01/2016, nothing opened by 15/04/2016 (4.3 opened in June): flagged
    assert b["plan_late"] is True and b["flag"] == "no plan within 3 months"
    assert b["actions"] == {"total": 2, "closed": 1, "overdue": 1, "withdrawn": 0}  # 1.3 past 01/06/2018
    assert (c["published"], c["plan_late"], c["flag"]) == (None, None, None)


def test_reviews_text_and_md(data):
    text = Cap(data)("reviews", "--as-of", AS_OF.isoformat())
    assert text.exit_code == 0 and "no plan within 3 months" in text.stdout
    md = Cap(data)("reviews", "--as-of", AS_OF.isoformat(), "-f", "md").stdout
    assert "| B | sar | 15/01/2016 | 29 | 1 | 0 | 0 | 2 | 1 | 1 | 0 | no plan within 3 months |" in md


def test_one_review_in_full(data):
    result = Cap(data)("reviews", "a", "--as-of", AS_OF.isoformat(), "-f", "json")
    review = json.loads(result.stdout)["review"]
    assert [(r["id"], r["response"], [a["ref"] for a in r["actions"]]) for r in review["recommendations"]] == [
        ("A-1", "accepted", ["1.1"]), ("A-2", "not-accepted", []), ("A-3", "partially-accepted", ["1.2"])]
    assert [a["ref"] for a in review["other_actions"]] == ["4.1"]
    md = Cap(data)("reviews", "A", "--as-of", AS_OF.isoformat(), "-f", "md").stdout
    assert "Response: not-accepted: Out of scope." in md and "### A-1: accepted" in md


def test_unknown_review_and_format(data):
    result = Cap(data)("reviews", "Z")
    assert result.exit_code == 2 and "unknown review 'Z' (cases: A, B, C)" in result.output
    assert Cap(data)("reviews", "-f", "xml").exit_code == 2


def test_reviews_as_a_real_process():
    result = run_cap("--data", str(DATA), "reviews", "Q", "--as-of", "2017-07-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    review = json.loads(result.stdout)["review"]
    assert review["kind"] == "scr" and [a["ref"] for a in review["other_actions"]] == ["1.4", "4.9", "4.10"]


# ------------------------------------------------------------------ cap list


def test_list_review_is_scr():
    cap = Cap(DATA)
    assert cap("list", "--review", "Q", "--as-of", "2017-07-01").stdout == cap("list", "--scr", "Q", "--as-of", "2017-07-01").stdout


def test_list_kind(data):
    def refs(*args):
        return [a["ref"] for a in json.loads(Cap(data)("list", *args, "-f", "json", "--as-of", AS_OF.isoformat()).stdout)]
    assert refs("--kind", "sar") == ["1.3", "4.1", "4.3"]       # B's actions, and 4.1 for all reviews
    assert refs("--kind", "dhr") == ["4.1", "4.2"]
    assert Cap(data)("list", "--kind", "inquest").exit_code == 2


def test_list_impact_due(data):
    def due(day):
        return [a["ref"] for a in json.loads(Cap(data)("list", "--impact-due", "-f", "json", "--as-of", day).stdout)]
    assert due("2018-06-30") == []            # 4.3's review has an entry since sign-off; 1.2's is in November
    assert due("2018-11-01") == ["1.2"]
    Cap(data)("impact", "1.2", "Re-audit: in use.", "--date", "2018-06-01")  # after sign-off: answers it
    assert due("2018-11-01") == []


def test_all_action_fields_round_trip_through_the_writer(data):
    from cap.loader import load_plan
    plan, problems = load_plan(data)
    assert not problems and [a.model_dump() for a in plan.actions] == [a.model_dump() for a in actions()]
