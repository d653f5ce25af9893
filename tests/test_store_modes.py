"""Writes keep what they do not mean to change: a file's mode, a link, a pipe or a device.

Every writer (progress and the lifecycle commands, add, fmt, init, import, git-setup,
merge-driver, report -o) keeps an existing file's permission bits; a new file gets
0666 less the umask, like any file a program makes. `cap report -o` writes through a
link to the file it leads to, and writes a FIFO or a device in place instead of
replacing it with a regular file.
"""

from __future__ import annotations

import os
import stat

import pytest

from tests.conftest import DATA, Cap
from tests.test_cli_show import run_cap

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


@pytest.fixture
def umask():
    """Set the process umask for one test (the CliRunner runs cap in this process)."""
    old = os.umask(0o022)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ------------------------------------------------------------------ existing files keep their mode


@pytest.mark.parametrize("file_mode, mask", [(0o644, 0o022), (0o664, 0o077), (0o600, 0o000)])
def test_progress_keeps_the_files_mode(data_copy, fixed_today, umask, file_mode, mask):
    path = data_copy / "actions" / "4.4.yaml"
    os.chmod(path, file_mode)
    umask(mask)
    result = Cap(data_copy)("progress", "4.4", "Kept its mode.")
    assert result.exit_code == 0, result.output
    assert "Kept its mode." in path.read_text()
    assert mode(path) == file_mode


def test_every_lifecycle_command_keeps_the_mode(data_copy, fixed_today, umask):
    umask(0o077)
    path = data_copy / "actions" / "2.4.yaml"
    os.chmod(path, 0o664)
    for args in (
        ("close", "2.4", "--by", "SCR Review Group"),
        ("reopen", "2.4", "--reason", "Not in use."),
        ("retarget", "2.4", "2017-12-01", "--reason", "Later."),
        ("withdraw", "2.4", "--reason", "Superseded."),
    ):
        result = Cap(data_copy)(*args)
        assert result.exit_code == 0, (args, result.output)
        assert mode(path) == 0o664, args


def test_fmt_keeps_the_mode(small_data, umask):
    path = small_data / "actions" / "1.1.yaml"
    path.write_text(path.read_text().replace("status: open", "status:   open"))
    os.chmod(path, 0o644)
    umask(0o077)
    result = Cap(small_data)("fmt")
    assert result.exit_code == 0, result.output
    assert "reformatted" in result.stdout
    assert mode(path) == 0o644


def test_git_setup_keeps_the_mode_of_gitattributes(tmp_path, umask):
    from tests.gitrepo import GitRepo

    r = GitRepo(tmp_path / "plan", data=DATA)
    r.write(".gitattributes", "*.txt text\n")
    os.chmod(r.root / ".gitattributes", 0o664)
    umask(0o077)
    assert Cap(r.data)("git-setup").exit_code == 0
    assert "merge=cap" in (r.root / ".gitattributes").read_text()
    assert mode(r.root / ".gitattributes") == 0o664


def test_import_update_keeps_the_mode(data_copy, tmp_path, umask):
    path = data_copy / "actions" / "4.4.yaml"
    os.chmod(path, 0o644)
    umask(0o077)
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
        "accountability,4.4,N,x,MASH,01/03/17,New narrative.\n"
    )
    result = Cap(data_copy)("import", str(plan), "--update", "--progress-date", "2017-03-31")
    assert result.exit_code == 0, result.output
    assert "New narrative." in path.read_text()
    assert mode(path) == 0o644


# ------------------------------------------------------------------ new files: 0666 less the umask


def test_add_makes_a_file_like_any_other(data_copy, umask):
    umask(0o027)
    result = Cap(data_copy)("add", "-t", "curiosity", "-a", "Audit.", "--lead", "NSCB", "--target-date", "ongoing")
    assert result.exit_code == 0, result.output
    assert mode(data_copy / "actions" / "1.5.yaml") == 0o640


def test_init_and_import_make_files_like_any_other(tmp_path, umask):
    from tests.conftest import SOURCE

    umask(0o002)
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    data = tmp_path / "repo" / "data"
    for rel in ("data/themes.yaml", "data/scrs.yaml", "README.md", ".gitattributes"):
        assert mode(tmp_path / "repo" / rel) == 0o664, rel
    assert Cap(data)("import", str(SOURCE), "--progress-date", "2017-01-31").exit_code == 0
    assert {mode(p) for p in (data / "actions").iterdir()} == {0o664}
    assert mode(data / "scrs.yaml") == 0o664


def test_report_output_new_and_existing(tmp_path, umask):
    umask(0o022)
    new = tmp_path / "new.md"
    assert Cap(DATA)("report", "--as-of", "2017-07-01", "-o", str(new)).exit_code == 0
    assert mode(new) == 0o644
    os.chmod(new, 0o600)  # a paper kept private stays private when it is rewritten
    assert Cap(DATA)("report", "--as-of", "2017-07-02", "-o", str(new)).exit_code == 0
    assert "02/07/2017" in new.read_text()
    assert mode(new) == 0o600


# ------------------------------------------------------------------ cap report -o: links, pipes, devices


@pytest.mark.posix
def test_report_writes_through_a_link(tmp_path):
    real = tmp_path / "papers" / "board.md"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    result = Cap(DATA)("report", "--as-of", "2017-07-01", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("# Serious Case Review composite action plan")
    assert mode(real) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["board.md"]  # no temp file left


@pytest.mark.posix
def test_report_through_a_dangling_link_makes_its_file(tmp_path):
    real = tmp_path / "board.md"
    link = tmp_path / "latest.md"
    link.symlink_to(real.name)  # relative, and nothing there yet
    assert Cap(DATA)("report", "--as-of", "2017-07-01", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and real.is_file()


@pytest.mark.posix
def test_report_writes_a_fifo_in_place(tmp_path):
    fifo = tmp_path / "paper.pipe"
    os.mkfifo(fifo)
    # A reader that does not block: the FIFO's buffer takes the whole (small) report.
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = Cap(DATA)("report", "--as-of", "2017-07-01", "--theme", "curiosity", "--format", "csv",
                           "-o", str(fifo))
        assert result.exit_code == 0, result.output
        received = b""
        while chunk := os.read(fd, 65536):
            received += chunk
    finally:
        os.close(fd)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced by a regular file
    assert received.decode("utf-8").startswith("\ufeffTheme,Ref,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.pipe"]


def _device(tmp_path, name: str, minor: int):
    """A character device node like /dev/null (1, 3) or /dev/full (1, 7), if we may make one."""
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


def test_report_to_a_full_device_is_one_line_and_the_device_stays(tmp_path):
    full = _device(tmp_path, "full", 7)
    result = Cap(DATA)("report", "--as-of", "2017-07-01", "-f", "md", "-o", str(full))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"cap: error: cannot write {full}: ") and result.stderr.count("\n") == 1
    assert stat.S_ISCHR(os.lstat(full).st_mode)


def test_report_to_a_null_device(tmp_path):
    null = _device(tmp_path, "null", 3)
    result = Cap(DATA)("report", "--as-of", "2017-07-01", "-f", "md", "-o", str(null))
    if result.exit_code == 1 and "Permission denied" in result.stderr:
        pytest.skip("device nodes are not usable on this file system (nodev)")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_report_to_a_folder_is_one_line(tmp_path):
    result = Cap(DATA)("report", "--as-of", "2017-07-01", "-f", "md", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == f"cap: error: cannot write {tmp_path}: Is a directory\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
@pytest.mark.posix
def test_installed_cap_reports_to_its_stdout_through_a_link_and_to_a_file_through_a_link(tmp_path):
    # Like `-o /dev/stdout`, but through a link of our own: if the fix regressed, only the
    # link in tmp_path would be replaced, never the system's /dev/stdout.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    out = run_cap("--data", str(DATA), "report", "--as-of", "2017-07-01", "--format", "csv", "-o", str(stdout))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("\ufeffTheme,Ref,")  # captured through a pipe: written in place
    assert stdout.is_symlink()
    real = tmp_path / "board.html"
    real.write_text("")
    (tmp_path / "link.html").symlink_to(real)
    done = run_cap("--data", str(DATA), "report", "--as-of", "2017-07-01", "-o", str(tmp_path / "link.html"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "link.html").is_symlink() and real.read_text().startswith("<!DOCTYPE html>")


def test_merge_driver_keeps_the_mode_of_ours(tmp_path, umask):
    from tests.conftest import action_yaml

    base = tmp_path / "base.yaml"
    ours = tmp_path / "1.1.yaml"
    theirs = tmp_path / "theirs.yaml"
    base.write_text(action_yaml())
    ours.write_text(action_yaml(status="in-progress"))
    theirs.write_text(action_yaml(target_date="2017-12-01"))
    os.chmod(ours, 0o664)
    umask(0o077)
    result = Cap()("merge-driver", str(base), str(ours), str(theirs))
    assert result.exit_code == 0, result.output
    assert "target_date: 2017-12-01" in ours.read_text() and "status: in-progress" in ours.read_text()
    assert mode(ours) == 0o664

