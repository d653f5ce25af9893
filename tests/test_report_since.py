"""`cap report --since REV-OR-DATE`: the plan paper carries what changed since the last
meeting, in every format, from the same data as `cap changes --since`."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from docx import Document

from tests.conftest import DATA, Cap
from tests.gitrepo import GitRepo, git_env  # noqa: F401 - the autouse fixture
from tests.test_cli_show import run_cap


@pytest.fixture
def repo(tmp_path):
    r = GitRepo(tmp_path / "plan", DATA)
    r.commit("January plan", "2017-01-31")
    r.add_progress("1.1", "2017-03-01", "Guidance drafted.", author="Pat")
    r.commit("March update", "2017-03-02")
    return r


def test_the_plan_paper_says_what_changed_since_a_date(repo):
    cap = Cap(repo.data)
    assert cap("retarget", "4.4", "2017-12-01", "--reason", "MASH review.", "--date", "2017-06-21").exit_code == 0
    md = cap("report", "--as-of", "2017-07-01", "--since", "2017-03-01").stdout
    block = md.split("## What changed since the last meeting")[1].split("\n## ")[0]
    # a date: the last commit before that day (the January plan), to the files now
    assert 'From the plan as committed on 31/01/2017' in block and '"January plan"' in block
    assert "| 1.1 | progress | 01/03/2017 (Pat): Guidance drafted. |" in block
    assert "| 4.4 | target date | 01/03/2017 -> 01/12/2017 (revised 21/06/2017: MASH review.) |" in block
    assert "Target date revised from" not in block       # cap's own entry: the target's row says it
    assert md.index("## Summary") < md.index("## What changed") < md.index("## 1. Professional curiosity")
    # the same data as cap changes
    changes = json.loads(cap("changes", "--since", "2017-03-01", "--format", "json").stdout)
    changed = sorted(a["ref"] for t in changes["themes"] for a in t["actions"])
    assert changed == sorted({line.split(" | ")[0].strip("| ") for line in block.splitlines() if line.startswith("| ")
                              and not line.startswith("| Ref") and not line.startswith("| ---")})
    # a revision: since the March commit, only the retarget
    since_march = cap("report", "--as-of", "2017-07-01", "--since", "HEAD").stdout
    assert "| 4.4 | target date |" in since_march and "| 1.1 |" not in since_march.split("## What changed")[1].split("\n## ")[0]


def test_every_format_carries_it(repo, tmp_path):
    cap = Cap(repo.data)
    args = ("report", "--as-of", "2017-07-01", "--since", "2017-03-01")
    html = cap(*args, "-f", "html").stdout
    assert "What changed since the last meeting" in html and "Guidance drafted." in html
    data = json.loads(cap(*args, "-f", "json").stdout)
    block = data["blocks"][0]
    assert block["heading"] == "What changed since the last meeting"
    assert ["1.1", "progress", "01/03/2017 (Pat): Guidance drafted."] in block["tables"][0]["rows"]
    for fmt in ("xlsx", "docx"):
        out = tmp_path / f"paper.{fmt}"
        assert cap(*args, "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "paper.xlsx")
    assert wb.sheetnames[1] == "Changes since"
    assert ["1.1", "progress", "01/03/2017 (Pat): Guidance drafted."] in [
        [c.value for c in row] for row in wb["Changes since"].iter_rows()]
    doc = Document(io.BytesIO((tmp_path / "paper.docx").read_bytes()))
    assert "What changed since the last meeting" in [p.text for p in doc.paragraphs]
    assert any(t.rows[0].cells[0].text == "Ref" and t.rows[0].cells[2].text == "Detail" and
               t.rows[1].cells[2].text == "01/03/2017 (Pat): Guidance drafted." for t in doc.tables)
    exceptions = cap("report", "-k", "exceptions", "--as-of", "2017-07-01", "--since", "2017-03-01").stdout
    assert exceptions.index("## Overdue") < exceptions.index("## What changed") < exceptions.index("## Summary")


def test_mistakes(repo):
    cap = Cap(repo.data)
    unknown = cap("report", "--since", "no-such-branch")
    assert unknown.exit_code == 2 and "no-such-branch" in unknown.output
    before = cap("report", "--since", "2016-01-01")
    assert before.exit_code == 1 and "before 2016-01-01" in before.output
    assert cap("report", "-k", "annual", "--year", "2016-17", "--since", "HEAD").exit_code == 2


@pytest.mark.slow
def test_as_a_real_process(repo):
    result = run_cap("--data", str(repo.data), "report", "--as-of", "2017-07-01", "--since", "2017-03-01")
    assert result.returncode == 0 and "What changed since the last meeting" in result.stdout
