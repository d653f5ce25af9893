"""Issue 11, the data side: CSV that cannot run formulas, no control characters on the way
in, no write the reader refuses, no internal errors, a date floor, no leftover temp files,
and a suite that leaves nothing in the system's temporary folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cap.loader import load_plan
from cap.safetext import FORMULA_START, control_problem, csv_cell, csv_text
from cap.store import lock_path
from tests.conftest import DATA, SYSTEM_TEMP, Cap, write_files
from tests.test_cli_show import run_cap

CONTROLS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x00", "\x08", "\r", "\x7f", "\x9b", "\x9d8;;http://x\x9c", "\x0c"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------ 1. nothing left in the system temp folder


def test_the_suite_keeps_its_write_locks_out_of_the_system_temp_folder(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "Audit done.").exit_code == 0
    assert run_cap("--data", str(data_copy), "progress", "4.4", "Second entry.").returncode == 0
    name = lock_path(data_copy).name  # the same name in-process and in the cap process: a hash of the folder
    assert lock_path(data_copy).exists() and lock_path(data_copy).parent != SYSTEM_TEMP
    assert not (SYSTEM_TEMP / name).exists()


# ------------------------------------------------------------------ 2. CSV formula injection

FORMULAS = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)", "+1+1", "-2+3", "\t=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_list_and_report_csv_never_start_a_cell_with_a_formula(data_copy, fixed_today, text):
    cap = Cap(data_copy)
    assert cap("progress", "4.4", "--author", text, "--", text).exit_code == 0
    listed = cap("list", "--format", "csv", "--as-of", "2017-07-01").stdout
    report = cap("report", "--format", "csv", "--full", "--as-of", "2017-07-01").stdout
    for out in (listed, report.lstrip("\ufeff")):
        for row in csv.reader(io.StringIO(out, newline="")):
            for cell in row:
                assert cell[:1] not in FORMULA_START, cell
    latest = cap("report", "--format", "csv", "--as-of", "2017-07-01").stdout.lstrip("\ufeff")
    (row,) = [r for r in csv.DictReader(io.StringIO(latest, newline="")) if r["Ref"] == "4.4"]
    assert row["Progress"] == "'" + text  # the latest entry's text, protected
    added = cap("add", "-t", "curiosity", "-a", text, "--lead", text, "--target-date", "ongoing", "--owner", text)
    assert added.exit_code == 0, added.output
    listed = cap("list", "--format", "csv", "--as-of", "2017-07-01").stdout
    (row,) = [r for r in csv.DictReader(io.StringIO(listed, newline="")) if r["ref"] == "1.5"]
    assert row["action"] == row["lead"] == row["owner"] == "'" + text


def test_cap_numbers_in_list_csv_stay_numbers(data_copy):
    out = Cap(data_copy)("list", "--format", "csv", "--as-of", "2016-01-01").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert any(r["days_overdue"] == "" for r in rows)
    out = Cap(data_copy)("list", "--format", "csv", "--as-of", "2017-07-01").stdout
    assert all(re.fullmatch(r"\d*", r["days_overdue"]) for r in csv.DictReader(io.StringIO(out)))


starts = st.sampled_from(sorted(FORMULA_START) + ["'", "''", "'=", "'-", "'a", "a", "=", "-", "@'"])


@settings(max_examples=400, deadline=None)
@given(starts, st.text(max_size=8))
@example("'", "")
@example("'", "'")
def test_csv_protection_round_trips_every_text(start, rest):
    text = start + rest
    cell = csv_cell(text)
    assert cell[:1] not in FORMULA_START
    assert csv_text(cell) == text


words = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=12)
risky = st.builds(lambda s, w: (s + w).strip() or "x", st.sampled_from(["=", "+", "-", "@", "'", "''", "'=", "'+", "'@"]), words)


@pytest.fixture(scope="module")
def fresh_repo(tmp_path_factory):
    from cap.scaffold import create_repository

    root = tmp_path_factory.mktemp("csv")
    create_repository(root)
    return root / "data"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(risky, risky, risky, risky)
def test_report_csv_imports_back_formula_texts_exactly(fresh_repo, action_text, lead, progress, author):
    """`cap report --format csv` protects each cell; `cap import` reads every text back as written."""
    from cap.importer import prepare_import
    from cap.models import Action, Plan, ProgressEntry
    from cap.query import Filters
    from cap.reports import render
    from cap.reports.model import build_report
    from cap.scaffold import FRAMEWORK_THEMES

    lead = lead.replace("/", "|").replace(",", ";")
    action = Action(ref="1.1", theme="curiosity", action=action_text, lead=[lead], target_date="ongoing",
                    status="in-progress", progress=[ProgressEntry(date=dt.date(2017, 3, 1), text=progress, author=author)])
    report = build_report(Plan(themes=list(FRAMEWORK_THEMES), scrs=[], actions=[action]), Filters(), dt.date(2017, 7, 1),
                          full=True)
    text = render(report, "csv")
    outcome, problems = prepare_import(fresh_repo, text.encode(), "r.csv", progress_date=dt.date(2017, 7, 1),
                                       today=dt.date(2017, 7, 1))
    assert problems == []
    (back,) = outcome.created
    assert (back.action, back.lead, back.progress) == (action.action, action.lead, action.progress)


# ------------------------------------------------------------------ 3. control characters on the way in

WRITES = [
    ("progress", ["4.4", "{x}"]),
    ("progress", ["4.4", "ok", "--author", "{x}"]),
    ("retarget", ["4.4", "01/09/17", "--reason", "{x}"]),
    ("retarget", ["4.4", "01/09/17", "--reason", "ok", "--author", "{x}"]),
    ("close", ["2.4", "--by", "{x}"]),
    ("withdraw", ["4.4", "--reason", "{x}"]),
    ("reopen", ["1.4", "--reason", "{x}"]),
    ("add", ["-t", "curiosity", "-a", "{x}", "--lead", "NSCB", "--target-date", "01/12/17"]),
    ("add", ["-t", "curiosity", "-a", "ok", "--lead", "{x}", "--target-date", "01/12/17"]),
    ("add", ["-t", "curiosity", "-a", "ok", "--lead", "NSCB", "--target-date", "01/12/17", "--owner", "{x}"]),
    ("add", ["-t", "curiosity", "-a", "ok", "--lead", "NSCB", "--target-date", "01/12/17", "--outcome", "{x}"]),
]


@pytest.mark.parametrize("command,args", WRITES, ids=lambda v: v if isinstance(v, str) else " ".join(v))
@pytest.mark.parametrize("control", CONTROLS[:4] + ["\x9b"])
def test_write_commands_refuse_a_control_character(data_copy, fixed_today, command, args, control):
    before = snapshot(data_copy)
    value = f"Eve{control}x"
    result = Cap(data_copy)(command, *[a.replace("{x}", value) for a in args])
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "control character \\x" in result.stderr
    assert control_problem(result.stderr) is None  # named, never printed raw
    assert snapshot(data_copy) == before


@pytest.mark.parametrize("command,args", [WRITES[i] for i in (1, 3, 4, 8, 9)])
def test_a_line_break_in_a_one_line_field_is_refused(data_copy, fixed_today, command, args):
    before = snapshot(data_copy)
    result = Cap(data_copy)(command, *[a.replace("{x}", "NSCB\nPolice") for a in args])
    assert result.exit_code == 2, result.output
    assert "line break" in result.stderr and "one-line field" in result.stderr
    assert snapshot(data_copy) == before


def test_texts_keep_newlines_tabs_and_windows_line_ends(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "one\r\ntwo\n\tthree").exit_code == 0
    plan, problems = load_plan(data_copy)
    assert problems == [] and plan.action("4.4").progress[-1].text == "one\r\ntwo\n\tthree"


@pytest.mark.parametrize("value,code,col", [
    ('"Eve\\e[2J"', "CAP012", 9), ('"Eve\\x9b2J"', "CAP012", 9), ('"a\\rb"', "CAP012", 9), ('"NSCB\\nPolice"', "CAP013", 9),
])
def test_validate_reports_a_control_character_at_its_line_and_the_plan_does_not_load(small_data, value, code, col):
    text = (small_data / "actions" / "1.1.yaml").read_text()
    field = "author" if code == "CAP013" else "text"
    text = text.replace("progress: []\n", f"progress:\n- date: 2017-01-01\n  text: ok\n  {field}: {value}\n")
    if code != "CAP013":
        text = text.replace("  text: ok\n  text:", "  text:")
    (small_data / "actions" / "1.1.yaml").write_text(text)
    cap = Cap(small_data)
    result = cap("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 1
    line = next(i for i, l in enumerate(text.splitlines(), 1) if value in l)
    (problem,) = [l for l in result.stdout.splitlines() if code in l]
    assert problem.startswith(f"data/actions/1.1.yaml:{line}:") and ": error: " + code in problem
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert cap("list").exit_code == 1  # like any error: the plan does not load


def test_import_refuses_a_control_character_naming_its_row(tmp_path, fixed_today):
    from cap.scaffold import create_repository

    create_repository(tmp_path / "plan")
    data = tmp_path / "plan" / "data"
    before = snapshot(data)
    plan = tmp_path / "plan.csv"
    plan.write_text("Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
                    "curiosity,1.1,D,Act.,NSCB,01/06/17,Begun.\n"
                    "curiosity,1.2,D,Act \x1b[2J now.,NSCB,01/06/17,Begun.\n", encoding="utf-8")
    result = Cap(data)("import", str(plan), "--progress-date", "2017-03-31")
    assert result.exit_code == 1
    assert f"{plan}:3:1: error: CAP804 row 3, column D: the cell holds the control character \\x1b (escape)" in result.stderr
    assert "\x1b" not in result.output
    assert snapshot(data) == before


def test_import_refuses_a_line_break_in_a_lead(tmp_path, fixed_today):
    from cap.scaffold import create_repository

    create_repository(tmp_path / "plan")
    data = tmp_path / "plan" / "data"
    plan = tmp_path / "plan.csv"
    plan.write_text('Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n'
                    'curiosity,1.1,D,Act.,"NSCB\nPolice",01/06/17,Begun.\n', encoding="utf-8")
    result = Cap(data)("import", str(plan), "--progress-date", "2017-03-31")
    assert result.exit_code == 1
    assert "row 2: `lead.0` holds a line break" in result.stderr and "separate lead agencies with /" in result.stderr
    assert not (data / "actions" / "1.1.yaml").exists()


# ------------------------------------------------------------------ 4. no write the reader refuses


@pytest.mark.slow
def test_a_progress_entry_that_would_take_the_file_over_the_read_limit_is_refused(data_copy, fixed_today):
    from cap.loader import MAX_FILE_BYTES

    path = data_copy / "actions" / "4.4.yaml"
    cap = Cap(data_copy)
    chunk = "word " * 24_000
    while path.stat().st_size + 2 * len(chunk) < MAX_FILE_BYTES:
        assert cap("progress", "4.4", chunk, "--again").exit_code == 0
    before = path.read_bytes()
    result = cap("progress", "4.4", chunk + chunk)
    assert result.exit_code == 1
    assert result.stderr.startswith("cap: error: refusing to write 4.4: the file would be ")
    assert len(result.stderr.splitlines()) == 1
    assert path.read_bytes() == before
    for command in (["list"], ["report"], ["fmt", "--check"], ["validate", "--as-of", "2017-07-01"]):
        assert cap(*command).exit_code == 0, command


def test_a_back_dated_retarget_that_would_put_the_revisions_out_of_order_is_refused(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("retarget", "4.4", "01/09/17", "--reason", "First.", "--date", "2017-06-01").exit_code == 0
    before = snapshot(data_copy)
    result = cap("retarget", "4.4", "01/10/17", "--reason", "Second.", "--date", "2017-05-01")
    assert result.exit_code == 1
    assert "2017-06-01" in result.stderr
    assert snapshot(data_copy) == before
    assert cap("validate", "--as-of", "2017-07-01").exit_code == 0


# ------------------------------------------------------------------ 5. no internal errors

HUGE = "9" * 5000
COMMANDS = [["validate"], ["list"], ["show", "4.4"], ["progress", "4.4", "x"], ["fmt"], ["fmt", "--check"],
            ["report"], ["report", "--format", "csv"], ["stats"], ["retarget", "4.4", "01/09/17", "--reason", "r"],
            ["close", "4.4", "--by", "x"], ["withdraw", "4.4", "--reason", "r"], ["reopen", "4.4", "--reason", "r"]]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_5000_digit_number_is_a_located_error_from_every_command(data_copy, fixed_today, args):
    path = data_copy / "actions" / "4.4.yaml"
    path.write_text(re.sub(r"target_date: .*", f"target_date: {HUGE}", path.read_text(), count=1))
    result = Cap(data_copy).runner.invoke(__import__("cap.cli", fromlist=["app"]).app,
                                          ["--data", str(data_copy), *args])
    assert result.exit_code == 1, (result.output, result.exception)
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if l.startswith("target_date"))
    assert f"data/actions/4.4.yaml:{line}:14: error: CAP103 a number of 5,000 digits is too long to read" in result.output
    assert len(max(result.output.splitlines(), key=len)) < 300


def test_a_5000_digit_number_through_the_installed_cap(data_copy):
    path = data_copy / "actions" / "4.4.yaml"
    path.write_text(re.sub(r"target_date: .*", f"target_date: {HUGE}", path.read_text(), count=1))
    result = run_cap("--data", str(data_copy), "validate")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "CAP103 a number of 5,000 digits is too long to read" in result.stdout


@pytest.mark.parametrize("ref", ["/etc/passwd", "../themes", "../../../evil", "4.4/", "4.4.yaml", " 4.4", "4", "0.1"])
@pytest.mark.parametrize("command", [["show"], ["history"], ["progress", "{ref}", "x"], ["close", "{ref}", "--by", "x"],
                                     ["retarget", "{ref}", "ongoing", "--reason", "x"]])
def test_every_command_taking_a_ref_checks_it_the_same_way(data_copy, ref, command):
    args = [a.replace("{ref}", ref) for a in command] if "{ref}" in command else [*command, ref]
    result = Cap(data_copy)(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"cap: error: {ref!r} is not a ref (refs look like 4.10)\n"


def test_show_of_a_path_through_the_installed_cap():
    result = run_cap("show", "/etc/passwd")
    assert (result.returncode, result.stderr) == (2, "cap: error: '/etc/passwd' is not a ref (refs look like 4.10)\n")


# ------------------------------------------------------------------ 6. the date floor

FLOOR_WRITES = [
    ["progress", "4.4", "x", "--date", "01/01/0001"],
    ["retarget", "4.4", "01/01/1800", "--reason", "r"],
    ["retarget", "4.4", "ongoing", "--reason", "r", "--date", "31/12/1989"],
    ["add", "-t", "curiosity", "-a", "x", "--lead", "NSCB", "--target-date", "01/01/1900"],
    ["close", "2.4", "--by", "x", "--date", "1066-10-14"],
    ["withdraw", "4.4", "--reason", "r", "--date", "1989-12-31"],
    ["reopen", "2.4", "--reason", "r", "--date", "1989-12-31"],
]


@pytest.mark.parametrize("args", FLOOR_WRITES, ids=" ".join)
def test_dates_no_plan_can_hold_are_refused_on_write(data_copy, fixed_today, args):
    before = snapshot(data_copy)
    result = Cap(data_copy)(*args)
    assert result.exit_code == 2, result.output
    assert "the earliest date a plan can hold" in result.stderr and "1990-01-01" in result.stderr
    assert snapshot(data_copy) == before


def test_import_refuses_a_progress_date_or_a_cell_before_the_floor(tmp_path, fixed_today):
    from cap.scaffold import create_repository

    create_repository(tmp_path / "plan")
    data = tmp_path / "plan" / "data"
    plan = tmp_path / "plan.csv"
    plan.write_text("Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
                    "curiosity,1.1,D,Act.,NSCB,01/06/1899,Begun.\n", encoding="utf-8")
    result = Cap(data)("import", str(plan), "--progress-date", "1980-01-01")
    assert result.exit_code == 2
    assert result.stderr == ("cap: error: --progress-date 1980-01-01 is before 1990-01-01, "
                             "the earliest date a plan can hold\n")
    result = Cap(data)("import", str(plan), "--progress-date", "2017-03-31")
    assert result.exit_code == 1
    assert "row 2, column F: Target date: 1899-06-01 is before 1990-01-01" in result.stderr
    assert not (data / "actions" / "1.1.yaml").exists()


def test_the_floor_itself_is_accepted(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "x", "--date", "1990-01-01").exit_code == 0


def test_validate_warns_about_a_date_before_the_floor(small_data):
    path = small_data / "actions" / "1.1.yaml"
    path.write_text(path.read_text().replace("target_date: 2017-06-01", "target_date: 0001-01-01"))
    result = Cap(small_data)("validate", "--as-of", "2017-07-01")
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if l.startswith("target_date"))
    assert (f"data/actions/1.1.yaml:{line}:14: warning: CAP215 `target_date`: 0001-01-01 is before 1990-01-01, "
            "the earliest date a plan can hold (a typo?)") in result.stdout


# ------------------------------------------------------------------ 7. leftover temp files


def test_the_next_write_removes_leftover_temp_files_and_validate_warns_first(data_copy, fixed_today):
    actions = data_copy / "actions"
    left = [actions / ".4.4.yaml.1a2b3c4d.tmp", data_copy / ".themes.yaml.deadbeef.tmp"]
    for path in left:
        path.write_text("half a file")
    kept = [actions / ".notes.tmp", actions / ".4.4.yaml.swp", data_copy / "keep.1a2b3c4d.tmp"]
    for path in kept:
        path.write_text("not cap's")
    result = Cap(data_copy)("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 0
    assert "data/actions/.4.4.yaml.1a2b3c4d.tmp:1:1: warning: CAP014 " in result.stdout
    assert "data/.themes.yaml.deadbeef.tmp:1:1: warning: CAP014 " in result.stdout
    assert result.stdout.count("CAP014") == 2
    assert Cap(data_copy)("progress", "1.1", "Done.").exit_code == 0
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in kept)
    assert "CAP014" not in Cap(data_copy)("validate", "--as-of", "2017-07-01").stdout


def test_a_temp_file_is_not_removed_while_another_write_holds_the_lock(data_copy):
    from cap.store import plan_lock, remove_leftover_temps

    tmp = data_copy / "actions" / ".4.4.yaml.0badf00d.tmp"
    with plan_lock(data_copy):  # a write under way, its temp file being written
        tmp.write_text("being written")
        with pytest.raises(Exception):  # another write waits for the lock: it sweeps nothing meanwhile
            with plan_lock(data_copy, timeout=0.1):
                pass
        assert tmp.exists()
    remove_leftover_temps(data_copy)
    assert not tmp.exists()


def test_a_killed_write_leaves_a_temp_file_the_next_write_removes(data_copy, fixed_today):
    import cap.store as store

    real = os.fsync

    def killed(fd):
        raise KeyboardInterrupt  # as if the process died at fsync (the temp file stays: we skip the cleanup)

    from cap.updates import add_progress, update_action

    path = data_copy / "actions" / "4.4.yaml"
    before = path.read_bytes()
    original_unlink = os.unlink
    try:
        store.os.fsync = killed
        store.os.unlink = lambda p: None
        with pytest.raises(KeyboardInterrupt):
            update_action(data_copy, "4.4", lambda a: add_progress(a, "x", today=fixed_today))
    finally:
        store.os.fsync = real
        store.os.unlink = original_unlink
    assert path.read_bytes() == before
    assert len(list((data_copy / "actions").glob(".4.4.yaml.*.tmp"))) == 1
    assert Cap(data_copy)("progress", "4.4", "y").exit_code == 0
    assert list((data_copy / "actions").glob(".*.tmp")) == []


def test_cap_init_ignores_temp_files_in_git(tmp_path):
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is not installed")
    assert Cap()("init", str(tmp_path / "plan")).exit_code == 0
    root = tmp_path / "plan"
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / "data" / "actions" / ".4.4.yaml.1a2b3c4d.tmp").write_text("x")
    (root / "data" / ".themes.yaml.1a2b3c4d.tmp").write_text("x")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, check=True,
                            capture_output=True, text=True).stdout
    assert ".tmp" not in status and "data/themes.yaml" in status
