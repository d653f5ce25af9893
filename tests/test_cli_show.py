"""`cap show REF`, and the data folder discovery shared by every command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import DATA, ROOT, Cap, action_yaml, write_files


def test_show_everything_about_one_action(cap):
    result = cap("show", "4.6", "--as-of", "2017-12-02")
    assert result.exit_code == 0
    out = result.stdout
    assert "accountability (Ownership and accountability: management grip)" in out
    assert "J, O" in out
    assert "01/12/17 (2017-12-01)" in out
    assert "yes, 1 day as of 2017-12-02" in out
    assert "To await initial findings" in out
    assert "children and put in place mechanisms" in out


def test_show_not_overdue_on_the_target_day(cap):
    assert "no (as of 2017-12-01)" in cap("show", "4.6", "--as-of", "2017-12-01").stdout


def test_show_json_is_the_list_json_object(cap):
    shown = json.loads(cap("show", "4.10", "--format", "json", "--as-of", "2017-07-01").stdout)
    listed = json.loads(cap("list", "--format", "json", "--as-of", "2017-07-01").stdout)
    assert shown == next(r for r in listed if r["ref"] == "4.10")


def test_show_scr_label_as_the_source_writes_it(cap):
    assert "M (and All)" in cap("show", "4.1").stdout
    assert "All" in cap("show", "1.2").stdout


def test_unknown_ref(cap):
    result = cap("show", "4.99")
    assert result.exit_code == 2
    assert result.stderr == "cap: error: unknown ref '4.99': there is no data/actions/4.99.yaml; did you mean 4.9?\n"


def test_show_a_broken_file_names_file_and_line(small_data):
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(targt_date="2017-01-01")})
    result = Cap(small_data)("show", "1.1")
    assert result.exit_code == 1
    assert "data/actions/1.1.yaml:10:1: error: CAP101 unknown key `targt_date` (did you mean `target_date`?)" in result.stderr


def test_show_progress_oldest_first(small_data):
    progress = "\n- date: 2017-01-01\n  text: first entry\n- date: 2017-02-01\n  text: second entry\n  author: MEO"
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(progress=progress)})
    out = Cap(small_data)("show", "1.1").stdout
    assert out.index("first entry") < out.index("second entry")
    assert "MEO" in out


def test_unknown_show_format(cap):
    assert cap("show", "4.4", "--format", "xml").exit_code == 2


# ------------------------------------------------------------ finding the data folder


def test_data_from_environment(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "elsewhere")
    monkeypatch.setenv("CAP_DATA", str(tmp_path / "elsewhere"))
    assert Cap()("show", "4.4").exit_code == 0


def test_data_found_upward_from_the_working_directory(tmp_path, monkeypatch):
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert Cap()("show", "4.4").exit_code == 0


def test_missing_data_folder_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = Cap()("list")
    assert result.exit_code == 1
    assert f"no data folder found: looked for data/themes.yaml in {tmp_path}" in result.stderr


def test_data_option_that_is_not_a_data_folder(tmp_path):
    result = Cap(tmp_path)("list")
    assert result.exit_code == 1
    assert "is not a data folder" in result.stderr


# ------------------------------------------------------------ the installed program


def run_cap(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    beside = os.path.join(os.path.dirname(sys.executable), "cap")  # the cap of this environment
    exe = beside if os.path.exists(beside) else shutil.which("cap")
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("CAP_DATA", None)
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.slow
def test_installed_cap_lists_and_shows():
    result = run_cap("list", "--theme", "curiosity", "--overdue", "--as-of", "2017-07-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [r["ref"] for r in json.loads(result.stdout)] == ["1.1", "1.2", "1.3"]
    shown = run_cap("show", "4.4", "--as-of", "2017-07-01")
    assert shown.returncode == 0 and "MASH" in shown.stdout


@pytest.mark.slow
def test_installed_cap_version_and_usage_errors():
    assert run_cap("--version").stdout.startswith("cap ")
    bad = run_cap("list", "--no-such-option")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_python_dash_m_cap():
    result = subprocess.run([sys.executable, "-m", "cap", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("cap ")
