"""Messages that say what is wrong (issue 11, item 6): YAML's booleans and numbers, a
time where a date belongs, control bytes at their place, fmt and validate agreeing,
pipes and devices named, plain English, statuses in any case."""

from __future__ import annotations

import os

import pytest

from tests.gitrepo import git_env  # noqa: F401 - no git settings from the machine

from tests.conftest import Cap, action_yaml, write_files


def validate_with(small_data, **fields) -> list[str]:
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(**fields)})
    result = Cap(small_data)("validate")
    return result.stdout.splitlines()[:-1]


def test_status_no_says_yaml_read_it_as_false(small_data):
    assert validate_with(small_data, status="no") == [
        "data/actions/1.1.yaml:8:9: error: CAP104 `status`: YAML read `no` as false, not as text; "
        "the status must be one of open, in-progress, complete, closed, withdrawn"
    ]


def test_a_status_read_as_a_number(small_data):
    assert "YAML read `12` as a number, not as text; the status must be one of" in validate_with(small_data, status="12")[0]


def test_a_status_in_capitals_says_statuses_are_lower_case(small_data):
    [line] = validate_with(small_data, status="Complete")
    assert line.endswith("CAP104 unknown status 'Complete': statuses are written in lower case, `status: complete`")


@pytest.mark.parametrize("field, written, read", [
    ("owner", "yes", "true"), ("owner", "off", "false"), ("outcome", "12.5", "a number"),
    ("outcome", "2017-01-01", "a date"),
])
def test_text_fields_yaml_reads_as_something_else(small_data, field, written, read):
    [line] = validate_with(small_data, **{field: written})
    assert line.endswith(f"`{field}`: YAML read `{written}` as {read}, not as text; "
                         f"if you mean the text, put it in quotes: '{written}'")


def test_a_lead_yaml_reads_as_true(small_data):
    [line] = validate_with(small_data, lead="[yes]")
    assert "`lead.0`: YAML read `yes` as true, not as text" in line


@pytest.mark.parametrize("written", ["2017-01-31 10:00:00", "2017-01-31T10:00:00Z"])
def test_a_timestamp_where_a_date_belongs(small_data, written):
    [line] = validate_with(small_data, target_date=written)
    assert line == (f"data/actions/1.1.yaml:7:14: error: CAP103 `target_date` must be a date without a time, "
                    f"like 2017-06-01 or `ongoing`, not `{written}`")
    [line] = validate_with(small_data, progress=f"\n- date: {written}\n  text: Done.")
    assert line.endswith(f"CAP103 `progress.0.date` must be a date without a time, like 2017-06-01, not `{written}`")
    assert "datetime" not in line


@pytest.mark.parametrize("byte, shown", [(b"\x00", "\\x00 (NUL)"), (b"\x1b", "\\x1b (escape)")])
def test_a_control_byte_is_one_line_at_its_place(small_data, byte, shown):
    text = action_yaml().encode().replace(b"action: Do the", b"action: Do" + byte + b" the")
    write_files(small_data.parent, {"data/actions/1.1.yaml": text})
    result = Cap(small_data)("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"data/actions/1.1.yaml:5:11: error: CAP003 the control character {shown} is not allowed in a data file: remove it"
    )
    assert not any(line.startswith("  in ") for line in result.stdout.splitlines())  # no second line


def test_validate_and_fmt_agree_on_a_trailing_comment(small_data):
    write_files(small_data.parent, {"data/actions/1.1.yaml": action_yaml(status="open  # soon")})
    validated = Cap(small_data)("validate")
    [line] = validated.stdout.splitlines()[:-1]
    assert "CAP214" in line and "# comment" in line and "`cap fmt` leaves it alone" in line
    assert "`cap fmt` rewrites it" not in line
    formatted = Cap(small_data)("fmt")
    assert formatted.exit_code == 1 and "has a # comment" in formatted.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.posix
def test_a_pipe_where_an_action_belongs_is_named(small_data):
    os.mkfifo(small_data / "actions" / "1.2.yaml")
    for args in (("show", "1.2"), ("progress", "1.2", "x")):
        result = Cap(small_data)(*args)
        assert result.exit_code == 1
        assert "data/actions/1.2.yaml is a pipe (FIFO), not a file" in result.stderr, args


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.posix
def test_history_of_a_pipe_says_it_is_a_pipe(tmp_path):
    from tests.gitrepo import GitRepo

    repo = GitRepo(tmp_path / "plan")
    write_files(repo.root, {"data/themes.yaml": "themes: []\n", "data/scrs.yaml": "scrs: []\n"})
    repo.commit("empty plan", "2017-01-31")
    (repo.data / "actions").mkdir()
    os.mkfifo(repo.data / "actions" / "1.2.yaml")
    result = Cap(repo.data)("history", "1.2")
    assert result.exit_code == 1
    assert "data/actions/1.2.yaml is a pipe (FIFO), not a file" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_importing_a_device_says_it_is_a_device(small_data):
    result = Cap(small_data)("import", "/dev/zero")
    assert result.exit_code == 2
    assert result.stderr == "cap: error: /dev/zero is a device, not a file: name the file to import\n"


def test_withdrawing_twice_says_so_once(data_copy, fixed_today):
    Cap(data_copy)("withdraw", "1.4", "--reason", "x")
    result = Cap(data_copy)("withdraw", "1.4", "--reason", "y")
    assert result.stderr == "cap: error: cannot withdraw 1.4: it is withdrawn already\n"


def test_one_action_one_day_in_plain_english(small_data, tmp_path):
    out = Cap(small_data)("list", "--as-of", "2017-07-01").stdout
    assert out.splitlines()[-1].startswith("1 of 1 action (as of")
    assert "yes, 1 day as of 2017-06-02" in Cap(small_data)("show", "1.1", "--as-of", "2017-06-02").stdout
    result = Cap(small_data)("report", "--as-of", "2017-07-01", "-o", str(tmp_path / "r.md"), "--amber-days", "1")
    assert "wrote " in result.stderr and ": 1 action, as of" in result.stderr
    assert "Due in the next 1 day " in (tmp_path / "r.md").read_text()
    assert "Due in the next 1 day " in Cap(small_data)("stats", "--as-of", "2017-07-01", "--amber-days", "1").stdout
    assert "due within 1 day" in Cap(small_data)("report", "--as-of", "2017-07-01", "--due-within", "1").stdout


def test_statuses_match_in_any_case(cap, data_copy, fixed_today):
    assert cap("list", "--status", "Complete", "--format", "json").stdout == cap(
        "list", "--status", "complete", "--format", "json").stdout
    assert cap("list", "--status", "IN-PROGRESS").exit_code == 0
    assert cap("stats", "-s", "Complete").exit_code == 0
    result = Cap(data_copy)("progress", "4.4", "Audit done.", "--status", "Complete")
    assert result.exit_code == 0, result.stderr
    assert "status in-progress -> complete" in result.stdout
    assert cap("list", "--status", "Done").exit_code == 2
