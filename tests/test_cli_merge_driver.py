"""`cap merge-driver` and `cap git-setup`: parallel progress updates merge through real git."""

from __future__ import annotations

import os
import sys

import pytest

from cap.loader import load_plan
from cap.store import canonical_text
from tests.conftest import DATA, Cap
from tests.gitrepo import HEALTH, POLICE, GitRepo, git_env  # noqa: F401
from tests.test_cli_show import run_cap

BESIDE = os.path.join(os.path.dirname(sys.executable), "cap")  # the cap of this environment


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    """The real plan, committed, with the merge driver installed by `cap git-setup`."""
    r = GitRepo(tmp_path / "plan", data=DATA)
    result = Cap(r.data)("git-setup")
    assert result.exit_code == 0, result.stderr
    r.commit("January 2017 plan", "2017-01-31")
    return r


def two_branches(r: GitRepo, police, health) -> None:
    """`police` edits on a branch, `health` on main; then main merges the branch."""
    r.branch("police")
    police(r)
    r.commit("Police update", "2017-03-02", author=POLICE)
    r.checkout("main")
    health(r)
    r.commit("Health update", "2017-03-03", author=HEALTH)


def test_git_setup_writes_the_attribute_and_the_driver_once(tmp_path):
    r = GitRepo(tmp_path / "plan", data=DATA)
    r.write(".gitattributes", "*.txt text")  # no final newline: kept, and the line goes after it
    first = Cap(r.data)("git-setup")
    assert first.exit_code == 0
    assert first.stdout.splitlines()[0] == ".gitattributes: added data/actions/*.yaml merge=cap"
    again = Cap(r.data)("git-setup")
    assert again.stdout.splitlines() == [
        ".gitattributes already has: data/actions/*.yaml merge=cap",
        "git config merge.cap.name already set",
        "git config merge.cap.driver already set",
    ]
    assert (r.root / ".gitattributes").read_text() == "*.txt text\ndata/actions/*.yaml merge=cap\n"
    assert r.git("config", "merge.cap.driver").stdout == f"{BESIDE} merge-driver %O %A %B\n"
    assert r.git("check-attr", "merge", "data/actions/4.4.yaml").stdout == "data/actions/4.4.yaml: merge: cap\n"


@pytest.mark.slow
def test_installed_cap_git_setup_names_itself_as_the_driver(tmp_path):
    r = GitRepo(tmp_path / "plan", data=DATA)
    (r.root / "sub").mkdir()
    result = run_cap("git-setup", cwd=r.root / "sub")
    assert result.returncode == 0, result.stderr
    assert r.git("config", "merge.cap.driver").stdout == f"{BESIDE} merge-driver %O %A %B\n"
    assert (r.root / ".gitattributes").read_text() == "data/actions/*.yaml merge=cap\n"


def test_git_setup_outside_a_repository(small_data):
    result = Cap(small_data)("git-setup")
    assert result.exit_code == 1 and "is not inside a git repository" in result.stderr


@pytest.mark.slow
def test_two_branches_add_progress_to_the_same_action(repo):
    two_branches(
        repo,
        police=lambda r: r.add_progress("4.4", "2017-03-01", "Police: CPI triage reviewed.", "Pat Police"),
        health=lambda r: r.add_progress("4.4", "2017-02-27", "Health: GP records linked.", "Hal Health"),
    )
    merged = repo.merge("police", "2017-03-04")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    plan, problems = load_plan(repo.data)
    assert problems == []
    action = plan.action("4.4")
    assert [(e.date.isoformat(), e.author) for e in action.progress[-2:]] == [
        ("2017-02-27", "Hal Health"), ("2017-03-01", "Pat Police")]
    assert (repo.data / "actions" / "4.4.yaml").read_text() == canonical_text(action)
    assert repo.git("status", "--porcelain").stdout == ""


def test_other_fields_merge_three_way_and_an_entry_on_both_sides_once(repo):
    def police(r):
        r.add_progress("4.4", "2017-03-01", "Board noted progress.")
        r.update("4.4", status="complete")

    def health(r):
        r.add_progress("4.4", "2017-03-01", "Board noted progress.")
        r.update("4.4", owner="MASH manager")

    two_branches(repo, police, health)
    assert repo.merge("police", "2017-03-04").returncode == 0
    action = repo.action("4.4")
    assert (action.status, action.owner) == ("complete", "MASH manager")
    assert [e.text for e in action.progress].count("Board noted progress.") == 1


def test_a_field_changed_differently_on_both_sides_is_a_real_conflict(repo):
    two_branches(
        repo,
        police=lambda r: (r.update("4.4", status="complete"), r.add_progress("4.4", "2017-03-01", "Police.")),
        health=lambda r: (r.update("4.4", status="open"), r.add_progress("4.4", "2017-03-02", "Health.")),
    )
    merged = repo.merge("police", "2017-03-04", check=False)
    assert merged.returncode != 0
    assert "cap: merge conflict in action 4.4: `status` changed on both sides (ours: open; theirs: complete)" in merged.stderr
    assert "CONFLICT (content): Merge conflict in data/actions/4.4.yaml" in merged.stdout
    text = (repo.data / "actions" / "4.4.yaml").read_text()
    assert "<<<<<<< ours\nstatus: open\n=======\nstatus: complete\n>>>>>>> theirs\n" in text
    assert "text: Police." in text and "text: Health." in text
    assert repo.git("status", "--porcelain").stdout == "UU data/actions/4.4.yaml\n"
    _, problems = load_plan(repo.data)
    assert [p.code for p in problems] == ["CAP003"]  # the markers cannot be committed unnoticed


def test_a_progress_entry_removed_on_one_side_is_a_conflict(repo):
    def police(r):
        action = r.action("4.4")
        action.progress.pop(0)
        r.save(action)

    two_branches(repo, police, health=lambda r: r.add_progress("4.4", "2017-03-02", "Health."))
    merged = repo.merge("police", "2017-03-04", check=False)
    assert merged.returncode != 0
    assert "progress entry of 2017-01-31 (New triage systems in place by Police and MASH." in merged.stderr
    assert "was removed or changed on theirs; progress is append-only" in merged.stderr


# ------------------------------------------------------------------ the driver on its own


def test_driver_writes_the_merge_to_ours(tmp_path, small_data):
    base = (small_data / "actions" / "1.1.yaml").read_text()
    ours = base.replace("progress: []", "progress:\n- date: 2017-03-01\n  text: Ours.")
    theirs = base.replace("progress: []", "progress:\n- date: 2017-02-01\n  text: Theirs.")
    paths = [tmp_path / name for name in ("O", "A", "B")]
    for path, text in zip(paths, (base, ours, theirs)):
        path.write_text(text)
    result = Cap()("merge-driver", *map(str, paths))
    assert result.exit_code == 0 and result.stderr == ""
    merged = paths[1].read_text()
    assert merged.index("Theirs.") < merged.index("Ours.")


def test_driver_leaves_a_line_merge_when_a_version_does_not_load(tmp_path, small_data):
    base = (small_data / "actions" / "1.1.yaml").read_text()
    paths = [tmp_path / name for name in ("O", "A", "B")]
    for path, text in zip(paths, (base, base.replace("status: open", "status: [oops"), base + "owner: Jo\n")):
        path.write_text(text)
    result = Cap()("merge-driver", *map(str, paths))
    assert result.exit_code == 1
    assert result.stderr.startswith("cap: merge conflict in an action file: cannot read ours's version: ours:")
    assert "git's line-by-line merge with conflict markers is in the file" in result.stderr
    assert "status: [oops" in paths[1].read_text() and "owner: Jo" in paths[1].read_text()


def test_driver_missing_file_is_a_usage_error(tmp_path):
    result = Cap()("merge-driver", str(tmp_path / "O"), str(tmp_path / "A"), str(tmp_path / "B"))
    assert result.exit_code == 2 and "no such file" in result.stderr
