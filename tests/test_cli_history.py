"""`cap history REF`: one action's life across commits, from real git repositories."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA, Cap
from tests.gitrepo import HEALTH, POLICE, git_env, plan_with_history  # noqa: F401
from tests.test_cli_show import run_cap


@pytest.fixture
def history(tmp_path):
    return plan_with_history(tmp_path / "plan", DATA)


def steps(repo, ref):
    result = Cap(repo.data)("history", ref, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["steps"]


def test_each_commit_that_touched_the_action_with_what_changed(history):
    repo, sha = history
    found = steps(repo, "1.1")
    assert [(s["subject"], s["author"], s["date"]) for s in found] == [
        ("January 2017 plan", "Ann Manager", "2017-01-31T12:00:00+00:00"),
        ("February update", "Ann Manager", "2017-02-15T12:00:00+00:00"),
        ("March update", "Pat Police", "2017-03-10T12:00:00+00:00"),
    ]
    assert [c["kind"] for s in found for c in s["changes"]] == ["added", "progress", "target"]
    assert found[2]["changes"][0]["reason"] == "Workshop moved to the autumn programme."
    assert found[0]["commit"] == sha["january"]


def test_removed_and_added_actions_and_uncommitted_changes(history):
    repo, _ = history
    assert [c["kind"] for s in steps(repo, "4.11") for c in s["changes"]] == ["added", "removed"]
    assert [c["kind"] for s in steps(repo, "4.12") for c in s["changes"]] == ["added"]
    last = steps(repo, "1.2")[-1]
    assert last["commit"] is None and last["working_tree"] is True
    assert last["changes"] == [{"kind": "progress", "date": "2017-03-20", "author": "MEO", "text": "Uncommitted note."}]


def test_the_table(history):
    repo, sha = history
    result = Cap(repo.data)("history", "4.4")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("History of 4.4 (data/actions/4.4.yaml)\n")
    assert f"2017-01-31  Ann Manager  January 2017 plan ({sha['january'][:7]})" in out
    assert f"2017-03-10  Pat Police   March update ({sha['march'][:7]})" in out
    assert "status        in-progress -> complete" in out
    assert out.index("January 2017 plan") < out.index("March update")


def test_markdown(history):
    repo, sha = history
    result = Cap(repo.data)("history", "2.4", "--format", "md")
    assert result.stdout.endswith(
        f"### 2017-03-10, Pat Police: March update ({sha['march'][:7]})\n\n"
        "- **Closed**: signed off 2017-03-07 by SCR review group (was complete)\n"
    )


@pytest.mark.slow
def test_merged_branches_show_at_their_own_commits(history):
    repo, _ = history
    repo.checkout("main")
    repo.git("stash", "-q")
    Cap(repo.data)("git-setup")
    repo.commit("Merge driver", "2017-03-11")
    repo.branch("police")
    repo.add_progress("4.4", "2017-04-03", "Police: triage reviewed.", "Pat Police")
    repo.commit("Police progress", "2017-04-04", author=POLICE)
    repo.checkout("main")
    repo.add_progress("4.4", "2017-04-01", "Health: GP records linked.", "Hal Health")
    repo.commit("Health progress", "2017-04-02", author=HEALTH)
    repo.merge("police", "2017-04-05")  # a plain merge: both entries, nothing else
    repo.branch("police-2")
    repo.add_progress("4.4", "2017-04-06", "Police: second review.", "Pat Police")
    repo.commit("Police again", "2017-04-06", author=POLICE)
    repo.checkout("main")
    repo.git("merge", "--no-ff", "--no-commit", "police-2", date="2017-04-07")
    repo.update("4.4", owner="MASH manager")  # a change made in the merge itself
    repo.commit("Merge police-2, naming an owner", "2017-04-07")
    found = steps(repo, "4.4")
    assert [(s["subject"], [c["kind"] for c in s["changes"]]) for s in found[-4:]] == [
        ("Health progress", ["progress"]),
        ("Police progress", ["progress"]),
        ("Police again", ["progress"]),
        ("Merge police-2, naming an owner", ["edited"]),  # only what the merge changed itself
    ]
    assert [e.author for e in repo.action("4.4").progress[-3:]] == ["Hal Health", "Pat Police", "Pat Police"]


def test_a_commit_where_the_file_does_not_load(history):
    repo, _ = history
    good = (repo.data / "actions" / "1.3.yaml").read_text()
    repo.write("data/actions/1.3.yaml", good.replace("status: in-progress", "status: done"))
    bad = repo.commit("Oops", "2017-04-01")
    repo.write("data/actions/1.3.yaml", good)
    repo.add_progress("1.3", "2017-04-02", "Fixed and updated.")
    repo.commit("Fix", "2017-04-02")
    found = steps(repo, "1.3")
    assert found[-2]["subject"] == "Oops" and found[-2]["changes"] == []
    assert found[-2]["problems"][0]["path"] == f"{bad[:7]}:data/actions/1.3.yaml"
    assert found[-2]["problems"][0]["code"] == "CAP104"
    assert [c["kind"] for c in found[-1]["changes"]] == ["progress"]  # compared with the last good version


def test_unknown_ref(history):
    repo, _ = history
    result = Cap(repo.data)("history", "4.99")
    assert result.exit_code == 2
    assert result.stderr == ("cap: error: unknown ref '4.99': no commit touched data/actions/4.99.yaml and there is "
                             "no such file; did you mean 4.9?\n")
    assert Cap(repo.data)("history", "../themes").exit_code == 2  # not a ref at all: usage, as in every command


def test_not_a_repository(small_data):
    result = Cap(small_data)("history", "1.1")
    assert result.exit_code == 1 and "is not inside a git repository" in result.stderr


def test_installed_cap_history(history):
    repo, _ = history
    result = run_cap("history", "3.1", "--format", "json", cwd=repo.root)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["steps"][-1]["changes"] == [
        {"kind": "withdrawn", "from": "in-progress", "reason": "Superseded by the new MASH protocol."}]
