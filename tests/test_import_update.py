"""Issue 24: the dates a plan counts from - an import without --progress-date says what it
dates today; completion and update date columns date their entries; `--update` of a returned
agency pack dates changed progress by --progress-date (or today) and lists a changed rating."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import AS_OF, Cap
from tests.test_cli_import import loaded
from tests.test_import_tracker import csv_file

D = dt.date


@pytest.fixture
def repo(tmp_path) -> Path:
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    return tmp_path / "repo" / "data"


def test_without_a_progress_date_the_dry_run_says_what_is_dated_today(repo, tmp_path, fixed_today):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Progress", "a,Audit.,Health,01/06/18,Begun.",
                      "b,Train.,Police,01/06/18,")
    result = Cap(repo)("import", str(source), "--theme", "curiosity", "--dry-run")
    assert result.exit_code == 0, result.output
    assert ("2 actions and 1 progress entry would be dated today (01/07/2017): the file gives no date for them. If "
            "the tracker is older, give --progress-date DATE") in result.stdout
    given = Cap(repo)("import", str(source), "--theme", "curiosity", "--dry-run", "--progress-date", "2017-01-31")
    assert "dated today" not in given.stdout


def test_update_and_completion_date_columns_date_their_entries(repo, tmp_path, fixed_today):
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Progress,Date updated,Date of completion and outcome",
                      "a,Audit.,Health,01/06/18,Begun.,15/03/2017,", "b,Train.,Police,01/06/18,,,20/04/2017 - all trained")
    result = Cap(repo)("import", str(source), "--theme", "curiosity", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dated today" not in result.stdout                       # every date comes from the file
    assert Cap(repo)("import", str(source), "--theme", "curiosity").exit_code == 0
    got = {a.source_ref: a for a in loaded(repo).actions}
    assert [(e.date, e.text) for e in got["a"].progress] == [(D(2017, 3, 15), "Begun.")]
    assert got["a"].opened == D(2017, 3, 15)
    assert [(e.date, e.text) for e in got["b"].progress] == [(D(2017, 4, 20), "20/04/2017 - all trained")]
    assert (got["b"].status, got["b"].completed) == ("complete", D(2017, 4, 20))


def _pack(repo: Path, tmp_path: Path) -> Path:
    """The plan of a tracker with ratings, and Health's pack of it as a workbook."""
    source = csv_file(tmp_path, "No.,Action,Lead,Timescale,Progress,RAG",
                      "a,Audit discharge planning.,Health,01/06/18,Audit planned.,Amber",
                      "b,Train officers.,Police,01/06/18,Begun.,Green", name="tracker.csv")
    result = Cap(repo)("import", str(source), "--theme", "curiosity", "--progress-date", "2017-01-31")
    assert result.exit_code == 0, result.output
    packs = tmp_path / "packs"
    made = Cap(repo)("report", "--kind", "agency", "--each", "--format", "xlsx", "-o", str(packs),
                     "--as-of", "2017-06-30")
    assert made.exit_code == 0, made.output
    return packs / "health.xlsx"


def test_a_returned_agency_pack_with_update(repo, tmp_path, fixed_today):
    pack = _pack(repo, tmp_path)
    wb = openpyxl.load_workbook(pack)
    ws = wb.worksheets[1]
    header = [c.value for c in ws[2]]
    ws.cell(3, header.index("Progress") + 1).value = "Audit completed; report due at the July board."
    ws.cell(3, header.index("Board rating") + 1).value = "Green"      # the agency's Progress date left as it was
    returned = tmp_path / "health-returned.xlsx"
    wb.save(returned)
    result = Cap(repo)("import", str(returned), "--update", "--dry-run")
    assert result.exit_code == 0, result.output
    assert ("would update data/actions/1.1.yaml  (new progress 2017-07-01; board rating Amber -> Green)"
            in result.stdout)
    assert "1.1: the file dates its new progress 31/01/2017, no later than the log's latest entry" in result.stdout
    result = Cap(repo)("import", str(returned), "--update", "--progress-date", "2017-06-28")
    assert result.exit_code == 0, result.output
    action = loaded(repo).action("1.1")
    assert [(e.date, e.text) for e in action.progress][-1] == (
        D(2017, 6, 28), "Audit completed; report due at the July board.")       # never the old row's date
    assert action.rating == "Green"
    assert loaded(repo).action("1.2").rating == "Green"                       # not in Health's pack: untouched
    assert Cap(repo)("validate", "--as-of", AS_OF.isoformat()).exit_code == 0
