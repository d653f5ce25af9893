"""`cap import` never writes a plan `cap validate` rejects: the files it would write go
through validate's checks first, and each error is reported at its row, nothing written.
Also the columns that carry what validate needs (Signed off, Withdrawn reason, Target
history) and the authors (Progress authors)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import Cap
from tests.test_cli_import import loaded, snapshot, write

HEADER = "Theme,Ref,SCR Ref,Action,Lead agency,Target date,Status,Progress date,Progress"


@pytest.fixture
def repo(tmp_path) -> Path:
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    return tmp_path / "repo" / "data"


def run(repo: Path, tmp_path: Path, *rows: str, header: str = HEADER, args=("--progress-date", "2017-01-31")):
    source = write(tmp_path, "plan.csv", "\n".join([header, *rows]) + "\n")
    return Cap(repo)("import", str(source), *args)


def refused(repo: Path, tmp_path: Path, *rows: str, **kw) -> list[str]:
    """The error lines of an import that must write nothing, dry run or not."""
    before = snapshot(repo.parent)
    dry = run(repo, tmp_path, *rows, **{**kw, "args": (*kw.get("args", ("--progress-date", "2017-01-31")), "--dry-run")})
    result = run(repo, tmp_path, *rows, **kw)
    assert result.exit_code == dry.exit_code == 1, result.output
    assert result.stderr == dry.stderr
    assert snapshot(repo.parent) == before
    return result.stderr.splitlines()


def test_a_closed_row_without_a_sign_off_is_refused_at_its_row(repo, tmp_path, fixed_today):
    lines = refused(repo, tmp_path,
                    "curiosity,1.1,D,Act.,NSCB,01/06/17,in-progress,,Begun.",
                    "curiosity,1.2,D,Act.,NSCB,01/06/17,closed,2017-03-15,Signed off.")
    assert lines == [
        f"{tmp_path / 'plan.csv'}:3:1: error: CAP211 row 3: 1.2: a closed action needs `signed_off` (date and by); "
        "or is it `complete`, awaiting sign-off? (the Signed off cell: YYYY-MM-DD by WHO)"]


def test_a_withdrawn_row_without_a_reason_is_refused(repo, tmp_path, fixed_today):
    lines = refused(repo, tmp_path, "curiosity,1.1,D,Act.,NSCB,01/06/17,Withdrawn,,Not needed.")
    assert len(lines) == 1
    assert "plan.csv:2:1: error: CAP212 row 2: 1.1: a withdrawn action needs `withdrawn_reason` " \
           "(the Withdrawn reason cell)" in lines[0]


def test_with_the_columns_they_are_accepted_and_validate(repo, tmp_path, fixed_today):
    header = HEADER + ",Signed off,Withdrawn reason,Target history,Progress authors"
    result = run(
        repo, tmp_path,
        'curiosity,1.1,D,Act.,NSCB,ongoing,closed,2017-03-15,"2017-01-31: Begun.\n2017-03-15: Done.\n  Really.",'
        '20/03/17 by SCR Review Group,,"2017-02-01: 2017-01-01 -> 2017-06-01: Later.\n'
        '2017-02-10: 2017-06-01 -> ongoing: Annual,\n  and reviewed.","1: MEO\n2: Pat, Police"',
        "curiosity,1.2,D,Act.,NSCB,01/06/17,withdrawn,,,,Superseded by 1.1.,,",
        header=header,
    )
    assert result.exit_code == 0, result.output
    first, second = loaded(repo).actions
    assert (first.signed_off.date, first.signed_off.by) == (dt.date(2017, 3, 20), "SCR Review Group")
    assert [(e.text, e.author) for e in first.progress] == [("Begun.", "MEO"), ("Done.\nReally.", "Pat, Police")]
    assert [(r.from_, r.to, r.reason) for r in first.target_history] == [
        (dt.date(2017, 1, 1), dt.date(2017, 6, 1), "Later."), (dt.date(2017, 6, 1), "ongoing", "Annual,\nand reviewed.")]
    assert (second.status, second.withdrawn_reason, second.progress) == ("withdrawn", "Superseded by 1.1.", [])
    assert (first.opened, first.completed) == (dt.date(2017, 1, 31), dt.date(2017, 3, 15))
    assert Cap(repo)("validate", "--strict", "--ignore", "CAP221", "--as-of", "2017-07-01").exit_code == 0


def test_a_progress_date_after_today_is_one_line(repo, tmp_path, fixed_today):
    before = snapshot(repo.parent)
    result = run(repo, tmp_path, "curiosity,1.1,D,Act.,NSCB,01/06/17,,,Begun.", args=("--progress-date", "2099-01-01"))
    assert result.exit_code == 1
    assert result.stderr == ("cap: error: --progress-date 2099-01-01 is after today (2017-07-01): "
                             "record what has happened, not what is planned\n")
    assert snapshot(repo.parent) == before


def test_dates_in_the_file_after_today_are_refused_at_their_rows(repo, tmp_path, fixed_today):
    lines = refused(repo, tmp_path,
                    "curiosity,1.1,D,Act.,NSCB,01/06/17,,2017-08-01,Begun.",
                    'curiosity,1.2,D,Act.,NSCB,01/06/17,,2017-09-01,"2017-01-31: a\n2017-09-01: b"')
    assert [line.split(" error: ")[1] for line in lines] == [
        "CAP210 row 2: 1.1: progress entry dated 2017-08-01 is in the future (as of 2017-07-01)",
        "CAP210 row 3: 1.2: progress entry dated 2017-09-01 is in the future (as of 2017-07-01)",
    ]


def test_target_history_out_of_order_is_refused(repo, tmp_path, fixed_today):
    header = HEADER + ",Target history"
    lines = refused(repo, tmp_path,
                    'curiosity,1.1,D,Act.,NSCB,ongoing,,,Begun.,"2017-03-01: 2017-06-01 -> 2017-09-01: b\n'
                    '2017-02-01: 2017-01-01 -> 2017-06-01: a"', header=header)
    assert len(lines) == 1 and "error: CAP209 row 2: 1.1: `target_history` is not in date order" in lines[0]


@pytest.mark.parametrize(
    "column, cell, message",
    [
        ("Signed off", "SCR Review Group", "Signed off: 'SCR Review Group' is not `YYYY-MM-DD by WHO`"),
        ("Signed off", "2017-02-30 by X", "Signed off: '2017-02-30' is not a real date"),
        ("Target history", "2017-02-01: soon -> later: why", "Target history: '2017-02-01: soon -> later: why'"),
        ("Target history", "moved once", "is not `YYYY-MM-DD: FROM -> TO: reason` lines"),
        ("Progress authors", "MEO", "Progress authors: 'MEO' is not `N: name` lines"),
        ("Progress authors", "2: MEO", "Progress authors: there is no entry 2 (Progress holds 1 entry)"),
        ("Progress authors", '"1: MEO\nPolice"', "Progress authors: line 'Police' is not in the form cap report writes"),
    ],
)
def test_bad_cells_of_the_new_columns_are_located(repo, tmp_path, fixed_today, column, cell, message):
    lines = refused(repo, tmp_path, f"curiosity,1.1,D,Act.,NSCB,01/06/17,closed,,Begun.,{cell}",
                    header=f"{HEADER},{column}")
    assert len(lines) == 1 and "plan.csv:2:1: error: CAP804 row 2, column J: " in lines[0] and message in lines[0], lines


def test_update_of_an_existing_action_is_checked_too(repo, tmp_path, fixed_today):
    assert run(repo, tmp_path, "curiosity,1.1,D,Act.,NSCB,01/06/17,,,Begun.").exit_code == 0
    lines = refused(repo, tmp_path, "curiosity,1.1,D,Act.,NSCB,01/06/17,,2017-12-01,Later news.",
                    args=("--update", "--progress-date", "2017-01-31"))
    assert len(lines) == 1 and "CAP210 row 2: 1.1: progress entry dated 2017-12-01 is in the future" in lines[0]


def test_a_row_without_progress_has_no_progress_key(repo, tmp_path, fixed_today):
    """An empty log is left out of the file, so the first `cap progress` only adds lines."""
    assert run(repo, tmp_path, "curiosity,1.1,D,Act.,NSCB,01/06/17,,,").exit_code == 0
    text = (repo / "actions" / "1.1.yaml").read_text()
    assert "progress" not in text and text.endswith("status: open\nopened: 2017-01-31\n")
