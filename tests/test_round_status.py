"""`cap round start --email`, `cap round status`, `cap round chase`, and the requests in `cap show`."""

from __future__ import annotations

import datetime as dt
import email
import json
from email import policy

import pytest

from tests.conftest import Cap
from tests.test_round_collect import collect, fill
from tests.test_round_start import with_contacts

TODAY = dt.date(2017, 7, 20)


@pytest.fixture
def today(monkeypatch):
    import cap.dates

    monkeypatch.setattr(cap.dates, "today", lambda: TODAY)
    return TODAY


def start(data, *args):
    return Cap(data)("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", *args)


def test_email_drafts_open_ready_to_send(data_copy, today):
    result = start(with_contacts(data_copy), "--email", "--from", "Ann Manager <nscb@example.org>")
    assert result.exit_code == 0, result.stderr
    assert "Health: health.xlsx + health.eml, 2 actions" in result.stdout
    assert "NSCB: nscb.xlsx, 13 actions  (no contact: send it yourself)" in result.stdout
    folder = data_copy.parent / "returns" / "2017-07"
    assert sorted(p.name for p in folder.glob("*.eml")) == ["health.eml"]
    raw = (folder / "health.eml").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert msg["To"] == "health.lead@example.org" and msg["From"] == "Ann Manager <nscb@example.org>"
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"] == "Action plan update: Health, please return by 14/07/2017"
    body = msg.get_body(("plain",)).get_content()
    assert "asking about 2 actions: 2.1, 2.2." in body
    assert "Friday 14 July 2017 (14/07/2017)" in body and body.rstrip().endswith("Ann Manager")
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "health.xlsx"
    assert attachment.get_content() == (folder / "health.xlsx").read_bytes()


def test_status_and_chase(data_copy, today, tmp_path):
    with_contacts(data_copy)
    assert start(data_copy).exit_code == 0
    folder = data_copy.parent / "returns" / "2017-07"
    late = fill(folder / "education.xlsx", tmp_path / "e.xlsx",
                {"4.8": {"H": "Audit planned.", "J": "30/09/17", "K": "Waiting for the audit."}})
    assert collect(data_copy, late, "--date", "18/07/17").exit_code == 0
    cap = Cap(data_copy)
    result = cap("round", "status", "--as-of", "2017-07-20")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Round 2017-07: started 01/07/2017, return by 14/07/2017 (as of 20/07/2017)"
    assert lines[4] == "Education                3  18/07/2017         1      2        0          1  late"
    assert lines[-3] == ("1 of 7 agencies returned; 7 late: NSCB, Health, Education, Children's Services, MASH, "
                         "DASVB partners, All partners")
    assert lines[-1] == "  4.8  Education asks for 30/09/2017 (now 01/08/2017): Waiting for the audit."
    early = json.loads(cap("round", "status", "2017-07", "--as-of", "2017-07-10", "--format", "json").stdout)
    assert early["late"] == ["Education"] and early["returned"] == 1
    assert early["retargets_awaiting_decision"][0]["to"] == "2017-09-30"
    shown = cap("show", "4.8", "--as-of", "2017-07-20")
    assert ("Retarget asked for: Education asked on 18/07/2017 (round 2017-07) for a new target date, 30/09/2017: "
            "Waiting for the audit. - awaiting the board's decision (cap retarget)") in shown.stdout
    # The board decides: the request is no longer awaiting.
    assert cap("retarget", "4.8", "30/09/17", "--reason", "Agreed.", "--date", "20/07/17").exit_code == 0
    assert "awaiting" not in cap("round", "status", "--as-of", "2017-07-20").stdout.split("late: ")[-1]
    assert "Retarget asked for" not in cap("show", "4.8", "--as-of", "2017-07-20").stdout
    chased = cap("round", "chase", "--as-of", "2017-07-20", "--from", "nscb@example.org")
    assert chased.exit_code == 0, chased.stderr
    assert chased.stdout.splitlines()[:2] == ["NSCB: no reminder written: no contact: chase it yourself",
                                              "Health: returns/2017-07/health-reminder.eml"]
    assert chased.stdout.splitlines()[-1] == ("round 2017-07: 6 not returned (the return-by date has passed); "
                                              "1 reminder written")
    msg = email.message_from_bytes((folder / "health-reminder.eml").read_bytes(), policy=policy.default)
    assert msg["Subject"] == "Reminder: action plan update from Health, due 14/07/2017"
    assert [a.get_filename() for a in msg.iter_attachments()] == ["health.xlsx"]


def test_status_without_a_round_and_unknown_round(data_copy, today):
    cap = Cap(data_copy)
    none = cap("round", "status")
    assert none.exit_code == 1 and "no round has been started" in none.stderr
    assert start(data_copy).exit_code == 0
    unknown = cap("round", "status", "2017-08")
    assert unknown.exit_code == 2 and "unknown round '2017-08'" in unknown.stderr
    assert cap("round", "status", "--format", "xml").exit_code == 2


def test_chase_says_when_nobody_is_left(data_copy, today, tmp_path):
    assert start(data_copy, "--lead", "MASH").exit_code == 0
    form = fill(data_copy.parent / "returns" / "2017-07" / "mash.xlsx", tmp_path / "m.xlsx", {"4.4": {"H": "x."}})
    assert collect(data_copy, form).exit_code == 0
    result = Cap(data_copy)("round", "chase")
    assert result.stdout == "round 2017-07: every agency has returned; nobody to chase\n"


@pytest.mark.slow
def test_installed_cap_status_and_chase(tmp_path):
    import shutil

    from tests.conftest import DATA
    from tests.test_cli_show import run_cap

    shutil.copytree(DATA, tmp_path / "data")
    assert run_cap("round", "start", "--due", "14/07/17", "--as-of", "2017-07-01", cwd=tmp_path).returncode == 0
    status = run_cap("round", "status", "--as-of", "2017-07-20", "--format", "json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["returned"] == 0
    chased = run_cap("round", "chase", "--as-of", "2017-07-20", cwd=tmp_path)
    assert chased.returncode == 0 and "7 not returned" in chased.stdout


def test_the_board_papers_show_the_latest_round(data_copy, today, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    assert start(data_copy).exit_code == 0
    folder = data_copy.parent / "returns" / "2017-07"
    form = fill(folder / "education.xlsx", tmp_path / "e.xlsx",
                {"4.8": {"H": "Audit planned.", "J": "30/09/17", "K": "Waiting for the audit."}})
    assert collect(data_copy, form, "--date", "18/07/17").exit_code == 0
    cap = Cap(data_copy)
    headline = ("Update round 2017-07 (return by 14/07/2017): 1 of 7 agencies returned; 7 late: NSCB, Health, "
                "Education, Children's Services, MASH, DASVB partners, All partners.")
    retarget = "4.8: Education asks for 30/09/2017: Waiting for the audit."
    md = cap("report", "--as-of", "2017-07-20", "--format", "md").stdout
    assert headline in md and f"- {retarget}" in md
    for kind in ("plan", "exceptions"):
        out = tmp_path / f"{kind}.html"
        assert cap("report", "--kind", kind, "--as-of", "2017-07-20", "-o", str(out)).exit_code == 0
        page = out.read_text(encoding="utf-8")
        assert "<h2>Update round 2017-07 (return by 14/07/2017)</h2>" in page
        assert f"<li>{retarget}</li>" in page
    assert cap("report", "--as-of", "2017-07-20", "-o", str(tmp_path / "b.docx")).exit_code == 0
    text = [p.text for p in Document(str(tmp_path / "b.docx")).paragraphs]
    assert headline in text and f"- {retarget}" in text
    assert cap("report", "--as-of", "2017-07-20", "-o", str(tmp_path / "b.xlsx")).exit_code == 0
    cells = [c for row in load_workbook(tmp_path / "b.xlsx")["Summary"].iter_rows(values_only=True) for c in row]
    assert headline in cells and f"- {retarget}" in cells
    assert cap("site", "-o", str(tmp_path / "site"), "--as-of", "2017-07-20").exit_code == 0
    assert "Update round 2017-07" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # The agency pack is about one agency's actions: no round block.
    agency = cap("report", "--kind", "agency", "--lead", "Health", "--as-of", "2017-07-20", "--format", "md")
    assert "Update round" not in agency.stdout
