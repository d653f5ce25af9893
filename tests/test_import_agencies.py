"""`cap import --add-agencies`: the leads an import meets, added to data/agencies.yaml with
the actions, all or nothing (cap/importer/agencies.py)."""

from __future__ import annotations

from pathlib import Path


from cap.agencies import load_agencies
from tests.conftest import Cap
from tests.importing import repo, run  # noqa: F401 (repo: a fixture)

CSV = """\
Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress
curiosity,1.1,,Audit the chronologies.,Health/Police,01/12/2017,
curiosity,1.2,,Train the staff.,health/Housing,01/12/2017,
"""


def plan_csv(tmp_path: Path, text: str = CSV) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_agencies_adds_each_new_lead_once_keeping_the_header(repo, tmp_path):
    before = (repo / "agencies.yaml").read_text()
    result = run(repo, plan_csv(tmp_path), "--add-agencies")
    assert result.exit_code == 0, result.output
    assert "added agencies to agencies.yaml: Health, Police, Housing" in result.stdout
    agencies, problems = load_agencies(repo)
    assert problems == [] and [(a.id, a.name) for a in agencies] == [
        ("health", "Health"), ("police", "Police"), ("housing", "Housing")]
    text = (repo / "agencies.yaml").read_text()
    assert text.startswith(before[: before.index("# An example")])  # the comment kept
    assert Cap(repo)("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0
    again = run(repo, plan_csv(tmp_path), "--add-agencies", "--update")
    assert again.exit_code == 0 and "agencies.yaml" not in again.stdout  # nothing new the second time


def test_the_dry_run_says_so_and_writes_nothing(repo, tmp_path):
    before = (repo / "agencies.yaml").read_bytes()
    result = run(repo, plan_csv(tmp_path), "--add-agencies", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add agencies to agencies.yaml: Health, Police, Housing" in result.stdout
    assert (repo / "agencies.yaml").read_bytes() == before
    assert not list((repo / "actions").glob("*.yaml"))


def test_without_the_option_the_file_is_left_and_the_unnamed_leads_noted(repo, tmp_path):
    (repo / "agencies.yaml").write_text("agencies:\n- id: health\n  name: Health\n")
    result = run(repo, plan_csv(tmp_path))
    assert result.exit_code == 0, result.output
    assert "leads naming no agency of data/agencies.yaml: Police, Housing (--add-agencies adds them)" in result.stdout
    assert (repo / "agencies.yaml").read_text() == "agencies:\n- id: health\n  name: Health\n"


def test_a_missing_file_is_made(repo, tmp_path):
    (repo / "agencies.yaml").unlink()
    assert run(repo, plan_csv(tmp_path), "--add-agencies").exit_code == 0
    text = (repo / "agencies.yaml").read_text()
    assert text.startswith("# The partnership's agencies") and "- id: housing\n  name: Housing\n" in text


def test_all_or_nothing_a_bad_row_writes_no_agency(repo, tmp_path):
    before = (repo / "agencies.yaml").read_bytes()
    bad = CSV + "curiosity,1.3,,Third.,Police,31/02/2017,\n"
    result = run(repo, plan_csv(tmp_path, bad), "--add-agencies")
    assert result.exit_code == 1
    assert (repo / "agencies.yaml").read_bytes() == before
    assert not list((repo / "actions").glob("*.yaml"))


def test_a_broken_agencies_file_stops_the_import(repo, tmp_path):
    (repo / "agencies.yaml").write_text("agencies:\n- id: health\n")
    result = run(repo, plan_csv(tmp_path), "--add-agencies")
    assert result.exit_code == 1
    assert "data/agencies.yaml:2:3: error: CAP102" in result.stderr
    assert not list((repo / "actions").glob("*.yaml"))
