"""What reaches a person's screen (issue 11, items 3 and 8): control characters from the
plan, git or file names are shown escaped, never sent raw; every line fits the terminal."""

from __future__ import annotations

import json
import re

import pytest

from cap.text import first_line, visible
from tests.conftest import DATA, Cap, action_yaml, write_files
from tests.gitrepo import GitRepo, POLICE, git_env, plan_with_history  # noqa: F401

#: Every character a terminal acts on that must never be printed raw.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CLEAR = "\x1b[2J"
OSC = "\x1b]0;owned\x07"


def no_raw(*texts: str) -> None:
    for text in texts:
        found = RAW.findall(text)
        assert not found, f"raw control characters {found!r} in {text!r}"


# ------------------------------------------------------------------ the one function


def test_visible_escapes_controls_and_keeps_newline_and_tab():
    assert visible("Eve\x1b[2J") == "Eve\\x1b[2J"
    assert visible("a\x00b\x7fc\x9bd\re") == "a\\x00b\\x7fc\\x9bd\\x0de"
    assert visible("one\ntwo\tthree") == "one\ntwo\tthree"
    assert visible("abc\u202edcba") == "abc\\u202edcba"
    assert visible("Children's Services – £5 ✓") == "Children's Services – £5 ✓"


def test_first_line_of_a_multi_line_text():
    assert first_line("\n  first line  \nsecond\x1b") == "first line …"
    assert first_line("only") == "only"
    assert first_line("") == ""


# ------------------------------------------------------------------ hostile text in the plan

HOSTILE_PROGRESS = '\n- date: 2017-02-01\n  text: "Audit done.\\e[2J\\nSecond line\\x9b31m"\n  author: "Eve\\e]0;owned\\a"'


@pytest.fixture
def hostile(small_data):
    """A plan whose texts hold escape sequences (written as YAML escapes, so the file is text)."""
    write_files(small_data.parent, {
        "data/actions/1.1.yaml": action_yaml(
            action='"Clear \\e[2J the screen \\u202e and \\x7f more"',
            lead='["Eve\\e]0;owned\\a"]',
            progress=HOSTILE_PROGRESS,
        ),
    })
    return small_data


@pytest.mark.parametrize("args", [
    ("list", "--as-of", "2017-07-01"),
    ("show", "1.1", "--as-of", "2017-07-01"),
    ("stats", "--as-of", "2017-07-01", "--lead", "Eve"),
    ("report", "--as-of", "2017-07-01"),
    ("report", "--as-of", "2017-07-01", "--format", "html"),
    ("validate",),
    ("list", "--search", "\x1b[2J"),
])
def test_no_control_character_reaches_the_screen(hostile, args):
    result = Cap(hostile)(*args)
    no_raw(result.stdout, result.stderr)
    if result.exit_code == 0 and args[0] in ("list", "show") and len(args) > 2 and args[1] != "--search":
        assert "\\x1b" in result.stdout


def test_show_escapes_every_field(hostile):
    result = Cap(hostile)("show", "1.1", "--as-of", "2017-07-01")
    if result.exit_code == 0:  # (a plan refusing such text on load is fine too)
        assert "Clear \\x1b[2J the screen \\u202e and \\x7f more" in result.stdout
        assert "Eve\\x1b]0;owned\\x07" in result.stdout
        assert "Audit done.\\x1b[2J" in result.stdout


def test_json_keeps_the_text_exact(hostile):
    result = Cap(hostile)("show", "1.1", "--format", "json", "--as-of", "2017-07-01")
    if result.exit_code == 0:
        record = json.loads(result.stdout)
        assert record["action"] == "Clear \x1b[2J the screen \u202e and \x7f more"
        assert record["progress"][0]["author"] == "Eve\x1b]0;owned\x07"


def test_renderers_escape_even_what_the_loader_would_refuse():
    """The second line of defence: the renderers themselves, given an action holding
    control characters (as an old version from git may), never pass them on raw."""
    import datetime as dt

    from rich.console import Console

    from cap import render
    from cap.loader import load_plan

    plan, _ = load_plan(DATA)
    action = plan.actions[0]
    entry = action.progress[0].model_copy(update={"text": "done\x1b[2J", "author": "Eve" + OSC})
    bad = action.model_copy(update={"action": "act" + CLEAR, "lead": ["L\x9b1m"], "progress": [entry]})
    lines = render.list_lines([bad], dt.date(2017, 7, 1), 160)
    no_raw(*(line.text for line in lines))
    assert "act\\x1b[2J" in lines[1].text
    console = Console(width=100, color_system=None)
    with console.capture() as captured:
        console.print(render.show_view(bad, dt.date(2017, 7, 1)))
    no_raw(captured.get())
    assert "done\\x1b[2J" in captured.get() and "Eve\\x1b]0;owned\\x07" in captured.get()


def test_a_file_name_with_an_escape_is_shown_escaped(small_data):
    write_files(small_data.parent, {"data/actions/x\x1b[2J.yaml": action_yaml()})
    result = Cap(small_data)("validate")
    no_raw(result.stdout, result.stderr)
    assert "\\x1b[2J" in result.stdout + result.stderr


def test_an_unknown_ref_with_an_escape_is_shown_escaped(small_data):
    for args in (("show", "9\x1b[2J"), ("list", "--status", "\x1b[2J"), ("list", "--theme", OSC)):
        result = Cap(small_data)(*args)
        assert result.exit_code in (1, 2)
        no_raw(result.stdout, result.stderr)
