"""`cap add`: a new action with the next free ref, every option and every refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cap.loader import load_action_file, load_plan
from tests.conftest import Cap, action_yaml, write_files
from tests.test_cli_show import run_cap

BASIC = ["--theme", "curiosity", "--action", "Audit the use of chronologies.", "--lead", "NSCB",
         "--target-date", "01/12/17"]


def load(data, ref):
    action, problems = load_action_file(data / "actions" / f"{ref}.yaml", data)
    assert problems == []
    return action


def test_add_takes_the_next_free_number_and_prints_ref_and_file(data_copy, fixed_today):
    result = Cap(data_copy)("add", *BASIC)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "added 1.5 (data/actions/1.5.yaml)\n"
    action = load(data_copy, "1.5")
    assert action.model_dump(exclude_defaults=True) == {
        "ref": "1.5", "theme": "curiosity", "action": "Audit the use of chronologies.", "lead": ["NSCB"],
        "target_date": dt.date(2017, 12, 1), "status": "open", "opened": fixed_today,
    }
    assert (data_copy / "actions" / "1.5.yaml").read_text() == (
        "ref: '1.5'\ntheme: curiosity\nscrs: []\nall_scrs: false\naction: Audit the use of chronologies.\n"
        "lead:\n- NSCB\ntarget_date: 2017-12-01\nstatus: open\nopened: 2017-07-01\n"
    )
    # its first progress entry only adds lines
    assert Cap(data_copy)("progress", "1.5", "First.", "--date", "2017-07-01").exit_code == 0
    assert (data_copy / "actions" / "1.5.yaml").read_text().endswith(
        "status: open\nopened: 2017-07-01\nprogress:\n- date: 2017-07-01\n  text: First.\n")
    assert Cap(data_copy)("add", *BASIC).stdout == "added 1.6 (data/actions/1.6.yaml)\n"
    # theme 4 ends at 4.11; found by an alias
    assert Cap(data_copy)("add", *BASIC[2:], "--theme", "management-grip").stdout.startswith("added 4.12 ")


def test_after_4_9_comes_4_10_not_4_1(small_data):
    write_files(small_data.parent, {
        "data/actions/1.9.yaml": action_yaml("1.9"),
        "data/actions/1.10.yaml": action_yaml("1.10"),
    })
    assert Cap(small_data)("add", *BASIC).stdout == "added 1.11 (data/actions/1.11.yaml)\n"


def test_first_action_of_a_theme(small_data):
    result = Cap(small_data)("add", *BASIC[2:], "--theme", "accountability")
    assert result.stdout == "added 4.1 (data/actions/4.1.yaml)\n"


def test_every_option(data_copy):
    result = Cap(data_copy)(
        "add", "-t", "fora", "-a", "Joint protocol: 'no' means no", "--lead", "Police", "--lead", "CSC",
        "--target-date", "ongoing", "--scr", "q", "--scr", "D", "--all-scrs", "--outcome", "Fewer gaps.",
        "--owner", "Head of MASH", "--ref", "2.9",
    )
    assert result.exit_code == 0, result.stderr
    action = load(data_copy, "2.9")
    assert (action.theme, action.lead, action.target_date, action.scrs, action.all_scrs) == (
        "information-sharing", ["Police", "CSC"], "ongoing", ["Q", "D"], True)
    assert (action.outcome, action.owner, action.action) == ("Fewer gaps.", "Head of MASH", "Joint protocol: 'no' means no")
    listed = json.loads(Cap(data_copy)("list", "--format", "json", "--as-of", "2017-07-01").stdout)
    assert [r["ref"] for r in listed if r["theme"] == "information-sharing"] == ["2.1", "2.2", "2.3", "2.4", "2.9"]
    assert load_plan(data_copy)[1] == []


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--action", "x", "--lead", "NSCB", "--target-date", "2017-12-01"], 2, "which theme?"),
        (["--theme", "nope", "--action", "x", "--lead", "NSCB", "--target-date", "2017-12-01"], 2,
         "unknown theme 'nope' (themes: curiosity, information-sharing, collaboration, accountability)"),
        (["--theme", "c", "--action", "x", "--lead", "NSCB", "--target-date", "2017-12-01"], 2, "ambiguous"),
        (["--theme", "curiosity", "--lead", "NSCB", "--target-date", "2017-12-01"], 2, "the action text is empty"),
        (["--theme", "curiosity", "--action", " ", "--lead", "NSCB", "--target-date", "2017-12-01"], 2,
         "the action text is empty"),
        (["--theme", "curiosity", "--action", "x", "--target-date", "2017-12-01"], 2, "who leads it?"),
        (["--theme", "curiosity", "--action", "x", "--lead", "NSCB"], 2, "when is it due?"),
        (["--theme", "curiosity", "--action", "x", "--lead", "NSCB", "--target-date", "31/02/18"], 2,
         "--target-date: '31/02/18' is not a real date"),
        (["--theme", "curiosity", "--action", "x", "--lead", "NSCB", "--target-date", "soon"], 2, "not a date"),
        ([*BASIC, "--scr", "Z"], 2, "unknown SCR 'Z' (cases: D, I, J, K, L, M, N, O, P, Q, R, S)"),
        ([*BASIC, "--ref", "1.4"], 1, "ref 1.4 is taken already"),
        ([*BASIC, "--ref", "2.5"], 1, "ref 2.5 does not fit theme curiosity: its refs start with 1."),
        ([*BASIC, "--ref", "1.05"], 2, "'1.05' is not a ref"),
        ([*BASIC, "--outcome", ""], 2, "the outcome is empty"),
    ],
)
def test_refusals_write_nothing(data_copy, args, code, message):
    before = sorted(p.name for p in (data_copy / "actions").iterdir())
    result = Cap(data_copy)("add", *args)
    assert result.exit_code == code
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in (data_copy / "actions").iterdir()) == before


def test_broken_reference_data_is_reported(small_data):
    write_files(small_data.parent, {"data/themes.yaml": "themes:\n- id: curiosity\n  number: one\n  title: T\n"})
    result = Cap(small_data)("add", *BASIC)
    assert result.exit_code == 1
    assert "data/themes.yaml:3:11: error: CAP103" in result.stderr
    assert not (small_data / "actions" / "1.2.yaml").exists()


@pytest.mark.slow
def test_installed_cap_add(data_copy):
    result = run_cap("--data", str(data_copy), "add", *BASIC, "--scr", "Q")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added 1.5 (data/actions/1.5.yaml)\n"
    shown = run_cap("--data", str(data_copy), "show", "1.5", "--format", "json", "--as-of", "2017-07-01")
    assert json.loads(shown.stdout)["scrs"] == ["Q"]
