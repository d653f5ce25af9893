"""`cap validate` reports every problem of a file in one run (review item 6, issue 4).

Faults in single values (impossible dates, duplicate keys) are collected while parsing
instead of stopping it; the model's errors come with them; a file that fails the model
still has its theme and SCRs checked against the reference data. Refusals that make a
text untrustworthy (aliases, tags, syntax) still stop at once, and the writers still
refuse a file with any fault.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cap.loader import load_action_file, load_plan, parse_bytes
from cap.yamlio import YamlFault, parse
from tests.conftest import DATA, AS_OF, Cap, MINIMAL_SCRS, MINIMAL_THEMES, action_yaml, write_files
from tests.test_checks import canonical_action
from tests.test_cli_show import run_cap

#: Progress from line 10: a good entry, two impossible dates (12:9, 14:9), an empty text (15:9).
BAD_PROGRESS = "\n- date: 2017-01-31\n  text: ok\n- date: 2017-13-01\n  text: one\n- date: 2017-02-30\n  text: ''"
BAD_DATES = [
    "data/actions/1.2.yaml:12:9: error: CAP103 '2017-13-01' is not a real date (month must be in 1..12)",
    "data/actions/1.2.yaml:14:9: error: CAP103 '2017-02-30' is not a real date (day is out of range for month)",
    "data/actions/1.2.yaml:15:9: error: CAP103 `progress.2.text` must not be empty (found '')",
]
DUPLICATE = (
    "data/actions/1.2.yaml:10:1: error: CAP006 duplicate key 'theme' (first at line 2); "
    "the first value is the one checked, this one is ignored"
)
STATUS_TYPO = (
    "data/actions/1.2.yaml:8:9: error: CAP104 unknown status 'in-progres'; "
    "valid: open, in-progress, complete, closed, withdrawn"
)


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_files(
        tmp_path,
        {"data/themes.yaml": MINIMAL_THEMES, "data/scrs.yaml": MINIMAL_SCRS, "data/actions/1.1.yaml": canonical_action()},
    ) / "data"


def validate_lines(data: Path, *files: tuple[str, str]) -> tuple[int, list[str]]:
    write_files(data.parent, dict(files))
    result = Cap(data)("validate", "--as-of", AS_OF.isoformat())
    return result.exit_code, result.stdout.splitlines()


# ------------------------------------------------------------------ the review's three cases


def test_every_bad_date_and_the_empty_text_each_at_its_line(clean):
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", action_yaml("1.2", progress=BAD_PROGRESS)))
    assert code == 1
    assert lines == [*BAD_DATES, "2 actions checked, 3 errors, 0 warnings"]


def test_a_duplicate_key_does_not_hide_the_other_problems(clean):
    text = action_yaml("1.2", status="in-progres") + "theme: accountability\n"
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", text))
    assert code == 1
    assert lines == [STATUS_TYPO, DUPLICATE, "2 actions checked, 2 errors, 0 warnings"]


def test_a_duplicate_key_is_checked_with_its_first_value(clean):
    """The kept (first) theme is the one checked against themes.yaml; the ignored one is not."""
    text = action_yaml("1.2", theme="accountabilty") + "theme: curiosity\n"
    _code, lines = validate_lines(clean, ("data/actions/1.2.yaml", text))
    assert lines[:2] == [
        "data/actions/1.2.yaml:2:8: error: CAP202 unknown theme `accountabilty` (did you mean `accountability`?)",
        "data/actions/1.2.yaml:10:1: error: CAP006 duplicate key 'theme' (first at line 2); "
        "the first value is the one checked, this one is ignored",
    ]


def test_a_file_failing_the_model_still_has_its_theme_and_scrs_checked(clean):
    text = action_yaml("1.2", theme="accountabilty", scrs="[A, ZZ]", status="in-progres")
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", text))
    assert code == 1
    assert lines == [
        "data/actions/1.2.yaml:2:8: error: CAP202 unknown theme `accountabilty` (did you mean `accountability`?)",
        "data/actions/1.2.yaml:3:11: error: CAP203 SCR `ZZ` is not declared in scrs.yaml (declared: A)",
        STATUS_TYPO,
        "2 actions checked, 3 errors, 0 warnings",
    ]


def test_the_real_plan_with_the_reviewers_faults(data_copy):
    """The reviewer's steps on the real data: all of it in one run, nothing else."""
    path = data_copy / "actions" / "4.4.yaml"
    path.write_text(path.read_text() + "- date: 2017-13-01\n  text: one\n- date: 2017-02-30\n  text: ''\n")
    path = data_copy / "actions" / "4.5.yaml"
    text = path.read_text().replace("theme: accountability", "theme: accountabilty").replace("- O\n", "- ZZ\n", 1)
    path.write_text(text.replace("status: in-progress", "status: in-progress\nstatus: in-progres"))
    code, lines = validate_lines(data_copy)
    assert code == 1
    assert [line.split(": error: ")[1][:6] for line in lines[:-1]] == [
        "CAP103", "CAP103", "CAP103", "CAP202", "CAP203", "CAP006"
    ]
    assert lines[-1] == "22 actions checked, 6 errors, 0 warnings"
    assert lines[0].startswith("data/actions/4.4.yaml:23:9: error: CAP103 '2017-13-01'")


def test_a_raw_value_that_is_no_id_is_named_once(clean):
    """`theme: [a]` is a model error; it is not also an unknown theme."""
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", action_yaml("1.2", theme="[a]", scrs="[A, '', 7]")))
    assert code == 1
    assert [line.split(": error: ")[1][:6] for line in lines[:-1]] == ["CAP103", "CAP103", "CAP103"]
    assert lines[0].startswith("data/actions/1.2.yaml:2:8: error: CAP103 `theme`")


def test_a_wrong_ref_is_reported_with_the_other_problems(clean):
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", action_yaml("1.3", status="done")))
    assert code == 1
    assert [line.split(" ")[:3] for line in lines[:-1]] == [
        ["data/actions/1.2.yaml:1:6:", "error:", "CAP106"],
        ["data/actions/1.2.yaml:8:9:", "error:", "CAP104"],
    ]


def test_a_structural_refusal_still_stops_at_once(clean):
    """After an impossible date, an alias is still refused, alone: the rest is not trusted."""
    text = action_yaml("1.2", target_date="2017-02-30", lead="&l [NSCB]", owner="*l", status="done")
    code, lines = validate_lines(clean, ("data/actions/1.2.yaml", text))
    assert code == 1
    assert lines == [  # (the place is the anchor's: an alias is the anchored node met again)
        "data/actions/1.2.yaml:6:7: error: CAP008 anchors and aliases (&, *) are not allowed",
        "2 actions checked, 1 error, 0 warnings",
    ]


# ------------------------------------------------------------------ list, show and the installed cap


def test_list_and_show_print_every_problem_and_exit_1(clean):
    write_files(clean.parent, {"data/actions/1.2.yaml": action_yaml("1.2", progress=BAD_PROGRESS)})
    for args in (["list"], ["show", "1.2"]):
        result = Cap(clean)(*args, "--as-of", AS_OF.isoformat())
        assert result.exit_code == 1
        assert result.stderr.splitlines() == BAD_DATES


def test_installed_cap_reports_every_problem(clean):
    text = action_yaml("1.2", status="in-progres", progress=BAD_PROGRESS) + "theme: accountability\n"
    write_files(clean.parent, {"data/actions/1.2.yaml": text})
    result = run_cap("--data", str(clean), "validate", "--as-of", AS_OF.isoformat())
    assert result.returncode == 1, result.stderr
    codes = [line.split(": error: ")[1][:6] for line in result.stdout.splitlines()[:-1]]
    assert codes == ["CAP104", "CAP103", "CAP103", "CAP103", "CAP006"]


# ------------------------------------------------------------------ a faulty file never becomes a record


@pytest.mark.parametrize(
    "text",
    [
        action_yaml("1.2") + "status: open\n",  # a duplicate with the same value
        action_yaml("1.2", action="2017-02-30"),  # an impossible date where text is allowed
        action_yaml("1.2") + "? [x]\n: 1\n",  # a key that is not a plain value
    ],
)
def test_a_file_with_a_fault_is_left_out_though_the_model_would_take_it(clean, text):
    path = write_files(clean.parent, {"data/actions/1.2.yaml": text}) / "data/actions/1.2.yaml"
    action, problems = load_action_file(path, clean)
    assert action is None and [p.code for p in problems] in (["CAP006"], ["CAP103"], ["CAP005"])
    plan, _ = load_plan(clean)
    assert [a.ref for a in plan.actions] == ["1.1"]


def test_writers_still_refuse_a_file_with_a_duplicate_key(clean):
    """`cap progress` must never save the first value and silently drop the second."""
    text = action_yaml("1.2") + "status: in-progress\n"
    path = write_files(clean.parent, {"data/actions/1.2.yaml": text}) / "data/actions/1.2.yaml"
    result = Cap(clean)("progress", "1.2", "x", "--date", "2017-06-01")
    assert result.exit_code == 1 and "CAP006" in result.output
    assert path.read_text() == text


def test_parse_bytes_without_collect_stops_at_the_first_fault():
    doc, problems = parse_bytes(action_yaml(progress=BAD_PROGRESS).encode(), "x.yaml")
    assert doc is None and [(p.code, p.line) for p in problems] == [("CAP103", 12)]
    doc, problems = parse_bytes(action_yaml(progress=BAD_PROGRESS).encode(), "x.yaml", collect=True)
    assert doc is not None and [(p.code, p.line) for p in problems] == [("CAP103", 12), ("CAP103", 14)]


# ------------------------------------------------------------------ yamlio: collecting value faults


def test_collect_keeps_each_bad_date_as_text_at_its_place():
    doc = parse("a: 2017-13-01\nb: [2017-02-30, 2017-01-31]\nc: 1\n", collect=True)
    assert doc.data == {"a": "2017-13-01", "b": ["2017-02-30", __import__("datetime").date(2017, 1, 31)], "c": 1}
    assert [(f.code, f.line, f.col) for f in doc.faults] == [("CAP103", 1, 4), ("CAP103", 2, 5)]


def test_collect_keeps_the_first_value_of_a_duplicate_and_still_reads_the_second():
    doc = parse("a: 1\nb: x\na: [2017-02-30]\n", collect=True)
    assert doc.data == {"a": 1, "b": "x"}
    assert [(f.code, f.line, f.col) for f in doc.faults] == [("CAP006", 3, 1), ("CAP103", 3, 5)]
    assert "first at line 1" in doc.faults[0].message and "first value" in doc.faults[0].message


@pytest.mark.parametrize(
    "text,code",
    [
        ("a: 2017-02-30\nb: &x [1]\nc: *x\n", "CAP008"),  # an alias
        ("a: 2017-02-30\na: &x [1]\nc: *x\n", "CAP008"),  # an alias to the ignored duplicate
        ("a: 2017-02-30\nb: !!python/name:os.system x\n", "CAP007"),  # a tag
        ("a: 2017-02-30\nb:\n  <<: {c: 1}\n", "CAP008"),  # a merge key
        ("a: 2017-02-30\nb: [1\n", "CAP003"),  # a syntax error
    ],
)
def test_collect_still_stops_at_a_refusal_of_the_whole_text(text, code):
    with pytest.raises(YamlFault) as info:
        parse(text, collect=True)
    assert info.value.code == code


def test_without_collect_the_first_value_fault_raises_as_before():
    with pytest.raises(YamlFault) as info:
        parse("a: 1\na: 2017-02-30\n")
    assert (info.value.code, info.value.line, info.value.message) == ("CAP006", 2, "duplicate key 'a' (first at line 1)")


def test_collect_changes_nothing_for_a_clean_file():
    for path in sorted((DATA / "actions").iterdir())[:5] + [DATA / "themes.yaml"]:
        text = path.read_text()
        doc = parse(text, collect=True)
        assert doc.faults == [] and doc.data == parse(text).data
