"""No internal error, no hang (issue 21): each reproduction made here, each a clear line."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import Cap, action_yaml, write_files
from tests.gitrepo import GitRepo


# ------------------------------------------------------------------ refs with a newline


@pytest.mark.parametrize("text", ["1.1\n", "1.1\r\n", "1.1 ", "\n1.1", "1.1\x00"])
def test_a_ref_with_a_trailing_newline_is_not_a_ref(text):
    from cap.refs import REF_PATTERN, not_a_ref

    assert not_a_ref(text) is not None
    assert REF_PATTERN.match(text) is None


def test_show_refuses_a_ref_with_a_newline_in_one_line(small_data):
    result = Cap(small_data)("show", "1.1\n")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "is not a ref" in result.output


def test_add_refuses_a_ref_with_a_newline_in_one_line(small_data, fixed_today):
    def add(ref):
        return Cap(small_data)("add", "--theme", "curiosity", "--ref", ref, "--lead", "NSCB", "--scr", "A",
                               "--target-date", "2017-09-01", "--action", "Do it.")

    result = add("1.9\n")
    assert result.exit_code == 2, result.output
    assert "ValidationError" not in result.output and "pydantic" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not list((small_data / "actions").glob("1.9*"))
    assert add("1.9").exit_code == 0  # the same command with the ref as it should be


def test_a_model_ref_with_a_newline_is_refused():
    from cap.models import Action

    with pytest.raises(ValueError):
        Action.model_validate({"ref": "1.9\n", "theme": "t", "action": "x", "lead": ["NSCB"],
                               "target_date": "ongoing", "status": "open"})


@pytest.mark.parametrize("module, name, text", [
    ("cap.dates", "_ISO", "2017-01-31\n"),
    ("cap.dates", "_UK", "31/01/17\n"),
    ("cap.yamlio", "_ISO_DATE", "2017-01-31\n"),
    ("cap.store", "TEMP_NAME", ".4.4.yaml.1a2b3c4d.tmp\n"),
    ("cap.importer.tracker", "_CAP_REF", "1.1\n"),
    ("cap.importer.build", "_REF_LIKE", "1.1\n"),
    ("cap.importer.build", "_ID", "Q\n"),
])
def test_no_validating_pattern_takes_a_final_newline(module, name, text):
    import importlib

    pattern = getattr(importlib.import_module(module), name)
    assert pattern.match(text) is None and pattern.match(text[:-1]) is not None


def test_no_pattern_in_cap_ends_with_a_bare_dollar():
    """Python's `$` matches before a final newline: validation patterns end with \\Z.
    (Patterns for pydantic run in Rust, where `$` is the end; they are marked so.)"""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "cap"
    found = []
    for path in root.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"re\.(compile|match|fullmatch|search)\(r?f?[\"'].*\$[\"']", line) and "MULTILINE" not in line:
                found.append(f"{path.relative_to(root)}:{number}")
    assert not found, found


# ------------------------------------------------------------------ dates past the calendar


@pytest.mark.parametrize("args", [
    ["stats", "--year", "9999-00"],
    ["report", "--kind", "annual", "--year", "9999-00"],
    ["stats", "--year", "0000-01"],
])
def test_a_year_past_the_calendar_is_a_usage_error(cap, args):
    result = cap(*args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "calendar" in result.output


@pytest.fixture
def history_repo(tmp_path):
    from tests.conftest import MINIMAL_SCRS, MINIMAL_THEMES

    r = GitRepo(tmp_path / "plan")
    r.write("data/themes.yaml", MINIMAL_THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml("1.1"))
    r.commit("first", "2017-01-15")
    return r


def test_site_as_of_the_calendars_last_day_is_a_usage_error(history_repo, tmp_path):
    out = tmp_path / "public"
    result = Cap(history_repo.data)("site", "-o", str(out), "--as-of", "9999-12-31")
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "months" in result.output
    assert not out.exists()


def test_site_as_of_a_century_on_still_builds(history_repo, tmp_path):
    result = Cap(history_repo.data)("site", "-o", str(tmp_path / "p"), "--as-of", "2116-12-31")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ cap changes with an odd file name


def test_changes_reports_a_file_name_that_is_not_a_ref_and_goes_on(history_repo):
    history_repo.write("data/actions/1.1 copy.yaml", action_yaml("1.1"))
    history_repo.write("data/actions/1.2.yaml", action_yaml("1.2"))
    history_repo.commit("copy", "2017-02-15")
    cap = Cap(history_repo.data)
    for args in (["changes", "--since", "HEAD~1"], ["changes", "--since", "HEAD~1", "--until", "HEAD"],
                 ["changes", "--since", "HEAD~1", "--format", "json"]):
        result = cap(*args)
        assert result.exit_code in (0, 1), result.output
        assert "1.1 copy.yaml" in result.output and "CAP106" in result.output
        assert "1.2" in result.stdout


def test_natural_key_orders_any_names():
    from cap.models import natural_key

    names = ["1.10", "1.1 copy", "1.2", "Q", "1.1", "4.x", "²"]
    assert sorted(names, key=natural_key)[:3] == ["1.1", "1.2", "1.10"]


# ------------------------------------------------------------------ validate without actions


def test_validate_without_an_actions_folder_is_an_error(small_data):
    import shutil

    shutil.rmtree(small_data / "actions")
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    assert "CAP015" in result.output and "0 errors" not in result.output


def test_validate_with_a_file_for_the_actions_folder_is_an_error(small_data):
    import shutil

    shutil.rmtree(small_data / "actions")
    (small_data / "actions").write_text("not a folder", encoding="utf-8")
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    assert "CAP015" in result.output and "not a folder" in result.output


def test_a_new_repository_validates(tmp_path):
    assert Cap()("init", "--blank", str(tmp_path / "plan")).exit_code == 0
    subprocess.run(["git", "init", "-q", str(tmp_path / "plan")], check=True)
    result = Cap(tmp_path / "plan" / "data")("validate")
    assert result.exit_code == 0, result.output
