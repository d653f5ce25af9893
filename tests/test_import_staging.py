"""`cap import` on a full disk: all or nothing means nothing written (issue 21).

Every file is staged in the data folder and moved in only when all are written
(cap/staging.py); a failing write (os.write raising ENOSPC at the Nth call) or a failing
move (os.replace at the Nth call) leaves the data folder byte for byte as it was.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cap.staging import MOVING, STAGE_PREFIX
from tests.conftest import Cap

HEADER = "Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
COUNT = 40


@pytest.fixture
def repo(tmp_path) -> Path:
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    return tmp_path / "repo" / "data"


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def plan_csv(tmp_path: Path, progress: str = "Started.") -> Path:
    rows = [f"Professional curiosity,1.{n},D{n},Do thing {n}.,NSCB,01/06/17,{progress}\n" for n in range(1, COUNT + 1)]
    path = tmp_path / "plan.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def failing_at(monkeypatch, name: str, nth: int, *, every_after: bool = False, also=()):
    real = getattr(os, name)
    calls = [0]

    def fake(*args, **kwargs):
        calls[0] += 1
        if calls[0] == nth or (every_after and calls[0] > nth):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    for other in also:
        monkeypatch.setattr(os, other, lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EACCES, "Permission denied")))
    return calls


def run(repo: Path, source: Path, *args: str):
    return Cap(repo)("import", str(source), "--progress-date", "2017-01-31", *args)


@pytest.mark.parametrize("nth", [1, 2, COUNT // 2, COUNT + 1])
def test_a_full_disk_while_writing_leaves_nothing_written(repo, tmp_path, monkeypatch, nth):
    before = snapshot(repo)
    source = plan_csv(tmp_path)
    calls = failing_at(monkeypatch, "write", nth)
    result = run(repo, source)
    assert calls[0] >= nth
    assert result.exit_code == 1, result.output
    assert "No space left on device (nothing was written)" in result.stderr
    assert snapshot(repo) == before
    assert not list(repo.glob(STAGE_PREFIX + "*"))


@pytest.mark.parametrize("nth", [1, 2, COUNT // 2, COUNT + 1])
def test_a_move_failing_half_way_is_undone(repo, tmp_path, monkeypatch, nth):
    """Fails on the code before staging: 40 atomic writes one after another left the
    first nth-1 of them written."""
    before = snapshot(repo)
    source = plan_csv(tmp_path)
    failing_at(monkeypatch, "replace", nth)
    result = run(repo, source)
    assert result.exit_code == 1, result.output
    assert "already moved were put back (nothing was written)" in result.stderr
    assert snapshot(repo) == before
    assert not list(repo.glob(STAGE_PREFIX + "*"))


def test_an_update_failing_half_way_puts_every_file_back(repo, tmp_path, monkeypatch):
    assert run(repo, plan_csv(tmp_path)).exit_code == 0
    before = snapshot(repo)
    source = plan_csv(tmp_path, progress="Complete. Done.")
    failing_at(monkeypatch, "replace", COUNT // 2)
    result = Cap(repo)("import", str(source), "--progress-date", "2017-03-31", "--update")
    assert result.exit_code == 1, result.output
    assert snapshot(repo) == before
    monkeypatch.undo()
    result = Cap(repo)("import", str(source), "--progress-date", "2017-03-31", "--update")
    assert result.exit_code == 0, result.output
    assert snapshot(repo) != before


def test_when_putting_back_fails_too_the_message_says_what_to_do(repo, tmp_path, monkeypatch):
    source = plan_csv(tmp_path)
    failing_at(monkeypatch, "replace", 3, every_after=True, also=("unlink",))
    result = run(repo, source)
    assert result.exit_code == 1
    line = result.stderr
    assert "could not move the imported files into place (No space left on device)" in line
    assert "putting back the 2 already moved failed" in line and "git checkout --" in line
    stages = list(repo.glob(STAGE_PREFIX + "*"))
    assert len(stages) == 1 and (stages[0] / MOVING).exists() and str(stages[0]) in line


def test_a_stage_left_before_its_moves_is_swept_and_one_after_is_kept(repo, tmp_path):
    (repo / (STAGE_PREFIX + "deadbeef")).mkdir()
    (repo / (STAGE_PREFIX + "deadbeef") / "1.new").write_text("x")
    kept = repo / (STAGE_PREFIX + "cafef00d")
    kept.mkdir()
    (kept / MOVING).touch()
    assert run(repo, plan_csv(tmp_path)).exit_code == 0
    assert [p.name for p in repo.glob(STAGE_PREFIX + "*")] == [kept.name]
    assert Cap(repo)("validate").exit_code == 0


def test_the_files_get_the_mode_new_files_get(repo, tmp_path):
    assert run(repo, plan_csv(tmp_path)).exit_code == 0
    if os.name == "posix":
        mask = os.umask(0)
        os.umask(mask)
        assert (os.stat(repo / "actions" / "1.1.yaml").st_mode & 0o777) == 0o666 & ~mask
