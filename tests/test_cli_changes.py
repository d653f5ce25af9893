"""`cap changes`: the plan between two points, from real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import DATA, Cap
from tests.gitrepo import git_env, plan_with_history, without_git_path  # noqa: F401
from tests.test_cli_show import run_cap


@pytest.fixture
def history(tmp_path):
    return plan_with_history(tmp_path / "plan", DATA)


def changes_json(repo, *args):
    result = Cap(repo.data)("changes", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def by_ref(report):
    return {a["ref"]: a for theme in report["themes"] for a in theme["actions"]}


def test_every_kind_of_change_between_two_revisions(history):
    repo, sha = history
    report = changes_json(repo, "--since", sha["january"], "--until", sha["march"])
    actions = by_ref(report)
    assert list(actions) == ["1.1", "2.4", "3.1", "4.1", "4.4", "4.11", "4.12"]  # natural order, by theme
    assert [t["id"] for t in report["themes"]] == ["curiosity", "information-sharing", "collaboration", "accountability"]
    assert actions["1.1"]["changes"] == [
        {"kind": "progress", "date": "2017-02-14", "author": "MEO", "text": "Workshop planned for April."},
        {"kind": "target", "from": "2017-06-01", "to": "2017-09-01",
         "reason": "Workshop moved to the autumn programme.", "date": "2017-03-09"},
    ]
    assert actions["2.4"]["changes"] == [
        {"kind": "closed", "from": "complete", "date": "2017-03-07", "by": "SCR review group"}]
    assert actions["3.1"]["changes"] == [
        {"kind": "withdrawn", "from": "in-progress", "reason": "Superseded by the new MASH protocol."}]
    edits = {c["field"]: c for c in actions["4.1"]["changes"]}
    assert ["-", "incorporates sufficient"] in edits["action"]["diff"]
    assert ["+", "gives real"] in edits["action"]["diff"]
    assert edits["lead"]["diff"] == [["=", "NSCB"], ["+", "Workforce Development Group"]]
    assert (edits["scrs"]["from"], edits["scrs"]["to"]) == ("M (and All)", "M, Q (and All)")
    assert edits["scrs"]["diff"] == [["=", "M"], ["+", "Q"], ["=", "All"]]
    assert actions["4.4"]["changes"] == [
        {"kind": "progress", "date": "2017-03-08", "author": "Pat Police", "text": "CPI audit complete: 40 cases sampled."},
        {"kind": "status", "from": "in-progress", "to": "complete"},
    ]
    assert actions["4.11"]["state"] == "removed" and actions["4.12"]["state"] == "added"
    assert actions["4.12"]["changes"][0]["action"] == "Audit the audit of audits."
    assert report["summary"] == {
        "added": 1, "removed": 1, "changed": 5, "progress": 2, "status": 1, "target": 1,
        "closed": 1, "withdrawn": 1, "edited": 3, "progress_removed": 0,
    }
    assert report["since"]["subject"] == "January 2017 plan" and report["until"]["author"] == "Pat Police"


def test_since_a_date_is_the_plan_at_the_start_of_that_day(history):
    repo, sha = history
    report = changes_json(repo, "--since", "2017-03-01")  # -> the February commit, to the working tree
    assert report["since"]["commit"] == sha["february"]
    assert report["until"]["working_tree"] is True
    actions = by_ref(report)
    assert [c["kind"] for c in actions["1.1"]["changes"]] == ["target"]  # February's progress is not new
    assert actions["1.2"]["changes"] == [
        {"kind": "progress", "date": "2017-03-20", "author": "MEO", "text": "Uncommitted note."}]


def test_until_a_date_includes_that_day(history):
    repo, sha = history
    report = changes_json(repo, "--since", "01/02/2017", "--until", "15/02/2017")
    assert (report["since"]["commit"], report["until"]["commit"]) == (sha["january"], sha["february"])
    assert list(by_ref(report)) == ["1.1"]


def test_since_defaults_to_head_the_uncommitted_changes(history):
    repo, _ = history
    assert list(by_ref(changes_json(repo))) == ["1.2"]


def test_the_table_groups_by_theme_with_word_diffs(history):
    repo, sha = history
    result = Cap(repo.data)("changes", "--since", sha["january"], "--until", "HEAD")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(f'Changes to the plan from {sha["january"][:7]} (2017-01-31, "January 2017 plan") to')
    assert "Actions: 1 added, 1 removed, 5 changed. 2 progress entries, 1 status change," in out
    assert out.index("1. Professional curiosity") < out.index("4. Ownership and accountability")
    assert "2017-06-01 -> 2017-09-01 (revised 2017-03-09: Workshop moved to the autumn programme.)" in out
    assert "[-incorporates sufficient-] {+gives real+}" in out
    assert "NSCB, {+Workforce Development Group+}" in out
    assert "signed off 2017-03-07 by SCR review group (was complete)" in out
    assert "2017-03-08 (Pat Police): CPI audit complete: 40 cases sampled." in out


def test_markdown_for_a_pull_request_comment(history):
    repo, sha = history
    repo.add_progress("1.3", "2017-03-21", "Shared <script> via *email* | [link](x)", "MEO")
    result = Cap(repo.data)("changes", "--since", sha["march"], "--format", "md")
    assert result.exit_code == 0
    assert result.stdout == (
        f"## Changes to the plan from `{sha['march'][:7]}` (2017-03-10, March update) to the working tree\n"
        "\n"
        "Actions: 0 added, 0 removed, 2 changed. 2 progress entries.\n"
        "\n"
        "### 1. Professional curiosity\n"
        "\n"
        "#### 1.2\n"
        "\n"
        "- **Progress** 2017-03-20 (MEO): Uncommitted note.\n"
        "\n"
        "#### 1.3\n"
        "\n"
        "- **Progress** 2017-03-21 (MEO): Shared \\<script\\> via \\*email\\* \\| \\[link\\](x)\n"
    )


def test_no_changes(history):
    repo, _ = history
    result = Cap(repo.data)("changes", "--since", "HEAD", "--until", "HEAD")
    assert result.exit_code == 0 and "No changes to the plan." in result.stdout


def test_a_file_that_did_not_validate_is_reported_not_fatal(history):
    repo, sha = history
    repo.write("data/actions/1.3.yaml", "ref: '1.3'\nstatus: done\n")
    result = Cap(repo.data)("changes", "--since", sha["march"], "--format", "md")
    assert result.exit_code == 0
    assert "data/actions/1.3.yaml:1:1: error: CAP102 missing required key `theme`" in result.stderr
    assert "### Files that could not be read" in result.stdout
    assert "#### 1.2" in result.stdout


# ------------------------------------------------------------------ errors


def test_not_inside_a_git_repository(small_data):
    result = Cap(small_data)("changes", "--since", "HEAD")
    assert result.exit_code == 1
    assert result.stderr == f"cap: error: {small_data} is not inside a git repository (this command reads the plan's history from git)\n"


def test_unknown_revision_is_a_usage_error(history):
    repo, _ = history
    result = Cap(repo.data)("changes", "--since", "no-such-branch")
    assert result.exit_code == 2
    assert result.stderr == "cap: error: unknown revision 'no-such-branch': not a commit, branch or tag here, nor a date\n"


def test_a_date_before_the_first_commit(history):
    repo, sha = history
    result = Cap(repo.data)("changes", "--since", "2016-12-25")
    assert result.exit_code == 1
    assert result.stderr.startswith("cap: error: no commit on the current branch before 2016-12-25 (the first is ")


def test_git_not_installed(history, monkeypatch, tmp_path):
    repo, _ = history
    monkeypatch.setenv("PATH", without_git_path(tmp_path))
    result = Cap(repo.data)("changes", "--since", "HEAD")
    assert result.exit_code == 1
    assert result.stderr == "cap: error: git is not installed (no `git` on PATH); this command reads the plan's history from git\n"


def test_unknown_format(history):
    repo, _ = history
    assert Cap(repo.data)("changes", "--format", "html").exit_code == 2


# ------------------------------------------------------------------ the installed program


@pytest.mark.slow
def test_installed_cap_changes_since_a_date(history):
    repo, sha = history
    result = run_cap("changes", "--since", "2017-03-01", "--format", "json", cwd=repo.root)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["since"]["commit"] == sha["february"]


@pytest.mark.slow
def test_installed_cap_without_git_on_path(history, tmp_path):
    repo, _ = history
    exe = os.path.join(os.path.dirname(sys.executable), "cap")
    env = {**os.environ, "PATH": without_git_path(tmp_path)}
    result = subprocess.run([exe, "changes"], cwd=repo.root, capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert result.stderr == "cap: error: git is not installed (no `git` on PATH); this command reads the plan's history from git\n"
