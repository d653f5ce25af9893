"""`cap fmt [--check]`: every data file in the canonical format; broken or commented files left alone."""

from __future__ import annotations

import pytest

from cap.loader import load_plan
from tests.conftest import MINIMAL_SCRS, MINIMAL_THEMES, Cap, action_yaml, write_files
from tests.test_cli_show import run_cap

CANONICAL_1_1 = """\
ref: '1.1'
theme: curiosity
scrs:
- A
all_scrs: false
action: Do the thing.
lead:
- NSCB
target_date: 2017-06-01
status: open
"""

HAND_WRITTEN_1_2 = """\
status: "in-progress"
ref: "1.2"
theme: curiosity
action: |
  A text written by hand, in a literal block with a final line break.
lead: [NSCB, Police]
target_date: 2017-06-01
progress:
  - {date: 2017-01-31, text: 'Started.', author: MEO}
"""


def files(data):
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def test_shipped_data_passes_check(cap):
    result = cap("fmt", "--check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == "0 would be reformatted, 25 unchanged\n"


def test_check_lists_what_differs_and_changes_nothing(small_data):
    write_files(small_data.parent, {"data/actions/1.2.yaml": HAND_WRITTEN_1_2})
    before = files(small_data)
    result = Cap(small_data)("fmt", "--check")
    assert result.exit_code == 1
    assert result.stdout == "would reformat data/actions/1.1.yaml\nwould reformat data/actions/1.2.yaml\n"
    assert result.stderr == "2 would be reformatted, 2 unchanged\n"
    assert files(small_data) == before


def test_fmt_rewrites_in_the_canonical_format_and_keeps_every_value(small_data):
    write_files(small_data.parent, {"data/actions/1.2.yaml": HAND_WRITTEN_1_2})
    plan_before, _ = load_plan(small_data)
    result = Cap(small_data)("fmt")
    assert result.exit_code == 0, result.stderr
    assert "reformatted data/actions/1.2.yaml" in result.stdout
    assert (small_data / "actions" / "1.1.yaml").read_text() == CANONICAL_1_1
    assert (small_data / "actions" / "1.2.yaml").read_text() == (
        "ref: '1.2'\ntheme: curiosity\nscrs: []\nall_scrs: false\naction: |\n"
        "  A text written by hand, in a literal block with a final line break.\n"
        "lead:\n- NSCB\n- Police\ntarget_date: 2017-06-01\nstatus: in-progress\n"
        "progress:\n- date: 2017-01-31\n  text: Started.\n  author: MEO\n"
    )
    assert load_plan(small_data) == (plan_before, [])
    again = Cap(small_data)("fmt", "--check")
    assert again.exit_code == 0 and again.stderr == "0 would be reformatted, 4 unchanged\n"
    assert Cap(small_data)("fmt").stdout == ""  # a second run changes nothing


def test_a_bom_is_taken_off_and_windows_line_ends_are_kept(small_data):
    # CRLF throughout is a Windows checkout's canonical file (cap/lineends.py); the mark is not.
    write_files(small_data.parent, {"data/actions/1.1.yaml": b"\xef\xbb\xbf" + CANONICAL_1_1.replace("\n", "\r\n").encode()})
    assert Cap(small_data)("fmt", "--check").exit_code == 1
    assert Cap(small_data)("fmt").exit_code == 0
    assert (small_data / "actions" / "1.1.yaml").read_bytes() == CANONICAL_1_1.replace("\n", "\r\n").encode()
    assert Cap(small_data)("fmt", "--check").exit_code == 0


def test_a_broken_file_is_reported_and_not_rewritten_the_others_are(small_data):
    broken = action_yaml("1.2", targt_date="2017-01-01")
    write_files(small_data.parent, {"data/actions/1.2.yaml": broken})
    result = Cap(small_data)("fmt")
    assert result.exit_code == 1
    assert "data/actions/1.2.yaml:10:1: error: CAP101 unknown key `targt_date` (did you mean `target_date`?)" \
        in result.stderr
    assert result.stderr.endswith("1 reformatted, 2 unchanged, 1 left alone\n")
    assert (small_data / "actions" / "1.2.yaml").read_text() == broken
    assert (small_data / "actions" / "1.1.yaml").read_text() == CANONICAL_1_1


def test_a_file_that_does_not_parse_is_reported(small_data):
    write_files(small_data.parent, {"data/scrs.yaml": "scrs: [A\n"})
    result = Cap(small_data)("fmt", "--check")
    assert result.exit_code == 1
    assert "data/scrs.yaml:2:1: error: CAP003" in result.stderr
    assert (small_data / "scrs.yaml").read_text() == "scrs: [A\n"


def test_comments_are_never_dropped(small_data):
    commented = MINIMAL_THEMES.replace("  number: 1\n", "  number: 1  # first in the framework\n")
    write_files(small_data.parent, {"data/themes.yaml": commented})
    for args in (["fmt"], ["fmt", "--check"]):
        result = Cap(small_data)(*args)
        assert result.exit_code == 1
        assert "data/themes.yaml:3: has a # comment, which the canonical format would drop" in result.stderr
        assert (small_data / "themes.yaml").read_text() == commented


SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/action.json\n"


def test_a_header_comment_is_kept_and_counts_as_canonical(small_data):
    """An editor's schema line at the top belongs to the file: fmt, progress and validate keep it."""
    header = SCHEMA_LINE + "# second header line\n"
    write_files(small_data.parent, {"data/actions/1.1.yaml": header + CANONICAL_1_1})
    assert Cap(small_data)("fmt", "--check").exit_code == 0
    assert Cap(small_data)("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0
    write_files(small_data.parent, {"data/actions/1.1.yaml": header + CANONICAL_1_1.replace("status: open", "status:   open")})
    assert Cap(small_data)("fmt").exit_code == 0
    assert (small_data / "actions" / "1.1.yaml").read_text() == header + CANONICAL_1_1
    result = Cap(small_data)("progress", "1.1", "Started.", "--date", "2017-06-01")
    assert result.exit_code == 0, result.output
    text = (small_data / "actions" / "1.1.yaml").read_text()
    # the first entry only adds lines: `progress:` and the entry
    assert text == header + CANONICAL_1_1 + "progress:\n- date: 2017-06-01\n  text: Started.\n"


def test_reference_files_are_formatted_too(small_data):
    write_files(small_data.parent, {
        "data/actions/1.1.yaml": CANONICAL_1_1,
        "data/scrs.yaml": "scrs:\n  - {id: A, title: \"Case A\"}\n",
        "data/themes.yaml": MINIMAL_THEMES.replace("  aliases:\n  - professional-curiosity", "  aliases: [professional-curiosity]"),
    })
    result = Cap(small_data)("fmt")
    assert result.stdout == "reformatted data/themes.yaml\nreformatted data/scrs.yaml\n"
    assert (small_data / "scrs.yaml").read_text() == MINIMAL_SCRS
    assert (small_data / "themes.yaml").read_text() == MINIMAL_THEMES


@pytest.mark.slow
def test_installed_cap_fmt(small_data):
    result = run_cap("--data", str(small_data), "fmt", "--check")
    assert result.returncode == 1 and "would reformat data/actions/1.1.yaml" in result.stdout
    assert run_cap("--data", str(small_data), "fmt").returncode == 0
    assert run_cap("--data", str(small_data), "fmt", "--check").returncode == 0
