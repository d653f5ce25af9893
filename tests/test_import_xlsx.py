"""`cap import plan.xlsx`: workbooks made here with openpyxl, read as Excel holds them;
the report -> import round trip; sheets; errors naming sheet, row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cap.importer.xlsx import shown_number
from tests.conftest import DATA, Cap
from tests.test_cli_import import action_files, loaded, one, snapshot, validates
from tests.test_cli_show import run_cap

CAP_HEADER = ["Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress"]


@pytest.fixture
def repo(tmp_path) -> Path:
    result = Cap()("init", str(tmp_path / "repo"))
    assert result.exit_code == 0, result.output
    return tmp_path / "repo" / "data"


def make_workbook(path: Path, sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None) -> Path:
    """A workbook of {sheet name: rows}; `formats` gives cells ("Sheet", "A2") a number format."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    for (name, ref), fmt in (formats or {}).items():
        wb[name][ref].number_format = fmt
    wb.save(path)
    return path


def cap_row(ref="1.1", target=dt.date(2017, 6, 1), progress="Started.", theme="Professional curiosity",
            action="Do the thing.", lead="NSCB", scr="D") -> list:
    return [theme, ref, scr, action, lead, target, progress]


def run(data: Path, source: Path, *args: str):
    return Cap(data)("import", str(source), "--progress-date", "2017-01-31", *args)


# ------------------------------------------------------------------ the round trip


@pytest.mark.parametrize("full", [[], ["--full"]])
def test_report_workbook_round_trip_rebuilds_the_plan(repo, tmp_path, full):
    out = tmp_path / "plan.xlsx"
    assert Cap(DATA)("report", "--as-of", "2017-07-01", *full, "-o", str(out)).exit_code == 0
    result = Cap(repo)("import", str(out), "--progress-date", "2020-01-01")   # the workbook's dates win
    assert result.exit_code == 0, result.output
    assert action_files(repo) == action_files(DATA)
    validates(repo)


@pytest.mark.slow
def test_round_trip_keeps_sign_offs_withdrawals_revisions_authors_and_line_breaks(repo, tmp_path, data_copy,
                                                                                  fixed_today):
    cap = Cap(data_copy)
    for args in (
        ["close", "2.4", "--by", "SCR Review Group", "--date", "2017-03-20", "--author", "Business manager"],
        ["withdraw", "1.4", "--reason", "Superseded by 1.5.\n2017-05-01: not a date line", "--date", "2017-04-01"],
        ["retarget", "4.4", "2017-09-01", "--reason", "Awaiting the MASH evaluation.", "--date", "2017-02-15"],
        ["retarget", "4.4", "ongoing", "--reason", "Now annual.", "--date", "2017-05-02", "--author", "MEO"],
        ["progress", "4.4", "Second entry,\n2017-06-30: on two lines (not a date).", "--date", "2017-03-31",
         "--author", "Pat (Police)"],
        ["progress", "4.5", "=SUM(A1:A9) is not a formula", "--date", "2017-06-30"],
    ):
        assert cap(*args).exit_code == 0, args
    out = tmp_path / "plan.xlsx"
    assert cap("report", "--full", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    result = run(repo, out)
    assert result.exit_code == 0, result.output
    assert action_files(repo) == action_files(data_copy)
    validates(repo)
    assert one(repo, "4.5").progress[-1].text == "=SUM(A1:A9) is not a formula"


def test_without_full_the_latest_entry_comes_back(repo, tmp_path, data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("progress", "1.1", "Later.", "--date", "2017-03-01", "--author", "Pat").exit_code == 0
    out = tmp_path / "plan.xlsx"
    assert cap("report", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    assert run(repo, out).exit_code == 0
    entries = one(repo, "1.1").progress
    assert [(e.date, e.text, e.author) for e in entries] == [(dt.date(2017, 3, 1), "Later.", "Pat")]


@pytest.mark.slow
def test_round_trip_as_real_processes(tmp_path):
    out = tmp_path / "plan.xlsx"
    made = run_cap("--data", str(DATA), "report", "--as-of", "2017-07-01", "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert run_cap("init", str(tmp_path / "fresh")).returncode == 0
    fresh = tmp_path / "fresh" / "data"
    imported = run_cap("--data", str(fresh), "import", str(out), "--progress-date", "2017-01-31")
    assert imported.returncode == 0, imported.stderr
    assert "imported" in imported.stdout and "22 created" in imported.stdout
    assert action_files(fresh) == action_files(DATA)


# ------------------------------------------------------------------ cells as Excel holds them


@pytest.mark.parametrize("value,fmt,shown", [
    (4.1, "General", "4.1"), (4.1, "0.00", "4.10"), (4.1, "0.0", "4.1"), (4.0, "General", "4"), (4, "0", "4"),
    (1234.5, "#,##0.00", "1,234.50"), (0.1 + 0.2, "General", "0.3"), (17, "General", "17"),
])
def test_numbers_read_as_excel_shows_them(value, fmt, shown):
    assert shown_number(value, fmt) == shown


def test_a_workbook_with_caps_columns(repo, tmp_path):
    source = make_workbook(tmp_path / "plan.xlsx", {
        "Notes": [["This sheet has no table"]],
        "Plan": [["Our composite plan"], [], CAP_HEADER,
                 cap_row("1.1"), cap_row("4.10", theme="Ownership and accountability: management grip"),
                 cap_row("1.2", target="ongoing"), cap_row("1.3", target="01/06/17")],
    }, {("Plan", "B5"): "0.00"})
    wb = openpyxl.load_workbook(source)
    wb["Plan"]["B5"] = 4.1          # a number cell, shown 4.10
    wb["Plan"]["F4"].number_format = "d mmmm yyyy"   # a date cell shown another way is still a date
    wb.save(source)
    result = run(repo, source)
    assert result.exit_code == 0, result.output
    plan = loaded(repo)
    assert [a.ref for a in plan.actions] == ["1.1", "1.2", "1.3", "4.10"]
    assert plan.action("1.1").target_date == dt.date(2017, 6, 1)
    assert plan.action("1.2").target_date == "ongoing"
    assert plan.action("1.3").target_date == dt.date(2017, 6, 1)
    assert plan.action("4.10").theme == "accountability"


def test_refs_that_excel_shows_alike_are_refused_with_both_rows(repo, tmp_path):
    source = make_workbook(tmp_path / "plan.xlsx", {"Plan": [CAP_HEADER, cap_row(1.1), cap_row(1.10), cap_row(1.2)]})
    before = snapshot(repo)
    result = run(repo, source)
    assert result.exit_code == 1
    assert ("/plan.xlsx:3:1: error: CAP806 sheet 'Plan', row 3, column B: ref 1.1 appears twice: also at "
            "sheet 'Plan' row 2 (a number cell shows 4.10 as 4.1: type the ref as text, or format the column 0.00)"
            ) in result.stderr
    assert snapshot(repo) == before


def test_errors_name_sheet_row_and_column_and_nothing_is_written(repo, tmp_path):
    source = make_workbook(tmp_path / "plan.xlsx", {
        "Plan": [CAP_HEADER, cap_row("1.1"), cap_row("1.2", target="31/02/17"), cap_row("1.3", lead="")]})
    before = snapshot(repo)
    result = run(repo, source)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any("/plan.xlsx:3:1: error: CAP804 sheet 'Plan', row 3, column F: Target date: "
               "'31/02/17' is not a real date" in line for line in lines), lines
    assert any(line.endswith("/plan.xlsx:4:1: error: CAP804 sheet 'Plan', row 4, column E: Lead agency is empty")
               for line in lines)
    assert snapshot(repo) == before


def test_sheet_option_and_unknown_sheet(repo, tmp_path):
    source = make_workbook(tmp_path / "plan.xlsx", {
        "Old": [CAP_HEADER, cap_row("1.1", action="Old text.")],
        "Current": [CAP_HEADER, cap_row("1.1", action="Current text.")],
    })
    result = run(repo, source, "--sheet", "current", "--dry-run")
    assert result.exit_code == 0, result.output
    assert run(repo, source, "--sheet", "Current").exit_code == 0
    assert one(repo, "1.1").action == "Current text."
    missing = run(repo, source, "--sheet", "Nope")
    assert missing.exit_code == 1
    assert "CAP803 no sheet named 'Nope'; the sheets are: Old, Current" in missing.stderr
    both = run(repo, source, "--sheet", "Old", "--all-sheets")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_all_sheets_one_theme_a_sheet(tmp_path):
    assert Cap()("init", "--blank", str(tmp_path / "r")).exit_code == 0
    data = tmp_path / "r" / "data"
    header = CAP_HEADER[1:]
    source = make_workbook(tmp_path / "plan.xlsx", {
        "Curiosity": [header, cap_row("1.1")[1:], cap_row("1.2")[1:]],
        "Grip": [["Board tracker"], header, cap_row("2.1")[1:]],
    })
    refused = run(data, source, "--all-sheets")
    assert refused.exit_code == 1 and "unknown theme 'Curiosity' (the sheet's name)" in refused.stderr
    result = run(data, source, "--all-sheets", "--add-themes")
    assert result.exit_code == 0, result.output
    plan = loaded(data)
    assert [(t.number, t.id, t.title) for t in plan.themes] == [(1, "curiosity", "Curiosity"), (2, "grip", "Grip")]
    assert [(a.ref, a.theme) for a in plan.actions] == [("1.1", "curiosity"), ("1.2", "curiosity"), ("2.1", "grip")]


def test_not_a_workbook(repo, tmp_path):
    source = tmp_path / "plan.xlsx"
    source.write_bytes(b"PK\x03\x04not really a zip")
    result = run(repo, source)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{source}:1:1: error: CAP801 not a workbook Excel or cap can read")
    empty = make_workbook(tmp_path / "empty.xlsx", {"Sheet": [["nothing here"]]})
    result = run(repo, empty)
    assert result.exit_code == 1 and "CAP803 no sheet has a header row (looked at 'Sheet')" in result.stderr


def test_format_option_reads_a_workbook_whatever_its_name(repo, tmp_path):
    source = make_workbook(tmp_path / "plan.xlsx", {"Plan": [CAP_HEADER, cap_row("1.1")]})
    renamed = tmp_path / "plan.bin"
    renamed.write_bytes(source.read_bytes())
    assert run(repo, renamed, "--format", "xlsx").exit_code == 0
    assert one(repo, "1.1").lead == ["NSCB"]


@pytest.mark.slow
def test_one_sheet_of_a_report_workbook_and_a_monthly_update(repo, tmp_path, data_copy, fixed_today):
    cap = Cap(data_copy)
    out = tmp_path / "plan.xlsx"
    assert cap("report", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    result = run(repo, out, "--sheet", "2. Fora for discussion")
    assert result.exit_code == 0, result.output
    assert [a.ref for a in loaded(repo).actions] == ["2.1", "2.2", "2.3", "2.4"]
    assert cap("progress", "2.2", "Audit done; report in July.", "--date", "2017-06-30").exit_code == 0
    assert cap("report", "--as-of", "2017-07-01", "-o", str(out)).exit_code == 0
    updated = Cap(repo)("import", str(out), "--sheet", "2. Fora for discussion", "--update")
    assert updated.exit_code == 0, updated.output
    assert "updated data/actions/2.2.yaml  (new progress 2017-06-30)" in updated.stdout
    assert loaded(repo).action("2.2").progress[-1].text == "Audit done; report in July."
