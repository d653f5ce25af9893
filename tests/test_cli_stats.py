"""`cap stats`: the summary in the terminal."""

from __future__ import annotations

import pytest

from tests.conftest import Cap, action_yaml, write_files
from tests.test_cli_show import run_cap


def test_headline_first(cap):
    result = cap("stats", "--as-of", "2026-11-26")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "20 of 22 actions overdue as of 26/11/2026"


def test_counts_by_theme_and_status(cap):
    out = cap("stats", "--as-of", "2017-07-01").stdout
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Theme"))
    assert header.split() == ["Theme", "open", "in-progress", "complete", "closed", "withdrawn", "total", "overdue"]
    row = next(line for line in lines if line.startswith("4. Ownership"))
    assert row.split()[-7:] == ["0", "11", "0", "0", "0", "11", "6"]
    total = next(line for line in lines if line.startswith("Total"))
    assert total.split() == ["Total", "0", "21", "1", "0", "0", "22", "11"]
    assert "BRAG: Blue 1  Red 11  Amber 2  Green 8  (withdrawn, no rating: 0)" in out


def test_overdue_by_agency(cap):
    lines = cap("stats", "--as-of", "2017-07-01").stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Overdue by lead agency")))
    agencies = [line.split("  ")[0] for line in lines[start + 2:start + 10]]
    assert agencies[0] == "NSCB"
    nscb = lines[start + 2].split()
    assert nscb[1:] == ["6", "1.1,", "1.2,", "1.3,", "2.2,", "4.9,", "4.11"]  # with its aliases (agencies.yaml)


def test_due_slipped_and_stale_lines(cap):
    out = cap("stats", "--as-of", "2017-07-01", "--stale-since", "2017-01-01").stdout
    assert "Due in the next 30 days (to 31/07/2017): 2 (3.3, 4.1)" in out
    assert "Target date put back: none" in out
    assert "No progress since 01/01/2017: none" in out


def test_filters_and_amber_days(cap):
    out = cap("stats", "--lead", "health", "--as-of", "2017-04-15", "--amber-days", "20").stdout
    assert out.splitlines()[0] == "0 of 2 actions overdue as of 15/04/2017"
    assert "Selection: lead agency: Health" in out
    assert "Due in the next 20 days (to 05/05/2017): 1 (2.2)" in out


def test_nothing_selected(cap):
    result = cap("stats", "--status", "closed")
    assert result.exit_code == 0 and result.stdout.splitlines()[0].startswith("0 of 0 actions overdue as of ")


def test_user_text_is_printed_as_written(small_data):
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(lead="['[bold]Police[/bold]']")})
    out = Cap(small_data)("stats", "--as-of", "2017-07-01").stdout
    assert "[bold]Police[/bold]" in out


def test_errors(cap):
    assert cap("stats", "--as-of", "31/02/2017").exit_code == 2
    assert cap("stats", "--theme", "nope").exit_code == 2  # an unknown theme is a usage mistake (cap.nearest)
    assert cap("stats", "--stale-since", "soon").exit_code == 2


@pytest.mark.slow
def test_installed_cap_stats():
    result = run_cap("stats", "--as-of", "2026-11-26")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("20 of 22 actions overdue as of 26/11/2026\n")


def test_help_has_examples(cap):
    assert "cap stats --as-of 2026-11-26" in cap("stats", "--help").stdout
