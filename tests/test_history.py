"""Reading the plan at revisions (gitio, history), the vocabulary of changes, the action merge."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from cap.changes import (
    ActionAdded,
    ActionRemoved,
    Closed,
    FieldEdited,
    ProgressAdded,
    ProgressEdited,
    ProgressRemoved,
    StatusChanged,
    TargetRevised,
    Withdrawn,
    diff_actions,
    word_diff,
)
from cap.gitio import NoCommitBefore, NotARepository, Repo, UnknownRevision
from cap.history import plan_changes
from cap.merge import attributes_line, merge_actions, merge_progress, merge_texts
from cap.models import Action, ProgressEntry, SignOff, TargetRevision
from cap.store import canonical_text
from cap.yamlio import parse
from tests.conftest import DATA, MINIMAL_SCRS, MINIMAL_THEMES, action_yaml, write_files
from tests.gitrepo import GitRepo, git_env  # noqa: F401 - the autouse fixture

D = dt.date.fromisoformat
UTC = dt.timezone.utc


def make(**fields) -> Action:
    base = dict(ref="1.1", theme="curiosity", scrs=["A"], action="Do the thing.", lead=["NSCB"],
                target_date=D("2017-06-01"), status="in-progress", progress=[])
    return Action.model_validate({**base, **fields})


def entry(day: str, text: str, author: str | None = None) -> ProgressEntry:
    return ProgressEntry(date=D(day), text=text, author=author)


# ------------------------------------------------------------------ the vocabulary


def test_word_diff_marks_removed_and_added_words():
    assert word_diff("develop guidance for staff", "write clear guidance for staff") == (
        ("-", "develop"), ("+", "write clear"), ("=", "guidance for staff"),
    )


def test_added_and_removed_actions():
    a = make()
    assert diff_actions(None, a) == [ActionAdded(a)]
    assert diff_actions(a, None) == [ActionRemoved(a)]
    assert diff_actions(a, a) == []


def test_progress_added_removed_and_edited():
    old = make(progress=[entry("2017-01-31", "Started."), entry("2017-02-10", "Draft guidance circulated.")])
    new = make(progress=[entry("2017-02-10", "Draft guidance sent to partners."), entry("2017-03-01", "Done.", "MEO")])
    changes = diff_actions(old, new)
    assert changes == [
        ProgressAdded(entry("2017-03-01", "Done.", "MEO")),
        ProgressEdited(entry("2017-02-10", "Draft guidance circulated."), entry("2017-02-10", "Draft guidance sent to partners.")),
        ProgressRemoved(entry("2017-01-31", "Started.")),
    ]
    assert changes[1].diff == (("=", "Draft guidance"), ("-", "circulated."), ("+", "sent to partners."))


def test_status_closure_and_withdrawal_are_named():
    old = make(status="complete")
    closed = make(status="closed", signed_off=SignOff(date=D("2017-05-10"), by="SCR review group"))
    assert diff_actions(old, closed) == [Closed("complete", SignOff(date=D("2017-05-10"), by="SCR review group"))]
    withdrawn = make(status="withdrawn", withdrawn_reason="Superseded by 4.10.")
    assert diff_actions(old, withdrawn) == [Withdrawn("complete", "Superseded by 4.10.")]
    assert diff_actions(make(status="open"), make()) == [StatusChanged("open", "in-progress")]


def test_target_revision_with_and_without_a_recorded_reason():
    rev = TargetRevision(date=D("2017-05-20"), from_=D("2017-06-01"), to=D("2017-09-01"), reason="Workshop moved.")
    recorded = make(target_date=D("2017-09-01"), target_history=[rev])
    assert diff_actions(make(), recorded) == [TargetRevised(D("2017-06-01"), D("2017-09-01"), "Workshop moved.", D("2017-05-20"))]
    bare = make(target_date="ongoing")
    assert diff_actions(make(), bare) == [TargetRevised(D("2017-06-01"), "ongoing", None, None)]


def test_edits_to_text_lead_and_scrs():
    old = make()
    new = make(action="Do the other thing.", lead=["NSCB", "Police"], scrs=["A", "B"], all_scrs=True)
    assert diff_actions(old, new) == [
        FieldEdited("action", "Do the thing.", "Do the other thing."),
        FieldEdited("lead", "NSCB", "NSCB, Police", ("NSCB",), ("NSCB", "Police")),
        FieldEdited("scrs", "A", "A, B (and All)", ("A",), ("A", "B", "All")),
    ]
    assert diff_actions(old, new)[1].diff == (("=", "NSCB"), ("+", "Police"))


# ------------------------------------------------------------------ the action-level merge


def test_progress_union_in_date_order_and_an_entry_on_both_sides_once():
    base = [entry("2017-01-31", "January.")]
    shared = entry("2017-03-01", "Board noted progress.")
    ours = base + [entry("2017-03-05", "Police audit.", "Police"), shared]
    theirs = base + [shared, entry("2017-02-20", "Health audit.", "Health")]
    merged, conflicts = merge_progress(base, ours, theirs)
    assert conflicts == []
    assert [e.text for e in merged] == ["January.", "Health audit.", "Police audit.", "Board noted progress."]


def test_same_date_entries_keep_ours_first_and_are_stable():
    base = [entry("2017-01-31", "January.")]
    ours = base + [entry("2017-03-01", "Ours.")]
    theirs = base + [entry("2017-03-01", "Theirs one."), entry("2017-03-01", "Theirs two.")]
    merged, _ = merge_progress(base, ours, theirs)
    assert [e.text for e in merged] == ["January.", "Ours.", "Theirs one.", "Theirs two."]


def test_an_entry_removed_on_one_side_is_a_conflict():
    base = [entry("2017-01-31", "January.")]
    merged, conflicts = merge_progress(base, [], base + [entry("2017-03-01", "March.")])
    assert merged is None
    assert conflicts == ["progress entry of 2017-01-31 (January.) was removed or changed on ours; progress is append-only"]


def test_fields_three_way():
    base = make()
    ours = make(status="complete", progress=[entry("2017-03-01", "Ours.")])
    theirs = make(owner="J. Smith", progress=[entry("2017-03-02", "Theirs.")])
    merged, same, conflicts = merge_actions(base, ours, theirs)
    assert conflicts == [] and merged == same
    assert (merged.status, merged.owner, [e.text for e in merged.progress]) == ("complete", "J. Smith", ["Ours.", "Theirs."])


def test_a_field_changed_differently_on_both_sides_is_a_conflict():
    merged_o, merged_t, conflicts = merge_actions(make(), make(status="complete"), make(status="open"))
    assert conflicts == ["`status` changed on both sides (ours: complete; theirs: open)"]
    assert (merged_o.status, merged_t.status) == ("complete", "open")


def test_merge_texts_writes_the_canonical_format():
    base = canonical_text(make())
    # ours is hand-written (flow lists, other key order): the result is canonical anyway
    ours = action_yaml(status="in-progress", progress="\n- {date: 2017-03-01, text: Ours.}")
    theirs = canonical_text(make(progress=[entry("2017-03-02", "Theirs.")]))
    result = merge_texts(base.encode(), ours.encode(), theirs.encode(), "1.1")
    assert result.clean
    expected = make(progress=[entry("2017-03-01", "Ours."), entry("2017-03-02", "Theirs.")])
    assert result.text == canonical_text(expected)


def test_merge_keeps_our_header_comment():
    header = "# yaml-language-server: $schema=../../schemas/action.json\n"
    base = canonical_text(make())
    ours = header + canonical_text(make(progress=[entry("2017-03-01", "Ours.")]))
    theirs = canonical_text(make(progress=[entry("2017-03-02", "Theirs.")]))
    result = merge_texts(base.encode(), ours.encode(), theirs.encode(), "1.1")
    assert result.clean
    expected = make(progress=[entry("2017-03-01", "Ours."), entry("2017-03-02", "Theirs.")])
    assert result.text == header + canonical_text(expected)


def test_conflict_markers_surround_only_the_conflicting_field():
    base = make()
    ours = make(status="complete", progress=[entry("2017-03-01", "Ours.")])
    theirs = make(status="open", progress=[entry("2017-03-02", "Theirs.")])
    result = merge_texts(*(canonical_text(a).encode() for a in (base, ours, theirs)), "1.1")
    assert not result.clean
    assert "<<<<<<< ours\nstatus: complete\n=======\nstatus: open\n>>>>>>> theirs\n" in result.text
    assert result.text.count("<<<<<<<") == 1
    assert "text: Ours." in result.text and "text: Theirs." in result.text  # progress merged regardless


def test_added_on_both_sides_merges_without_a_base():
    ours = make(progress=[entry("2017-03-01", "Ours.")])
    theirs = make(progress=[entry("2017-03-02", "Theirs.")])
    result = merge_texts(b"", canonical_text(ours).encode(), canonical_text(theirs).encode(), "1.1")
    assert result.clean and "Ours." in result.text and "Theirs." in result.text


def test_an_unreadable_version_is_a_conflict_not_a_crash():
    good = canonical_text(make()).encode()
    result = merge_texts(good, good, b"ref: '1.1'\nstatus: [\n", "1.1")
    assert result.text is None
    assert result.conflicts[0].startswith("cannot read theirs's version: theirs:")


# ------------------------------------------------------------------ reading git


@pytest.fixture
def small_repo(tmp_path) -> GitRepo:
    write_files(tmp_path / "plan", {
        "data/themes.yaml": MINIMAL_THEMES, "data/scrs.yaml": MINIMAL_SCRS, "data/actions/1.1.yaml": action_yaml(),
    })
    return GitRepo(tmp_path / "plan")


def test_a_date_means_the_last_first_parent_commit_before_that_day(small_repo):
    r = small_repo
    c1 = r.commit("c1", "2017-02-01")
    r.branch("agency")
    r.write("data/actions/1.2.yaml", action_yaml("1.2"))
    r.commit("branch work, committed before March", "2017-02-25")
    r.checkout("main")
    r.update("1.1", owner="J. Smith")
    r.commit("late February on main", "2017-02-28T23:59:59+00:00")
    c3 = r.sha("HEAD")
    r.update("1.1", outcome="Better.")
    r.commit("midnight", "2017-03-01T00:00:00+00:00")
    r.merge("agency", "2017-03-05")
    repo = Repo.of(r.data)
    assert repo.resolve("2017-03-01", tz=UTC).commit.sha == c3  # strictly before midnight
    assert repo.resolve("01/03/2017", tz=UTC).commit.sha == c3  # UK day-first
    assert repo.resolve("2017-02-28", tz=UTC).commit.sha == c1  # skips the branch's 02-25 commit
    assert repo.resolve("2017-02-28", tz=UTC, end_of_day=True).commit.sha == c3
    with pytest.raises(NoCommitBefore, match="no commit on the current branch before 2017-01-01"):
        repo.resolve("2017-01-01", tz=UTC)


def test_revisions_and_unknown_revisions(small_repo):
    c1 = small_repo.commit("c1", "2017-02-01")
    small_repo.git("tag", "board-march")
    repo = Repo.of(small_repo.data)
    assert repo.resolve("board-march").commit.sha == c1
    assert repo.resolve(c1[:8]).commit.subject == "c1"
    for bad in ("no-such-branch", "--all", "2017-02-30"):
        with pytest.raises(UnknownRevision):
            repo.resolve(bad)


def test_not_a_repository(small_data):
    with pytest.raises(NotARepository, match="is not inside a git repository"):
        Repo.of(small_data)


def test_reading_old_revisions_never_touches_the_working_tree(tmp_path):
    r = GitRepo(tmp_path / "plan", data=DATA)
    r.commit("January", "2017-01-31")
    r.add_progress("4.4", "2017-03-01", "Uncommitted.")
    before = {p: p.read_bytes() for p in r.root.rglob("*") if p.is_file() and ".git" not in p.parts}
    index = (r.root / ".git" / "index").stat().st_mtime_ns
    changes = plan_changes(r.data, "HEAD")
    assert [a.ref for a in changes.actions] == ["4.4"]
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p for p in r.root.rglob("*") if p.is_file() and ".git" not in p.parts) == sorted(before)
    assert (r.root / ".git" / "index").stat().st_mtime_ns == index


def test_a_file_invalid_at_an_old_revision_is_a_problem_not_fatal(small_repo):
    r = small_repo
    r.write("data/actions/1.1.yaml", action_yaml(targt_date="2017-01-01"))
    r.write("data/actions/1.2.yaml", action_yaml("1.2"))
    old = r.commit("broken 1.1", "2017-02-01")
    r.write("data/actions/1.1.yaml", action_yaml())
    r.commit("fixed", "2017-02-02")
    changes = plan_changes(r.data, old)
    assert changes.actions == []  # 1.1 is not "added": it could not be read before
    assert [p.text() for p in changes.problems] == [
        f"{old[:7]}:data/actions/1.1.yaml:10:1: error: CAP101 unknown key `targt_date` (did you mean `target_date`?)"
    ]


def test_a_data_folder_below_the_top_of_the_repository(tmp_path):
    r = GitRepo(tmp_path / "repo", data=DATA, data_rel="plans/norfolk data")
    r.commit("January", "2017-01-31")
    r.update("2.4", status="closed", signed_off={"date": D("2017-03-01"), "by": "Board"})
    repo = Repo.of(r.data)
    assert repo.data_rel == "plans/norfolk data"
    assert attributes_line(repo) == '"plans/norfolk data/actions/*.yaml" merge=cap'
    changes = plan_changes(r.data, "HEAD")
    assert [(a.ref, [c.kind for c in a.changes]) for a in changes.actions] == [("2.4", ["closed"])]


def test_the_merged_text_reads_back(tmp_path):
    base = make()
    ours = make(progress=[entry("2017-03-01", "Ours: *bold* [x] — ünïcode.")])
    theirs = make(progress=[entry("2017-03-02", "x" * 200)])
    result = merge_texts(*(canonical_text(a).encode() for a in (base, ours, theirs)), "1.1")
    again = Action.model_validate(parse(result.text).data)
    assert [e.text for e in again.progress] == ["Ours: *bold* [x] — ünïcode.", "x" * 200]
    assert os.linesep  # the text is \n-terminated whatever the platform
    assert result.text.endswith("\n") and "\r" not in result.text
