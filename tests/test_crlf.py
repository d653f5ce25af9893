"""A Windows checkout: CRLF line endings (Git for Windows' default, core.autocrlf=true).

A data file that differs from the canonical format only by CRLF endings throughout is read
as canonical (no CAP214), and every write keeps the file's ending, so the change is the
lines it adds. This repository and every one `cap init` makes keep the data files LF
(`.gitattributes`). Tested with real clones made with core.autocrlf=true, and with CRLF
files written directly.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cap.lineends import CRLF, LF, as_lf, ending_of, is_crlf, with_ending
from cap.scaffold import GITATTRIBUTES
from tests.conftest import DATA, ROOT, Cap
from tests.gitrepo import GitRepo, git_env  # noqa: F401  (no git settings from the machine)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def to_crlf(folder: Path) -> None:
    for path in folder.rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def only_added(before: bytes, after: bytes) -> list[str]:
    """The lines `after` adds to `before`; fails if any line of `before` changed or went."""
    old, new = before.decode().splitlines(keepends=True), after.decode().splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    assert all(tag in ("equal", "insert") for tag, *_ in ops), [op for op in ops if op[0] != "equal"]
    return [line for tag, _, _, j1, j2 in ops if tag == "insert" for line in new[j1:j2]]


# ------------------------------------------------------------------ the rule itself


def test_crlf_throughout_is_lf_and_a_mixed_file_is_not():
    assert is_crlf(b"a\r\nb\r\n") and as_lf(b"a\r\nb\r\n") == b"a\nb\n"
    assert not is_crlf(b"a\r\nb\n") and as_lf(b"a\r\nb\n") == b"a\r\nb\n"
    assert not is_crlf(b"") and not is_crlf(b"a\n") and not is_crlf(b"no line break")
    assert with_ending("a\nb\n", CRLF) == "a\r\nb\r\n" and with_ending("a\nb\n", LF) == "a\nb\n"


def test_ending_of_a_file(tmp_path):
    (tmp_path / "w.yaml").write_bytes(b"a: 1\r\nb: 2\r\n")
    (tmp_path / "u.yaml").write_bytes(b"a: 1\nb: 2\n")
    (tmp_path / "m.yaml").write_bytes(b"a: 1\r\nb: 2\n")
    big = b"a: 1\r\n" * 20_000  # past the 64 KiB looked at; cut mid-line there
    (tmp_path / "big.yaml").write_bytes(big)
    assert ending_of(tmp_path / "w.yaml") == CRLF and ending_of(tmp_path / "big.yaml") == CRLF
    assert ending_of(tmp_path / "u.yaml") == LF and ending_of(tmp_path / "m.yaml") == LF
    assert ending_of(tmp_path / "missing.yaml") == LF


# ------------------------------------------------------------------ CRLF files written directly


@pytest.fixture
def crlf_data(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    to_crlf(target)
    assert is_crlf((target / "actions" / "4.4.yaml").read_bytes())
    return target


def test_a_crlf_plan_is_canonical_and_fmt_leaves_it_alone(crlf_data):
    cap = Cap(crlf_data)
    result = cap("validate", "--strict")
    assert result.exit_code == 0 and "CAP214" not in result.output, result.output
    assert "0 warnings" in result.output
    before = {p: p.read_bytes() for p in crlf_data.rglob("*.yaml")}
    result = cap("fmt")
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in crlf_data.rglob("*.yaml")} == before


def test_a_write_keeps_crlf_and_adds_lines_only(crlf_data):
    cap = Cap(crlf_data)
    path = crlf_data / "actions" / "4.4.yaml"
    before = path.read_bytes()
    result = cap("progress", "4.4", "Audit done on the Windows laptop.", "--date", "2017-06-30", "--author", "MASH")
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert is_crlf(after)
    added = only_added(before, after)
    assert added and all(line.endswith("\r\n") for line in added)
    assert any("Audit done on the Windows laptop." in line for line in added)
    assert "CAP214" not in cap("validate").output
    # and a status change, which rewrites a line in place: that line alone changes
    assert cap("retarget", "4.4", "2017-12-31", "--reason", "Waiting for the audit").exit_code == 0
    again = path.read_bytes()
    assert is_crlf(again)
    changed = [op for op in difflib.SequenceMatcher(a=after.splitlines(True), b=again.splitlines(True),
                                                     autojunk=False).get_opcodes() if op[0] != "equal"]
    assert changed and all(op[0] in ("insert", "replace") for op in changed)


def test_a_mixed_file_is_not_canonical_and_fmt_writes_it_lf(crlf_data):
    path = crlf_data / "actions" / "1.1.yaml"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"\r\n", b"\n", 1))  # its first line LF, the rest CRLF
    cap = Cap(crlf_data)
    result = cap("validate")
    assert "actions/1.1.yaml:1:1: warning: CAP214" in result.output.replace("\\", "/"), result.output
    assert cap("fmt").exit_code == 0
    assert path.read_bytes() == raw.replace(b"\r\n", b"\n")
    assert "CAP214" not in cap("validate").output


def test_fmt_rewrites_a_crlf_file_that_is_not_canonical_keeping_crlf(crlf_data):
    path = crlf_data / "actions" / "1.1.yaml"
    canonical = path.read_bytes()
    path.write_bytes(canonical.replace(b"status: ", b"status:   "))
    cap = Cap(crlf_data)
    assert "CAP214" in cap("validate").output
    assert cap("fmt").exit_code == 0
    assert path.read_bytes() == canonical


# ------------------------------------------------------------------ real clones, core.autocrlf=true


def clone_with_autocrlf(source: Path, target: Path) -> Path:
    done = subprocess.run(["git", "-c", "core.autocrlf=true", "clone", "-q", str(source), str(target)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # as Git for Windows has it in its system configuration, for every command after
    subprocess.run(["git", "config", "core.autocrlf", "true"], cwd=target, check=True)
    return target


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def cap_process(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "cap"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "cap"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_windows_checkout_of_a_plan_without_attributes(tmp_path):
    """A plan whose repository does not force LF, cloned as Git for Windows does: every file
    comes out CRLF; cap validate is clean, and a progress entry is a diff of added lines."""
    origin = GitRepo(tmp_path / "origin", data=DATA)
    origin.commit("January plan", "2017-01-31")
    clone = clone_with_autocrlf(origin.root, tmp_path / "laptop")
    path = clone / "data" / "actions" / "4.4.yaml"
    assert is_crlf(path.read_bytes())  # the checkout Windows makes

    result = cap_process("--data", str(clone / "data"), "validate", "--strict")
    assert result.returncode == 0 and "CAP214" not in result.stdout + result.stderr, result.stdout + result.stderr
    before = path.read_bytes()
    result = cap_process("--data", str(clone / "data"), "progress", "4.4", "Audit done.", "--date", "2017-06-30",
                         "--author", "MASH")
    assert result.returncode == 0, result.stderr
    assert is_crlf(path.read_bytes()) and only_added(before, path.read_bytes())
    assert git(clone, "status", "--porcelain") == " M data/actions/4.4.yaml\n"
    added, deleted, name = git(clone, "diff", "--numstat").split()
    assert name == "data/actions/4.4.yaml" and int(added) >= 2 and deleted == "0"


@pytest.mark.slow
def test_a_windows_checkout_of_a_plan_cap_init_made_is_lf(tmp_path):
    """`cap init`'s .gitattributes keeps the data files LF, core.autocrlf=true or not."""
    origin = GitRepo(tmp_path / "origin")
    result = Cap()("init", str(origin.root))
    assert result.exit_code == 0, result.output
    assert "data/**/*.yaml text eol=lf" in (origin.root / ".gitattributes").read_text()
    shutil.copytree(DATA / "actions", origin.data / "actions", dirs_exist_ok=True)
    origin.commit("January plan", "2017-01-31")
    clone = clone_with_autocrlf(origin.root, tmp_path / "laptop")
    for path in (clone / "data").rglob("*.yaml"):
        assert b"\r" not in path.read_bytes(), path
    assert b"\r\n" in (clone / "README.md").read_bytes()  # (the rest is Windows' usual checkout)
    assert GITATTRIBUTES.startswith("#") and "text eol=lf" in GITATTRIBUTES


def test_this_repository_keeps_its_data_and_tests_lf():
    """Its .gitattributes: data and every text file LF, whatever core.autocrlf says."""
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "data/**/*.yaml text eol=lf" in attributes and "* text=auto eol=lf" in attributes
    if (ROOT / ".git").exists() and shutil.which("git"):
        out = subprocess.run(["git", "check-attr", "eol", "text", "--", "data/actions/4.4.yaml", "tests/golden/x.md"],
                             cwd=ROOT, capture_output=True, text=True).stdout
        assert "data/actions/4.4.yaml: eol: lf" in out and "tests/golden/x.md: eol: lf" in out, out
