"""Taking back cap's own last change to the plan that is not yet committed (`cap undo`).

Every write of an action file (cap/store.py's `save_action`: progress, a status, a
retarget, a close, a withdrawal, evidence, an outcome, a new action ...) is journalled:
which file, its bytes before (none for a new file) and the hash of the bytes cap wrote.
`undo_last` takes the newest entry back, restoring the file as it was before, and only

- if the file still holds exactly the bytes cap wrote (a hand edit since is never lost);
- if that state is not committed (the file differs from HEAD's version of it): nothing
  committed is touched (`git revert` takes back a commit).

A second undo takes back the entry before it, and so on. The journal lives in the
repository's git folder (`.git/cap-undo/`, never shown by `git status`), or, for a data
folder outside git, in `.cap-undo/` beside the data folder; there undo takes back any of
the last `KEPT` changes, as nothing is committed. Writes hold the plan lock, and so
does undo.

    >>> result = undo_last(data_dir)                     # doctest: +SKIP
    >>> result.what
    '4.4: progress entry of 2017-06-28 added'
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

#: How many changes the journal keeps (the oldest are forgotten).
KEPT = 50
FOLDER = "cap-undo"
NO_GIT_FOLDER = ".cap-undo"


@dataclass(frozen=True)
class Place:
    """Where a data folder's journal lives: `journal` the folder, `top` what paths are
    relative to (the working tree's top, or the data folder's parent), `git` whether a
    git repository holds the data."""

    journal: Path
    top: Path
    git: bool


def place_of(data_dir: Path) -> Place:
    """The journal's place for `data_dir`: found by walking up to a `.git` (a folder, or
    a worktree's `.git` file naming its git folder); no git program is run."""
    data_dir = Path(os.path.abspath(data_dir))
    for folder in (data_dir, *data_dir.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return Place(dot_git / FOLDER, folder, True)
        if dot_git.is_file():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                first = dot_git.read_text(encoding="utf-8").strip()
                if first.startswith("gitdir:"):
                    gitdir = Path(first[len("gitdir:"):].strip())
                    return Place((folder / gitdir if not gitdir.is_absolute() else gitdir) / FOLDER, folder, True)
    return Place(data_dir.parent / NO_GIT_FOLDER, data_dir.parent, False)


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _rel(path: Path, top: Path) -> str | None:
    try:
        return Path(os.path.abspath(path)).relative_to(top).as_posix()
    except ValueError:
        return None


#: An entry is a few lines `key value`, each value base64 (a path may hold any character)
#: but `after`, a hex digest; `before` is absent for a new file. (No json: a write stays
#: as light as it was.)
SUFFIX = ".entry"


def _entries(journal: Path) -> list[Path]:
    """The journal's entries, oldest first (their names are sequence numbers)."""
    try:
        names = [p for p in journal.iterdir() if p.suffix == SUFFIX and p.stem.isdigit()]
    except OSError:
        return []
    return sorted(names, key=lambda p: int(p.stem))


def record(data_dir: Path, path: Path, before: bytes | None) -> None:
    """Journal one write cap has just made to `path` (a file of `data_dir`): `before`
    its bytes before (None: a new file). The caller holds the plan lock."""
    record_many(data_dir, [(path, before)])


def record_many(data_dir: Path, writes: list[tuple]) -> None:
    """Journal one change made of several writes (`cap import`, `cap fmt`, a round's
    returns): each (file, its bytes before (None: new)[, the bytes written]). `cap undo`
    takes them back together. The caller holds the plan lock and has written the files.

    The journal is a convenience: a journal that cannot be written (a read-only git
    folder) never stops the write it records; undo then has nothing to take back.
    """
    with contextlib.suppress(OSError, ValueError):
        place = place_of(data_dir)
        data_rel = _rel(data_dir, place.top)
        if data_rel is None:
            return
        lines = [f"data {_b64(data_rel.encode('utf-8'))}"]
        for path, before, *written in writes:
            rel = _rel(path, place.top)
            after = written[0] if written else Path(path).read_bytes()
            if rel is None or before == after:
                continue  # outside the repository, or nothing changed: nothing to take back
            lines += [f"path {_b64(rel.encode('utf-8'))}", f"after {_digest(after)}"]
            if before is not None:
                lines.append(f"before {_b64(before)}")
        if len(lines) == 1:
            return
        place.journal.mkdir(parents=True, exist_ok=True)
        entries = _entries(place.journal)
        number = int(entries[-1].stem) + 1 if entries else 1
        from cap.store import atomic_write

        atomic_write(place.journal / f"{number:08d}{SUFFIX}", "\n".join(lines) + "\n")
        for old in entries[: max(0, len(entries) + 1 - KEPT)]:
            old.unlink()


def before_of(paths) -> list[tuple[Path, bytes | None]]:
    """Each path with its bytes now (None: no such file), for `record_many` after the writes."""
    out = []
    for path in paths:
        try:
            out.append((Path(path), Path(path).read_bytes()))
        except FileNotFoundError:
            out.append((Path(path), None))
    return out


@dataclass(frozen=True)
class Undone:
    """What `undo_last` did (`done`) or why it did nothing (`message`, exit 1)."""

    done: bool
    message: str
    what: str = ""
    shown: str = ""
    #: The change made the file (a new action): undo removes it.
    removes: bool = False


def undo_last(data_dir: Path, *, dry_run: bool = False) -> Undone:
    """Take back the newest journalled change to `data_dir` if it is not committed and
    its files still hold what cap wrote (see the module's docstring); under the lock."""
    from cap.store import plan_lock

    with plan_lock(data_dir):
        return _undo(Path(data_dir), dry_run)


@dataclass
class _File:
    rel: str
    after: str
    before: bytes | None
    now: bytes | None = None


def _undo(data_dir: Path, dry_run: bool) -> Undone:
    place = place_of(data_dir)
    data_rel = _rel(data_dir, place.top)
    mine = [e for e in _entries(place.journal) if _read(e)[0] == data_rel]
    if not mine:
        return Undone(False, "nothing to undo: cap has no record here of a change it made to this plan "
                             f"(it remembers its last {KEPT} changes)")
    newest = mine[-1]
    files = _read(newest)[1]
    for f in files:
        try:
            f.now = (place.top / f.rel).read_bytes()
        except FileNotFoundError:
            f.now = None
    what = _what(files)
    shown = files[0].rel if len(files) == 1 else f"{len(files)} files"
    if place.git:
        for f in files:
            committed = _committed(place.top, f.rel)
            if isinstance(committed, str):
                return Undone(False, f"cannot undo: {committed} (nothing was changed)", what, shown)
            if f.now is not None and committed is not None and _lf(committed) == _lf(f.now):
                return Undone(False, f"nothing to undo: the last change cap made ({what}) is committed; cap undo "
                                     "takes back only what is not committed yet (git revert takes back a commit)",
                              what, shown)
    for f in files:
        if f.now is None or _digest(f.now) != f.after:
            state = "is gone" if f.now is None else "has changed since cap wrote it (by hand, or by git)"
            return Undone(False, f"cannot undo {what}: {f.rel} {state}, and undo would lose that "
                                 f"(nothing was changed; `git diff {f.rel}` shows the file's changes)", what, shown)
    if not dry_run:
        from cap.store import atomic_write

        for f in reversed(files):
            path = place.top / f.rel
            if f.before is None:
                path.unlink()
            else:
                atomic_write(path, f.before)
        newest.unlink()
    return Undone(True, "", what, shown, removes=len(files) == 1 and files[0].before is None)


def _what(files: list[_File]) -> str:
    """The change in the plan's words: each action file's change; other files by name."""
    described = [describe(f.before, f.now, Path(f.rel).stem) if Path(f.rel).parent.name == "actions"
                 else f"{Path(f.rel).name} changed" for f in files]
    if len(described) <= 3:
        return "; ".join(described)
    refs = [Path(f.rel).stem for f in files if Path(f.rel).parent.name == "actions"]
    others = [Path(f.rel).name for f in files if Path(f.rel).parent.name != "actions"]
    names = [*others, *refs]
    return f"changes to {len(files)} files ({', '.join(names[:8])}{', ...' if len(names) > 8 else ''})"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _read(entry: Path) -> tuple[str | None, list[_File]]:
    """An entry's data folder and files, or (None, []) for an entry that cannot be read."""
    try:
        data, files = None, []
        for line in entry.read_text(encoding="ascii").splitlines():
            key, _, value = line.partition(" ")
            if key == "data":
                data = base64.b64decode(value, validate=True).decode("utf-8")
            elif key == "path":
                files.append(_File(base64.b64decode(value, validate=True).decode("utf-8"), "", None))
            elif key == "after" and files:
                files[-1].after = value
            elif key == "before" and files:
                files[-1].before = base64.b64decode(value, validate=True)
        if data is None or not files or any(not f.after for f in files):
            return None, []
        return data, files
    except (OSError, ValueError):
        return None, []


def _lf(raw: bytes) -> bytes:
    """A file's bytes with CRLF line ends as LF (git may check files out with CRLF)."""
    return raw.replace(b"\r\n", b"\n")


def _committed(top: Path, rel: str) -> bytes | None | str:
    """HEAD's version of the file (None: not in HEAD, or no commit yet), or why git
    could not say (a string)."""
    from cap.gitio import GitError, git_process

    try:
        proc = git_process(["cat-file", "blob", f"HEAD:{rel}"], top)
    except GitError as exc:
        return str(exc)
    except OSError as exc:
        return f"git could not be run ({exc.strerror or exc})"
    return proc.stdout if proc.returncode == 0 else None


def describe(before: bytes | None, after: bytes | None, ref: str) -> str:
    """The change from `before` to `after` (an action file's bytes), in the plan's words:
    `4.4: progress entry of 2017-06-28 added; status in-progress -> complete`."""
    from cap.changes import (ActionAdded, ActionRemoved, Closed, FieldEdited, ProgressAdded, ProgressEdited,
                             ProgressRemoved, StatusChanged, TargetRevised, Withdrawn, diff_actions)
    from cap.dates import format_iso

    old, new = _action(before), _action(after)
    if (before is not None and old is None) or (after is not None and new is None):
        return f"{ref}: a change to its file"
    parts = []
    for change in diff_actions(old, new):
        if isinstance(change, ActionAdded):
            parts.append("added as a new action")
        elif isinstance(change, ActionRemoved):
            parts.append("removed")
        elif isinstance(change, Closed):
            parts.append(f"closed (signed off by {change.signed_off.by} on {change.signed_off.date.isoformat()})")
        elif isinstance(change, Withdrawn):
            parts.append("withdrawn")
        elif isinstance(change, StatusChanged):
            parts.append(f"status {change.before} -> {change.after}")
        elif isinstance(change, TargetRevised):
            parts.append(f"target date {format_iso(change.before)} -> {format_iso(change.after)}")
        elif isinstance(change, FieldEdited):
            grew = change.before_items is not None and len(change.after_items or ()) > len(change.before_items)
            name = {"impact": "impact entry"}.get(change.field, change.field.replace("_", " "))
            parts.append(f"{name} {'added' if grew else 'set' if not change.before else 'changed'}")
    for change in diff_actions(old, new):
        if isinstance(change, ProgressAdded):
            parts.append(f"progress entry of {change.entry.date.isoformat()} added")
        elif isinstance(change, ProgressEdited):
            parts.append(f"progress entry of {change.after.date.isoformat()} edited")
        elif isinstance(change, ProgressRemoved):
            parts.append(f"progress entry of {change.entry.date.isoformat()} removed")
    return f"{ref}: " + ("; ".join(parts) if parts else "its file rewritten in the canonical format")


def _action(raw: bytes | None):
    if raw is None:
        return None
    from cap.loader import parse_bytes, validate_document
    from cap.models import Action

    doc, problems = parse_bytes(raw, "", collect=True)
    if doc is None or problems:
        return None
    record, problems = validate_document(doc, Action, "")
    return None if problems else record


__all__ = ["KEPT", "Place", "Undone", "before_of", "describe", "place_of", "record", "record_many", "undo_last"]
