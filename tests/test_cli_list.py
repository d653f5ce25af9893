"""`cap list`: every option through the CliRunner, on the real data at fixed dates."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import Cap, action_yaml, write_files


def refs(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [r["ref"] for r in json.loads(result.stdout)]


def test_design_card_example(cap):
    result = cap("list", "--theme", "curiosity", "--overdue", "--as-of", "2017-07-01", "--format", "json")
    assert refs(result) == ["1.1", "1.2", "1.3"]


def test_table_is_the_default_and_in_natural_order(cap):
    result = cap("list", "--as-of", "2017-07-01")
    assert result.exit_code == 0
    lines = [line.split()[0] for line in result.stdout.splitlines()[1:-1] if line[:1].strip()]
    assert lines[:4] == ["1.1", "1.2", "1.3", "1.4"]
    assert lines.index("4.9") < lines.index("4.10") < lines.index("4.11")
    assert "22 of 22 actions (as of 2017-07-01" in result.stdout
    assert "Ref" in result.stdout and "Overdue" in result.stdout


def test_table_shows_days_overdue(cap):
    result = cap("list", "--theme", "curiosity", "--overdue", "--as-of", "2017-07-01")
    row = next(line for line in result.stdout.splitlines() if line.startswith("1.1 "))
    assert "30d" in row and "2017-06-01" in row and "in-progress" in row


@pytest.mark.parametrize("theme", ["curiosity", "CURIOSITY", "cur", "professional-curiosity", "Prof"])
def test_theme_by_id_alias_or_prefix_any_case(cap, theme):
    assert refs(cap("list", "--theme", theme, "--format", "json")) == ["1.1", "1.2", "1.3", "1.4"]


@pytest.mark.parametrize("theme,first", [("fora", "2.1"), ("management-grip", "4.1"), ("collab", "3.1")])
def test_theme_aliases(cap, theme, first):
    assert refs(cap("list", "-t", theme, "--format", "json"))[0] == first


def test_unknown_theme_lists_valid_ones(cap):
    result = cap("list", "--theme", "nope")
    assert result.exit_code == 2
    assert "unknown theme 'nope'" in result.stderr
    assert "curiosity, information-sharing, collaboration, accountability" in result.stderr


def test_misspelt_theme_names_the_nearest_in_one_line(cap):
    result = cap("list", "--theme", "acountability")
    assert result.exit_code == 2
    assert result.stderr == ("cap: error: unknown theme 'acountability'; did you mean accountability? "
                             "(themes: curiosity, information-sharing, collaboration, accountability)\n")
    assert cap("report", "--theme", "acountability").exit_code == 2
    assert cap("stats", "--theme", "acountability").exit_code == 2


@pytest.mark.parametrize("title", ["Professional curiosity", "professional  CURIOSITY", "Professional cur",
                                   "Ownership and accountability: management grip"])
def test_theme_by_title_as_import_takes_it(cap, title):
    expected = ["4.1"] if title.startswith("Own") else ["1.1", "1.2", "1.3", "1.4"]
    assert refs(cap("list", "--theme", title, "--format", "json"))[:len(expected)] == expected


def test_ambiguous_theme_prefix_is_an_error(small_data):
    # "o" is not a prefix of anything; "" matches all. Use a prefix shared by two themes.
    write_files(small_data.parent, {"data/themes.yaml": """\
themes:
- id: curiosity
  number: 1
  title: C
- id: culture
  number: 2
  title: D
"""})
    result = Cap(small_data)("list", "--theme", "cu")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr


def test_scr_includes_actions_for_all_reviews(cap):
    assert refs(cap("list", "--scr", "Q", "--format", "json")) == ["1.2", "1.4", "4.1", "4.3", "4.9", "4.10"]
    assert refs(cap("list", "--scr", "q", "--format", "json")) == ["1.2", "1.4", "4.1", "4.3", "4.9", "4.10"]


def test_lead_matches_any_agency_containing_text(cap):
    got = refs(cap("list", "--lead", "nscb", "--format", "json"))
    assert "1.1" in got  # NSCB Business Manager
    assert "2.2" in got  # Health/NSCB
    assert "2.1" not in got  # Health only
    assert refs(cap("list", "--lead", "health", "--format", "json")) == ["2.1", "2.2"]


def test_status_is_repeatable(cap):
    assert refs(cap("list", "--status", "complete", "--format", "json")) == ["2.4"]
    both = refs(cap("list", "--status", "complete", "-s", "in-progress", "--format", "json"))
    assert len(both) == 22


def test_unknown_status_is_a_usage_error(cap):
    result = cap("list", "--status", "done")
    assert result.exit_code == 2
    assert "unknown status 'done'" in result.stderr


def test_overdue_turns_on_the_day_after_the_target(cap):
    # 4.4 and 4.5 (and 4.7) are due 01/03/17.
    on_the_day = refs(cap("list", "--overdue", "--as-of", "2017-03-01", "--format", "json"))
    day_after = refs(cap("list", "--overdue", "--as-of", "2017-03-02", "--format", "json"))
    assert "4.4" not in on_the_day
    assert set(day_after) - set(on_the_day) == {"4.4", "4.5", "4.7"}


@pytest.mark.parametrize("as_of", ["2017-01-01", "2017-07-01", "2030-01-01"])
def test_ongoing_and_complete_actions_are_never_overdue(cap, as_of):
    got = refs(cap("list", "--overdue", "--as-of", as_of, "--format", "json"))
    assert "4.2" not in got and "2.4" not in got


def test_due_within(cap):
    # Due from 2017-05-01 to 2017-06-01 inclusive: 1.1, 1.3, 2.2 (01/05/17), 4.11.
    assert refs(cap("list", "--due-within", "31", "--as-of", "2017-05-01", "--format", "json")) == [
        "1.1", "1.3", "2.2", "4.11",
    ]
    assert refs(cap("list", "--due-within", "0", "--as-of", "2017-05-01", "--format", "json")) == ["2.2"]


def test_due_within_must_not_be_negative(cap):
    assert cap("list", "--due-within", "-1").exit_code == 2


def test_search_in_action_and_progress_any_case(cap):
    assert refs(cap("list", "--search", "ADHD", "--format", "json")) == ["2.1"]  # progress text
    assert refs(cap("list", "--search", "uea research", "--format", "json")) == ["1.3"]  # action text


def test_filters_combine_with_and(cap):
    got = refs(cap("list", "--theme", "accountability", "--lead", "education", "--overdue",
                   "--as-of", "2017-03-02", "--format", "json"))
    assert got == ["4.7"]


def test_json_record_shape(cap):
    result = cap("list", "--as-of", "2017-07-01", "--format", "json", "--search", "Early Years")
    (rec,) = json.loads(result.stdout)
    assert rec["ref"] == "2.4"
    assert rec["scrs"] == ["S"] and rec["all_scrs"] is False
    assert rec["lead"] == ["NSCB"]
    assert rec["target_date"] == "2017-01-01"
    assert rec["status"] == "complete"
    assert rec["overdue"] is False and rec["days_overdue"] is None
    assert rec["progress"][0]["date"] == "2017-01-31"
    assert rec["progress"][0]["author"] is None
    assert rec["progress"][0]["text"].startswith("Complete.")


def test_json_days_overdue_and_ongoing(cap):
    records = {r["ref"]: r for r in json.loads(cap("list", "--as-of", "2017-07-01", "--format", "json").stdout)}
    assert records["1.1"]["days_overdue"] == 30 and records["1.1"]["overdue"] is True
    assert records["4.2"]["target_date"] == "ongoing" and records["4.2"]["days_overdue"] is None
    assert records["2.2"]["lead"] == ["Health", "NSCB"]
    assert records["4.1"]["scrs"] == ["M"] and records["4.1"]["all_scrs"] is True


def test_csv_has_the_json_keys_and_joins_lists(cap):
    result = cap("list", "--format", "csv", "--as-of", "2017-07-01")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 22
    first = json.loads(cap("list", "--format", "json").stdout)[0]
    assert list(rows[0]) == list(first)
    row = next(r for r in rows if r["ref"] == "4.10")
    assert row["scrs"] == "J, M, P, Q"
    assert row["lead"] == "NSCB"
    assert row["days_overdue"] == ""
    assert next(r for r in rows if r["ref"] == "2.2")["lead"] == "Health, NSCB"


def test_unknown_format_is_a_usage_error(cap):
    assert cap("list", "--format", "xml").exit_code == 2


def test_bad_as_of_is_a_usage_error(cap):
    result = cap("list", "--as-of", "31/02/17")
    assert result.exit_code == 2
    assert "not a real date" in result.output


def test_uk_as_of_is_day_first(cap):
    uk = cap("list", "--overdue", "--as-of", "02/03/17", "--format", "json").stdout
    iso = cap("list", "--overdue", "--as-of", "2017-03-02", "--format", "json").stdout
    assert uk == iso


HOSTILE = "[bold]not bold[/bold] [red]x[/] :smile: \x1b"


def test_text_is_shown_exactly_as_stored(small_data):
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(action='"[bold]not bold[/bold] :smile:"')})
    result = Cap(small_data)("list")
    assert "[bold]not bold[/bold] :smile:" in result.stdout
    result = Cap(small_data)("list", "--format", "json")
    assert json.loads(result.stdout)[0]["action"] == "[bold]not bold[/bold] :smile:"


def test_long_action_is_shortened_in_the_table_but_whole_in_json(small_data):
    text = "word " * 40 + "END"
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(action=text)})
    assert "END" not in Cap(small_data)("list").stdout
    assert json.loads(Cap(small_data)("list", "--format", "json").stdout)[0]["action"].endswith("END")


def test_a_broken_file_is_one_located_error_and_exit_1(small_data):
    write_files(small_data.parent, {"data/actions/1.2.yaml": action_yaml("1.2", status="done")})
    result = Cap(small_data)("list")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "data/actions/1.2.yaml:8:9: error: CAP104 unknown status 'done'; "
        "valid: open, in-progress, complete, closed, withdrawn"
    )
    assert "Traceback" not in result.output


def test_unquoted_ref_4_10_is_not_accepted_as_4_1(small_data):
    write_files(small_data.parent, {"data/actions/4.10.yaml": action_yaml("4.10", theme="accountability").replace("'4.10'", "4.10")})
    result = Cap(small_data)("list")
    assert result.exit_code == 1
    assert "data/actions/4.10.yaml:1:6: error: CAP105 `ref: 4.10` is read as the number 4.1" in result.stderr


def test_on_a_terminal_the_table_has_the_same_text(cap, monkeypatch, capsys):
    """On a terminal the lines go through rich (bold header, red overdue days) unchanged."""
    import datetime as dt

    from cap import cli, render
    from cap.loader import load_plan
    from tests.conftest import DATA

    plan, _ = load_plan(DATA)
    lines = render.list_lines(plan.actions, dt.date(2017, 7, 1), 160)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True)
    cli.print_list(lines, "22 of 22 actions")
    import re

    raw = capsys.readouterr().out
    assert "\x1b[1mRef" in raw  # a bold header
    shown = [re.sub(r"\x1b\[[0-9;]*m", "", s).rstrip() for s in raw.splitlines()]
    assert shown == [line.text for line in lines] + ["22 of 22 actions"]
    assert lines[1].overdue and lines[1].text[slice(*lines[1].overdue)].strip() == "30d"


def test_json_list_is_a_list_one_record_a_line(cap):
    result = cap("list", "--format", "json", "--theme", "curiosity")
    assert result.stdout.startswith("[\n{") and result.stdout.endswith("}\n]\n")
    assert len(result.stdout.splitlines()) == 4 + 2
    assert cap("list", "--format", "json", "--search", "no such words").stdout == "[]\n"


def test_table_fits_the_width_and_cuts_with_an_ellipsis(cap, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    lines = cap("list").stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert any(line.endswith("…") for line in lines)
    assert "NSCB Monitoring…" in cap("list").stdout  # the lead gives way first


def test_json_and_csv_carry_every_field_of_the_record(small_data):
    from cap.models import Action

    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml("1.1", rating="Amber", source_ref="'7'")})
    result = Cap(small_data)("list", "--format", "json", "--as-of", "2017-07-01")
    assert result.exit_code == 0, result.stderr
    got = next(r for r in json.loads(result.stdout) if r["ref"] == "1.1")
    assert (got["rating"], got["source_ref"]) == ("Amber", "7")
    renamed = {"original_target_date"}  # target_date's first value, beside the state as of the day
    assert set(Action.model_fields) <= set(got) - renamed
    rows = list(csv.DictReader(io.StringIO(Cap(small_data)("list", "--format", "csv").stdout)))
    assert set(got) == set(rows[0])
    assert (rows[0]["rating"], rows[0]["source_ref"]) == ("Amber", "7")
