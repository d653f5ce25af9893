"""`cap agencies`: each lead agency's open, overdue and due-soon counts and its contact."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from cap.agencies import Agency, Contact
from cap.agencycounts import agency_counts
from cap.models import Action
from tests.conftest import DATA, Cap
from tests.test_cli_show import run_cap

SHIPPED = """\
Agency               Id                  Open  Overdue  Due soon  Contact
NSCB                 nscb                  13        6         2  no
Health               health                 2        1         0  no
Education            education              3        2         0  no
Children's Services  childrens-services     1        1         0  no
MASH                 mash                   1        1         0  no
DASVB partners       dasvb                  1        0         0  no
All partners         all-partners           1        1         0  no
7 agencies, 0 with a contact (as of 2017-07-01; due soon: within 30 days)
"""


@pytest.fixture
def data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_the_shipped_plan_as_a_table():
    result = Cap(DATA)("agencies", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == SHIPPED


def test_as_of_and_due_within_change_the_counts():
    early = Cap(DATA)("agencies", "--as-of", "2017-01-31", "--format", "json")
    nscb = json.loads(early.stdout)[0]
    assert (nscb["open"], nscb["overdue"], nscb["due_soon"]) == (13, 1, 0)  # 1.2 (1 January) is overdue
    week = Cap(DATA)("agencies", "--as-of", "2017-07-01", "--due-within", "0", "--format", "json")
    assert [r["due_soon"] for r in json.loads(week.stdout)] == [2, 0, 0, 0, 0, 0, 0]  # 3.3 and 4.1, due that day
    assert "due soon: within 0 days" in Cap(DATA)("agencies", "--as-of", "2017-07-01", "--due-within", "0").stdout


def test_json_carries_each_agency_with_its_open_refs_and_emails(data):
    (data / "agencies.yaml").write_text(
        "agencies:\n- id: health\n  name: Health\n  contacts:\n  - role: Designated nurse\n"
        "    email: nurse@example.nhs.uk\n- id: nscb\n  name: NSCB\n  contacts:\n  - role: Business manager\n"
    )
    result = Cap(data)("agencies", "--as-of", "2017-07-01", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0] == {
        "id": "health", "name": "Health", "in_agencies_file": True, "open": 2, "overdue": 1, "due_soon": 0,
        "has_contact": True, "contacts": 1, "emails": ["nurse@example.nhs.uk"], "open_refs": ["2.1", "2.2"],
    }
    assert rows[1]["id"] == "nscb" and rows[1]["has_contact"] is False and rows[1]["contacts"] == 1
    assert [r["name"] for r in rows[2:]] == [  # the leads the file does not name, after, by name
        "All partners", "Children's Services", "DASVB partners", "Education", "MASH", "NSCB Business Manager",
        "NSCB Monitoring and Evaluation Officer (MEO)",
    ]
    assert all(r["id"] is None and not r["in_agencies_file"] for r in rows[2:])
    table = Cap(data)("agencies", "--as-of", "2017-07-01").stdout.splitlines()
    assert table[1].split()[-1] == "yes" and table[2].endswith("no email") and "  -  " in table[3]
    assert table[-1].startswith("9 agencies, 1 with a contact")


def test_without_the_file_each_lead_text_is_an_agency(data):
    (data / "agencies.yaml").unlink()
    result = Cap(data)("agencies", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("All partners") and len(lines) == 11
    assert lines[-1].endswith("; no agencies in data/agencies.yaml: each lead as the actions write it")


def test_an_agency_leading_nothing_is_listed_with_zeros(data):
    (data / "agencies.yaml").write_text("agencies:\n- id: police\n  name: Police\n")
    rows = json.loads(Cap(data)("agencies", "--as-of", "2017-07-01", "-f", "json").stdout)
    assert rows[0] == {"id": "police", "name": "Police", "in_agencies_file": True, "open": 0, "overdue": 0,
                       "due_soon": 0, "has_contact": False, "contacts": 0, "emails": [], "open_refs": []}


def test_mistakes(data):
    assert Cap(DATA)("agencies", "--format", "xml").exit_code == 2
    assert Cap(DATA)("agencies", "--due-within", "-1").exit_code == 2
    assert Cap(DATA)("agencies", "--as-of", "31/02/2017").exit_code == 2
    (data / "agencies.yaml").write_text("agencies:\n- id: police\n")
    broken = Cap(data)("agencies")
    assert broken.exit_code == 1 and "data/agencies.yaml:2:3: error: CAP102" in broken.stderr


def test_a_control_character_in_a_name_never_reaches_the_terminal(data):
    (data / "agencies.yaml").write_text("agencies:\n- id: x\n  name: \"Evil\\e[31m\"\n")
    result = Cap(data)("agencies", "--as-of", "2017-07-01")
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert "data/agencies.yaml:3:9: error: CAP012" in result.stderr


def test_help_has_examples():
    result = Cap()("agencies", "--help")
    assert result.exit_code == 0 and "cap agencies --as-of 2017-07-01" in result.stdout


def test_the_counts_are_pure():
    actions = [Action(ref="1.1", theme="t", action="a", lead=["CCG", "Police"], target_date=dt.date(2017, 6, 1),
                      status="in-progress"),
               Action(ref="1.2", theme="t", action="a", lead=["Health"], target_date="ongoing", status="closed")]
    health = Agency(id="health", name="Health", aliases=["CCG"], contacts=[Contact(email="a@b.uk")])
    rows = agency_counts(actions, [health], dt.date(2017, 7, 1))
    assert [(r.name, r.open, r.overdue, r.has_contact, r.refs) for r in rows] == [
        ("Health", 1, 1, True, ("1.1",)), ("Police", 1, 1, False, ("1.1",))]


@pytest.mark.slow
def test_installed_cap_agencies():
    result = run_cap("agencies", "--as-of", "2017-07-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout == SHIPPED
