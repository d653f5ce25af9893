"""A text argument that is not valid Unicode is a usage mistake: one line, exit 2, nothing written.

On POSIX, bytes that are not UTF-8 (`cap progress 4.4 $'\\xff'`) reach Python as surrogate
escapes ('\\udcff'); pydantic cannot store them, YAML cannot write them. One check, run for
every command before it starts, refuses them; paths are not text and keep any name.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import DATA, SOURCE, Cap
from tests.test_cli_show import run_cap

BAD = "ok\udcffok"  # what Python makes of the bytes b"ok\xffok" in an argument


def run_bytes(*args: str) -> subprocess.CompletedProcess:
    """The installed cap, its output kept as bytes (a file name in it need not be UTF-8)."""
    exe = os.path.join(os.path.dirname(sys.executable), "cap")
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("CAP_DATA", None)
    return subprocess.run([exe, *args], capture_output=True, env=env, timeout=60)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


ADD = ["add", "-t", "curiosity", "-a", "Audit.", "--lead", "NSCB", "--target-date", "ongoing"]

CASES = {
    "progress text": (["progress", "4.4", BAD], "TEXT"),
    "progress --author": (["progress", "4.4", "Fine.", "--author", BAD], "--author"),
    "progress ref": (["progress", BAD, "Fine."], "REF"),
    "add --action": (["add", "-t", "curiosity", "-a", BAD, "--lead", "NSCB", "--target-date", "ongoing"], "--action"),
    "add --lead (second)": ([*ADD, "--lead", BAD], "--lead"),
    "add --owner": ([*ADD, "--owner", BAD], "--owner"),
    "add --outcome": ([*ADD, "--outcome", BAD], "--outcome"),
    "add --theme": (["add", "-t", BAD, "-a", "x", "--lead", "NSCB", "--target-date", "ongoing"], "--theme"),
    "retarget --reason": (["retarget", "4.4", "2017-12-01", "--reason", BAD], "--reason"),
    "close --by": (["close", "2.4", "--by", BAD], "--by"),
    "close --author": (["close", "2.4", "--by", "Group", "--author", BAD], "--author"),
    "withdraw --reason": (["withdraw", "1.4", "--reason", BAD], "--reason"),
    "reopen --reason": (["reopen", "2.4", "--reason", BAD], "--reason"),
    "import --progress-date": (["import", str(SOURCE), "--progress-date", BAD], "--progress-date"),
    "import --format": (["import", str(SOURCE), "--format", BAD], "--format"),
    "report --title": (["report", "--title", BAD, "-o", "r.md"], "--title"),
}


@pytest.mark.parametrize("case", CASES)
def test_text_that_is_not_unicode_is_one_line_exit_2_and_nothing_written(data_copy, fixed_today, case):
    args, shown = CASES[case]
    before = snapshot(data_copy.parent)
    result = Cap(data_copy)(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"cap: error: {shown}: not valid text: it holds bytes that are not UTF-8 (\\xff); "
        "check the encoding of the terminal or script (nothing was read or written)\n"
    )
    assert result.stdout == ""
    assert snapshot(data_copy.parent) == before


def test_the_same_text_written_properly_is_accepted(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "ok\u00ffok", "--author", "Zoë").exit_code == 0


def test_several_bad_bytes_are_named(data_copy):
    result = Cap(data_copy)("progress", "4.4", "\udcc3\udca9\udcff\udcfe\udc80")
    assert result.exit_code == 2
    assert "(\\xc3\\xa9\\xff\\xfe...)" in result.stderr


def test_read_commands_refuse_it_too(data_copy):
    for args in (["show", BAD], ["list", "--search", BAD], ["list", "--lead", BAD]):
        result = Cap(data_copy)(*args)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, args


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="file names are bytes only on POSIX")
def test_paths_are_not_text_any_name_is_kept(data_copy, tmp_path):
    out = tmp_path / "paper\udcff.md"
    result = run_bytes("--data", str(DATA), "report", "--as-of", "2017-07-01", "--format", "md", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.is_file()
    plan = tmp_path / "plan\udcff.csv"
    plan.write_text("Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
                    "curiosity,1.9,D,Act.,NSCB,01/06/17,Begun.\n")
    result = run_bytes("--data", str(data_copy), "import", str(plan), "--progress-date", "2017-01-31")
    assert result.returncode == 0, result.stderr
    assert (data_copy / "actions" / "1.9.yaml").is_file()


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="arguments are bytes only on POSIX")
def test_installed_cap_with_a_byte_that_is_not_utf8(data_copy):
    before = snapshot(data_copy)
    # subprocess encodes the surrogate escape back to the byte 0xff, as a shell would pass it
    result = run_cap("--data", str(data_copy), "progress", "4.4", "\udcff")
    assert result.returncode == 2
    assert result.stderr.startswith("cap: error: TEXT: not valid text") and result.stderr.count("\n") == 1
    result = run_cap("--data", str(data_copy), "add", "-t", "cur", "--action", "\udcff", "--lead", "X",
                     "--target-date", "ongoing")
    assert result.returncode == 2 and result.stderr.startswith("cap: error: --action: not valid text")
    assert snapshot(data_copy) == before
