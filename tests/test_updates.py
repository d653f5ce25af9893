"""The update operations as pure functions: the lifecycle, date order, refusals, new refs."""

from __future__ import annotations

import datetime as dt

import pytest

from cap.models import Action, ProgressEntry, Scr, Theme
from cap.updates import (
    Refusal,
    add_progress,
    close,
    new_action,
    next_ref,
    reopen,
    retarget,
    withdraw,
)
from cap.yamlio import comment_lines

TODAY = dt.date(2017, 7, 1)
D = dt.date


def make(status: str = "in-progress", **fields) -> Action:
    values = dict(
        ref="4.4", theme="accountability", scrs=["N"], action="Review C39ds.", lead=["MASH"],
        target_date=D(2017, 3, 1), status=status,
        progress=[ProgressEntry(date=D(2017, 1, 31), text="first"), ProgressEntry(date=D(2017, 5, 1), text="second")],
    )
    values.update(fields)
    return Action(**values)


def texts(action: Action) -> list[str]:
    return [e.text for e in action.progress]


# ------------------------------------------------------------------ progress


def test_progress_defaults_to_today_and_appends():
    after = add_progress(make(), "third", today=TODAY, author="MEO")
    assert after.progress[-1] == ProgressEntry(date=TODAY, text="third", author="MEO")
    assert texts(after) == ["first", "second", "third"]


def test_progress_does_not_change_the_action_it_was_given():
    before = make()
    add_progress(before, "third", today=TODAY, status="complete")
    assert before == make()


def test_back_dated_entry_takes_its_place_in_date_order():
    after = add_progress(make(), "between", today=TODAY, date=D(2017, 3, 1))
    assert texts(after) == ["first", "between", "second"]
    same_day = add_progress(make(), "same day", today=TODAY, date=D(2017, 5, 1))
    assert texts(same_day) == ["first", "second", "same day"]  # after the entries of its day
    earliest = add_progress(make(), "earliest", today=TODAY, date=D(2016, 12, 1))
    assert texts(earliest)[0] == "earliest"


def test_progress_on_today_is_allowed_and_after_today_refused():
    assert isinstance(add_progress(make(), "x", today=TODAY, date=TODAY), Action)
    refused = add_progress(make(), "x", today=TODAY, date=TODAY + dt.timedelta(days=1))
    assert isinstance(refused, Refusal) and refused.exit_code == 1
    assert "2017-07-02 is after today (2017-07-01)" in refused.message


@pytest.mark.parametrize("text", ["", " ", "\n\t "])
def test_empty_progress_text_is_refused(text):
    refused = add_progress(make(), text, today=TODAY)
    assert refused == Refusal("the progress text is empty", 2)


def test_empty_author_is_refused():
    assert isinstance(add_progress(make(), "x", today=TODAY, author="  "), Refusal)


@pytest.mark.parametrize(
    "start, status, result",
    [
        ("open", "in-progress", "in-progress"),
        ("open", "complete", "complete"),
        ("in-progress", "complete", "complete"),
        ("in-progress", "open", "open"),
        ("in-progress", "in-progress", "in-progress"),  # no change: just the entry
        ("complete", "complete", "complete"),
        ("closed", None, "closed"),  # a note on a closed action changes no status
        ("complete", "in-progress", None),  # that is a reopen
        ("closed", "complete", None),
        ("withdrawn", "open", None),
    ],
)
def test_progress_status_lifecycle(start, status, result):
    after = add_progress(make(start), "x", today=TODAY, status=status)
    if result is None:
        assert isinstance(after, Refusal) and after.exit_code == 1
        assert f"it is {start}; reopen it first: cap reopen 4.4" in after.message
    else:
        assert after.status == result


@pytest.mark.parametrize("status", ["closed", "withdrawn", "done", "Complete", ""])
def test_progress_sets_only_open_in_progress_complete(status):
    refused = add_progress(make(), "x", today=TODAY, status=status)
    assert isinstance(refused, Refusal) and refused.exit_code == 2


# ------------------------------------------------------------------ retarget


def test_retarget_keeps_the_original_date_and_says_why():
    once = retarget(make(), D(2017, 9, 1), "Awaiting evaluation.", today=TODAY, date=D(2017, 5, 1))
    twice = retarget(once, "ongoing", "Now part of the audit cycle.", today=TODAY, date=D(2017, 6, 1))
    assert twice.target_date == "ongoing"
    assert [(r.date, r.from_, r.to, r.reason) for r in twice.target_history] == [
        (D(2017, 5, 1), D(2017, 3, 1), D(2017, 9, 1), "Awaiting evaluation."),
        (D(2017, 6, 1), D(2017, 9, 1), "ongoing", "Now part of the audit cycle."),
    ]
    earlier = retarget(twice, D(2018, 1, 1), "Dated before the last revision.", today=TODAY, date=D(2017, 5, 31))
    assert isinstance(earlier, Refusal) and "give --date 2017-06-01 or later" in earlier.message
    assert twice.original_target == D(2017, 3, 1)
    assert "Target date revised from 2017-03-01 to 2017-09-01: Awaiting evaluation." in texts(twice)
    assert "Target date revised from 2017-09-01 to ongoing: Now part of the audit cycle." in texts(twice)


def test_retarget_refusals():
    assert "already 2017-03-01" in retarget(make(), D(2017, 3, 1), "why", today=TODAY).message
    assert retarget(make(), D(2017, 9, 1), None, today=TODAY).exit_code == 2
    assert retarget(make(), D(2017, 9, 1), " ", today=TODAY).exit_code == 2
    for status in ("complete", "closed", "withdrawn"):
        assert isinstance(retarget(make(status), D(2017, 9, 1), "why", today=TODAY), Refusal)
    assert isinstance(retarget(make("open"), D(2017, 9, 1), "why", today=TODAY), Action)
    assert isinstance(retarget(make(), D(2017, 9, 1), "why", today=TODAY, date=D(2017, 7, 2)), Refusal)


# ------------------------------------------------------------------ close, withdraw, reopen

STATUSES = ("open", "in-progress", "complete", "closed", "withdrawn")


@pytest.mark.parametrize("start", STATUSES)
def test_close_only_a_complete_action(start):
    after = close(make(start), "SCR Review Group", today=TODAY, date=D(2017, 6, 20))
    if start != "complete":
        assert isinstance(after, Refusal) and after.exit_code == 1
        return
    assert after.status == "closed"
    assert (after.signed_off.date, after.signed_off.by) == (D(2017, 6, 20), "SCR Review Group")
    assert after.progress[-1].text == "Signed off by SCR Review Group; closed."
    assert after.progress[-1].date == D(2017, 6, 20)


def test_close_is_never_dated_before_the_latest_entry():
    action = make("complete")  # its latest entry is dated 2017-05-01
    refused = close(action, "SCR Review Group", today=TODAY, date=D(2017, 4, 30))
    assert isinstance(refused, Refusal) and refused.exit_code == 1
    assert refused.message == (
        "cannot close 4.4 on 2017-04-30: its latest progress entry is dated 2017-05-01, and a sign-off "
        "comes after the work it signs off (give --date 2017-05-01 or later)"
    )
    same_day = close(action, "SCR Review Group", today=TODAY, date=D(2017, 5, 1))
    assert same_day.progress[-1].text == "Signed off by SCR Review Group; closed."  # the log ends with it
    assert isinstance(close(make("complete", progress=[]), "Group", today=TODAY, date=D(2000, 1, 1)), Action)


def test_close_needs_who():
    assert close(make("complete"), None, today=TODAY).exit_code == 2
    assert close(make("complete"), "", today=TODAY).exit_code == 2


def test_close_refuses_the_open_action_with_the_way_forward():
    refused = close(make("in-progress"), "SCR Review Group", today=TODAY)
    assert refused.message == (
        "cannot close 4.4: it is in-progress; only a complete action can be signed off: "
        'cap progress 4.4 "..." --status complete'
    )


@pytest.mark.parametrize("start", STATUSES)
def test_withdraw(start):
    after = withdraw(make(start), "Superseded by 1.5.", today=TODAY)
    if start in ("closed", "withdrawn"):
        assert isinstance(after, Refusal)
        return
    assert (after.status, after.withdrawn_reason) == ("withdrawn", "Superseded by 1.5.")
    assert after.progress[-1].text == "Withdrawn: Superseded by 1.5."


def test_withdraw_without_a_reason_is_refused():
    assert withdraw(make(), None, today=TODAY) == Refusal('the reason is empty (give --reason "...")', 2)


@pytest.mark.parametrize("start", STATUSES)
def test_reopen(start):
    closed = close(make("complete"), "SCR Review Group", today=TODAY)
    action = {"closed": closed, "withdrawn": withdraw(make(), "why", today=TODAY)}.get(start) or make(start)
    after = reopen(action, "Audit found gaps.", today=TODAY)
    if start in ("open", "in-progress"):
        assert isinstance(after, Refusal)
        return
    assert after.status == "in-progress"
    assert after.signed_off is None and after.withdrawn_reason is None
    assert after.progress[-1].text == f"Reopened (was {start}): Audit found gaps."
    if start == "closed":  # the log keeps the sign-off it cleared
        assert "Signed off by SCR Review Group; closed." in texts(after)


# ------------------------------------------------------------------ new actions

THEMES = [Theme(id="curiosity", number=1, title="Curiosity", aliases=["cur-alias"]),
          Theme(id="fora", number=2, title="Fora")]
SCRS = [Scr(id="Q", title="Case Q"), Scr(id="D", title="Case D")]


def test_next_ref_is_after_the_highest_in_the_theme():
    assert next_ref(THEMES[0], ["1.1", "1.2", "1.3", "1.4", "2.7", "4.10"]) == "1.5"
    assert next_ref(THEMES[0], ["1.1", "1.3"]) == "1.4"  # gaps are not refilled
    assert next_ref(THEMES[0], ["1.9", "1.10"]) == "1.11"  # numbers, not text
    assert next_ref(THEMES[1], ["1.1"]) == "2.1"


def new(**changes):
    values = dict(theme="cur", action="Audit chronologies.", lead=["NSCB"], target_date=D(2017, 12, 1))
    values.update(changes)
    return new_action(THEMES, SCRS, ["1.1", "1.4"], **values)


def test_new_action_is_open_with_the_next_ref():
    action = new(cited=["q", "Q", "D"], all_scrs=True, outcome="Fewer drift cases.", owner="Business manager")
    assert (action.ref, action.theme, action.status) == ("1.5", "curiosity", "open")
    assert action.scrs == ["Q", "D"] and action.all_scrs
    assert action.progress == [] and action.outcome == "Fewer drift cases."


def test_new_action_refusals():
    assert new(theme=None).exit_code == 2
    assert "unknown theme 'nope'" in new(theme="nope").message and new(theme="nope").exit_code == 2
    assert new(action=" ").exit_code == 2
    assert new(lead=[]).exit_code == 2
    assert new(lead=["NSCB", ""]).exit_code == 2
    assert new(target_date=None).exit_code == 2
    assert new(cited=["Z"]).message == "unknown SCR 'Z' (cases: Q, D)" and new(cited=["Z"]).exit_code == 2
    assert new(ref="1.4").message == "ref 1.4 is taken already: leave out --ref for the next free one"
    assert "refs start with 1." in new(ref="2.9").message
    assert new(ref="1.x").exit_code == 2
    assert new(ref="1.7").ref == "1.7"


# ------------------------------------------------------------------ comments a rewrite would drop


def test_comment_lines_finds_comments_and_only_comments():
    text = (
        "# top\n"
        "a: 'x # not' # yes\n"
        "b: >- # header\n"
        "  text # not a comment\n"
        "c:\n"
        "- x#y\n"
        "  # indented\n"
        'd: "#"\n'
    )
    assert comment_lines(text) == [2, 3, 7]  # line 1 is the header comment, which rewrites keep
    assert comment_lines("a: b\n# after\n") == [2]
    assert comment_lines("a: b\n") == []
