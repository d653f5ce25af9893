"""`cap undo`: takes back cap's own last change that is not yet committed, one at a time."""

from __future__ import annotations

import pytest

from cap import undo
from tests.conftest import Cap
from tests.test_cli_progress import entries, git, repo  # noqa: F401 - the fixture
from tests.test_cli_show import run_cap


def file_bytes(root, ref):
    return (root / "data" / "actions" / f"{ref}.yaml").read_bytes()


def test_each_undo_takes_back_the_one_before(repo, fixed_today):
    cap = Cap(repo / "data")
    originals = {ref: file_bytes(repo, ref) for ref in ("4.4", "2.2", "2.4", "1.1")}
    steps = [
        (("progress", "4.4", "Audit.", "--date", "28/06/17", "--author", "MASH"),
         "4.4: progress entry of 2017-06-28 added"),
        (("progress", "2.2", "Published.", "--date", "30/06/17", "--status", "complete"),
         "2.2: status in-progress -> complete; progress entry of 2017-06-30 added"),
        (("retarget", "4.4", "01/09/17", "--reason", "Waiting.", "--date", "30/06/17"),
         "4.4: target date 2017-03-01 -> 2017-09-01; progress entry of 2017-06-30 added"),
        (("close", "2.4", "--by", "SCR Review Group", "--date", "20/06/17", "--evidence", "Minutes."),
         "2.4: closed (signed off by SCR Review Group on 2017-06-20); evidence added; progress entry of 2017-06-20 added"),
        (("evidence", "2.4", "Audit."), "2.4: evidence added"),
        (("outcome", "1.1", "In use."), "1.1: outcome set"),
        (("withdraw", "1.1", "--reason", "Superseded.", "--date", "30/06/17"),
         "1.1: withdrawn; progress entry of 2017-06-30 added"),
    ]
    for args, _ in steps:
        assert cap(*args).exit_code == 0
    for args, what in reversed(steps):
        result = cap("undo")
        assert result.exit_code == 0, result.stderr
        assert result.stdout == f"took back {what} (data/actions/{args[1]}.yaml as it was before)\n"
    assert {ref: file_bytes(repo, ref) for ref in originals} == originals
    assert git(repo, "status", "--porcelain") == ""  # the journal is in .git: no noise
    nothing = cap("undo")
    assert nothing.exit_code == 1 and nothing.stderr.startswith("cap: error: nothing to undo: cap has no record")


def test_a_new_action_is_removed(repo, fixed_today):
    cap = Cap(repo / "data")
    assert cap("add", "-t", "fora", "-a", "New.", "--lead", "NSCB", "--target-date", "01/12/17",
               "--date", "01/06/17").exit_code == 0
    dry = cap("undo", "--dry-run")
    assert dry.stdout == "would take back 2.5: added as a new action (data/actions/2.5.yaml removed)\n"
    assert (repo / "data" / "actions" / "2.5.yaml").exists()
    assert cap("undo").stdout == "took back 2.5: added as a new action (data/actions/2.5.yaml removed)\n"
    assert not (repo / "data" / "actions" / "2.5.yaml").exists()


def test_nothing_committed_is_touched(repo, fixed_today):
    cap = Cap(repo / "data")
    assert cap("progress", "4.4", "One.", "--date", "28/06/17").exit_code == 0
    git(repo, "commit", "-q", "-am", "June")
    committed = file_bytes(repo, "4.4")
    assert cap("progress", "4.4", "Two.", "--date", "29/06/17").exit_code == 0
    assert cap("undo").exit_code == 0
    assert file_bytes(repo, "4.4") == committed
    refused = cap("undo")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "cap: error: nothing to undo: the last change cap made (4.4: progress entry of 2017-06-28 added) is "
        "committed; cap undo takes back only what is not committed yet (git revert takes back a commit)\n")
    assert file_bytes(repo, "4.4") == committed


def test_a_hand_edit_since_is_never_lost(repo, fixed_today):
    cap = Cap(repo / "data")
    assert cap("progress", "1.1", "One.", "--date", "28/06/17").exit_code == 0
    path = repo / "data" / "actions" / "1.1.yaml"
    path.write_bytes(path.read_bytes().replace(b"One.", b"One, by hand."))
    edited = path.read_bytes()
    refused = cap("undo")
    assert refused.exit_code == 1
    assert "data/actions/1.1.yaml has changed since cap wrote it (by hand, or by git), and undo would lose that" \
        in refused.stderr
    assert path.read_bytes() == edited


def test_without_git_undo_takes_back_the_last_changes(data_copy, fixed_today):
    cap = Cap(data_copy)
    before = (data_copy / "actions" / "4.4.yaml").read_bytes()
    assert cap("progress", "4.4", "One.").exit_code == 0
    assert cap("progress", "4.4", "Two.").exit_code == 0
    assert (data_copy.parent / ".cap-undo").is_dir()
    assert cap("undo").exit_code == 0 and cap("undo").exit_code == 0
    assert (data_copy / "actions" / "4.4.yaml").read_bytes() == before


def test_the_journal_keeps_the_last_changes_only(data_copy, fixed_today, monkeypatch):
    monkeypatch.setattr(undo, "KEPT", 3)
    cap = Cap(data_copy)
    for n in range(5):
        assert cap("progress", "4.4", f"Entry {n}.").exit_code == 0
    assert len(list((data_copy.parent / ".cap-undo").glob("*.entry"))) == 3
    for _ in range(3):
        assert cap("undo").exit_code == 0
    assert cap("undo").exit_code == 1
    assert [e.text for e in entries(data_copy)][-2:] == [
        "Entry 0.", "Entry 1."]


def test_refusals_journal_nothing(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("progress", "4.4", "").exit_code == 2
    assert cap("undo").exit_code == 1


def test_place_of_a_worktree_follows_its_git_file(tmp_path):
    (tmp_path / "gitdir").mkdir()
    (tmp_path / "tree" / "data").mkdir(parents=True)
    (tmp_path / "tree" / ".git").write_text(f"gitdir: {tmp_path / 'gitdir'}\n", encoding="utf-8")
    place = undo.place_of(tmp_path / "tree" / "data")
    assert place == undo.Place(tmp_path / "gitdir" / "cap-undo", tmp_path / "tree", True)


@pytest.mark.slow
def test_installed_cap_undo(repo):
    root = repo
    assert run_cap("progress", "4.4", "One.", "--date", "28/06/17", cwd=root).returncode == 0
    result = run_cap("undo", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "took back 4.4: progress entry of 2017-06-28 added (data/actions/4.4.yaml as it was before)\n"
    assert git(repo, "status", "--porcelain") == ""


def test_an_import_is_taken_back_whole(repo, fixed_today):
    from tests.conftest import SOURCE

    data = repo / "data"
    for path in (data / "actions").glob("*.yaml"):
        path.unlink()
    git(repo, "commit", "-q", "-am", "an empty plan")
    before = sorted(p.name for p in (data).rglob("*"))
    imported = Cap(data)("import", str(SOURCE), "--progress-date", "2017-01-31")
    assert imported.exit_code == 0, imported.output
    assert len(list((data / "actions").glob("*.yaml"))) == 22
    result = Cap(data)("undo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("took back changes to 22 files (1.1, 1.2, 1.3, 1.4, 2.1, 2.2, 2.3, 2.4, ...) "
                             "(22 files as they were before)\n")
    assert sorted(p.name for p in (data).rglob("*")) == before
    assert git(repo, "status", "--porcelain") == ""


def test_fmt_is_taken_back_whole(repo, fixed_today):
    data = repo / "data"
    for ref in ("1.1", "2.2"):
        path = data / "actions" / f"{ref}.yaml"
        path.write_bytes(path.read_bytes().replace(b"status: in-progress", b"status:   in-progress"))
    git(repo, "commit", "-q", "-am", "hand-written spacing")
    hand = {ref: file_bytes(repo, ref) for ref in ("1.1", "2.2")}
    assert Cap(data)("fmt").exit_code == 0
    assert file_bytes(repo, "1.1") != hand["1.1"]
    result = Cap(data)("undo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("took back 1.1: its file rewritten in the canonical format; 2.2: its file rewritten in the "
                             "canonical format (2 files as they were before)\n")
    assert {ref: file_bytes(repo, ref) for ref in ("1.1", "2.2")} == hand
