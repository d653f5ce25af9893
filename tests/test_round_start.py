"""`cap round start`: the forms, the round's record, its checks and its place in `cap changes`."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import pytest
from openpyxl import load_workbook

from cap.loader import load_plan
from cap.rounds.record import fingerprint, load_rounds, round_id_for
from tests.conftest import Cap


def start(data, *args):
    return Cap(data)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", *args)


def with_contacts(data):
    """The Norfolk plan's agencies, Health with a contact (the shipped file has none)."""
    path = data / "agencies.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- id: health\n  name: Health\n",
        "- id: health\n  name: Health\n  contacts:\n  - role: Named nurse\n    email: health.lead@example.org\n"),
        encoding="utf-8")
    return data


def test_start_writes_a_form_per_agency_and_the_record(data_copy):
    result = start(with_contacts(data_copy))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "round 2017-07 recorded in data/rounds/2017-07.yaml; return by 14/07/2017"
    assert lines[1:8] == [
        "NSCB: nscb.xlsx, 13 actions  (no contact: send it yourself)",
        "Health: health.xlsx, 2 actions",
        "Education: education.xlsx, 3 actions  (no contact: send it yourself)",
        "Children's Services: childrens-services.xlsx, 1 action  (no contact: send it yourself)",
        "MASH: mash.xlsx, 1 action  (no contact: send it yourself)",
        "DASVB partners: dasvb-partners.xlsx, 1 action  (no contact: send it yourself)",
        "All partners: all-partners.xlsx, 1 action  (no contact: send it yourself)",
    ]
    assert lines[-1].startswith("7 forms written to ")
    assert lines[-1].endswith("returns/2017-07, 21 actions asked about, 6 agencies without a contact")
    folder = data_copy.parent / "returns" / "2017-07"
    assert sorted(p.name for p in folder.iterdir())[:3] == ["all-partners.xlsx", "childrens-services.xlsx",
                                                            "dasvb-partners.xlsx"]
    assert "health.lead@example.org" not in (data_copy / "rounds" / "2017-07.yaml").read_text()
    rounds, problems = load_rounds(data_copy)
    assert problems == []
    (record,) = rounds
    assert (record.id, record.started, record.as_of, record.due) == (
        "2017-07", dt.date(2017, 7, 1), dt.date(2017, 7, 1), dt.date(2017, 7, 14))
    health = record.agency("health")
    assert (health.name, health.form) == ("Health", "health.xlsx")
    plan, _ = load_plan(data_copy)
    open_health = [a for a in plan.actions if a.is_open and "Health" in a.lead]
    assert [a.ref for a in health.asked] == [a.ref for a in open_health]
    assert health.asked[0].fingerprint == fingerprint(open_health[0])
    assert health.asked[0].status == open_health[0].status
    assert Cap(data_copy)("validate", "--as-of", "2017-07-01").stdout.endswith("0 errors, 0 warnings\n")


def test_the_form_is_fillable_and_safe(data_copy):
    assert start(data_copy, "--lead", "Health", "--reply-to", "nscb@example.org").exit_code == 0
    path = data_copy.parent / "returns" / "2017-07" / "health.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Cover", "Actions", "cap"]
    cover, ws, meta = wb["Cover"], wb["Actions"], wb["cap"]
    cover_text = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    assert "Action plan update: Health" in cover_text and "nscb@example.org" in cover_text
    assert dt.datetime(2017, 7, 14) in cover_text  # a real date cell
    assert any(str(v).startswith("3. Save the file") for v in cover_text)
    headers = [c.value for c in ws[2]]
    assert headers == ["Ref", "Action", "Target date", "Status", "BRAG", "Latest progress", "Progress date",
                       "Done since then", "Status now", "Proposed new target date", "Reason for new date",
                       "Evidence", "Who is reporting", "Form key"]
    row = [c for c in ws[3]]
    assert row[0].value == "2.1" and row[0].protection.locked
    assert isinstance(row[2].value, dt.datetime) and row[2].number_format == "dd/mm/yyyy"
    assert all(not c.protection.locked for c in row[7:13])
    assert row[13].value.startswith("2017-07|2.1|")
    assert ws.column_dimensions["N"].hidden
    assert ws.protection.sheet and not ws.protection.password and cover.protection.sheet
    assert meta.sheet_state == "hidden" and meta["B1"].value == "2017-07" and meta["B2"].value == "health"
    kinds = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert kinds["list"].formula1 == '"in progress,complete"' and str(kinds["list"].sqref) == "I3:I4"
    assert kinds["date"].formula1 == "32874" and str(kinds["date"].sqref) == "J3:J4"
    for sheet in wb.worksheets:
        for r in sheet.iter_rows():
            for c in r:
                assert c.data_type != "f", c.coordinate
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))


def test_a_text_that_looks_like_a_formula_stays_text(data_copy):
    from cap.rounds.forms import FormRequest, build_xlsx
    from cap.loader import load_plan as load

    plan, _ = load(data_copy)
    action = plan.action("2.2").model_copy(update={"action": "=HYPERLINK(\"http://x\",\"y\")"})
    wb = build_xlsx(FormRequest("2017-07", "Health", "Health", dt.date(2017, 7, 1), dt.date(2017, 7, 1),
                                dt.date(2017, 7, 14), None, [action], ["abc"]))
    cell = wb["Actions"]["B3"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_same_month_twice_gets_a_new_id(data_copy):
    assert start(data_copy, "--lead", "Health").exit_code == 0
    again = start(data_copy, "--lead", "Health")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("round 2017-07-b recorded in")
    assert (data_copy / "rounds" / "2017-07-b.yaml").is_file()
    assert round_id_for(dt.date(2017, 7, 1), {"2017-07", "2017-07-b"}) == "2017-07-c"


def test_lead_filter_and_output_folder(data_copy, tmp_path):
    result = start(data_copy, "--lead", "health", "--lead", "Education", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["education.xlsx", "health.xlsx"]
    (record,), _ = load_rounds(data_copy)
    assert [a.agency for a in record.agencies] == ["health", "education"]


@pytest.mark.parametrize("args,code,message", [
    (("round", "start", "--as-of", "2017-07-01"), 2, "give --due DATE"),
    (("round", "start", "--due", "31/02/17"), 2, "--due:"),
    (("round", "start", "--due", "14/06/17", "--as-of", "2017-07-01"), 2, "is before the round's date"),
    (("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "--lead", "Helth"), 2, "did you mean Health?"),
    (("round", "start", "--due", "14/07/17", "--format", "pdf"), 2, "unknown form format"),
])
def test_refusals(data_copy, args, code, message):
    result = Cap(data_copy)(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert not (data_copy / "rounds").exists()


def test_output_inside_the_data_folder_is_refused(data_copy):
    result = start(data_copy, "-o", str(data_copy / "forms"))
    assert result.exit_code == 2, result.stdout
    assert not (data_copy / "forms").exists() and not (data_copy / "rounds").exists()


def test_a_broken_round_file_is_reported_with_its_line(data_copy):
    (data_copy / "rounds").mkdir()
    (data_copy / "rounds" / "2017-07.yaml").write_text(
        "id: 2017-07\nstarted: 2017-07-01\nas_of: nope\ndue: 2017-07-14\n", encoding="utf-8")
    (data_copy / "rounds" / "2017-08.yaml").write_text(
        "id: 2017-09\nstarted: 2017-08-01\nas_of: 2017-08-01\ndue: 2017-08-14\n", encoding="utf-8")
    result = Cap(data_copy)("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 1
    assert "data/rounds/2017-07.yaml:3:8: error: CAP103 `as_of`" in result.stdout + result.stderr
    assert "data/rounds/2017-08.yaml:1:5: error: CAP501 the round's id '2017-09' is not its file name" in (
        result.stdout + result.stderr)


def test_schema_of_a_round(data_copy):
    result = Cap(data_copy)("schema", "round")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"].startswith("A cap update round") and "agencies" in schema["properties"]


def test_round_lines_for_changes(data_copy):
    from cap.rounds.changes import round_lines

    assert start(data_copy).exit_code == 0
    (record,), _ = load_rounds(data_copy)
    assert round_lines(None, record) == ["round 2017-07 started: 7 agencies asked about 21 actions, "
                                         "return by 14/07/2017"]
    assert round_lines(record, record) == []
    assert round_lines(record, None) == ["round 2017-07 removed"]


@pytest.mark.slow
def test_installed_cap_starts_a_round(tmp_path):
    import shutil

    from tests.conftest import DATA
    from tests.test_cli_show import run_cap

    shutil.copytree(DATA, tmp_path / "data")
    result = run_cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", "--lead", "MASH", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "MASH: mash.xlsx, 1 action  (no contact: send it yourself)"
    assert (tmp_path / "returns" / "2017-07" / "mash.xlsx").is_file()
