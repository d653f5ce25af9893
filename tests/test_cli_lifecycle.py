"""`cap retarget`, `cap close`, `cap withdraw`, `cap reopen`: what they record, what shows it, refusals."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cap
from tests.test_cli_progress import changed_lines, entries, git, repo  # noqa: F401 - the fixture
from tests.test_cli_show import run_cap


def shown(data, ref):
    return json.loads(Cap(data)("show", ref, "--format", "json", "--as-of", "2017-07-01").stdout)


def listed(data, *args):
    return json.loads(Cap(data)("list", "--format", "json", "--as-of", "2017-07-01", *args).stdout)


# ------------------------------------------------------------------ retarget


@pytest.mark.slow
def test_retarget_keeps_the_history_and_show_list_json_carry_it(data_copy, fixed_today):
    cap = Cap(data_copy)
    result = cap("retarget", "4.4", "01/09/17", "--reason", "Awaiting the MASH evaluation.", "--date", "2017-01-15")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "4.4: target date 2017-03-01 -> 2017-09-01 (data/actions/4.4.yaml)\n"
    assert cap("retarget", "4.4", "ongoing", "--reason", "Annual cycle.", "--date", "2017-06-30",
               "--author", "MEO").exit_code == 0
    record = shown(data_copy, "4.4")
    assert record["target_date"] == "ongoing"
    assert record["original_target_date"] == "2017-03-01"
    assert record["slipped"] is True
    assert record["target_history"] == [
        {"date": "2017-01-15", "from": "2017-03-01", "to": "2017-09-01", "reason": "Awaiting the MASH evaluation."},
        {"date": "2017-06-30", "from": "2017-09-01", "to": "ongoing", "reason": "Annual cycle."},
    ]
    assert [e["text"] for e in record["progress"]] == [
        "Target date revised from 2017-03-01 to 2017-09-01: Awaiting the MASH evaluation.",
        record["progress"][1]["text"],
        "Target date revised from 2017-09-01 to ongoing: Annual cycle.",
    ]  # in date order: the first revision was back-dated before the log's entry of 2017-01-31
    assert record["progress"][2]["author"] == "MEO"
    assert [r["ref"] for r in listed(data_copy, "--slipped")] == ["4.4"]
    table = cap("list", "--theme", "accountability", "--as-of", "2017-07-01").stdout
    assert "ongoing *" in table
    text = cap("show", "4.4", "--as-of", "2017-07-01").stdout
    assert "  revised    2017-01-15: 2017-03-01 -> 2017-09-01 (Awaiting the MASH evaluation.)" in text
    assert listed(data_copy, "--overdue", "--theme", "accountability")  # others still overdue
    assert "4.4" not in [r["ref"] for r in listed(data_copy, "--overdue")]


def test_retarget_earlier_is_not_a_slip(data_copy, fixed_today):
    assert Cap(data_copy)("retarget", "4.4", "2017-02-01", "--reason", "Brought forward.").exit_code == 0
    assert shown(data_copy, "4.4")["slipped"] is False
    assert listed(data_copy, "--slipped") == []


def test_git_diff_of_a_retarget(repo, fixed_today):  # noqa: F811
    assert Cap(repo / "data")("retarget", "4.4", "2017-09-01", "--reason", "Evaluation due.").exit_code == 0
    removed, added = changed_lines(repo)
    assert removed == ["target_date: 2017-03-01"]
    assert added == [
        "target_date: 2017-09-01",
        "target_history:", "- date: 2017-07-01", "  from: 2017-03-01", "  to: 2017-09-01", "  reason: Evaluation due.",
        "- date: 2017-07-01", "  text: >-", "    Target date revised from 2017-03-01 to 2017-09-01: Evaluation due.",
    ]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["4.4", "2017-03-01", "--reason", "x"], 1, "4.4's target date is already 2017-03-01"),
        (["4.4", "01/03/17", "--reason", "x"], 1, "already 2017-03-01"),
        (["4.4", "2017-09-01"], 2, 'the reason is empty (give --reason "...")'),
        (["4.4", "2017-09-01", "--reason", " "], 2, "the reason is empty"),
        (["4.4", "31/09/17", "--reason", "x"], 2, "DATE: '31/09/17' is not a real date"),
        (["4.4", "someday", "--reason", "x"], 2, "DATE: 'someday' is not a date"),
        (["4.4", "2017-09-01", "--reason", "x", "--date", "2017-07-02"], 1, "is after today"),
        (["2.4", "2017-09-01", "--reason", "x"], 1,
         "cannot retarget 2.4: it is complete; only an open or in-progress action has a target to revise"),
        (["9.9", "2017-09-01", "--reason", "x"], 2, "unknown ref '9.9'"),
    ],
)
def test_retarget_refusals(data_copy, fixed_today, args, code, message):
    before = (data_copy / "actions" / "4.4.yaml").read_bytes()
    result = Cap(data_copy)("retarget", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert (data_copy / "actions" / "4.4.yaml").read_bytes() == before


# ------------------------------------------------------------------ close


def test_close_signs_a_complete_action_off(data_copy, fixed_today):
    result = Cap(data_copy)("close", "2.4", "--date", "20/06/17", "--by", "SCR Review Group")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2.4: closed, signed off by SCR Review Group on 2017-06-20; impact review 2018-06-20 (data/actions/2.4.yaml)\n"
    record = shown(data_copy, "2.4")
    assert record["status"] == "closed"
    assert record["signed_off"] == {"date": "2017-06-20", "by": "SCR Review Group"}
    assert record["progress"][-1] == {"date": "2017-06-20", "text": "Signed off by SCR Review Group; closed.",
                                      "author": None}
    lines = Cap(data_copy)("show", "2.4").stdout.splitlines()
    assert [" ".join(l.split()) for l in lines if l.startswith("Signed off")] == [
        "Signed off 2017-06-20 by SCR Review Group"]
    assert [r["ref"] for r in listed(data_copy, "--status", "closed")] == ["2.4"]


def test_close_date_defaults_to_today(data_copy, fixed_today):
    Cap(data_copy)("close", "2.4", "--by", "SCR Review Group", "--author", "Business manager")
    assert shown(data_copy, "2.4")["signed_off"] == {"date": "2017-07-01", "by": "SCR Review Group"}
    assert shown(data_copy, "2.4")["progress"][-1]["author"] == "Business manager"


def test_git_diff_of_a_close(repo, fixed_today):  # noqa: F811
    Cap(repo / "data")("close", "2.4", "--by", "SCR Review Group")
    removed, added = changed_lines(repo)
    assert removed == ["status: complete"]
    assert added == ["status: closed", "signed_off:", "  date: 2017-07-01", "  by: SCR Review Group",
                     "impact_review: 2018-07-01",
                     "- date: 2017-07-01", "  text: Signed off by SCR Review Group; closed."]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["4.4", "--by", "SCR Review Group"], 1,
         'cannot close 4.4: it is in-progress; only a complete action can be signed off: '
         'cap progress 4.4 "..." --status complete'),
        (["2.4"], 2, 'who signed it off? give --by "SCR Review Group"'),
        (["2.4", "--by", ""], 2, "who signed it off?"),
        (["2.4", "--by", "SCR Review Group", "--date", "2017-07-02"], 1, "sign-off date 2017-07-02 is after today"),
        (["2.4", "--by", "SCR Review Group", "--date", "tomorrow"], 2, "--date: 'tomorrow' is not a"),
        (["2.4", "--by", "X", "--date", "2016-01-01"], 1,  # before its "Complete." entry of 2017-01-31
         "cannot close 2.4 on 2016-01-01: its latest progress entry is dated 2017-01-31, and a sign-off comes "
         "after the work it signs off (give --date 2017-01-31 or later)"),
    ],
)
def test_close_refusals(data_copy, fixed_today, args, code, message):
    before = {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()}
    result = Cap(data_copy)("close", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()} == before


def test_a_closed_action_cannot_be_closed_or_withdrawn_again(data_copy, fixed_today):
    cap = Cap(data_copy)
    cap("close", "2.4", "--by", "SCR Review Group")
    assert "cannot close 2.4: it is closed already (signed off)\n" in cap("close", "2.4", "--by", "X").stderr
    assert "reopen it first to withdraw it" in cap("withdraw", "2.4", "--reason", "x").stderr


# ------------------------------------------------------------------ withdraw


def test_withdraw_records_the_reason(data_copy, fixed_today):
    result = Cap(data_copy)("withdraw", "1.4", "--reason", "Superseded by 1.5.", "--date", "2017-06-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1.4: withdrawn (was in-progress) (data/actions/1.4.yaml)\n"
    record = shown(data_copy, "1.4")
    assert (record["status"], record["withdrawn_reason"]) == ("withdrawn", "Superseded by 1.5.")
    assert record["overdue"] is False
    assert record["progress"][-1]["text"] == "Withdrawn: Superseded by 1.5."
    lines = Cap(data_copy)("show", "1.4").stdout.splitlines()
    assert [" ".join(l.split()) for l in lines if l.startswith("Withdrawn")] == ["Withdrawn Superseded by 1.5."]
    csv = Cap(data_copy)("list", "--format", "csv", "--status", "withdrawn").stdout
    assert "Superseded by 1.5." in csv


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["1.4"], 2, 'the reason is empty (give --reason "...")'),
        (["1.4", "--reason", "  "], 2, "the reason is empty"),
        (["1.4", "--reason", "x", "--date", "2018-01-01"], 1, "is after today"),
        (["1.x", "--reason", "x"], 2, "'1.x' is not a ref"),
    ],
)
def test_withdraw_refusals(data_copy, fixed_today, args, code, message):
    before = (data_copy / "actions" / "1.4.yaml").read_bytes()
    result = Cap(data_copy)("withdraw", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert (data_copy / "actions" / "1.4.yaml").read_bytes() == before


def test_withdrawing_twice_is_refused(data_copy, fixed_today):
    Cap(data_copy)("withdraw", "1.4", "--reason", "x")
    result = Cap(data_copy)("withdraw", "1.4", "--reason", "y")
    assert result.exit_code == 1 and "it is withdrawn already" in result.stderr


# ------------------------------------------------------------------ reopen


def test_reopen_a_closed_action(data_copy, fixed_today):
    cap = Cap(data_copy)
    cap("close", "2.4", "--by", "SCR Review Group", "--date", "2017-06-01")
    result = cap("reopen", "2.4", "--reason", "Audit found the checklist is not in use.")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2.4: reopened, in-progress (was closed) (data/actions/2.4.yaml)\n"
    record = shown(data_copy, "2.4")
    assert (record["status"], record["signed_off"]) == ("in-progress", None)
    assert [e["text"] for e in record["progress"][-2:]] == [
        "Signed off by SCR Review Group; closed.",
        "Reopened (was closed): Audit found the checklist is not in use.",
    ]


def test_reopen_a_withdrawn_and_a_complete_action(data_copy, fixed_today):
    cap = Cap(data_copy)
    cap("withdraw", "1.4", "--reason", "Superseded.")
    assert cap("reopen", "1.4", "--reason", "Not superseded after all.").exit_code == 0
    assert (shown(data_copy, "1.4")["status"], shown(data_copy, "1.4")["withdrawn_reason"]) == ("in-progress", None)
    assert cap("reopen", "2.4", "--reason", "More to do.", "--date", "1/7/2017").exit_code == 0
    assert shown(data_copy, "2.4")["progress"][-1]["text"] == "Reopened (was complete): More to do."


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["4.4", "--reason", "x"], 1,
         "cannot reopen 4.4: it is in-progress; only a complete, closed or withdrawn action can be reopened"),
        (["2.4"], 2, "the reason is empty"),
        (["2.4", "--reason", "x", "--date", "32/01/17"], 2, "--date: '32/01/17' is not a real date"),
    ],
)
def test_reopen_refusals(data_copy, fixed_today, args, code, message):
    result = Cap(data_copy)("reopen", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1


# ------------------------------------------------------------------ the installed program


@pytest.mark.slow
def test_installed_cap_lifecycle(repo):  # noqa: F811
    data = str(repo / "data")
    steps = [
        ("retarget", "4.4", "2017-09-01", "--reason", "Evaluation due.", "--date", "2017-06-01"),
        ("progress", "4.4", "Evaluation received.", "--status", "complete", "--date", "2017-06-02"),
        ("close", "4.4", "--by", "SCR Review Group", "--date", "2017-06-03"),
        ("reopen", "4.4", "--reason", "Re-audit needed.", "--date", "2017-06-04"),
        ("withdraw", "4.4", "--reason", "Superseded by 4.12.", "--date", "2017-06-05"),
    ]
    for step in steps:
        result = run_cap("--data", data, *step)
        assert result.returncode == 0, (step, result.stderr)
    record = json.loads(run_cap("--data", data, "show", "4.4", "--format", "json", "--as-of", "2017-07-01").stdout)
    assert record["status"] == "withdrawn" and record["withdrawn_reason"] == "Superseded by 4.12."
    assert [e["date"] for e in record["progress"]] == [
        "2017-01-31", "2017-06-01", "2017-06-02", "2017-06-03", "2017-06-04", "2017-06-05"]
    assert record["target_history"][0]["from"] == "2017-03-01"
    refused = run_cap("--data", data, "close", "4.4", "--by", "X")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert changed_lines(repo)[0] == ["target_date: 2017-03-01", "status: in-progress"]
