"""`cap init --demo DIR`: the January 2017 plan and a dated history of monthly updates."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from cap.demo import SOURCE as PACKAGED
from tests.conftest import SOURCE, Cap
from tests.test_cli_show import run_cap

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def log(root) -> list[str]:
    out = subprocess.run(["git", "log", "--reverse", "--format=%aI|%cI|%an|%s"], cwd=root, capture_output=True,
                         text=True, check=True).stdout
    return out.splitlines()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "demo"
    result = Cap()("init", "--demo", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"made a demonstration plan in {root}: the January 2017 plan and 7 commits")
    return root


def test_the_packaged_plan_is_the_published_text():
    assert PACKAGED.read_bytes() == SOURCE.read_bytes()


def test_a_dated_commit_a_month_from_january_to_july_2017(demo):
    lines = log(demo)
    assert [line.split("|")[0][:7] for line in lines] == [f"2017-0{m}" for m in range(1, 8)]
    assert all(line.split("|")[0] == line.split("|")[1] for line in lines)  # author and committer dates agree
    assert lines[0].endswith("|Ann Manager|The composite action plan, January 2017")
    clean = subprocess.run(["git", "status", "--porcelain"], cwd=demo, capture_output=True, text=True).stdout
    assert clean == ""


def test_the_plan_checks_clean_and_holds_the_story(demo):
    cap = Cap(demo / "data")
    checked = cap("validate", "--strict", "--as-of", "2017-07-31")
    assert checked.exit_code == 0, checked.output
    listed = {r["ref"]: r for r in json.loads(cap("list", "--format", "json", "--as-of", "2017-07-31").stdout)}
    assert len(listed) == 22
    assert listed["2.2"]["status"] == listed["2.4"]["status"] == "closed"
    assert listed["4.4"]["slipped"] and listed["3.1"]["slipped"] and listed["4.10"]["target_date"] == "2017-12-01"
    assert cap("undo").exit_code == 1  # what the demonstration wrote is committed


def test_the_history_commands_have_a_history_to_show(demo):
    cap = Cap(demo / "data")
    changes = cap("changes", "--since", "2017-05-01", "--until", "2017-06-30", "--format", "json")
    assert changes.exit_code == 0, changes.output
    refs = {a["ref"] for theme in json.loads(changes.stdout)["themes"] for a in theme["actions"]}
    assert refs == {"2.2", "3.1", "4.4", "1.4"}
    history = cap("history", "4.4", "--format", "json")
    assert [s["subject"] for s in json.loads(history.stdout)["steps"]] == [
        "The composite action plan, January 2017", "February update: 4.4 from the MASH",
        "June update: 4.4 audit presented", "July update: 2.4 signed off, 4.4 put back"]


def test_refusals(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = Cap()("init", "--demo", str(tmp_path / "full"))
    assert refused.exit_code == 1 and "is not an empty folder" in refused.stderr
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    both = Cap()("init", "--demo", "--blank", str(tmp_path / "x"))
    assert both.exit_code == 2 and both.stderr == "cap: error: give --demo or --blank, not both\n"
    assert not (tmp_path / "x").exists()


def test_without_git_nothing_is_left(tmp_path, monkeypatch):
    import cap.demo as demo_module

    monkeypatch.setattr(demo_module, "_git_runner", lambda git, root: _failing)
    with pytest.raises(demo_module.DemoRefused):
        demo_module.make_demo(tmp_path / "d")
    assert list((tmp_path / "d").iterdir()) == []


def _failing(args, day=None):
    from cap.demo import DemoRefused

    raise DemoRefused("git init failed")


@pytest.mark.slow
def test_installed_cap_init_demo(tmp_path):
    made = run_cap("init", "--demo", "demo", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert len(log(tmp_path / "demo")) == 7
    site = run_cap("site", "-o", "public", "--as-of", "2017-07-31", cwd=tmp_path / "demo")
    assert site.returncode == 0 and "with trends from git" in site.stderr
