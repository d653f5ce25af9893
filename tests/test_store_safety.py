"""A write that fails half-way leaves the original file intact and no temporary file behind."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import sys

import pytest

import cap.store
from cap.store import atomic_write
from tests.conftest import Cap


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_replace_fails_original_intact_no_temp_file(data_copy, fixed_today, monkeypatch):
    target = data_copy / "actions" / "4.4.yaml"
    before, names = target.read_bytes(), listing(target.parent)

    def broken_replace(src, dst):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(cap.store.os, "replace", broken_replace)
    result = Cap(data_copy)("progress", "4.4", "Lost?")
    assert result.exit_code == 1
    assert result.stderr == "cap: error: could not write 4.4: Invalid cross-device link (nothing was changed)\n"
    assert target.read_bytes() == before
    assert listing(target.parent) == names


def test_write_fails_half_way_original_intact_no_temp_file(data_copy, fixed_today, monkeypatch):
    target = data_copy / "actions" / "4.4.yaml"
    before, names = target.read_bytes(), listing(target.parent)
    real_fdopen = os.fdopen
    seen = []

    class HalfWriter(io.TextIOWrapper):
        def write(self, text):  # the disk fills after half the text
            seen.append(text)
            super().write(text[: len(text) // 2])
            self.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        return HalfWriter(handle.detach(), encoding="utf-8", newline="\n")

    monkeypatch.setattr(cap.store.os, "fdopen", fdopen)
    result = Cap(data_copy)("progress", "4.4", "Lost?")
    assert seen and "Lost?" in seen[0]  # the write really was attempted
    assert result.exit_code == 1
    assert "could not write 4.4: No space left on device (nothing was changed)" in result.stderr
    assert target.read_bytes() == before
    assert listing(target.parent) == names


def test_fsync_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_text("original\n")

    def broken_fsync(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(cap.store.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(target, "new\n")
    assert target.read_text() == "original\n"
    assert listing(tmp_path) == ["a.yaml"]


def test_interrupted_by_ctrl_c_during_replace(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_text("original\n")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(cap.store.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new\n")
    assert target.read_text() == "original\n"
    assert listing(tmp_path) == ["a.yaml"]


def test_add_that_cannot_write_leaves_no_file(data_copy, monkeypatch):
    names = listing(data_copy / "actions")

    def broken_replace(src, dst):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cap.store.os, "replace", broken_replace)
    result = Cap(data_copy)("add", "--theme", "curiosity", "--action", "x", "--lead", "NSCB", "--target-date", "ongoing")
    assert result.exit_code == 1
    assert result.stderr == "cap: error: could not write the new action: Permission denied (nothing was changed)\n"
    assert listing(data_copy / "actions") == names


def test_fmt_that_cannot_write_leaves_each_file_whole(small_data, monkeypatch):
    before = (small_data / "actions" / "1.1.yaml").read_bytes()

    def broken_replace(src, dst):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(cap.store.os, "replace", broken_replace)
    result = Cap(small_data)("fmt")
    assert result.exit_code == 1 and "Read-only file system" in result.stderr
    assert (small_data / "actions" / "1.1.yaml").read_bytes() == before
    assert listing(small_data / "actions") == ["1.1.yaml"]


def test_the_lock_is_outside_the_data_folder(data_copy, fixed_today):
    assert Cap(data_copy)("progress", "4.4", "x").exit_code == 0
    lock = cap.store.lock_path(data_copy)
    assert data_copy.resolve() not in lock.resolve().parents


#: Another process holding the data folder's lock until its standard input closes.
HOLD_LOCK = (
    "import sys; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
    "print('held', flush=True); sys.stdin.read()"
)


@contextlib.contextmanager
def lock_held_elsewhere(data_dir):
    """The lock taken by another process (as another cap would), released on leaving."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(cap.store.lock_path(data_dir))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"  # it has the lock: no sleeping, no timing
        yield
    finally:
        holder.stdin.close()
        holder.wait()


WRITES = {
    "progress": ("progress", "4.4", "x"),
    "retarget": ("retarget", "4.4", "2017-12-01", "--reason", "Later."),
    "close": ("close", "2.4", "--by", "SCR Review Group"),
    "add": ("add", "-t", "curiosity", "-a", "Audit.", "--lead", "NSCB", "--target-date", "ongoing"),
    "fmt": ("fmt",),
}


@pytest.mark.parametrize("name", WRITES)
def test_a_held_lock_times_out_with_one_line(data_copy, fixed_today, monkeypatch, name):
    """Each write waits for the lock another process holds: if it stopped taking the lock, it would write."""
    monkeypatch.setattr(cap.store, "LOCK_TIMEOUT_SECONDS", 0.1)
    (data_copy / "actions" / "1.1.yaml").write_text(  # something for fmt to do
        (data_copy / "actions" / "1.1.yaml").read_text().replace("status: in-progress", "status:  in-progress"))
    before = {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()}
    with lock_held_elsewhere(data_copy):
        result = Cap(data_copy)(*WRITES[name])
    assert result.exit_code == 1, result.output
    assert "another cap is writing to" in result.stderr and "gave up after 0 s" in result.stderr
    assert result.stderr.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (data_copy / "actions").iterdir()} == before
    assert Cap(data_copy)(*WRITES[name]).exit_code == 0  # and once it is free, the same write lands


def test_a_held_lock_stops_an_import(data_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(cap.store, "LOCK_TIMEOUT_SECONDS", 0.1)
    plan = tmp_path / "plan.csv"
    plan.write_text("Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
                    "curiosity,1.9,D,Act.,NSCB,01/06/17,Begun.\n")
    with lock_held_elsewhere(data_copy):
        result = Cap(data_copy)("import", str(plan), "--progress-date", "2017-01-31")
    assert result.exit_code == 1
    assert "another cap is writing to" in result.stderr
    assert not (data_copy / "actions" / "1.9.yaml").exists()
