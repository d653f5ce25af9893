"""A file from outside, before anything parses it: its size, what it is, its zip's members.

`read_bytes` asks the file's size before reading and reads at most the limit and one
byte; `sniff` says what a file is from its first bytes (and, for a zip, its member
names), `save_as` says in words what to save it as; `open_zip` checks a zip's central
directory, members, sizes and compression ratios before one byte is unpacked;
`scan_xml` streams one member through expat, refusing a DOCTYPE (no entity of any kind).
Every refusal is an `IntakeError` carrying one `Refusal`: path, sheet, cell, message.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

#: Any file sent in: a plan of 22 actions is about 10 kB, a tracker a few hundred kB.
MAX_FILE_BYTES = 10_000_000
#: A zip (workbook, Word document): members, bytes of the central directory listing them.
MAX_MEMBERS = 1_000
MAX_DIRECTORY_BYTES = 1_000_000
#: A zip's members unpacked: each one, and all together.
MAX_MEMBER_BYTES = 32_000_000
#: An XML part a library parses whole (a workbook's styles, its sheet list ...): a tree
#: takes some twenty times its bytes (a sheet and the shared strings are streamed).
MAX_WHOLE_PART_BYTES = 5_000_000
MAX_TOTAL_BYTES = 64_000_000
#: A member larger than RATIO_FLOOR unpacked may not be compressed more than this (zip bombs).
MAX_RATIO = 100
RATIO_FLOOR = 1_000_000

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"


@dataclass(frozen=True)
class Refusal:
    """A file (or one cell of it) refused: `str()` is the one line a person reads.

    >>> str(Refusal("plan.xlsx", "holds a formula with no saved value", sheet="Action Plan", cell="C15"))
    "plan.xlsx, sheet 'Action Plan', C15: holds a formula with no saved value"
    """

    path: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: int | None = None
    #: The name of the bound passed (MAX_ROWS ...), when a bound was.
    bound: str | None = None

    @property
    def where(self) -> str:
        """`sheet 'Action Plan', C15: ` (empty for the whole file)."""
        parts = ([f"sheet {self.sheet!r}"] if self.sheet is not None else []) + ([self.cell] if self.cell else [])
        return ", ".join(parts) + ": " if parts else ""

    def __str__(self) -> str:
        return f"{self.path}, {self.where}{self.message}" if self.where else f"{self.path}: {self.message}"

    def problem(self, code: str = "CAP801"):
        """As a `cap.problems.Problem` (line: the cell's row, where there is one)."""
        from cap.problems import Problem

        return Problem(self.path, self.row or 1, self.column or 1, "error", code, self.where + self.message)


class IntakeError(ValueError):
    """A file refused; `.refusal` says where and why, `str()` is its one line."""

    def __init__(self, refusal: Refusal):
        super().__init__(str(refusal))
        self.refusal = refusal


def refuse(shown: str, message: str, **where) -> IntakeError:
    """The error for one refusal; its message made one line (a library's own words may span several)."""
    return IntakeError(Refusal(shown, " ".join(message.split()), **where))


# ------------------------------------------------------------------ size first


def read_bytes(path: Path | str, *, limit: int = MAX_FILE_BYTES, shown: str | None = None) -> bytes:
    """The file's bytes, its size asked first: a larger file is refused without being read,
    and no more than `limit + 1` bytes are ever read (a file growing as it is read).
    Not a regular file (a folder, a pipe, a device) is refused too."""
    shown = shown or str(path)
    try:
        with open(path, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise refuse(shown, "not a regular file (a folder, a pipe or a device)")
            if info.st_size > limit:
                raise too_big(shown, info.st_size, limit)
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise refuse(shown, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise too_big(shown, len(raw), limit)
    return raw


def too_big(shown: str, size: int, limit: int = MAX_FILE_BYTES) -> IntakeError:
    return refuse(shown, f"file is {size:,} bytes; a plan is far smaller (limit {limit:,}, MAX_FILE_BYTES)",
                  bound="MAX_FILE_BYTES")


# ------------------------------------------------------------------ what a file is


def is_encrypted_ole(raw: bytes) -> bool:
    """An OLE2 file holding an `EncryptedPackage`: what Excel or Word writes for a file
    with a password to open it."""
    return raw[:8] == OLE2 and "EncryptedPackage".encode("utf-16-le") in raw


def sniff(raw: bytes, name: str = "") -> str:
    """What the bytes are: `xlsx`, `xlsm`, `docx`, `docm`, `ods`, `odt`, `encrypted`
    (a password-protected workbook or document), `xls` (Excel 97-2003, or old Word .doc:
    any other OLE2 file), `pdf`, `zip` (another zip) or `text` (anything else)."""
    if raw[:8] == OLE2:
        if is_encrypted_ole(raw):
            return "encrypted"
        return "doc" if Path(name).suffix.lower() == ".doc" else "xls"
    if raw[:5] == b"%PDF-":
        return "pdf"
    if raw[:4] in (ZIP, _EMPTY_ZIP):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as zf:
                names = set(zf.namelist()[:MAX_MEMBERS])
                mimetype = zf.read("mimetype")[:100] if "mimetype" in names and \
                    zf.getinfo("mimetype").file_size < 200 else b""
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError, EOFError):
            return "zip"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        if b"opendocument.text" in mimetype:
            return "odt"
        if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
            return "xlsm" if "xl/vbaProject.bin" in names or Path(name).suffix.lower() == ".xlsm" else "xlsx"
        if "word/document.xml" in names:
            return "docm" if "word/vbaProject.bin" in names else "docx"
        return "zip"
    return "text"


_WHAT = {
    "encrypted": "is password-protected (encrypted): remove the password in Excel (File > Info > Protect "
                 "Workbook > Encrypt with Password, clear it; in Word: Protect Document) and send it again",
    "xls": "is an Excel 97-2003 workbook (.xls): open it in Excel and save it as Excel Workbook (.xlsx)",
    "doc": "is a Word 97-2003 document (.doc): open it in Word and save it as Word Document (.docx)",
    "ods": "is an OpenDocument spreadsheet (.ods): open it and save it as Excel Workbook (.xlsx)",
    "odt": "is an OpenDocument text (.odt): open it and save it as Word Document (.docx)",
    "xlsm": "is a macro-enabled workbook (.xlsm): save it as Excel Workbook (.xlsx), without macros",
    "docm": "is a macro-enabled Word document (.docm): save it as Word Document (.docx), without macros",
    "pdf": "is a PDF: send the workbook or document it was made from",
    "zip": "is a zip archive, not a workbook or a Word document",
    "xlsx": "is an Excel workbook",
    "docx": "is a Word document",
    "text": "is text (such as a CSV), not a workbook or a Word document",
}
_SAVE = {"xlsx": "Excel Workbook (.xlsx)", "docx": "Word Document (.docx)", "csv": "CSV (Comma delimited) (.csv)"}


def save_as(kind: str, wanted: str = "xlsx") -> str | None:
    """What to tell a person whose file is `kind` (from `sniff`) where `wanted` (`xlsx`,
    `docx`, or `csv`) was expected; None when it is what was wanted.

    >>> save_as("ods")
    'is an OpenDocument spreadsheet (.ods): open it and save it as Excel Workbook (.xlsx)'
    >>> save_as("text", "xlsx")
    'is text (such as a CSV), not a workbook or a Word document: save it as Excel Workbook (.xlsx) and send it again'
    """
    if kind == wanted or (kind == "text" and wanted == "csv"):
        return None
    if {kind, wanted} == {"xlsx", "docx"}:
        article = "an" if wanted == "xlsx" else "a"
        return f"{_WHAT[kind]}, not {article} {_SAVE[wanted]}: send the {_SAVE[wanted]} asked for"
    what = _WHAT.get(kind, f"is not a {wanted} file")
    if kind in ("encrypted", "xls", "doc", "ods", "odt", "xlsm", "docm") and wanted in ("xlsx", "docx"):
        if kind in ("xls", "ods", "xlsm") and wanted == "docx" or kind in ("doc", "odt", "docm") and wanted == "xlsx":
            return f"{what.split(':')[0]}, not a {_SAVE[wanted]}: send the {_SAVE[wanted]} asked for"
        return what
    return f"{what}: save it as {_SAVE.get(wanted, wanted)} and send it again"


# ------------------------------------------------------------------ a zip, before unpacking


def _directory_size(raw: bytes) -> int | None:
    """The size of the zip's central directory, from its end record (None: no end record,
    or a zip64 one, which the file-size bound covers)."""
    tail_at = max(0, len(raw) - 65_557)
    at = raw.rfind(_EMPTY_ZIP, tail_at)
    if at < 0 or at + 22 > len(raw):
        return None
    size = struct.unpack("<L", raw[at + 12:at + 16])[0]
    return None if size == 0xFFFFFFFF else size


def open_zip(raw: bytes, shown: str, *, kind: str = "workbook", max_member: int = MAX_MEMBER_BYTES,
             streamed=lambda name: False) -> zipfile.ZipFile:
    """The zip, its every bound checked from the central directory before anything is
    unpacked: its listing's size, the number of members, each member's unpacked size
    (`max_member` for an XML part parsed whole, MAX_MEMBER_BYTES for one `streamed`), the total, each compression ratio, no encryption.
    (Python's zipfile never unpacks past a member's listed size: a member that lies
    about it fails its CRC.)"""
    if raw[:8] == OLE2:
        raise refuse(shown, save_as(sniff(raw, shown), "docx" if kind == "Word document" else "xlsx") or "")
    directory = _directory_size(raw)
    if directory is not None and directory > MAX_DIRECTORY_BYTES:
        raise refuse(shown, f"its zip listing is {directory:,} bytes (limit {MAX_DIRECTORY_BYTES:,}, "
                     f"MAX_DIRECTORY_BYTES): not a {kind} cap reads", bound="MAX_DIRECTORY_BYTES")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        app = "Word" if kind == "Word document" else "Excel"
        raise refuse(shown, f"not a {kind} {app} or cap can read (a damaged zip: {exc})") from None
    infos = zf.infolist()
    total = 0
    if len(infos) > MAX_MEMBERS:
        raise refuse(shown, f"holds {len(infos):,} parts (limit {MAX_MEMBERS:,}, MAX_MEMBERS): not a {kind} cap reads",
                     bound="MAX_MEMBERS")
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse(shown, f"is password-protected (encrypted zip part {info.filename!r}): remove the "
                         "password and send it again")
        xml = info.filename.endswith((".xml", ".rels", ".vml")) or "." not in info.filename.rsplit("/", 1)[-1]
        limit = (MAX_MEMBER_BYTES if streamed(info.filename) else max_member) if xml else MAX_MEMBER_BYTES
        if info.file_size > limit:
            bound = {MAX_MEMBER_BYTES: "MAX_MEMBER_BYTES", MAX_WHOLE_PART_BYTES: "MAX_WHOLE_PART_BYTES"}.get(
                limit, "MAX_WORD_PART_BYTES")
            raise refuse(shown, f"part {info.filename!r} is {info.file_size:,} bytes unpacked (limit {limit:,}, "
                         f"{bound}): too large to be read", bound=bound)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise refuse(shown, f"part {info.filename!r} is compressed {ratio:,} "
                         f"to 1 (limit {MAX_RATIO} to 1, MAX_RATIO): refused as a zip bomb", bound="MAX_RATIO")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise refuse(shown, f"unpacks to {total:,} bytes (limit {MAX_TOTAL_BYTES:,}, MAX_TOTAL_BYTES): too large "
                     "to be read", bound="MAX_TOTAL_BYTES")
    return zf


# ------------------------------------------------------------------ one XML member, streamed


class _Stop(Exception):
    pass


def scan_xml(zf: zipfile.ZipFile, name: str, shown: str, *, start: Callable | None = None,
             end: Callable | None = None, text: Callable | None = None) -> None:
    """Stream the member `name` through expat (64 kB at a time, no tree): a DOCTYPE (so any
    entity) is refused, as is XML that is not well formed. `start(name, attrs)`,
    `end(name)`, `text(data)` receive the events, names as `{namespace}local`; they may
    raise IntakeError."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")

    def doctype(*_args):
        raise refuse(shown, f"part {name!r} declares a DOCTYPE (entities): refused, no workbook or document needs one")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = doctype
    if start is not None:
        parser.StartElementHandler = lambda tag, attrs: start("{" + tag if "}" in tag else tag, attrs)
    if end is not None:
        parser.EndElementHandler = lambda tag: end("{" + tag if "}" in tag else tag)
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        with zf.open(name) as fh:
            while True:
                chunk = fh.read(65_536)
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
    except IntakeError:
        raise  # a bound passed, found by a handler
    except xml.parsers.expat.ExpatError as exc:
        raise refuse(shown, f"part {name!r} is not well-formed XML ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise refuse(shown, f"part {name!r} cannot be unpacked ({exc}): a damaged file") from None


def check_all_xml(zf: zipfile.ZipFile, shown: str, skip: set[str] = frozenset()) -> None:
    """Every XML part streamed once through expat: none may declare a DOCTYPE."""
    for info in zf.infolist():
        if info.filename in skip or not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        scan_xml(zf, info.filename, shown)
