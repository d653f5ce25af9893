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
import errno
import hashlib
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from cap.models import Action, _Record
from cap.yamlio import dump

LOCK_TIMEOUT_SECONDS = 60


class StoreError(Exception):
    """A write that was refused; the message is one clear line and nothing was changed."""


def canonical_text(record: _Record, header: str = "") -> str:
    """The one canonical YAML text of a record: an Action, a ThemesFile or a ScrsFile.

    `header` is the file's leading `#` block (yamlio.header_comment), kept as written.
    """
    return header + dump(record.to_data())


def is_canonical(raw: bytes, record: _Record, data: dict | None = None) -> bool:
    """Whether a file's bytes are exactly the canonical text of the record read from them
    (with LF endings, or CRLF ones throughout: cap/lineends.py).

    Cheap where it is (one emit, no read-back): `cap validate` asks it of every file.
    `data` is `record.to_data()` when the caller has it already.
    """
    from cap.lineends import as_lf
    from cap.yamlio import header_comment
    from cap.yamlio import is_canonical as body_is_canonical

    try:
        text = as_lf(raw).decode("utf-8")  # CRLF throughout (a Windows checkout) is canonical too
    except UnicodeDecodeError:
        return False
    header = header_comment(text)
    return body_is_canonical(text[len(header):], record.to_data() if data is None else data)


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
            remove_leftover_temps(data_dir)
            yield
    except Timeout:
        raise StoreError(f"another cap is writing to {data_dir}: gave up after {timeout:.0f} s") from None


#: cap's own temporary files (`_create_temp`): `.4.4.yaml.1a2b3c4d.tmp`.
TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp\Z")


def leftover_temps(data_dir: Path) -> list[Path]:
    """cap's temporary files left in the data folder or its actions/ folder by a write
    that was cut off (a kill, a power cut): regular files named as `_create_temp` names them."""
    found = []
    for folder in (Path(data_dir), Path(data_dir) / "actions"):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        found += [Path(e.path) for e in entries if TEMP_NAME.match(e.name) and e.is_file(follow_symlinks=False)]
    return sorted(found)


def remove_leftover_temps(data_dir: Path) -> None:
    """Remove what `leftover_temps` finds. Only under the plan lock: then no write of
    cap's is under way, so no temporary file is still being written."""
    for path in leftover_temps(data_dir):
        with contextlib.suppress(OSError):
            path.unlink()
    from cap.staging import remove_unmoved_stages

    remove_unmoved_stages(data_dir)  # an import cut off before it moved anything in


def atomic_write(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write `text` (UTF-8, `\n` line ends; or bytes, as they are; or text in pieces, a
    large report never held whole) to `path` whole or not at all: temp file, fsync,
    os.replace.

    The file keeps its mode (and, where allowed, its group); a new file gets the mode any
    new file gets here (0666 less the umask, or what the folder's default ACL says): the
    temporary file is created with 0666 and the system applies the umask, so the umask is
    never read or changed (portable, and safe with threads). `path` itself is replaced:
    for a path a person chose, which may be a link or a device, see `write_output`.
    """
    path = Path(path)
    try:
        existing = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        existing = None
    fd, tmp = _create_temp(path)
    try:
        if existing is not None and stat.S_ISREG(existing.st_mode):
            _copy_mode(fd, tmp, existing)
        handle = (os.fdopen(fd, "wb") if isinstance(text, bytes)
                  else os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
        with handle:
            if isinstance(text, (str, bytes)):
                handle.write(text)
            else:
                for piece in text:
                    handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(path.parent)


def write_output(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Write a file a person named (`cap report -o FILE`), as a shell redirection would.

    A link is followed: the file it leads to is replaced atomically (keeping its mode), and
    the link stays a link. Anything that is not a regular file - a FIFO, a device such as
    /dev/null or /dev/stdout, a process substitution - is opened and written in place,
    never replaced: replacing it would put a regular file where the device or pipe was.
    Raises OSError (a folder, /dev/full, no permission ...) with nothing replaced.
    """
    try:
        info = os.stat(path)  # through links
    except (FileNotFoundError, NotADirectoryError):
        info = None  # nothing there yet, or a link to a file still to be made
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(Path(path), text)
        return
    atomic_write(Path(os.path.realpath(path)), text)


def _write_in_place(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Open what is there (a pipe, a device) and write to it; no temp file, no replace."""
    pieces = [text] if isinstance(text, (str, bytes)) else text
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    try:
        for piece in pieces:
            view = memoryview(piece if isinstance(piece, bytes) else piece.encode("utf-8"))
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path`, made with mode 0666 so the umask applies."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(path.parent, f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def _copy_mode(fd: int, tmp: str, existing: os.stat_result) -> None:
    """Give the new file the old one's group (where allowed) and permission bits."""
    if hasattr(os, "fchown") and existing.st_gid != os.fstat(fd).st_gid:
        with contextlib.suppress(OSError):  # not a member of that group: keep ours
            os.fchown(fd, -1, existing.st_gid)
    mode = stat.S_IMODE(existing.st_mode)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows (only the read-only bit means anything there)
        os.chmod(tmp, mode)


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
    name = getattr(record, "ref", type(record).__name__)
    refused = reader_refuses(text, record)
    if refused:
        raise StoreError(f"refusing to write {name}: {refused} (nothing was changed)")
    return text


def reader_refuses(text: str, record: _Record) -> str | None:
    """Why cap's own loader would refuse `text` as the file of `record`, or None.

    Every write asks this of the text it is about to write: the loader's size limit, its
    parse, its model and its text rules (cap/safetext.py), and that the text loads back
    as the same record. What cap writes, cap reads back.
    """
    from cap.loader import MAX_FILE_BYTES, parse_bytes, validate_document

    raw = text.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        return (f"the file would be {len(raw):,} bytes, over the {MAX_FILE_BYTES:,} bytes cap reads "
                "(shorten the text, or move long material into a linked document)")
    doc, problems = parse_bytes(raw, "", collect=True)
    again = None
    if doc is not None and not problems:
        again, problems = validate_document(doc, type(record), "")
    if problems:
        first = problems[0]
        return f"cap would not read the file back (line {first.line}: {first.code} {first.message})"
    if again != record:  # pragma: no cover - would be a writer bug; never write it
        return "the file would not load back unchanged"
    return None


def save_action(path: Path, action: Action, header: str = "") -> None:
    """Validate, then atomically write one action file (the caller holds the lock); a file
    with CRLF endings keeps them (cap/lineends.py).

    The write is journalled (cap/undo.py) when the file is in a data folder's
    `actions/`, so that `cap undo` can take it back until it is committed.
    """
    from cap.lineends import ending_of, with_ending

    validated = Action.model_validate(action.model_dump(by_alias=True))
    text = checked_text(validated, header)
    path = Path(path)
    data_dir = path.parent.parent
    journal = path.parent.name == "actions" and (data_dir / "themes.yaml").is_file()
    before = None
    if journal:
        try:
            before = path.read_bytes()
        except FileNotFoundError:
            before = None
    atomic_write(path, with_ending(text, ending_of(path)))
    if journal:
        from cap.undo import record

        record(data_dir, path, before)
