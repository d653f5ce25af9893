"""Writing action files: locked, validated before they land, atomic, canonical.

    >>> with plan_lock(data_dir):                         # doctest: +SKIP
    ...     action = read_for_update(data_dir, "4.4")
    ...     action.progress.append(entry)
    ...     save_action(data_dir, action)

The lock lives in the system's temporary folder (keyed on the data folder's absolute
path), so nothing it leaves behind shows in `git status` or among the data files. It is
the `filelock` package: portable to Windows, macOS and Linux.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from cap.models import Action, _Record
from cap.yamlio import dump, parse

LOCK_TIMEOUT_SECONDS = 60


class StoreError(Exception):
    """A write that was refused; the message is one clear line and nothing was changed."""


def canonical_text(record: _Record, header: str = "") -> str:
    """The one canonical YAML text of a record: an Action, a ThemesFile or a ScrsFile.

    `header` is the file's leading `#` block (yamlio.header_comment), kept as written.
    """
    return header + dump(record.to_data())


def is_canonical(raw: bytes, record: _Record) -> bool:
    """Whether a file's bytes are exactly the canonical text of the record read from them.

    Cheap where it is (one emit, no read-back): `cap validate` asks it of every file.
    """
    from cap.yamlio import header_comment
    from cap.yamlio import is_canonical as body_is_canonical

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    header = header_comment(text)
    return body_is_canonical(text[len(header):], record.to_data())


def lock_path(data_dir: Path) -> Path:
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"cap-{key}.lock"


@contextlib.contextmanager
def plan_lock(data_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the data folder's write lock (one writer at a time, across processes)."""
    from filelock import FileLock, Timeout

    timeout = LOCK_TIMEOUT_SECONDS if timeout is None else timeout

    lock = FileLock(str(lock_path(data_dir)), timeout=timeout)
    try:
        with lock:
            yield
    except Timeout:
        raise StoreError(f"another cap is writing to {data_dir}: gave up after {timeout:.0f} s") from None


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: temp file, fsync, os.replace."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(folder: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def checked_text(record: _Record, header: str = "") -> str:
    """The canonical text, after proving it loads back to the same record (an Action,
    a ThemesFile or a ScrsFile)."""
    text = canonical_text(record, header)
    again = type(record).model_validate(parse(text).data)
    if again != record:  # pragma: no cover - would be a writer bug; never write it
        name = getattr(record, "ref", type(record).__name__)
        raise StoreError(f"refusing to write {name}: the file would not load back unchanged")
    return text


def save_action(path: Path, action: Action, header: str = "") -> None:
    """Validate, then atomically write one action file (the caller holds the lock)."""
    validated = Action.model_validate(action.model_dump(by_alias=True))
    atomic_write(path, checked_text(validated, header))
