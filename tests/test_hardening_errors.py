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


# ------------------------------------------------------------------ plain words, never pydantic's


def test_a_time_without_seconds_gets_the_plain_message(small_data):
    write_files(small_data, {"actions/1.1.yaml": action_yaml(progress="\n- date: 2017-01-31 10:00\n  text: Met.")})
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    assert "`progress.0.date` must be a date without a time, like 2017-06-01, not `2017-01-31 10:00`" in result.output


BAD_VALUES = {
    "ref": ["1.1x", "[1]", "{a: 1}", "''", "yes", "'1.1\\n'"],
    "theme": ["[a]", "{a: 1}", "12", "''", "~"],
    "scrs": ["A", "{a: 1}", "[[A]]", "[1]", "['']"],
    "all_scrs": ["maybe", "'yes'", "[true]", "2", "~"],
    "action": ["''", "[x]", "{a: b}", "12", "2017-01-01", "~"],
    "lead": ["NSCB", "[]", "['']", "[[x]]", "[{a: b}]", "[12]"],
    "target_date": ["2017-02-30", "tomorrow", "2017-01-31 10:00", "2017-01-31T10:00:00", "[2017-01-01]", "12",
                    "'2017-01-31 10:00'", "~", "2017-13-01"],
    "status": ["Open", "done", "[open]", "12", "~", "no"],
    "opened": ["soon", "2017-01-31 10:00", "[1]", "12"],
    "owner": ["[x]", "''", "12", "{a: b}"],
    "rating": ["Purple", "[Red]", "1"],
    "evidence": ["x", "[[x]]", "[12]", "['']"],
    "signed_off": ["yes", "{date: 2017-01-01}", "{by: x}", "{date: soon, by: x}", "[x]", "{date: 2017-01-01 10:00, by: x}"],
    "target_history": ["x", "[x]", "[{date: 2017-01-01}]", "[{date: 2017-01-01, from: x, to: y, reason: r}]",
                       "[{date: 2017-01-01 10:00, from: 2017-01-01, to: 2017-02-01, reason: r, extra: 1}]"],
    "progress": ["x", "[x]", "[{date: x, text: y}]", "[{date: 2017-01-01}]", "[{date: 2017-01-31 10:00, text: y}]",
                 "[{date: 2017-01-01, text: y, author: [a]}]", "[{date: 2017-01-01, text: ''}]", "{a: 1}"],
    "impact": ["x", "[x]", "[{date: x}]"],
    "nonsense": ["1"],
}


def test_no_message_shows_pydantics_own_words(small_data):
    files = {}
    n = 0
    for field, values in BAD_VALUES.items():
        for value in values:
            n += 1
            ref = f"1.{n + 1}"
            text = action_yaml(ref, **({} if field == "ref" else {field: value}))
            if field == "ref":
                text = text.replace(f"ref: '{ref}'", f"ref: {value}")
            files[f"actions/{ref}.yaml"] = text
    write_files(small_data, files)
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    output = result.output
    assert output.count("error:") >= n - 5  # nearly every file has its error
    for words in ("Input should", "String should", "List should", "should have at", "pydantic", "validation error", "Value error", "Assertion failed", "[type="):
        assert words not in output, [line for line in output.splitlines() if words in line][:3]
    json_output = Cap(small_data)("validate", "--format", "json").output
    assert "Input should" not in json_output and "pydantic" not in json_output


def test_plain_words_for_every_kind_of_refusal():
    from pydantic import ValidationError

    from cap.models import Action
    from cap.modelproblems import plain_error

    bad = [{"ref": "1.1"}, {"ref": 1, "theme": [], "scrs": "x", "all_scrs": "y", "action": "", "lead": "",
                             "target_date": "x", "status": "z", "rating": "q", "progress": [{"date": "2017"}]}]
    for data in bad:
        try:
            Action.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                said = plain_error(err)
                assert "Input should" not in said and "pydantic" not in said.lower(), said


# ------------------------------------------------------------------ a file of 50,000 unknown keys


def test_a_file_of_many_unknown_keys_reports_ten_and_counts_the_rest(small_data):
    extra = "".join(f"zz{i:05d}: x\n" for i in range(2000))
    write_files(small_data, {"actions/1.1.yaml": action_yaml() + extra})
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "1.1.yaml" in line]
    assert len(lines) == 11
    assert "CAP101 unknown key `zz00000`" in lines[0]
    assert lines[-1].endswith("CAP016 ... and 1,990 more problems in this file (fix these first)")


def test_placing_the_errors_of_a_large_mapping_is_linear(small_data, monkeypatch):
    """Counted, not timed: the keys compared to place every error of 4,000 unknown keys."""
    from cap import yamlio

    compared = {"n": 0}
    real = yamlio.Document._entry

    def counting(self, node, key):
        compared["n"] += len(node.value) if len(node.value) <= 16 else 1
        return real(self, node, key)

    monkeypatch.setattr(yamlio.Document, "_entry", counting)
    monkeypatch.setenv("CAP_NO_CACHE", "1")
    extra = "".join(f"zz{i:05d}: x\n" for i in range(4000))
    write_files(small_data, {"actions/1.1.yaml": action_yaml() + extra})
    assert Cap(small_data)("validate").exit_code == 1
    assert 0 < compared["n"] < 50 * 4000  # a scan per error would be 4,000 x 4,000


@pytest.mark.posix
def test_a_file_of_50000_unknown_keys_is_checked_within_a_cpu_bound(small_data, tmp_path):
    """Under a CPU limit (not a timer): a 550 KB file of 50,000 unknown keys took minutes
    of CPU before (each error's place found by scanning every key); now about a second."""
    import sys

    extra = "".join(f"zz{i:05d}: x\n" for i in range(50000))
    write_files(small_data, {"actions/1.1.yaml": action_yaml() + extra})
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_CPU, (40, 40))\n"
        "sys.argv = ['cap', '--data', sys.argv[1], 'validate']\n"
        "from cap.cli.main import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(small_data)], capture_output=True, text=True,
                          env={**__import__("os").environ, "CAP_NO_CACHE": "1"})
    assert done.returncode == 1, done.stderr[-500:]
    assert "... and 49,990 more problems in this file" in done.stdout


# ------------------------------------------------------------------ wide characters in cap list


@pytest.mark.parametrize("columns", ["80", "60", "120"])
def test_a_list_row_with_wide_characters_fits_the_terminal(small_data, monkeypatch, columns):
    from rich.cells import cell_len

    wide = "儿童保护行动计划审查" * 6 + " 👶🏽👨‍👩‍👧 done"
    write_files(small_data, {
        "actions/1.1.yaml": action_yaml(action=f"'{wide}'", lead="['社会服务 Children''s Services', 'NSCB']"),
        "actions/1.2.yaml": action_yaml("1.2", action="'Plain text for a plain row, long enough to be cut at eighty columns.'"),
    })
    monkeypatch.setenv("COLUMNS", columns)
    result = Cap(small_data)("list", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) >= 3
    assert max(cell_len(line) for line in lines) <= int(columns), [cell_len(line) for line in lines]
    assert any("儿童" in line for line in lines)


def test_shorten_and_pad_count_columns_not_characters():
    from cap.render import cells, pad, shorten

    assert cells("儿童") == 4 and cells("abc") == 3
    assert cells(shorten("儿童保护行动计划", 7)) <= 7 and shorten("儿童保护行动计划", 7).endswith("…")
    assert cells(pad("儿童", 6)) == 6 and pad("ab", 4, right=True) == "  ab"
    assert shorten("abcdef", 4) == "abc…"


def test_many_warnings_in_one_file_are_bounded_too(small_data):
    """The content checks (personal data) of one file are counted with its other problems."""
    entries = "".join(f"\n- date: 2017-01-{1 + n % 28:02d}\n  text: Rang 943 476 5919 about it ({n})." for n in range(60))
    write_files(small_data, {"actions/1.1.yaml": action_yaml(progress=entries)})
    result = Cap(small_data)("validate", "--as-of", "2017-07-01")
    lines = [line for line in result.output.splitlines() if "1.1.yaml" in line]
    assert len(lines) == 11, lines[:3]
    assert "CAP016" in lines[-1] and "more problems in this file" in lines[-1]


def test_bounded_counts_what_an_earlier_bound_counted():
    from cap.problems import Problem, bounded

    first = bounded([Problem("f", n, 1, "error", "CAP101", "x") for n in range(1, 31)])
    assert len(first) == 11 and first[-1].message.startswith("... and 20 more")
    again = bounded(first + [Problem("f", 99, 1, "warning", "CAP301", "y")])
    assert len(again) == 11 and again[-1].message.startswith("... and 21 more")
