"""A text longer than an Excel cell holds (32,767 characters) survives `cap report -o
plan.xlsx` then `cap import` whole (issue 21): written over continuation rows
(cap/reports/cellsplit.py), joined back by the import. Before, openpyxl cut each such
text at 32,767 characters without a word and the import kept the cut text."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest

from cap.reports.cellsplit import EXCEL_CELL_CHARS, join_rows, split_row
from tests.conftest import Cap

WORDS = "the board agreed that agencies review training audit safeguarding children practice staff policy".split()


def prose(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    out, size = [], 0
    while size < n:
        word = rnd.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n].strip()


@pytest.fixture
def long_plan(tmp_path) -> Path:
    """A plan cap validate accepts: 1.1 with a 900,000-character progress log (nine
    entries of 100,000), 1.2 with an action text of 20,000 emoji (40,000 UTF-16 units)."""
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    data = tmp_path / "repo" / "data"
    entries = "".join(f"- date: 2017-0{m}-01\n  text: >-\n    {prose(100_000, m)}\n" for m in range(1, 10))
    (data / "actions" / "1.1.yaml").write_text(
        "ref: '1.1'\ntheme: curiosity\nscrs:\n- D\nall_scrs: false\n"
        "action: Do the thing.\nlead:\n- NSCB\ntarget_date: 2017-12-01\nstatus: in-progress\n"
        f"opened: 2017-01-01\nprogress:\n{entries}", encoding="utf-8")
    (data / "actions" / "1.2.yaml").write_text(
        "ref: '1.2'\ntheme: curiosity\nscrs:\n- D\nall_scrs: false\n"
        f"action: \"{'😀' * 20_000} and the rest\"\nlead:\n- NSCB\ntarget_date: 2017-12-01\nstatus: in-progress\n"
        "opened: 2017-01-01\nprogress:\n- date: 2017-02-01\n  text: Started.\n", encoding="utf-8")
    (data / "scrs.yaml").write_text("scrs:\n- id: D\n  title: Case D\n  kind: scr\n", encoding="utf-8")
    Cap(data)("fmt")   # (exit 1: it reformatted the file)
    result = Cap(data)("validate", "--as-of", "2017-12-01", "--strict")
    assert result.exit_code == 0, result.output   # canonical too
    return data


def test_the_long_log_comes_back_whole(long_plan, tmp_path):
    log = "".join(p.split("text: ")[-1] for p in (long_plan / "actions" / "1.1.yaml").read_text().split("- date:")[1:])
    assert len(log) > 900_000
    out = tmp_path / "plan.xlsx"
    result = Cap(long_plan)("report", "--as-of", "2017-12-01", "--full", "-o", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    longest = max(len(c.value) for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert longest <= EXCEL_CELL_CHARS
    refs = [row[0].value for row in wb["Progress log"].iter_rows(min_row=3)]
    assert refs.count("1.1 (continued)") == 9 * 3   # each 100,000-character entry takes four cells
    assert Cap()("init", str(tmp_path / "again")).exit_code == 0
    again = tmp_path / "again" / "data"
    result = Cap(again)("import", str(out), "--progress-date", "2017-12-01")
    assert result.exit_code == 0, result.output
    for name in ("1.1.yaml", "1.2.yaml"):
        assert (again / "actions" / name).read_bytes() == (long_plan / "actions" / name).read_bytes()


def test_without_the_log_the_latest_entry_and_the_action_come_back_whole(long_plan, tmp_path):
    out = tmp_path / "plan.xlsx"
    assert Cap(long_plan)("report", "--as-of", "2017-12-01", "-o", str(out)).exit_code == 0
    assert Cap()("init", str(tmp_path / "again")).exit_code == 0
    again = tmp_path / "again" / "data"
    assert Cap(again)("import", str(out), "--progress-date", "2017-12-01").exit_code == 0
    assert (again / "actions" / "1.2.yaml").read_bytes() == (long_plan / "actions" / "1.2.yaml").read_bytes()
    from cap.loader import load_action_file

    latest = load_action_file(again / "actions" / "1.1.yaml", again)[0].progress
    assert [e.text for e in latest] == [prose(100_000, 9)]


def test_split_never_cuts_inside_a_character_and_joins_exactly():
    text = "a" + "😀" * 20_000 + "  trailing  "
    rows = split_row(["1.1", text, 5, None])
    assert len(rows) == 2 and rows[1][0] == "1.1 (continued)" and rows[1][2] is None
    assert all(len(r[1].encode("utf-16-le")) // 2 <= EXCEL_CELL_CHARS for r in rows)
    assert join_rows([[c if isinstance(c, str) else "" for c in r] for r in rows])[0][1] == text
