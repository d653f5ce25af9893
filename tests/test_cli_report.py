"""`cap report`: every option through the CliRunner, and the installed program once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.conftest import Cap, action_yaml, write_files
from tests.test_cli_show import run_cap


def refs_of_json(result) -> list[str]:
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return [a["ref"] for t in data["themes"] for a in t["actions"]] + [a["ref"] for a in data["withdrawn"]]


def test_markdown_to_standard_output_by_default(cap):
    result = cap("report", "--as-of", "2017-07-01")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Serious Case Review composite action plan\n")
    assert "**11 of 22 actions overdue as of 01/07/2017.**" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("name,start", [
    ("board.html", b"<!DOCTYPE html>"), ("board.htm", b"<!DOCTYPE html>"), ("board.md", b"# Serious"),
    ("board.markdown", b"# Serious"), ("board.csv", b"\xef\xbb\xbfTheme,Ref,"), ("board.json", b"{\n"),
])
def test_format_follows_the_output_extension(cap, tmp_path, name, start):
    out = tmp_path / name
    result = cap("report", "--as-of", "2017-07-01", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(start)
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}: 22 actions, as of 01/07/2017\n"


def test_format_option_wins_over_the_extension(cap, tmp_path):
    out = tmp_path / "paper.txt"
    assert cap("report", "--format", "html", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", ["md", "markdown", "html", "csv", "json"])
def test_every_format_to_standard_output(cap, fmt):
    result = cap("report", "--as-of", "2017-07-01", "--format", fmt)
    assert result.exit_code == 0 and "4.10" in result.stdout


def test_unknown_extension_is_a_usage_error(cap, tmp_path):
    result = cap("report", "-o", str(tmp_path / "paper.txt"))
    assert result.exit_code == 2
    assert "cannot tell the format from the file name 'paper.txt'; use --format md|html|csv|json|xlsx|docx" in result.stderr
    assert not (tmp_path / "paper.txt").exists()


def test_unknown_format_is_a_usage_error(cap):
    result = cap("report", "--format", "pdf")
    assert result.exit_code == 2
    assert "unknown format 'pdf'; choose from md, html, csv, json, xlsx, docx" in result.stderr


def test_unwritable_output_is_one_line(cap, tmp_path):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    result = cap("report", "-o", str(tmp_path / "a-file" / "folder" / "x.md"))
    assert result.exit_code == 1
    assert result.stderr.startswith("cap: error: cannot write ") and result.stderr.count("\n") == 1


def test_the_folder_of_the_output_is_made(cap, tmp_path):
    result = cap("report", "--as-of", "2017-07-01", "-o", str(tmp_path / "papers" / "board.html"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "papers" / "board.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args", [
    ["--theme", "curiosity", "--overdue"],
    ["--scr", "Q"],
    ["--lead", "nscb", "--status", "in-progress"],
    ["--due-within", "60"],
    ["--search", "audit"],
    ["--slipped"],
    ["--status", "complete"],
])
def test_filters_select_what_cap_list_selects(cap, args):
    listed = json.loads(cap("list", *args, "--as-of", "2017-05-01", "--format", "json").stdout)
    assert refs_of_json(cap("report", *args, "--as-of", "2017-05-01", "--format", "json")) == [r["ref"] for r in listed]


def test_selection_is_stated_on_the_report(cap):
    out = cap("report", "-t", "fora", "--scr", "L", "--as-of", "2017-07-01").stdout
    assert "Selection: theme: Fora for discussion and information-sharing; case L (and actions for all reviews)." in out


def test_filter_errors_are_those_of_cap_list(cap):
    assert cap("report", "--theme", "nope").exit_code == 2
    assert cap("report", "--status", "done").exit_code == 2


def test_kind_exceptions(cap):
    result = cap("report", "--kind", "exceptions", "--as-of", "2017-07-01", "--stale-since", "2017-01-01",
                 "--format", "json")
    assert refs_of_json(result) == ["1.1", "1.2", "1.3", "2.2", "3.1", "4.3", "4.4", "4.5", "4.7", "4.9", "4.11"]
    md = cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "--stale-since", "01/01/17").stdout
    assert md.splitlines()[2].startswith(
        "Exception report: 11 overdue, 0 put back (target date revised, not overdue), 0 stale (no progress "
        "since 01/01/2017)")
    assert "## Overdue (11)" in md and "| 2.4 |" not in md


def test_exceptions_lead_with_overdue_then_put_back_then_stale(data_copy, fixed_today):
    from tests.conftest import Cap

    cap = Cap(data_copy)
    # 2.3 (due 01/12/17) put back: it is neither overdue nor only stale, and is listed second.
    assert cap("retarget", "2.3", "2018-03-01", "--reason", "Venue lost.", "--date", "2017-06-01").exit_code == 0
    md = cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "--stale-days", "60").stdout
    lines = md.splitlines()
    assert lines[2].startswith("Exception report: 11 overdue, 1 put back (target date revised, not overdue), "
                               "9 stale (no progress since 02/05/2017)")
    headings = [line for line in lines if line.startswith("## ")]
    assert headings[:4] == ["## Overdue (11)", "## Target date put back (1)", "## No progress since 02/05/2017 (9)",
                            "## Summary"]
    put_back = md.split("## Target date put back (1)")[1].split("## No progress")[0]
    assert "| 2.3 |" in put_back and "target put back from 01/12/2017 (Venue lost.)" in put_back
    data = json.loads(cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "--stale-days", "60",
                          "-f", "json").stdout)
    assert data["exception_groups"]["put-back"] == ["2.3"] and len(data["exception_groups"]["overdue"]) == 11
    # --stale-days N is the as-of date less N days, as --stale-since that date
    assert md == cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "--stale-since", "2017-05-02").stdout
    both = cap("report", "-k", "exceptions", "--stale-days", "60", "--stale-since", "2017-05-02")
    assert both.exit_code == 2 and "not both" in both.output
    assert cap("report", "-k", "exceptions", "--stale-days", "-1").exit_code == 2
    html = cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "-f", "html").stdout
    assert html.index("Overdue (11)") < html.index(">Summary<")


def test_exceptions_when_there_are_none(cap):
    result = cap("report", "--kind", "exceptions", "--as-of", "2017-02-01", "--stale-since", "2017-01-01",
                 "--theme", "accountability")
    assert result.exit_code == 0 and "No exceptions." in result.stdout


def test_kind_agency(cap):
    result = cap("report", "--kind", "agency", "--lead", "Education", "--as-of", "2017-07-01", "--format", "json")
    assert refs_of_json(result) == ["3.1", "4.7", "4.8"]
    assert json.loads(result.stdout)["description"] == "Agency report: actions led by Education"


def test_kind_agency_needs_a_lead(cap):
    result = cap("report", "--kind", "agency")
    assert result.exit_code == 2 and result.stderr == "cap: error: an agency report needs --lead AGENCY\n"


def test_kind_agency_with_an_unknown_lead_lists_the_agencies(cap):
    result = cap("report", "--kind", "agency", "--lead", "Polise")
    assert result.exit_code == 2
    assert result.stderr == ("cap: error: no lead agency matches 'Polise'; lead agencies: NSCB, Health, Education, "
                             "Children's Services, MASH, DASVB partners, All partners\n")


def test_unknown_kind(cap):
    result = cap("report", "--kind", "board")
    assert result.exit_code == 2 and "unknown report kind 'board'" in result.stderr


def test_full_prints_the_whole_log(small_data):
    progress = "\n- date: 2017-01-01\n  text: first entry\n- date: 2017-02-01\n  text: second entry\n  author: MEO"
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(progress=progress)})
    short = Cap(small_data)("report", "--as-of", "2017-03-01").stdout
    assert "second entry" in short and "first entry" not in short
    full = Cap(small_data)("report", "--as-of", "2017-03-01", "--full").stdout
    assert "01/01/2017: first entry<br>01/02/2017: second entry (MEO)" in full
    rows = list(csv.reader(io.StringIO(Cap(small_data)("report", "--full", "-f", "csv").stdout.removeprefix("\ufeff"))))
    assert rows[1][8:14] == ["2017-02-01", "2017-01-01: first entry\n2017-02-01: second entry", "", "", "", "2: MEO"]


def test_amber_days(cap):
    default = json.loads(cap("report", "--as-of", "2017-07-01", "-f", "json").stdout)
    wider = json.loads(cap("report", "--as-of", "2017-07-01", "-f", "json", "--amber-days", "31").stdout)
    assert default["summary"]["brag"]["Amber"] == 2 and wider["summary"]["brag"]["Amber"] == 3   # + 4.8 (01/08/17)
    assert "Due within 31 days" in cap("report", "--amber-days", "31").stdout
    assert cap("report", "--amber-days", "-1").exit_code == 2


def test_stale_since(cap):
    data = json.loads(cap("report", "--as-of", "2017-03-01", "--stale-since", "2017-02-01", "-f", "json").stdout)
    assert data["stale_since"] == "2017-02-01" and len(data["summary"]["stale"]) == 21
    bad = cap("report", "--stale-since", "31/02/17")
    assert bad.exit_code == 2 and "--stale-since" in bad.stderr and "not a real date" in bad.stderr


def test_bad_as_of_is_a_usage_error(cap):
    assert cap("report", "--as-of", "tomorrow").exit_code == 2


def test_title(cap):
    out = cap("report", "--title", "Norfolk Safeguarding Children Board: SCR Review Group, July 2017").stdout
    assert out.startswith("# Norfolk Safeguarding Children Board: SCR Review Group, July 2017\n")


def test_stamp_says_when_the_report_was_produced(cap, monkeypatch):
    monkeypatch.setattr("cap.dates.today", lambda: dt.date(2017, 7, 3))
    out = cap("report", "--as-of", "2017-07-01", "--stamp").stdout
    assert "Produced on 03/07/2017." in out
    assert "Produced on" not in cap("report", "--as-of", "2017-07-01").stdout


def test_bad_data_names_the_file_and_line(small_data):
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(status="finished")})
    result = Cap(small_data)("report")
    assert result.exit_code == 1
    assert result.stderr.startswith("data/actions/1.1.yaml:")
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_installed_cap_writes_a_report(tmp_path):
    out = tmp_path / "board.html"
    result = run_cap("report", "--as-of", "2026-11-26", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "20 of 22 actions overdue as of 26/11/2026." in out.read_text(encoding="utf-8")
    csv_out = run_cap("report", "--as-of", "2017-07-01", "--format", "csv")
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("\ufeffTheme,Ref,SCR Ref,")


def test_help_has_examples(cap):
    out = cap("report", "--help").stdout
    assert "Examples:" in out and "cap report --kind exceptions" in out
