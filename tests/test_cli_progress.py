"""`cap progress`: options, errors, the git diff it makes, 20 writers at once, the real program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from cap.loader import load_action_file, load_plan
from tests.conftest import DATA, Cap, action_yaml, write_files
from tests.test_cli_show import run_cap


def entries(data, ref="4.4"):
    action, problems = load_action_file(data / "actions" / f"{ref}.yaml", data)
    assert problems == [], problems
    return action.progress


def test_the_design_card_example(data_copy, fixed_today):
    result = Cap(data_copy)("progress", "4.4", "Audit of CPI referrals presented to the board.")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "4.4: progress entry of 2017-07-01 added (data/actions/4.4.yaml)\n"
    last = entries(data_copy)[-1]
    assert (last.date.isoformat(), last.text, last.author) == (
        "2017-07-01", "Audit of CPI referrals presented to the board.", None)


def test_date_uk_and_iso_and_author(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("progress", "4.4", "uk", "--date", "14/06/17", "--author", "MASH manager").exit_code == 0
    assert cap("progress", "4.4", "iso", "--date", "2017-06-20").exit_code == 0
    got = [(e.date.isoformat(), e.text, e.author) for e in entries(data_copy)[1:]]
    assert got == [("2017-06-14", "uk", "MASH manager"), ("2017-06-20", "iso", None)]


def test_back_dated_entry_is_inserted_in_date_order(data_copy, fixed_today):
    cap = Cap(data_copy)
    cap("progress", "4.4", "june", "--date", "2017-06-01")
    cap("progress", "4.4", "march", "--date", "1/3/2017")
    assert [e.text for e in entries(data_copy)][1:] == ["march", "june"]


def test_uk_dates_are_day_first(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "x", "--date", "06/01/17").exit_code == 0
    assert entries(data_copy)[0].date.isoformat() == "2017-01-06"  # before the entry of 31/01/17
    result = Cap(data_copy)("progress", "4.4", "x", "--date", "06/13/17")  # month-first: month 13
    assert result.exit_code == 2 and "not a real date" in result.stderr


def test_status_change_comes_with_the_entry(data_copy, fixed_today):
    result = Cap(data_copy)("progress", "4.4", "Evaluation received.", "--status", "complete")
    assert result.exit_code == 0
    assert result.stdout.startswith("4.4: progress entry of 2017-07-01 added; status in-progress -> complete")
    shown = json.loads(Cap(data_copy)("show", "4.4", "--format", "json", "--as-of", "2017-07-01").stdout)
    assert shown["status"] == "complete"
    assert shown["progress"][-1] == {"date": "2017-07-01", "text": "Evaluation received.", "author": None}


def test_same_status_is_no_change(data_copy, fixed_today):
    result = Cap(data_copy)("progress", "4.4", "Still going.", "-s", "in-progress")
    assert result.exit_code == 0 and "status" not in result.stdout


# ------------------------------------------------------------------ refusals: one line, nothing changed


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["4.99", "x"], 2, "cap: error: unknown ref '4.99': there is no data/actions/4.99.yaml; did you mean 4.9?\n"),
        (["../4.4", "x"], 2, "cap: error: '../4.4' is not a ref (refs look like 4.10)\n"),
        (["4.4", ""], 2, "cap: error: the progress text is empty\n"),
        (["4.4", "   "], 2, "cap: error: the progress text is empty\n"),
        (["4.4", "x", "--date", "31/02/17"], 2,
         "cap: error: --date: '31/02/17' is not a real date (day is out of range for month)\n"),
        (["4.4", "x", "--date", "last tuesday"], 2, None),
        (["4.4", "x", "--date", "2017-07-02"], 1,
         "cap: error: the date 2017-07-02 is after today (2017-07-01): "
         "record what has happened, not what is planned\n"),
        (["4.4", "x", "--status", "done"], 2,
         "cap: error: unknown status 'done'; cap progress --status takes open, in-progress, complete\n"),
        (["4.4", "x", "--status", "closed"], 2,
         'cap: error: status closed comes only with a sign-off: cap close REF --by "..."\n'),
        (["4.4", "x", "--status", "withdrawn"], 2,
         'cap: error: status withdrawn comes only with a reason: cap withdraw REF --reason "..."\n'),
        (["2.4", "x", "--status", "in-progress"], 1,
         'cap: error: cannot change the status of 2.4: it is complete; reopen it first: '
         'cap reopen 2.4 --reason "..."\n'),
        (["4.4", "x", "--author", " "], 2, None),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(data_copy, fixed_today, args, code, message):
    before = {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()}
    result = Cap(data_copy)("progress", *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("cap: error: ")
    if message:
        assert result.stderr == message
    assert {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()} == before


def test_an_invalid_file_is_refused_with_its_problems_and_left_untouched(small_data, fixed_today):
    broken = action_yaml(status="done")
    write_files(small_data.parent, {"data/actions/1.1.yaml": broken})
    result = Cap(small_data)("progress", "1.1", "x")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/actions/1.1.yaml:8:9: error: CAP104 unknown status 'done'; valid: open, in-progress, complete, closed, withdrawn",
        "cap: error: data/actions/1.1.yaml has errors: fix them first (nothing was changed)",
    ]
    assert (small_data / "actions" / "1.1.yaml").read_text() == broken


def test_a_file_that_is_not_yaml_is_refused(small_data, fixed_today):
    write_files(small_data.parent, {"data/actions/1.1.yaml": "ref: '1.1'\naction: [unclosed\n"})
    result = Cap(small_data)("progress", "1.1", "x")
    assert result.exit_code == 1 and "data/actions/1.1.yaml:3:1: error: CAP003" in result.stderr


def test_a_file_with_comments_is_not_rewritten(small_data, fixed_today):
    commented = action_yaml(status="open  # agreed at the March board")
    write_files(small_data.parent, {"data/actions/1.1.yaml": commented})
    result = Cap(small_data)("progress", "1.1", "x")
    assert result.exit_code == 1
    assert "data/actions/1.1.yaml:8: has a # comment, which cap would drop" in result.stderr
    assert (small_data / "actions" / "1.1.yaml").read_text() == commented


def test_a_hand_written_file_is_rewritten_canonically_with_a_note(small_data, fixed_today):
    result = Cap(small_data)("progress", "1.1", "First entry.")
    assert result.exit_code == 0
    assert "note: data/actions/1.1.yaml was not in the canonical format" in result.stderr
    assert (small_data / "actions" / "1.1.yaml").read_text().endswith(
        "progress:\n- date: 2017-07-01\n  text: First entry.\n")


# ------------------------------------------------------------------ the git diff


def git(repo, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "core.autocrlf=false", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path):
    """A real git repository holding a copy of the data, all committed."""
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is not installed")
    shutil.copytree(DATA, tmp_path / "data")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "data")
    git(tmp_path, "commit", "-q", "-m", "the plan")
    return tmp_path


def changed_lines(repo) -> tuple[list[str], list[str]]:
    """(removed, added) lines of `git diff`, without the headers."""
    diff = git(repo, "diff", "--no-color", "-U0").splitlines()
    body = [line for line in diff if not line.startswith(("+++", "---", "diff ", "index ", "@@"))]
    return [l[1:] for l in body if l.startswith("-")], [l[1:] for l in body if l.startswith("+")]


HOSTILE = [
    "Audit: done # see minutes",
    "- leading dash",
    "* leading star",
    "yes",
    "null",
    "on",
    "4.10",
    "'quoted' and \"double\"",
    "multi-line\nsecond line\n\n  indented third",
    "emoji 🎉 and ਪੰਜਾਬੀ and 日本語",
    "trailing spaces   ",
    " leading space and a text long enough to be folded over several lines of the file, surely",
    "a long text: " + "word " * 40 + "end.",
    "windows\r\nline ends",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_git_diff_after_progress_shows_only_added_lines(repo, fixed_today, text):
    result = Cap(repo / "data")("progress", "4.4", "--author", "NSCB: MEO", "--", text)  # `--`: for "- x"
    assert result.exit_code == 0, result.stderr
    removed, added = changed_lines(repo)
    assert removed == []
    assert added[0] == "- date: 2017-07-01" and len(added) >= 3
    assert git(repo, "status", "--porcelain") == " M data/actions/4.4.yaml\n"
    assert entries(repo / "data")[-1].text == text


def test_git_diff_of_a_status_change_is_the_status_line_and_added_lines(repo, fixed_today):
    assert Cap(repo / "data")("progress", "4.4", "Evaluation received.", "--status", "complete").exit_code == 0
    removed, added = changed_lines(repo)
    assert removed == ["status: in-progress"]
    assert added == ["status: complete", "completed: 2017-07-01", "- date: 2017-07-01", "  text: Evaluation received."]


def test_back_dated_entry_is_an_insertion_in_the_diff(repo, fixed_today):
    cap = Cap(repo / "data")
    cap("progress", "4.4", "later", "--date", "2017-06-01")
    git(repo, "commit", "-qam", "later")
    cap("progress", "4.4", "earlier", "--date", "2017-03-01")
    removed, added = changed_lines(repo)
    assert removed == [] and added == ["- date: 2017-03-01", "  text: earlier"]


# ------------------------------------------------------------------ the installed program


def cap_exe() -> str:
    """The `cap` installed beside this interpreter, as run_cap uses."""
    beside = os.path.join(os.path.dirname(sys.executable), "cap")
    return beside if os.path.exists(beside) else shutil.which("cap")


@pytest.mark.slow
def test_installed_cap_progress(repo):
    result = run_cap("--data", str(repo / "data"), "progress", "4.4", "Recorded by the real program.",
                     "--date", "2017-06-30", "--author", "MEO")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "4.4: progress entry of 2017-06-30 added (data/actions/4.4.yaml)\n"
    bad = run_cap("--data", str(repo / "data"), "progress", "4.4", "x", "--date", "31/02/17")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
    assert changed_lines(repo)[0] == []


@pytest.mark.slow
def test_twenty_writers_at_once_lose_nothing(repo):
    data = repo / "data"
    files_before = sorted(p.relative_to(data) for p in data.rglob("*"))
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("CAP_DATA", None)
    procs = [
        subprocess.Popen(
            [cap_exe(), "--data", str(data), "progress", "4.4", f"Concurrent entry {i:02d}", "--date", "2017-07-01"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for i in range(20)
    ]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _ in outcomes] == [0] * 20, outcomes
    texts = [e.text for e in entries(data)]
    assert sorted(t for t in texts if t.startswith("Concurrent")) == [f"Concurrent entry {i:02d}" for i in range(20)]
    assert len(texts) == 21
    plan, problems = load_plan(data)
    assert problems == [] and len(plan.actions) == 22
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == files_before  # no lock or temp file
    assert git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all") == " M data/actions/4.4.yaml\n"
    removed, added = changed_lines(repo)
    assert removed == [] and len(added) == 40


@pytest.mark.posix
def test_a_link_leading_outside_the_data_is_not_written_through(small_data, fixed_today, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(action_yaml("1.2"))
    (small_data / "actions" / "1.2.yaml").symlink_to(outside)
    result = Cap(small_data)("progress", "1.2", "x")
    assert result.exit_code == 1
    assert "data/actions/1.2.yaml:1:1: error: CAP010 is a link leading outside the data folder" in result.stderr
    assert outside.read_text() == action_yaml("1.2")


def test_the_same_entry_twice_on_one_day_is_refused_unless_again(data_copy, fixed_today):
    cap = Cap(data_copy)
    args = ("progress", "4.4", "Audit presented.", "--date", "28/06/17", "--author", "MASH")
    assert cap(*args).exit_code == 0
    before = (data_copy / "actions" / "4.4.yaml").read_bytes()
    twice = cap(*args)
    assert twice.exit_code == 1
    assert twice.stderr == ("cap: error: 4.4 has this entry already on 2017-06-28 (nothing was written); "
                            "to record it a second time, give --again\n")
    assert (data_copy / "actions" / "4.4.yaml").read_bytes() == before
    # another day, another text or another author is another entry
    assert cap("progress", "4.4", "Audit presented.", "--date", "29/06/17", "--author", "MASH").exit_code == 0
    assert cap("progress", "4.4", "Audit presented.", "--date", "28/06/17").exit_code == 0
    assert cap(*args, "--again").exit_code == 0
    assert [e.text for e in entries(data_copy)].count("Audit presented.") == 4
