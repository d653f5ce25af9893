"""`cap round collect`: forms filled as agencies fill them, brought back in, all or nothing."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook

from cap.loader import load_action_file
from cap.rounds.record import load_rounds
from tests.conftest import Cap

TODAY = dt.date(2017, 7, 20)


@pytest.fixture
def today(monkeypatch):
    import cap.dates

    monkeypatch.setattr(cap.dates, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def round_(data_copy, today):
    result = Cap(data_copy)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.stderr
    return data_copy.parent / "returns" / "2017-07"


def action(data, ref):
    found, problems = load_action_file(data / "actions" / f"{ref}.yaml", data)
    assert problems == []
    return found


def fill(form, out, rows, *, sort=False, delete=(), unprotect=True, cover=True, date=None, extra_column=False):
    """Fill a form as a person would: `rows` {ref: {column letter: value}}; rows sorted by
    the action's text (the key column moves with them), rows deleted, protection lifted,
    the cover sheet removed, a column of their own added."""
    wb = load_workbook(form)
    ws = wb["Actions"]
    if unprotect:
        ws.protection.sheet = False
    if date is not None:
        wb["Cover"]["B7"] = date
    if not cover:
        wb.remove(wb["Cover"])
    if sort:
        last = ws.max_row
        values = [[ws.cell(r, c).value for c in range(1, 15)] for r in range(3, last + 1)]
        values.sort(key=lambda v: str(v[1]), reverse=True)
        for r, vals in enumerate(values, start=3):
            for c, v in enumerate(vals, start=1):
                ws.cell(r, c).value = v
    for ref, cells in rows.items():
        r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == ref)
        for letter, value in cells.items():
            ws[f"{letter}{r}"] = value
    for ref in delete:
        r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == ref)
        ws.delete_rows(r)
    if extra_column:
        ws.insert_cols(8)
        ws["H2"] = "Our own notes"
        ws["H3"] = "internal"
    wb.save(out)
    return out


def collect(data, *args):
    return Cap(data)("round", "collect", *map(str, args))


def test_a_round_as_agencies_fill_it(round_, data_copy, tmp_path):
    # Education: sorted its rows, renamed the file, lifted the protection, typed dates as text,
    # gave the date of its update on the cover.
    education = fill(round_ / "education.xlsx", tmp_path / "Education return FINAL v2.xlsx", {
        "3.1": {"H": "Training delivered\nto 40 schools.", "I": "Complete", "L": "Attendance registers",
                "M": "Jo Bloggs"},
        "4.7": {"H": "Audit under way.", "J": "TBC", "K": "Staff shortages"},
        "4.8": {"J": "30/9/17", "K": "Waiting for the audit."},
    }, sort=True, date="10/07/17")
    # Health: deleted a row, left one blank, removed the cover, a month and year as the new date.
    health = fill(round_ / "health.xlsx", tmp_path / "health.xlsx", {
        "2.2": {"H": "Protocol published.", "I": "in progress", "J": "July 2017", "K": "Sign-off by the trust."},
    }, delete=["2.1"], cover=False)
    # MASH: answered nothing (a blank row).
    mash = fill(round_ / "mash.xlsx", tmp_path / "mash.xlsx", {}, unprotect=False)
    result = collect(data_copy, education, health, mash, "--date", "12/07/17")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Education return FINAL v2.xlsx: Education, round 2017-07, reported 10/07/2017",
        "  4.8  asks for a new target date, 30/09/2017 (not applied: for the board to decide)",
        "  3.1  progress entry of 10/07/2017 by Jo Bloggs (Education); status in-progress -> complete; evidence added",
        "  4.7  progress entry of 10/07/2017 by Education",
        "  note: sheet Actions, row 5, column J: 'TBC' is not a date: no new target date was recorded "
        "(its reason: Staff shortages)",
        "health.xlsx: Health, round 2017-07, reported 12/07/2017",
        "  2.2  progress entry of 12/07/2017 by Health; asks for a new target date, 31/07/2017 (not applied: "
        "for the board to decide)",
        "  not in the form (rows deleted): 2.1",
        "mash.xlsx: MASH, round 2017-07, reported 12/07/2017",
        "  4.4  no update (blank row)",
        "collected 3 returns: 3 progress entries, 1 complete, 2 new target dates asked for, 0 rows refused, 1 blank",
        "round 2017-07: 3 of 7 agencies returned (cap round status)",
    ]
    done = action(data_copy, "3.1")
    assert done.status == "complete" and done.completed == dt.date(2017, 7, 10)
    last = done.progress[-1]
    # the line break the agency typed in its cell is kept (a progress entry holds lines)
    assert (last.date, last.text, last.author) == (dt.date(2017, 7, 10), "Training delivered\nto 40 schools.",
                                                  "Jo Bloggs (Education)")
    assert done.evidence[-1] == "Attendance registers"
    audit = action(data_copy, "4.7")
    assert (audit.progress[-1].text, audit.status, audit.target_history) == ("Audit under way.", "in-progress", [])
    assert action(data_copy, "4.8").target_history == []  # asked for, not applied
    assert action(data_copy, "2.2").progress[-1].date == dt.date(2017, 7, 12)
    (record,), _ = load_rounds(data_copy)
    edu = record.agency("education")
    (ret,) = edu.returns
    assert (ret.date, ret.collected, sorted(ret.answered), ret.blank, ret.refused) == (
        dt.date(2017, 7, 10), TODAY, ["3.1", "4.7", "4.8"], [], [])
    (request,) = edu.requests
    assert (request.ref, request.date, request.to, request.reason, request.by) == (
        "4.8", dt.date(2017, 7, 10), dt.date(2017, 9, 30), "Waiting for the audit.", "Education")
    assert record.agency("health").requests[0].to == dt.date(2017, 7, 31)
    assert record.agency("mash").returns[0].blank == ["4.4"]
    assert record.agency("nscb").returns == []
    assert Cap(data_copy)("validate", "--as-of", "2017-07-20").stdout.endswith("0 errors, 0 warnings\n")

    # Again: nothing is added, and it says so.
    before = {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()}
    before_round = (data_copy / "rounds" / "2017-07.yaml").read_bytes()
    again = collect(data_copy, education, health, mash)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "nothing new: every file was collected already"
    assert "Education return FINAL v2.xlsx: Education, round 2017-07: collected already on 20/07/2017" in again.stdout
    assert {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()} == before
    assert (data_copy / "rounds" / "2017-07.yaml").read_bytes() == before_round


def test_a_corrected_copy_adds_only_what_is_new(round_, data_copy, tmp_path):
    first = fill(round_ / "health.xlsx", tmp_path / "health.xlsx", {"2.2": {"H": "Protocol drafted."}})
    assert collect(data_copy, first, "--date", "10/07/17").exit_code == 0
    second = fill(round_ / "health.xlsx", tmp_path / "health-2.xlsx",
                  {"2.2": {"H": "Protocol drafted."}, "2.1": {"H": "Audit booked."}}, extra_column=True)
    result = collect(data_copy, second, "--date", "10/07/17")
    assert result.exit_code == 0, result.stderr
    assert "  2.2  progress entry collected already" in result.stdout
    assert "  2.1  progress entry of 10/07/2017 by Health" in result.stdout
    assert [e.text for e in action(data_copy, "2.2").progress].count("Protocol drafted.") == 1


def test_dry_run_writes_nothing(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done.", "I": "complete"}})
    before = (data_copy / "actions" / "2.2.yaml").read_bytes()
    result = collect(data_copy, form, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "  2.2  progress entry of 20/07/2017 by Health; status in-progress -> complete" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("dry run, nothing written: 1 return: 1 progress entry")
    assert (data_copy / "actions" / "2.2.yaml").read_bytes() == before
    assert load_rounds(data_copy)[0][0].agency("health").returns == []


def test_a_change_since_the_form_was_made(round_, data_copy, tmp_path):
    """The manager closed 3.1 after the form went out: the agency's progress is still
    collected, its status change refused with the reason; 4.7 was retargeted meanwhile."""
    cap = Cap(data_copy)
    assert cap("progress", "3.1", "Done.", "--status", "complete", "--date", "05/07/17").exit_code == 0
    assert cap("close", "3.1", "--by", "Review group", "--date", "06/07/17", "--outcome", "Done.").exit_code == 0
    assert cap("retarget", "4.7", "01/12/17", "--reason", "Board agreed.", "--date", "06/07/17").exit_code == 0
    form = fill(round_ / "education.xlsx", tmp_path / "e.xlsx", {
        "3.1": {"H": "All schools trained.", "I": "in progress"},
        "4.7": {"H": "Audit started.", "I": "complete"},
    })
    result = collect(data_copy, form, "--date", "10/07/17")
    assert result.exit_code == 0, result.stderr
    assert ("  3.1  status in-progress refused: 3.1 has been closed since the form was made (it was in-progress); "
            "the board decides; progress entry of 10/07/2017 by Education") in result.stdout
    assert "  4.7  progress entry of 10/07/2017 by Education; status in-progress -> complete" in result.stdout
    closed = action(data_copy, "3.1")
    assert closed.status == "closed" and closed.progress[-1].text == "All schools trained."
    (record,), _ = load_rounds(data_copy)
    assert record.agency("education").returns[0].refused == ["3.1"]


def test_all_or_nothing_and_skip_bad(round_, data_copy, tmp_path):
    good = fill(round_ / "health.xlsx", tmp_path / "good.xlsx", {"2.2": {"H": "Done."}})
    bad = fill(round_ / "education.xlsx", tmp_path / "bad.xlsx", {"3.1": {"H": "=1+1"}, "4.7": {"H": "ok\x7f"}})
    before = (data_copy / "actions" / "2.2.yaml").read_bytes()
    result = collect(data_copy, good, bad)
    assert result.exit_code == 1
    assert "cap: error: bad.xlsx: sheet Actions, row 3, column H: holds a formula" in result.stderr
    assert "cap: error: 1 file has errors: nothing was written (fix them, or give --skip-bad" in result.stderr
    assert (data_copy / "actions" / "2.2.yaml").read_bytes() == before
    skipped = collect(data_copy, good, bad, "--skip-bad")
    assert skipped.exit_code == 1
    assert "cap: error: skipped, with errors: bad.xlsx" in skipped.stderr
    assert action(data_copy, "2.2").progress[-1].text == "Done."
    assert action(data_copy, "3.1").progress[-1].text != "=1+1"


def test_control_characters_are_refused_at_their_cell(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"L": "ok\x9b31m"}})
    result = collect(data_copy, form)
    assert result.exit_code == 1
    assert "h.xlsx: sheet Actions, row 4, column L: the text holds the control character \\x9b (CSI)" in result.stderr


@pytest.mark.parametrize("name,content,says", [
    ("health.xls", b"\xd0\xcf\x11\xe0rest", "save it as an Excel Workbook (.xlsx)"),
    ("health.xlsm", b"PK", "macro-enabled workbook"),
    ("health.ods", b"PK", "save it as an Excel 2007-365 workbook (.xlsx)"),
    ("health.csv", b"Ref,Done\n2.2,x\n", "a CSV file"),
    ("health.xlsx", b"not a zip at all", "is text (such as a CSV), not a workbook or a Word document"),
    ("renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "is an Excel 97-2003 workbook (.xls)"),
])
def test_files_that_are_not_forms_get_one_line(round_, data_copy, tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    result = collect(data_copy, path)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"cap: error: {name}: is ") and says in first


def test_a_hostile_workbook_is_refused_unread(round_, data_copy, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 250_000_000)
    result = collect(data_copy, bomb)
    assert result.exit_code == 1
    assert "bomb.xlsx: part 'xl/worksheets/sheet1.xml' is 250,000,000 bytes unpacked (limit 32,000,000" in result.stderr
    macro = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/vbaProject.bin", b"\0")
    assert "is a macro-enabled workbook (.xlsm): save it as Excel Workbook (.xlsx)" in collect(data_copy, macro).stderr


def test_a_workbook_that_is_no_form(round_, data_copy, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["No.", "Actions", "RAG"])
    wb.save(tmp_path / "tracker.xlsx")
    result = collect(data_copy, tmp_path / "tracker.xlsx")
    assert result.exit_code == 1
    assert "tracker.xlsx: has no sheet of actions with the form's headers" in result.stderr


def test_a_date_after_today_and_unknown_status(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done.", "I": "nearly there"}},
                date=dt.datetime(2017, 8, 1))
    result = collect(data_copy, form)
    assert result.exit_code == 0, result.stderr
    assert "note: sheet Cover, row 7, column B: the date of this update: 01/08/2017 is after today; 20/07/2017 is used" in result.stdout
    assert "note: sheet Actions, row 4, column I: status 'nearly there' is neither in progress nor complete" in result.stdout
    assert action(data_copy, "2.2").status == "in-progress"


def test_collect_usage_errors(round_, data_copy, tmp_path):
    assert collect(data_copy, "--date", "01/08/17", round_ / "health.xlsx").exit_code == 2
    assert collect(data_copy).exit_code == 2


@pytest.mark.slow
def test_installed_cap_collects(tmp_path):
    import shutil

    from tests.conftest import DATA
    from tests.test_cli_show import run_cap

    shutil.copytree(DATA, tmp_path / "data")
    assert run_cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", cwd=tmp_path).returncode == 0
    form = fill(tmp_path / "returns" / "2017-07" / "mash.xlsx", tmp_path / "MASH.xlsx", {"4.4": {"H": "Evaluated."}})
    result = run_cap("round", "collect", str(form), "--date", "10/07/17", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  4.4  progress entry of 10/07/2017 by MASH" in result.stdout


def test_a_formula_with_a_saved_value_is_never_taken(round_, data_copy, tmp_path):
    import re

    form = fill(round_ / "health.xlsx", tmp_path / "f.xlsx", {"2.2": {"H": "=1+1"}})
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(form) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<f>1\+1</f>(<v\s*/>|<v></v>)?", b"<f>1+1</f><v>2</v>", data)
            target.writestr(info, data)
    result = collect(data_copy, patched)
    assert result.exit_code == 1
    assert "patched.xlsx: sheet Actions, row 4, column H: holds a formula, which cap never takes" in result.stderr


def test_a_plan_with_errors_takes_no_returns(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done."}})
    (data_copy / "actions" / "4.4.yaml").write_text("ref: '4.4'\n", encoding="utf-8")
    result = collect(data_copy, form)
    assert result.exit_code == 1
    assert "data/actions/4.4.yaml" in result.stderr
    assert "the plan has errors (cap validate): fix them first; nothing was collected" in result.stderr


def test_a_form_of_a_round_not_recorded(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done."}})
    (data_copy / "rounds" / "2017-07.yaml").unlink()
    result = collect(data_copy, form)
    assert result.exit_code == 1
    assert "h.xlsx: is a form of round 2017-07, which data/rounds/ does not hold (rounds: none)" in result.stderr


def test_a_cells_lines_are_kept_and_its_spaces_tidied():
    from cap.rounds.reading import lines_text

    assert lines_text("  1. Audit done.  \r\n\r\n\r\n2. Report   written.\n\n") == "1. Audit done.\n\n2. Report written."
    assert lines_text("\n \n") is None
    assert lines_text(None) is None
    assert lines_text(dt.date(2017, 7, 1)) == "01/07/2017"


def test_cap_undo_takes_a_collect_back_whole(round_, data_copy, tmp_path):
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done.", "I": "complete"},
                                                              "2.1": {"H": "Begun."}})
    before = {p: p.read_bytes() for p in [*(data_copy / "actions").iterdir(), data_copy / "rounds" / "2017-07.yaml"]}
    assert collect(data_copy, form).exit_code == 0
    assert (data_copy / "actions" / "2.2.yaml").read_bytes() != before[data_copy / "actions" / "2.2.yaml"]
    result = Cap(data_copy)("undo")
    assert result.exit_code == 0, result.stderr
    assert {p: p.read_bytes() for p in before} == before


def test_collect_keeps_a_crlf_files_endings(round_, data_copy, tmp_path):
    path = data_copy / "actions" / "2.2.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    lines = path.read_bytes().split(b"\r\n")
    form = fill(round_ / "health.xlsx", tmp_path / "h.xlsx", {"2.2": {"H": "Done."}})
    assert collect(data_copy, form).exit_code == 0
    after = path.read_bytes()
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert after.split(b"\r\n")[: len(lines) - 1] == lines[:-1]  # lines added at the end only


def test_a_folder_given_as_a_return_is_named(round_, data_copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = collect(data_copy, ".")
    assert result.exit_code == 1
    assert result.stderr.startswith("cap: error: .: cannot read file")  # "." has no name of its own
