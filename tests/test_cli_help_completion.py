"""Help that names what to type, and shell completion from the plan (issue 11, item 8)."""

from __future__ import annotations

import re
import os
import subprocess
import sys

import pytest

from tests.conftest import DATA, ROOT, Cap, write_files

COMMANDS = ("list", "show", "progress", "add", "retarget", "close", "withdraw", "reopen", "fmt", "validate",
            "schema", "report", "stats", "changes", "history", "merge-driver", "git-setup", "init", "import")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_plain_names_not_types_or_braces(cap, command):
    out = cap(command, "--help").stdout
    assert "<str>" not in out and "<path>" not in out and "<int>" not in out
    assert "{" not in out.split("\n\n")[0]  # the usage line


def test_help_names_ref_and_text(cap):
    assert cap("show", "--help").stdout.startswith("Usage: cap show [OPTIONS] REF\n")
    assert cap("progress", "--help").stdout.startswith("Usage: cap progress [OPTIONS] REF TEXT\n")
    assert cap("history", "--help").stdout.startswith("Usage: cap history [OPTIONS] REF\n")
    assert cap("import", "--help").stdout.startswith("Usage: cap import [OPTIONS] FILE\n")
    assert cap("init", "--help").stdout.startswith("Usage: cap init [OPTIONS] [DIRECTORY]\n")
    assert "  REF   The action's ref" in cap("progress", "--help").stdout
    assert "--format FORMAT" in cap("validate", "--help").stdout


def test_a_missing_argument_is_named_as_in_the_help(cap):
    result = cap("show")
    assert result.exit_code == 2
    assert "'REF'" in result.output


def test_add_help_marks_the_required_options(cap):
    out = cap("add", "--help").stdout
    options = out.split("Options:")[1]
    assert {line.strip().split()[0] for line in options.splitlines() if "[required]" in line} == {
        "-t,", "-a,", "--lead", "--target-date"}
    assert re.search(r"--scr L +A case the action cites \(repeatable\)\.\n", out)


# ------------------------------------------------------------------ completion


def complete(words: str, data=DATA, env: dict | None = None) -> list[str]:
    """What bash would offer after `words` (the last word is the one being completed)."""
    parts = words.split(" ")
    environ = {**os.environ, "_CAP_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(parts) - 1), "CAP_DATA": str(data), **(env or {})}
    exe = os.path.join(os.path.dirname(sys.executable), "cap")
    result = subprocess.run([exe], capture_output=True, text=True, env=environ, cwd=ROOT, timeout=60)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.fixture
def in_bash(monkeypatch):
    """Typer finds the user's shell with shellingham: here it is bash, whatever runs the tests."""
    shellingham = pytest.importorskip("shellingham")

    monkeypatch.setattr(shellingham, "detect_shell", lambda *a, **k: ("bash", "/bin/bash"))


def test_show_completion_prints_a_script(cap, in_bash):
    result = cap("--show-completion")
    assert result.exit_code == 0
    assert "_CAP_COMPLETE=complete_bash" in result.stdout


def test_install_completion_writes_the_script(cap, tmp_path, monkeypatch, in_bash):
    monkeypatch.setenv("HOME", str(tmp_path))
    result = cap("--install-completion")
    assert result.exit_code == 0, result.output
    assert "_CAP_COMPLETE" in (tmp_path / ".bashrc").read_text() + "".join(
        p.read_text() for p in tmp_path.rglob("*") if p.is_file())


@pytest.mark.slow
def test_completes_refs_themes_cases_statuses_and_leads():
    assert complete("cap show 4.1") == ["4.1", "4.10", "4.11"]
    assert complete("cap history 2.") == ["2.1", "2.2", "2.3", "2.4"]
    assert complete("cap progress 1.") == ["1.1", "1.2", "1.3", "1.4"]
    assert "accountability" in complete("cap list --theme acc")
    assert complete("cap list -t curio") == ["curiosity"]
    assert complete("cap list --scr Q") == ["Q"]
    assert complete("cap list --status in") == ["in-progress"]
    assert complete("cap progress 4.4 x --status c") == ["complete"]
    assert "NSCB Business Manager" in complete("cap list --lead NSCB")
    assert "NSCB" in complete("cap add --lead NS")


@pytest.mark.slow
def test_completion_never_fails_or_prints_errors(tmp_path):
    assert complete("cap show 4", data=tmp_path / "nowhere") == []
    broken = write_files(tmp_path, {"data/themes.yaml": "themes: [", "data/scrs.yaml": "::",
                                    "data/actions/1.1.yaml": "\x00"}) / "data"
    assert complete("cap show 1", data=broken) == ["1.1"]
    assert complete("cap list --theme x", data=broken) == []
    assert complete("cap list --lead x", data=broken) == []
    assert complete("cap list --scr x", data=broken) == []


def test_the_command_list_shows_each_description_whole(cap, monkeypatch):
    from cap.cli import app
    import typer.main

    monkeypatch.setenv("COLUMNS", "80")
    out = cap("--help").stdout
    listing = out[out.index("Commands:"):]
    assert "..." not in listing and "…" not in listing
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.short_help, name
        assert command.short_help in " ".join(listing.split()), name
