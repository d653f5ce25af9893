"""`cap evidence` and `cap outcome`: after the fact, any status, no hand edit."""

from __future__ import annotations

import pytest

from tests.conftest import Cap
from tests.test_cli_lifecycle import shown
from tests.test_cli_show import run_cap


def test_evidence_is_added_to_a_closed_action(data_copy, fixed_today):
    cap = Cap(data_copy)
    closed = cap("close", "2.4", "--by", "SCR Review Group", "--date", "2017-06-20")
    assert closed.exit_code == 0, closed.stderr
    result = cap("evidence", "2.4", "Minutes of the advisory group, item 4.")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "2.4: evidence added (1 in all) (data/actions/2.4.yaml)\n"
    assert cap("evidence", "2.4", "Audit report.").stdout.startswith("2.4: evidence added (2 in all)")
    after = shown(data_copy, "2.4")
    assert after["status"] == "closed"
    assert after["evidence"] == ["Minutes of the advisory group, item 4.", "Audit report."]
    # the close's warning is answered: validate --strict has nothing to say of 2.4
    assert "2.4" not in cap("validate", "--strict", "--as-of", "2017-07-01").stderr


def test_outcome_is_set_then_replaced(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("outcome", "1.1", "Guidance in use.").stdout == "1.1: outcome set (data/actions/1.1.yaml)\n"
    assert cap("outcome", "1.1", "Guidance in use by all.").stdout == "1.1: outcome replaced (data/actions/1.1.yaml)\n"
    assert shown(data_copy, "1.1")["outcome"] == "Guidance in use by all."


@pytest.mark.parametrize("args, code, message", [
    (["evidence", "2.4", "  "], 2, "cap: error: the evidence is empty\n"),
    (["outcome", "2.4", ""], 2, "cap: error: the outcome is empty\n"),
    (["evidence", "9.9", "x"], 2, "unknown ref '9.9'"),
    (["outcome", "../x", "x"], 2, "not a ref"),
    (["evidence", "2.4", "a\x1bb"], 2, "control character"),
])
def test_refusals(data_copy, fixed_today, args, code, message):
    before = (data_copy / "actions" / "2.4.yaml").read_bytes()
    result = Cap(data_copy)(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert (data_copy / "actions" / "2.4.yaml").read_bytes() == before


def test_the_same_evidence_or_outcome_again_is_refused(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("evidence", "2.4", "Minutes.").exit_code == 0
    again = cap("evidence", "2.4", "Minutes.")
    assert again.exit_code == 1 and again.stderr == "cap: error: 2.4 has this evidence already (nothing was written)\n"
    assert cap("outcome", "2.4", "Done.").exit_code == 0
    assert cap("outcome", "2.4", "Done.").stderr == "cap: error: 2.4's outcome is this already (nothing was written)\n"


@pytest.mark.slow
def test_installed_cap_evidence_and_outcome(data_copy):
    root = data_copy.parent
    assert run_cap("evidence", "2.4", "Minutes.", cwd=root).returncode == 0
    result = run_cap("outcome", "2.4", "Done well.", cwd=root)
    assert result.returncode == 0, result.stderr
    text = (data_copy / "actions" / "2.4.yaml").read_text(encoding="utf-8")
    assert "outcome: Done well.\nevidence:\n- Minutes.\n" in text


def test_the_documented_way_to_a_clean_strict_check(data_copy, fixed_today):
    cap = Cap(data_copy)
    closed = cap("close", "2.4", "--by", "SCR Review Group", "--date", "20/06/17")
    assert closed.exit_code == 0
    assert 'add it: cap evidence 2.4 "..." or cap outcome 2.4 "..."' in closed.stderr
    strict = cap("validate", "--strict", "--as-of", "2017-07-01")
    assert strict.exit_code == 1 and 'CAP221' in strict.output and 'cap evidence 2.4 "..."' in strict.output
    assert cap("evidence", "2.4", "Minutes of the advisory group.").exit_code == 0
    assert cap("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0
