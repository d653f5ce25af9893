"""Papers a person asked for (`-o FILE`, `-o DIR`): never into the data folder, never
through a link into it, and no temporary file of a cut-off run left behind.

    >>> write_paper(Path("board.html"), html_text, data_dir)          # doctest: +SKIP
    >>> check_output(Path("public"), data_dir, folder=True)           # doctest: +SKIP

Every command that writes a paper (a report, an agency pack, the site, a round's forms)
calls `write_paper` (or `check_output`, then writes under `output_lock`): it is the one
rule. A path is refused when it, or where its links lead, is the data folder or inside
it (compared by the files themselves, so a different spelling, case or mount of the same
folder is caught); a folder for many files is also refused when it holds the data folder
(the repository's root, or any folder above the data). The write itself is atomic
(cap.store.write_output): a temporary file beside the target, then a rename; a run that
was killed leaves `.NAME.1a2b3c4d.tmp`, and the next write of the same target removes it
(under a lock on the target, so no other cap is writing it at that moment).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Iterator


class OutputRefused(Exception):
    """A path given with -o that cap will not write to; the message is one clear line."""


def _stat(path: Path | str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _existing_chain(path: Path) -> Iterator[os.stat_result]:
    """The stat of `path` (links followed) and of every folder above it that exists."""
    real = Path(os.path.realpath(path))
    for folder in (real, *real.parents):
        info = _stat(folder)
        if info is not None:
            yield info


def inside(path: Path, folder: Path) -> bool:
    """Whether `path` (its links followed, even a link to a file not yet made) is `folder`
    or inside it. Folders are compared as files (device and inode), not as spellings."""
    target = _stat(folder)
    return target is not None and any(_same(info, target) for info in _existing_chain(path))


def refusal(path: Path, data_dir: Path, *, folder: bool = False) -> str | None:
    """Why cap will not write the paper (or, with `folder`, the folder of papers) `path`,
    or None. The same words for every command."""
    path = Path(path)
    if inside(path, data_dir):
        via = " (through a link)" if os.path.realpath(path) != os.path.abspath(path) else ""
        return (f"refusing to write {path}: it is{via} in the data folder {data_dir}, where only the plan's "
                "own files go (choose a path outside it)")
    if folder and inside(data_dir, path):
        return (f"refusing to write into {path}: it holds the data folder {data_dir} (the repository itself); "
                "choose a folder of its own, such as public/")
    return None


def check_output(path: Path, data_dir: Path, *, folder: bool = False) -> None:
    """Raise OutputRefused (one line) when `refusal` has a reason."""
    reason = refusal(path, data_dir, folder=folder)
    if reason is not None:
        raise OutputRefused(reason)


def _lock_file(target: Path) -> Path:
    key = hashlib.sha256(os.path.realpath(target).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"cap-out-{key}.lock"


@contextlib.contextmanager
def output_lock(target: Path, timeout: float = 60) -> Iterator[None]:
    """One cap at a time writes `target` (a file or a folder of papers), across processes."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(_lock_file(target)), timeout=timeout):
            yield
    except Timeout:
        raise OutputRefused(f"another cap is writing {target}: gave up after {timeout:.0f} s") from None


def stale_temps(target: Path) -> list[Path]:
    """cap's temporary files of `target` (`.NAME.1a2b3c4d.tmp`, cap.store._create_temp) left
    beside it by a run that was cut off: regular files only, never a link."""
    target = Path(os.path.realpath(target))
    pattern = re.compile(r"\." + re.escape(target.name) + r"\.[0-9a-f]{8}\.tmp\Z")
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return []
    return sorted(Path(e.path) for e in entries if pattern.match(e.name) and e.is_file(follow_symlinks=False))


def sweep_temps(target: Path) -> None:
    """Remove `stale_temps(target)`. Only under `output_lock(target)`."""
    for path in stale_temps(target):
        with contextlib.suppress(OSError):
            path.unlink()


def write_paper(path: Path, content: str | bytes | Iterable[str], data_dir: Path) -> None:
    """Write a paper a person named with -o: refused (OutputRefused) in the data folder or
    through a link into it; else, under a lock on the target, the stale temporary files of
    earlier cut-off runs are removed and the paper is written atomically
    (cap.store.write_output: a device or pipe is written in place). OSError as there."""
    from cap.store import write_output

    check_output(path, data_dir)
    with output_lock(path):
        check_output(path, data_dir)  # again, under the lock: what is there now
        sweep_temps(path)
        write_output(path, content)
