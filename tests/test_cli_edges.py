"""What a careless or hostile user meets at the edges: every failure one line, right exit code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import DATA, ROOT, Cap
from tests.test_cli_show import run_cap


def cap_exe() -> str:
    beside = os.path.join(os.path.dirname(sys.executable), "cap")
    return beside if os.path.exists(beside) else shutil.which("cap")


@pytest.mark.parametrize(
    "args,message",
    [
        (["list", "--due-within", "abc"], "cap: error: Invalid value for '--due-within'"),
        (["list", "--no-such-option"], "cap: error: No such option: --no-such-option (see 'cap list --help')"),
        (["list", "--as-of", "bogus"], "cap: error: Invalid value for '--as-of': 'bogus' is not a date"),
        (["show"], "cap: error: Missing argument"),
        (["no-such-command"], "cap: error: No such command"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(args, message):
    result = run_cap(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1, result.stderr


def test_plain_cap_shows_the_help():
    result = run_cap()
    assert result.returncode == 2
    assert "Commands:" in result.stdout and "list" in result.stdout


@pytest.mark.slow
def test_output_is_utf8_whatever_the_locale(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    assert Cap(tmp_path / "data")("progress", "4.4", "Agreed 🎉 → next step", "--date", "2017-02-01").exit_code == 0
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    for args in (["list", "--format", "csv"], ["show", "4.4"], ["list", "--format", "json"]):
        result = subprocess.run([cap_exe(), "--data", str(tmp_path / "data"), *args], capture_output=True, env=env)
        assert result.returncode == 0, result.stderr
        assert "Agreed 🎉 → next step" in result.stdout.decode("utf-8")


@pytest.mark.posix
def test_closed_standard_output_is_one_line():
    result = subprocess.run([cap_exe(), "list"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == "cap: error: standard output is closed\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_standard_output_is_one_line():
    with open("/dev/full", "w") as full:
        result = subprocess.run([cap_exe(), "list", "--format", "json"], cwd=ROOT, stdout=full,
                                stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert result.stderr == "cap: error: No space left on device\n"


@pytest.mark.slow
def test_a_reader_that_goes_away_ends_cap_quietly(tmp_path):
    # Enough output to fill the pipe: the whole plan as JSON, many times over.
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    writer = subprocess.run([cap_exe(), "list", "--format", "csv"], cwd=ROOT, stdout=reader.stdin,
                            stderr=subprocess.PIPE, text=True)
    reader.stdin.close()
    reader.wait()
    assert "Traceback" not in writer.stderr and "internal error" not in writer.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--as-of", "0001-01-01"],
        ["report", "--as-of", "9999-12-31"],
        ["stats", "--as-of", "9999-12-31"],
        ["report", "--amber-days", "99999999"],
        ["list", "--due-within", "99999999", "--as-of", "9999-12-30"],
    ],
)
def test_dates_at_the_ends_of_the_calendar(cap, args):
    assert cap(*args).exit_code == 0


def test_unknown_scr_filter_names_the_cases(cap):
    result = cap("list", "--scr", "ZZ")
    assert result.exit_code == 2
    assert result.stderr == "cap: error: unknown SCR 'ZZ' (cases: D, I, J, K, L, M, N, O, P, Q, R, S)\n"
    assert cap("report", "--scr", "ZZ").exit_code == 2
    near = cap("list", "--scr", "QQ")
    assert near.exit_code == 2 and "unknown SCR 'QQ'; did you mean Q?" in near.stderr


def test_import_of_a_folder(cap, tmp_path):
    result = cap("import", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_changes_since_the_first_day_of_the_calendar():
    result = run_cap("changes", "--since", "0001-01-01")
    assert result.returncode == 1
    assert result.stderr.startswith("cap: error: no commit on the current branch before 0001-01-01")
