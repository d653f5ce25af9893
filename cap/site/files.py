"""Writing the site's files into the output folder, and removing only what cap wrote.

    >>> write_site_files(Path("public"), {"index.html": b"..."}, data_dir)   # doctest: +SKIP

The folder may hold files of the user's (a `CNAME`, notes, another tool's pages): cap
removes only pages it wrote itself. What it wrote is listed in the folder's manifest,
`.cap-site-files` (one path a line); a page of a thing now gone is removed only when the
manifest names it, is one of the site's own kinds of file, and is a regular file where
cap put it. A folder without a manifest (a site built by an older cap) loses nothing.

Nothing is written through a link out of the folder: a link where one of the site's
folders (actions/, themes/, cases/, agencies/) or one of its pages would go is refused
(one line, nothing written), and each file is written to a new temporary name of its own
(created exclusively, never following a link) then renamed into place (cap.store). A
write cut off by a full disk removes its temporary file; one cut off by a kill leaves
it, and the next build of the same folder removes it. The output folder may not be, or
be inside, the data folder, nor hold it (the repository's root): cap.outputs.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from cap.outputs import OutputRefused, check_output, output_lock, sweep_temps

#: The manifest: the files of the folder that cap wrote, one relative path a line.
MANIFEST = ".cap-site-files"
MANIFEST_HEADER = "# The files cap site wrote here; cap removes only these (docs/site.md).\n"
#: The folders of the pages of one thing each.
FOLDERS = ("actions", "themes", "cases", "agencies")
#: What a manifest line may name: a page, the stylesheet or the script, at the top or in
#: one of FOLDERS (so an edited manifest cannot point cap at anything else).
OWN_FILE = re.compile(r"(?:(?:%s)/)?[^/\\.][^/\\]*\.(?:html|css|js)\Z" % "|".join(FOLDERS))


class SiteFolderError(Exception):
    """The output folder cannot be used as it is; one clear line, nothing written."""


def read_manifest(out: Path) -> set[str]:
    """The files a previous build wrote (those a manifest line may name), or none."""
    path = out / MANIFEST
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return set()
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {line for line in text.splitlines() if OWN_FILE.match(line)}


def _kind(path: Path) -> str | None:
    """'link', 'folder', 'file', 'other', or None when nothing is there."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link"
    return "folder" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


def _write_manifest(out: Path, names: set[str]) -> None:
    from cap.store import atomic_write

    target = out / MANIFEST
    if _kind(target) not in (None, "file"):
        raise SiteFolderError(f"{target} is not a file cap wrote: remove it, or choose another folder")
    atomic_write(target, MANIFEST_HEADER + "".join(f"{name}\n" for name in sorted(names)))


def write_site_files(out: Path, files: dict[str, bytes], data_dir: Path) -> None:
    """Write `files` ({relative path: bytes}) into `out`, unchanged files left alone, and
    remove the pages an earlier build wrote that this one does not. Raises OutputRefused
    (the folder is, is in or holds the data folder), SiteFolderError (a link or a file
    where the site's folders or pages go), or OSError."""
    from cap.store import atomic_write

    out = Path(out)
    check_output(out, data_dir, folder=True)
    if (out / ".git").exists() or os.path.lexists(out / ".git"):
        raise OutputRefused(f"refusing to write into {out}: it is a git repository's own folder; "
                            "choose a folder of its own, such as public/")
    if _kind(out) not in (None, "folder", "link") or (out.exists() and not out.is_dir()):
        raise SiteFolderError(f"cannot write the site to {out}: it is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    with output_lock(out):
        for folder in FOLDERS:
            kind = _kind(out / folder)
            if kind == "link":
                raise SiteFolderError(f"{out / folder} is a link: cap writes the site's pages only into folders of "
                                      "its own (remove the link, or choose another folder); nothing was written")
            if kind not in (None, "folder"):
                raise SiteFolderError(f"{out / folder} is not a folder: remove it, or choose another folder; "
                                      "nothing was written")
        for rel in files:
            if _kind(out / rel) not in (None, "file"):
                raise SiteFolderError(f"{out / rel} is a link or a folder where the site writes a page: remove it, "
                                      "or choose another folder; nothing was written")
        for folder in FOLDERS:
            (out / folder).mkdir(exist_ok=True)
        before = read_manifest(out)
        for rel in sorted(before | set(files)):
            sweep_temps(out / rel)
        sweep_temps(out / MANIFEST)
        # Every file this build may write is in the manifest before it is written: a build
        # cut off half-way leaves nothing of cap's that the next one will not know.
        if not set(files) <= before:
            _write_manifest(out, before | set(files))
        for rel, data in files.items():
            path = out / rel
            with contextlib.suppress(OSError):
                if path.read_bytes() == data:
                    continue
            atomic_write(path, data)
        for rel in sorted(before - set(files)):
            path = out / rel
            parent = _kind(path.parent) if path.parent != out else "folder"
            if parent == "folder" and _kind(path) == "file":
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        if read_manifest(out) != set(files):
            _write_manifest(out, set(files))
