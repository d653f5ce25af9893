"""What reaches a person's screen (issue 11, items 3 and 8): control characters from the
plan, git or file names are shown escaped, never sent raw; every line fits the terminal."""

from __future__ import annotations

import functools
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


# ------------------------------------------------------------------ old versions from git


@pytest.fixture
def hostile_history(tmp_path):
    """A plan whose history holds control characters: in a commit's author and subject,
    and in an old version of an action (since corrected)."""
    repo = GitRepo(tmp_path / "plan", data=DATA)
    repo.commit("January plan", "2017-01-31")
    path = repo.data / "actions" / "4.4.yaml"
    clean = path.read_text(encoding="utf-8")
    path.write_text(clean.replace("status: in-progress", 'status: in-progress\nowner: "Eve\\e[2J"'), encoding="utf-8")
    repo.commit("Owner \x1b]0;owned\x07 set", "2017-02-01", author=("Mallory\x1b[2J", "m@example.org"))
    path.write_text(clean, encoding="utf-8")
    repo.add_progress("4.4", "2017-03-01", "Audit done.\nSecond line.", "MEO")
    repo.commit("Corrected", "2017-03-02", author=POLICE)
    return repo


@pytest.mark.parametrize("args", [
    ("history", "4.4"), ("history", "4.4", "--format", "md"),
    ("changes", "--since", "HEAD~2"), ("changes", "--since", "HEAD~2", "--format", "md"),
    ("changes", "--since", "2017-02-15"),
])
def test_history_and_changes_escape_what_git_holds(hostile_history, args):
    result = Cap(hostile_history.data)(*args)
    no_raw(result.stdout, result.stderr)
    if args[0] == "history":
        assert "Mallory\\x1b[2J" in result.stdout or "Mallory\\\\x1b\\[2J" in result.stdout
        assert "\\x1b]0;owned\\x07" in result.stdout.replace("\\\\", "\\").replace("\\]", "]").replace("\\[", "[")


# ------------------------------------------------------------------ 80 columns

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def fits(text: str, width: int) -> None:
    for line in ANSI.sub("", text).splitlines():
        assert len(line) <= width, f"{len(line)} > {width}: {line!r}"


def no_trailing_spaces(text: str) -> None:
    for line in ANSI.sub("", text).splitlines():
        assert line == line.rstrip(), f"trailing space in {line!r}"


@pytest.mark.parametrize("width", [80, 60, 40])
def test_list_rows_stay_one_line_within_the_width(cap, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    out = cap("list", "--as-of", "2017-07-01").stdout
    fits(out, width)
    assert len(out.splitlines()) == 1 + 22 + 1  # header, one line a row, footer


def test_list_at_80_columns_shows_ref_status_days_overdue_and_the_action(cap, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = cap("list", "--as-of", "2017-07-01").stdout.splitlines()
    assert lines[0].split() == ["Ref", "Lead", "Target", "Status", "Overdue", "Action"]  # theme dropped first
    row = lines[2]
    assert row.startswith("1.2 ") and "in-progress" in row and "181d" in row
    assert "NSCB to develop and" in row and row.endswith("…")


def test_list_drops_columns_in_the_stated_order(cap, monkeypatch):
    from cap.render import LIST_DROP_ORDER

    assert LIST_DROP_ORDER == ("Theme", "Lead", "Target")
    headers = {}
    for width in (160, 80, 64, 50):
        monkeypatch.setenv("COLUMNS", str(width))
        headers[width] = cap("list", "--as-of", "2017-07-01").stdout.splitlines()[0].split()
    assert headers[160] == ["Ref", "Theme", "Lead", "Target", "Status", "Overdue", "Action"]
    assert headers[80] == ["Ref", "Lead", "Target", "Status", "Overdue", "Action"]
    assert headers[64] == ["Ref", "Target", "Status", "Overdue", "Action"]
    assert headers[50] == ["Ref", "Status", "Overdue", "Action"]


def test_list_not_on_a_terminal_stays_full_width(cap, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    lines = cap("list", "--as-of", "2017-07-01").stdout.splitlines()
    assert lines[0].split()[:2] == ["Ref", "Theme"] and max(map(len, lines)) > 120


def run_on_a_terminal(*args: str, columns: int = 80) -> str:
    """The installed cap on a pseudo-terminal `columns` wide, $COLUMNS unset: its output."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    from tests.conftest import ROOT

    exe = os.path.join(os.path.dirname(sys.executable), "cap")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "CAP_DATA")}
    proc = subprocess.Popen([exe, *args], cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(master)
    out = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert proc.returncode == 0, out
    return out


@pytest.mark.slow
@pytest.mark.posix
def test_list_on_a_real_terminal_of_80_columns():
    out = run_on_a_terminal("list", "--as-of", "2017-07-01")
    fits(out, 80)
    assert len(out.splitlines()) == 1 + 22 + 1


@pytest.mark.slow
@pytest.mark.parametrize("args", [("stats", "--as-of", "2017-07-01"), ("show", "4.4", "--as-of", "2017-07-01")])
@pytest.mark.posix
def test_views_on_a_real_terminal_of_80_columns(args):
    out = run_on_a_terminal(*args)
    fits(out, 80)
    no_trailing_spaces(out)


def test_history_rows_stay_one_line_at_80_columns(tmp_path, monkeypatch):
    repo, _ = plan_with_history(tmp_path / "plan", DATA)
    repo.add_progress("4.4", "2017-03-21", "First line of a long report.\n" + "More words. " * 40, "MEO")
    monkeypatch.setenv("COLUMNS", "80")
    out = Cap(repo.data)("history", "4.4").stdout
    fits(out, 80)
    assert "2017-03-21 (MEO): First l" in out and "More words" not in out
    assert len(out.splitlines()) == 2 + 4  # title, header, one line for each of four changes


def test_changes_rows_stay_one_line_at_80_columns(tmp_path, monkeypatch):
    repo, sha = plan_with_history(tmp_path / "plan", DATA)
    monkeypatch.setenv("COLUMNS", "80")
    out = Cap(repo.data)("changes", "--since", sha["january"]).stdout
    fits(out, 80)
    assert "4.11  action removed      NSCB to lead a review" in out
    lines = out.splitlines()
    edited = next(i for i, line in enumerate(lines) if line.startswith("4.1   action text edited"))
    assert lines[edited].endswith("…") and lines[edited + 1].startswith("      lead edited")
    no_trailing_spaces(out)
    wide = Cap(repo.data)("changes", "--since", sha["january"], "--format", "json").stdout
    assert json.loads(wide)["summary"]


@pytest.mark.parametrize("width", [80, 60])
def test_stats_fits_the_width_one_line_a_row(cap, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    out = cap("stats", "--as-of", "2017-07-01").stdout
    fits(out, width)
    no_trailing_spaces(out)
    rows = out.split("Status by theme\n")[1].split("\n\n")[0].splitlines()
    assert len(rows) == 1 + 4 + 1  # header, one line a theme, total
    assert all(row.rstrip().endswith(("3", "1", "6", "11")) for row in rows[1:])  # overdue stays


def test_stats_not_on_a_terminal_is_not_squeezed_into_80_columns(cap, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    out = cap("stats", "--as-of", "2017-07-01").stdout
    assert "3. Collaborative working, decision-making and planning " in out
    monkeypatch.setenv("COLUMNS", "200")
    assert "3. Collaborative working, decision-making and planning " in cap("stats", "--as-of", "2017-07-01").stdout


def test_show_has_no_trailing_spaces(cap, monkeypatch):
    for width in ("80", "160"):
        monkeypatch.setenv("COLUMNS", width)
        out = cap("show", "4.4", "--as-of", "2017-07-01").stdout
        no_trailing_spaces(out)
        fits(out, int(width))
        assert "Overdue      yes, 122 days as of 2017-07-01\n" in out


# ------------------------------------------------------------------ properties

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=80))
def test_visible_never_leaves_a_control_character(text):
    shown = visible(text)
    no_raw(shown)
    assert shown.count("\n") == text.count("\n") and shown.count("\t") == text.count("\t")
    if not RAW.search(text) and all(c.isprintable() or c in "\n\t" for c in text):
        assert shown == text


@functools.lru_cache(maxsize=1)
def _real_actions():
    from cap.loader import load_plan

    return load_plan(DATA)[0].actions


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=3), width=st.integers(10, 200))
@example(texts=["\U000e0000"], width=27)  # a character rich counts as no column made a line 28 long
def test_list_lines_never_exceed_the_width(texts, width):
    import datetime as dt

    from cap import render

    actions = [a.model_copy(update={"action": t, "lead": [t[:30]]}) for a, t in zip(_real_actions(), texts)]
    for line in render.list_lines(actions, dt.date(2017, 7, 1), width):
        assert len(line.text) <= width and "\n" not in line.text
        assert render.cells(line.text) <= width
        no_raw(line.text)
