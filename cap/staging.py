"""All or nothing for a write of several files (`cap import`): stage every file, then move them in.

    >>> write_all(data_dir, [(data_dir / "actions" / "1.1.yaml", text), ...])   # doctest: +SKIP

1. Every file is written whole into a staging folder inside the data folder
   (`data/.import-XXXXXXXX/`, so the moves are renames on one file system), each one
   fsynced; an existing file that will be replaced is kept there too (a hard link, or a
   copy where links are not allowed). A failure here - a full disk, a quota - removes
   the staging folder: nothing of the plan was touched.
2. Then a marker (`moving`) is put in the folder and the files are renamed into place,
   one by one. If a rename fails half-way, the renames already made are undone (each
   replaced file put back, each new file removed) and nothing was written. Should the
   undoing fail too, the error says which files are the new ones and where the files as
   they were are kept (the folder is left as it is, with its marker).
3. The folders are fsynced and the staging folder removed.

A staging folder left by a kill before the moves began (no marker) is removed by the
next write under the lock (cap.store.remove_leftover_temps); one with its marker is
left for a person (it holds the files as they were).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from cap.store import StoreError, _copy_mode, _fsync_directory

STAGE_PREFIX = ".import-"
MOVING = "moving"


def _write_file(path: Path, data: bytes, like: Path) -> None:
    """`data` into a new file `path` (0666 less the umask, or `like`'s mode), fsynced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            _copy_mode(fd, str(path), os.stat(like))
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep(target: Path, backup: Path) -> None:
    """The file as it is now, kept as `backup`: a hard link (no space), else a copy."""
    try:
        os.link(target, backup)
    except OSError:
        _write_file(backup, target.read_bytes(), target)


def stage_folders(data_dir: Path) -> list[Path]:
    """Staging folders in the data folder (left by a write that was cut off)."""
    with contextlib.suppress(OSError):
        return sorted(Path(e.path) for e in os.scandir(data_dir)
                      if e.name.startswith(STAGE_PREFIX) and e.is_dir(follow_symlinks=False))
    return []


def remove_unmoved_stages(data_dir: Path) -> None:
    """Remove the staging folders whose moves never began (under the lock only)."""
    for folder in stage_folders(data_dir):
        if not (folder / MOVING).exists():
            shutil.rmtree(folder, ignore_errors=True)


def write_all(data_dir: Path, writes: list[tuple[Path, str]], what: str = "the imported files") -> None:
    """Write every (path, text) or none (the caller holds the lock). StoreError (one line) if not."""
    if not writes:
        return
    data_dir = Path(data_dir)
    try:
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=data_dir))
    except OSError as exc:
        raise StoreError(f"could not write {what}: {exc.strerror or exc} (nothing was written)") from None
    staged: list[tuple[Path, Path, Path | None]] = []
    try:
        for number, (target, text) in enumerate(writes, start=1):
            new = stage / f"{number}.new"
            _write_file(new, text.encode("utf-8"), target)
            backup = None
            if os.path.lexists(target):
                backup = stage / f"{number}.old"
                _keep(Path(target), backup)
            staged.append((Path(target), new, backup))
        _fsync_directory(stage)
        (stage / MOVING).touch()
    except BaseException as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if isinstance(exc, OSError):
            raise StoreError(f"could not write {what}: {exc.strerror or exc} (nothing was written)") from None
        raise
    moved: list[tuple[Path, Path | None]] = []
    try:
        for target, new, backup in staged:
            os.replace(new, target)
            moved.append((target, backup))
    except BaseException as exc:
        left = _undo(moved)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)
        if not left:
            shutil.rmtree(stage, ignore_errors=True)
            if isinstance(exc, OSError):
                raise StoreError(f"could not move {what} into place: {why}; the {len(moved)} already moved were "
                                 "put back (nothing was written)") from None
            raise
        names = ", ".join(str(p) for p in left)
        raise StoreError(
            f"could not move {what} into place ({why}), and putting back the {len(left)} already moved failed: "
            f"{names} are the imported ones; the files as they were are kept in {stage} (N.old is the file "
            f"written N-th). Put them back with `git checkout -- {data_dir}` and delete the new files `git status` "
            "lists, then run cap validate") from None
    for folder in sorted({t.parent for t, _n, _b in staged}):
        _fsync_directory(folder)
    from cap.undo import record_many

    # One change for `cap undo`: the files as they were (a backup) or none (new).
    with contextlib.suppress(OSError):
        record_many(data_dir, [(target, _bytes(backup), text.encode("utf-8"))
                               for (target, _n, backup), (_t, text) in zip(staged, writes)])
    shutil.rmtree(stage, ignore_errors=True)
    _fsync_directory(data_dir)


def _bytes(path: Path | None) -> bytes | None:
    return None if path is None else path.read_bytes()


def _undo(moved: list[tuple[Path, Path | None]]) -> list[Path]:
    """Undo the moves, last first; the targets that could not be put back."""
    left = []
    for target, backup in reversed(moved):
        try:
            if backup is not None:
                os.replace(backup, target)
            else:
                os.unlink(target)
        except OSError:
            left.append(target)
    return left
