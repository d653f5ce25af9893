"""The manager's Windows computer: a legacy code page, paths with spaces and backslashes.

Output to a console or a file whose encoding is a legacy Windows code page
(`PYTHONIOENCODING=cp1252`) never fails on a character the page lacks: cap writes UTF-8
on every platform (docs/reference.md), so every character of the plan comes out whole.
Tested with real processes, on a plan holding CJK, emoji and accents, output to a file and
to a pipe, in the answers and in the error messages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, Cap

WORDS = "Checked 日本語 ✅ 😀 – naïve café € ‘quoted’"
AUTHOR = "Zoë 李"


def cap_command() -> list[str]:
    beside = Path(sys.executable).parent / ("cap.exe" if os.name == "nt" else "cap")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "cap"]


@pytest.fixture
def plan(tmp_path) -> Path:
    """The real plan in a folder whose path has spaces and a backslash (a plain character
    of a name on Linux and macOS, a separator on Windows), with text no code page holds."""
    folder = tmp_path / "Board plan\\2017 (draft)" / "data"
    shutil.copytree(DATA, folder)
    result = Cap(folder)("progress", "1.1", WORDS, "--date", "2017-06-01", "--author", AUTHOR)
    assert result.exit_code == 0, result.output
    return folder


def run(plan: Path, *args: str, stdout=subprocess.PIPE, encoding: str = "cp1252") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    return subprocess.run([*cap_command(), "--data", str(plan), *args], stdout=stdout, stderr=subprocess.PIPE,
                          env=env, timeout=120)


def no_failure(result: subprocess.CompletedProcess) -> str:
    err = result.stderr.decode("utf-8")
    assert "UnicodeEncodeError" not in err and "Traceback" not in err and "internal error" not in err, err
    return err


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "cp1252:strict", "cp437", "ascii"])
@pytest.mark.parametrize("args", [
    ["show", "1.1"], ["list", "--format", "json"], ["list", "--format", "csv"],
], ids=lambda a: " ".join(a) if isinstance(a, list) else a)
def test_answers_in_a_legacy_code_page_never_fail(plan, args, encoding):
    result = run(plan, *args, encoding=encoding)
    no_failure(result)
    assert result.returncode == 0
    out = result.stdout.decode("utf-8")
    assert "日本語" in out or "\\u65e5" in out, out  # (JSON may escape it)


@pytest.mark.slow
def test_every_reading_command_to_a_file_in_cp1252(plan, tmp_path):
    for args in (["stats", "--as-of", "2017-07-01"], ["validate", "--as-of", "2017-07-01"],
                 ["report", "--format", "markdown", "--as-of", "2017-07-01"], ["list", "--overdue", "--as-of", "2017-07-01"]):
        target = tmp_path / "out.txt"
        with target.open("wb") as handle:
            result = run(plan, *args, stdout=handle)
        no_failure(result)
        assert result.returncode == 0, args
        target.read_bytes().decode("utf-8")  # whole UTF-8, never a half-written character
    with (tmp_path / "show.txt").open("wb") as handle:
        assert run(plan, "show", "1.1", stdout=handle).returncode == 0
    assert WORDS in (tmp_path / "show.txt").read_text(encoding="utf-8").replace("\n", " ").replace("  ", " ") or \
        "日本語" in (tmp_path / "show.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_error_messages_holding_such_characters_never_fail(plan):
    for args in (["show", "9.日本"], ["show", "😀"], ["list", "--theme", "café"]):
        result = run(plan, *args)
        err = no_failure(result)
        assert result.returncode in (1, 2), (args, err)  # (exit statuses: tests/test_cli_messages.py)
        assert err.startswith("cap: error:") or "Error" in err, err


@pytest.mark.slow
def test_papers_written_under_paths_with_spaces_and_backslashes(plan, tmp_path):
    papers = tmp_path / "My papers\\July board"
    papers.mkdir()
    for name, args in (("plan report.html", ["report", "--format", "html"]),
                       ("plan report.xlsx", ["report", "--format", "xlsx"]),
                       ("plan report.docx", ["report", "--format", "docx"])):
        result = run(plan, *args, "--as-of", "2017-07-01", "-o", str(papers / name))
        no_failure(result)
        assert result.returncode == 0, result.stderr
        assert (papers / name).stat().st_size > 1000
    site = tmp_path / "the site\\public"
    result = run(plan, "site", "--as-of", "2017-07-01", "-o", str(site))
    no_failure(result)
    if result.returncode == 0:  # (a plan outside git has no history for the trends: refused in words)
        assert (site / "index.html").is_file()
    else:
        assert result.returncode in (1, 2) and result.stderr.decode("utf-8").startswith("cap: error:")


def test_a_data_folder_given_with_spaces_and_backslashes_in_process(plan):
    result = Cap(plan)("show", "1.1")
    assert result.exit_code == 0 and "日本語" in result.stdout
