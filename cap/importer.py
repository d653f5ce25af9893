"""Bringing an existing plan in: a Word table copied as text, or a CSV saved by Excel.

A plan is a table with the columns boards use - Ref, SCR Ref, Action, Lead agency,
Target date, Progress - and a theme for each row: a Theme column, or theme heading
lines between the tables (a row with only its first cell filled). Optional columns:
Status (used instead of the "Complete." rule), Progress date (used instead of the
date given for the narratives), and what `cap report --format csv` adds so that an
action comes back whole (cap/reports/csv.py): Signed off, Withdrawn reason, Target
history, Progress authors. Any other column (BRAG, ...) is ignored and named.

    >>> outcome, problems = import_plan(data_dir, Path("plan.csv"),       # doctest: +SKIP
    ...                                 progress_date=dt.date(2017, 1, 31), today=dt.date(2017, 7, 1))
    >>> [a.ref for a in outcome.created]                                   # doctest: +SKIP
    ['1.1', '1.2', ...]

All or nothing: every row is read, mapped and validated first, then the files it would
write go through `cap validate`'s checks (cap/checks.py, as of `today`); any problem
(each a `Problem` naming the file and its line, or row for a CSV) means nothing is written.
Existing actions are never overwritten; with `update`, a narrative their log does not
hold yet is appended as a new dated progress entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from cap.dates import DateError, parse_date, parse_target
from cap.models import STATUSES, Action, ProgressEntry, Scr, ScrsFile, SignOff, TargetRevision, Theme, ThemesFile
from cap.problems import Problem

#: A plan file larger than this is not a plan (a 22-action plan is about 10 kB).
MAX_IMPORT_BYTES = 10_000_000
FORMATS = ("auto", "csv", "text")

# The columns, by key: (the name shown, the header names accepted, normalised).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "theme": ("Theme", ("theme",)),
    "ref": ("Ref", ("ref", "reference", "ref no")),
    "scr": ("SCR Ref", ("scr ref", "scr refs", "scr", "scrs")),
    "action": ("Action", ("action", "actions")),
    "lead": ("Lead agency", ("lead agency", "lead agencies", "lead")),
    "target": ("Target date", ("target date", "target")),
    "status": ("Status", ("status",)),
    "progress_date": ("Progress date", ("progress date",)),
    "progress": ("Progress", ("progress", "progress update")),
    "signed_off": ("Signed off", ("signed off", "sign off", "sign-off")),
    "withdrawn_reason": ("Withdrawn reason", ("withdrawn reason", "reason withdrawn", "withdrawal reason")),
    "target_history": ("Target history", ("target history", "target date history")),
    "authors": ("Progress authors", ("progress authors", "progress author")),
}
REQUIRED = ("ref", "scr", "action", "lead", "target", "progress")
#: Cells a run-on row may add to (the prototype joins every non-empty cell).
_JOINED = ("scr", "action", "lead", "target", "status", "progress_date", "progress", "withdrawn_reason")

_REF = re.compile(r"^[1-9][0-9]*\.[1-9][0-9]*$")
_REF_LIKE = re.compile(r"^\d+(\.\d+)+$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_AND_ALL = re.compile(r"\(\s*and\s+all\s*\)", re.IGNORECASE)
_CASE_PREFIX = re.compile(r"^case\s+", re.IGNORECASE)
_COMPLETE = re.compile(r"^complete(?:d)?\s*(?:[.:!]|$)", re.IGNORECASE)
_LOG_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}): (.*\S.*)$")
_AUTHOR_LINE = re.compile(r"^(\d+): (.*)$")
_REVISION_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}): (\S+) -> (\S+): (.*)$")
_SIGNED_OFF = re.compile(r"^(\S+) by (.*\S.*)$", re.DOTALL)
#: A line that starts with this continues the value on the line before (cap/reports/csv.py).
_CONTINUATION = "  "
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_STATUS_WORDS = {"completed": "complete", "done": "complete", "not-started": "open"}


# ------------------------------------------------------------------ outcome


@dataclass
class Update:
    """An existing action and the progress entries an import adds to it."""

    action: Action
    added: list[ProgressEntry]


@dataclass
class ImportOutcome:
    """What an import creates and changes (or would, in a dry run)."""

    source: str
    kind: str = "csv"
    created: list[Action] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (ref, why)
    new_scrs: list[Scr] = field(default_factory=list)
    new_themes: list[Theme] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    writes: list[tuple[Path, str]] = field(default_factory=list)


# ------------------------------------------------------------------ reading the file


@dataclass
class SourceRow:
    """One row of the file: `number` is the spreadsheet row (CSV) or the line (text)."""

    number: int
    line: int
    cells: list[str]
    tabbed: bool = True


class _Located:
    """Problems about one file, located by line (text) or row (CSV)."""

    def __init__(self, shown: str, kind: str = "text"):
        self.shown, self.kind, self.problems = shown, kind, []

    def where(self, row: SourceRow | None) -> str:
        if row is None or self.kind == "text":
            return ""
        return f"row {row.number}: "

    def add(self, row: SourceRow | None, code: str, message: str, *, line: int | None = None) -> None:
        at = line if line is not None else (row.line if row else 1)
        self.problems.append(Problem(self.shown, at, 1, "error", code, self.where(row) + message))


def decode(raw: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    """The text of a plan file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""

    def refuse(code: str, message: str, line: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(shown, line, 1, "error", code, message)]

    if len(raw) > MAX_IMPORT_BYTES:
        return refuse("CAP801", f"file is {len(raw):,} bytes; a plan is far smaller (limit {MAX_IMPORT_BYTES:,})")
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return refuse(
            "CAP801",
            "this is an Excel workbook or a Word document, not text: in Excel use File > Save As > "
            "CSV UTF-8; from Word copy the table and paste it into a plain text file",
        )
    if raw[:5] == b"%PDF-":
        return refuse("CAP801", "this is a PDF, not text: copy the table out of Word or Excel instead")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode Text"
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return refuse("CAP801", "not readable text (a broken UTF-16 file)")
    else:
        if b"\x00" in raw:
            return refuse("CAP801", "a binary file, not text (it holds NUL bytes)", raw.count(b"\n", 0, raw.index(b"\x00")) + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                line = raw.count(b"\n", 0, exc.start) + 1
                return refuse("CAP801", f"not text in UTF-8 or Windows-1252 (byte 0x{raw[exc.start]:02x})", line)
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return refuse("CAP801", f"a binary file, not text (control character 0x{ord(bad.group()):02x})", line)
    if not text.strip():
        return refuse("CAP802", "the file is empty")
    # Word writes manual line breaks and page breaks as these: they separate words.
    return text.replace("\x0b", " ").replace("\x0c", " "), []


def detect_kind(path_name: str, text: str, wanted: str = "auto") -> str:
    """`csv` or `text` (tab-separated, as copied out of a Word table)."""
    if wanted != "auto":
        return wanted
    suffix = Path(path_name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".txt", ".tsv", ".tab"):
        return "text"
    return "text" if "\t" in text else "csv"


def read_text_rows(text: str) -> list[SourceRow]:
    """Lines split on tabs: a Word table copied as text (no quoting: `"` is a character)."""
    rows = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        rows.append(SourceRow(number, number, line.split("\t"), tabbed="\t" in line))
    return rows


def read_csv_rows(text: str, loc: _Located) -> list[SourceRow]:
    """Records of a CSV as Excel saves it: quoted cells may hold line breaks."""
    first = next((line for line in _LINE_BREAK.split(text) if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[SourceRow] = []
    number = 0
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            loc.add(None, "CAP801", f"not a readable CSV: {exc}", line=max(reader.line_num, 1))
            return []
        number += 1
        rows.append(SourceRow(number, start, [_LINE_BREAK.sub("\n", c) for c in cells]))
    return rows


# ------------------------------------------------------------------ themes


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _header_name(text: str) -> str:
    return _norm(text.replace(".", " ").replace(":", " ").replace("_", " "))


def slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())) or "theme"


@dataclass
class _NewTheme:
    """A theme heading not in themes.yaml, to be added (with `add_themes`)."""

    title: str
    id: str
    first: SourceRow
    numbers: dict[int, SourceRow] = field(default_factory=dict)


class _ThemeBook:
    """Theme headings and Theme cells -> themes, by title (any case), id or alias."""

    def __init__(self, themes: list[Theme], add: bool):
        self.themes, self.add = themes, add
        self.new: dict[str, _NewTheme] = {}

    def find(self, text: str, row: SourceRow | None = None) -> Theme | _NewTheme | None:
        wanted = _norm(text)
        for theme in self.themes:
            if wanted in (_norm(theme.title), theme.id.lower(), *(a.lower() for a in theme.aliases)):
                return theme
        if wanted in self.new:
            return self.new[wanted]
        if self.add and row is not None:
            taken = {t.id for t in self.themes} | {n.id for n in self.new.values()}
            base = ident = slug(text)
            n = 2
            while ident in taken:
                ident, n = f"{base}-{n}", n + 1
            self.new[wanted] = _NewTheme(title=" ".join(text.split()), id=ident, first=row)
            return self.new[wanted]
        return None

    def titles(self) -> str:
        return "; ".join(t.title for t in self.themes) or "none (themes.yaml lists no themes)"


# ------------------------------------------------------------------ assembling rows


@dataclass
class _Record:
    """One action's row, with any run-on rows joined, and its theme."""

    row: SourceRow
    cells: dict[str, str]
    theme: Theme | _NewTheme | None
    joined: list[SourceRow] = field(default_factory=list)


def _is_header(cells: list[str]) -> bool:
    names = {_header_name(c) for c in cells if c}
    known = {n for _, (_, aliases) in COLUMNS.items() for n in aliases}
    return bool(names & set(COLUMNS["ref"][1])) and len(names & known) >= 3


def _columns(cells: list[str], row: SourceRow, loc: _Located) -> tuple[dict[str, int] | None, list[str]]:
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        name = _header_name(cell)
        key = next((k for k, (_, aliases) in COLUMNS.items() if name in aliases), None)
        if key is None:
            if cell:
                ignored.append(cell)
            continue
        if key in found:
            loc.add(row, "CAP803", f"two columns are {COLUMNS[key][0]!r} (cells {found[key] + 1} and {index + 1})")
            return None, ignored
        found[key] = index
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        loc.add(
            row,
            "CAP803",
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: the header row must name "
            f"Ref, SCR Ref, Action, Lead agency, Target date and Progress (Theme, Status and Progress date "
            f"are optional); found {', '.join(c for c in cells if c) or 'nothing'}",
        )
        return None, ignored
    return found, ignored


def assemble(rows: list[SourceRow], kind: str, book: _ThemeBook, loc: _Located, outcome: ImportOutcome) -> list[_Record]:
    """Headers, theme headings, rows and their run-on rows -> one record per action."""
    columns: dict[str, int] | None = None
    header: SourceRow | None = None
    width = 0
    theme: Theme | _NewTheme | None | bool = None  # False: an unknown heading (already reported)
    records: list[_Record] = []
    last: _Record | None = None
    for row in rows:
        cells = [c.strip() for c in row.cells]
        filled = [i for i, c in enumerate(cells) if c]
        if not filled:
            continue
        if kind == "text" and not row.tabbed:
            found = book.find(cells[0])  # a line without tabs never makes a new theme
            if found is not None:
                theme, last = found, None
            elif columns is not None:
                loc.add(row, "CAP807", f"not a table row (no tab-separated cells) and not a theme heading: "
                        f"{_clip(cells[0])!r}; delete it, or put it back into the row it belongs to")
            continue
        if _is_header(cells):
            columns, ignored = _columns(cells, row, loc)
            if columns is None:
                return []
            width, header = len(cells), row
            outcome.ignored_columns = list(dict.fromkeys([*outcome.ignored_columns, *ignored]))
            last = None
            continue
        if filled == [0] and not _REF_LIKE.match(cells[0]):
            found = book.find(cells[0], row if columns is not None or kind == "text" else None)
            if found is not None:
                theme, last = found, None
            elif columns is None and kind == "csv":
                continue  # a title row above the table
            else:
                loc.add(row, "CAP805", f"unknown theme heading {_clip(cells[0])!r}; the themes are: {book.titles()}"
                        + ("" if book.add else " (or give --add-themes to add it)"))
                theme, last = False, None
            continue
        if columns is None:
            loc.add(row, "CAP803", "no header row above this row: the table must start with a row naming "
                    "the columns Ref, SCR Ref, Action, Lead agency, Target date, Progress")
            return []
        extra = [i for i in filled if i >= width]
        if extra:
            loc.add(row, "CAP807", f"this row has {max(extra) + 1} cells; the header row has {width}")
            continue
        values = {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
        if not values["ref"]:
            if values["action"] and values["lead"] and values["target"]:
                loc.add(row, "CAP804", "Ref is empty (every action needs a ref like 4.10)")
            elif last is None:
                loc.add(row, "CAP807", "this row has no Ref and follows no action row it could continue")
            else:
                for key in _JOINED:
                    if values.get(key):
                        last.cells[key] = " ".join(p for p in (last.cells.get(key, ""), values[key]) if p)
                last.joined.append(row)
                where = f"row {row.number}" if kind == "csv" else f"line {row.line}"
                outcome.notes.append(f"{where} continues {last.cells['ref']} (text run on after a page break): joined")
            continue
        own = values.get("theme", "")
        row_theme: Theme | _NewTheme | None | bool = theme
        if own:
            row_theme = book.find(own, row)
            if row_theme is None:
                loc.add(row, "CAP805", f"unknown theme {_clip(own)!r}; the themes are: {book.titles()}"
                        + ("" if book.add else " (or give --add-themes to add it)"))
                row_theme = False
        elif row_theme is None:
            loc.add(row, "CAP805", "no theme for this row: add a Theme column, or a theme heading above the table")
            row_theme = False
        last = _Record(row, values, row_theme or None)
        if row_theme is not False:
            records.append(last)
    if columns is None and not loc.problems:
        loc.add(None, "CAP803", "no header row found: the table must start with a row naming the columns "
                "Ref, SCR Ref, Action, Lead agency, Target date, Progress")
    elif not records and not loc.problems:
        loc.add(header, "CAP802", "no actions found: the table has a header row but no rows")
    return records


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# ------------------------------------------------------------------ mapping cells


def parse_scrs(text: str) -> tuple[list[str], bool]:
    """`All`, `M (and All)`, `K,O,P,Q,R`, `Case Q` -> (case ids, applies to all reviews)."""
    all_scrs = bool(_AND_ALL.search(text))
    ids: list[str] = []
    for token in _AND_ALL.sub("", text).split(","):
        token = _CASE_PREFIX.sub("", token.strip())
        if not token:
            continue
        if token.lower() == "all":
            all_scrs = True
        elif _ID.match(token):
            if token not in ids:
                ids.append(token)
        else:
            raise ValueError(f"SCR Ref {text!r}: {token!r} is not a case letter; separate cases with commas")
    return ids, all_scrs


def parse_lead(text: str) -> list[str]:
    """`Health/NSCB` (or `Health, NSCB`) -> ['Health', 'NSCB']."""
    return [part.strip() for part in re.split(r"[/,]", text) if part.strip()]


def parse_status(text: str) -> str:
    word = "-".join(text.lower().replace("_", " ").split())
    word = _STATUS_WORDS.get(word, word)
    if word not in STATUSES:
        raise ValueError(f"Status {text!r} is not one of {', '.join(STATUSES)}")
    return word


def _lines(text: str, head: re.Pattern, what: str, *, strict: bool) -> list[tuple[re.Match, str]] | None:
    """Split a cell into values, each starting with a line `head` matches; a line that starts
    with two spaces continues the value before it (the spaces dropped). Returns each value's
    match and its whole text from the first line's last group on (None if the first line
    does not match). Another line continues the value as written unless `strict`."""
    values: list[tuple[re.Match, list[str]]] = []
    for line in text.split("\n"):
        if line.startswith(_CONTINUATION) and values:
            values[-1][1].append(line[len(_CONTINUATION):])
            continue
        m = head.match(line)
        if m:
            values.append((m, [m.group(m.lastindex)]))
        elif not values:
            return None
        elif strict:
            raise ValueError(f"{what}: line {_clip(line)!r} is not in the form cap report writes "
                             "(a value on several lines continues on lines indented by two spaces)")
        else:
            values[-1][1].append(line)
    return [(m, "\n".join(parts)) for m, parts in values]


def parse_authors(text: str) -> dict[int, str]:
    """`1: MEO` lines (as `cap report --format csv` writes them) -> {entry number: author}."""
    if not text:
        return {}
    values = _lines(text, _AUTHOR_LINE, "Progress authors", strict=True)
    if values is None:
        raise ValueError(f"Progress authors: {_clip(text)!r} is not `N: name` lines (N: the entry's place in Progress)")
    authors: dict[int, str] = {}
    for m, name in values:
        number = int(m.group(1))
        if number in authors:
            raise ValueError(f"Progress authors: entry {number} is given two authors")
        if not name.strip():
            raise ValueError(f"Progress authors: entry {number} has an empty name")
        authors[number] = name.strip()
    return authors


def parse_progress(
    text: str, date: dt.date, date_given: bool, authors: dict[int, str] | None = None
) -> list[ProgressEntry]:
    """A narrative -> one entry dated `date`; a whole log (`YYYY-MM-DD: text` an entry) -> its entries.

    A log is what `cap report --format csv --full` writes: each entry starts a line with
    its ISO date; a line starting with two spaces continues the entry before it (so does
    any other line not starting with a date, as older files wrote them). A cell is read as
    a log only when its first line starts with a date and either its last entry is dated
    the row's Progress date, or (with no Progress date) it holds two entries or more; so a
    narrative that merely starts with a date keeps its words and the paper's date.
    `authors` (from Progress authors) names entries by their place in the cell, from 1.
    """
    if not text:
        if authors:
            raise ValueError("Progress authors: there is no progress to give authors to")
        return []
    found: list[tuple[str, str]] = [("", text)]
    logged = _lines(text, _LOG_LINE, "Progress", strict=False)
    if logged is not None:
        last = logged[-1][0].group(1)
        if (date_given and last == date.isoformat()) or (not date_given and len(logged) > 1):
            found = [(m.group(1), words.strip()) for m, words in logged]
    authors = authors or {}
    beyond = [n for n in authors if not 1 <= n <= len(found)]
    if beyond:
        held = f"{len(found)} entr{'y' if len(found) == 1 else 'ies'}"
        raise ValueError(f"Progress authors: there is no entry {beyond[0]} (Progress holds {held})")
    entries = []
    for number, (day, words) in enumerate(found, start=1):
        try:
            when = dt.date.fromisoformat(day) if day else date
        except ValueError:
            raise ValueError(f"Progress: {day!r} is not a real date") from None
        entries.append(ProgressEntry(date=when, text=words, author=authors.get(number)))
    return sorted(entries, key=lambda e: e.date)


def parse_signed_off(text: str) -> SignOff | None:
    """`2017-07-20 by SCR Review Group` (a UK date too) -> a SignOff; blank -> None."""
    if not text:
        return None
    m = _SIGNED_OFF.match(text)
    if m is None:
        raise ValueError(f"Signed off: {_clip(text)!r} is not `YYYY-MM-DD by WHO`")
    try:
        day = parse_date(m.group(1))
    except DateError as exc:
        raise ValueError(f"Signed off: {exc}") from None
    return SignOff(date=day, by=m.group(2).replace("\n" + _CONTINUATION, "\n").strip())


def parse_target_history(text: str) -> list[TargetRevision]:
    """`YYYY-MM-DD: FROM -> TO: reason` lines -> the target revisions, as written."""
    if not text:
        return []
    values = _lines(text, _REVISION_LINE, "Target history", strict=True)
    if values is None:
        raise ValueError(f"Target history: {_clip(text)!r} is not `YYYY-MM-DD: FROM -> TO: reason` lines")
    revisions = []
    for m, reason in values:
        try:
            day = dt.date.fromisoformat(m.group(1))
            moved = parse_target(m.group(2)), parse_target(m.group(3))
        except (ValueError, DateError) as exc:
            raise ValueError(f"Target history: {m.group(0)[:40]!r}: {exc}") from None
        if not reason.strip():
            raise ValueError(f"Target history: the revision of {m.group(1)} gives no reason")
        revisions.append(TargetRevision(date=day, from_=moved[0], to=moved[1], reason=reason.strip()))
    return revisions


def _theme_number(ref: str) -> int:
    return int(ref.split(".")[0])


def map_record(rec: _Record, progress_date: dt.date, loc: _Located) -> Action | None:
    """One record -> an Action, or its problems (each naming the column)."""
    cells, row = rec.cells, rec.row
    ok = True

    def bad(message: str, code: str = "CAP804") -> None:
        nonlocal ok
        ok = False
        loc.add(row, code, message)

    ref = cells["ref"]
    if not _REF.match(ref):
        bad(f"Ref {ref!r} is not a ref like 4.10 (theme number, a dot, action number)")
    elif isinstance(rec.theme, Theme) and _theme_number(ref) != rec.theme.number:
        bad(f"Ref {ref} is under theme {rec.theme.number} ({rec.theme.title}): its refs start with {rec.theme.number}.")
    elif isinstance(rec.theme, _NewTheme):
        rec.theme.numbers.setdefault(_theme_number(ref), row)
    try:
        scrs, all_scrs = parse_scrs(cells["scr"])
    except ValueError as exc:
        bad(str(exc))
        scrs, all_scrs = [], False
    if not cells["action"]:
        bad("Action is empty")
    lead = parse_lead(cells["lead"])
    if not lead:
        bad("Lead agency is empty")
    target: dt.date | str = "ongoing"
    if not cells["target"]:
        bad("Target date is empty (write a date such as 01/06/17, or Ongoing)")
    else:
        try:
            target = parse_target(cells["target"])
        except DateError as exc:
            bad(f"Target date: {exc}")
    date, date_given = progress_date, False
    if cells.get("progress_date"):
        try:
            date, date_given = parse_date(cells["progress_date"]), True
        except DateError as exc:
            bad(f"Progress date: {exc}")
    progress: list[ProgressEntry] = []
    try:
        progress = parse_progress(cells["progress"], date, date_given, parse_authors(cells.get("authors", "")))
    except ValueError as exc:
        bad(str(exc))
    signed_off, history = None, []
    try:
        signed_off = parse_signed_off(cells.get("signed_off", ""))
    except ValueError as exc:
        bad(str(exc))
    try:
        history = parse_target_history(cells.get("target_history", ""))
    except ValueError as exc:
        bad(str(exc))
    if cells.get("status"):
        try:
            status = parse_status(cells["status"])
        except ValueError as exc:
            bad(str(exc))
            status = "open"
    elif not progress:
        status = "open"
    else:
        status = "complete" if _COMPLETE.match(progress[-1].text) else "in-progress"
    if not ok:
        return None
    try:
        return Action(
            ref=ref, theme=rec.theme.id, scrs=scrs, all_scrs=all_scrs, action=cells["action"], lead=lead,
            target_date=target, status=status, withdrawn_reason=cells.get("withdrawn_reason") or None,
            signed_off=signed_off, target_history=history, progress=progress,
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            bad(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
        return None


# ------------------------------------------------------------------ the import


def import_plan(
    data_dir: Path,
    source: Path,
    *,
    progress_date: dt.date,
    today: dt.date,
    update: bool = False,
    add_themes: bool = False,
    kind: str = "auto",
    dry_run: bool = False,
    raw: bytes | None = None,
    shown: str | None = None,
) -> tuple[ImportOutcome, list[Problem]]:
    """Import a plan file into `data_dir`: all or nothing, under the data folder's lock.

    Returns what was (or, with `dry_run`, would be) created and updated, and the
    problems; when there is any problem nothing is written. Nothing may be dated after
    `today` (as `cap validate --as-of today` would check).
    """
    from cap.store import plan_lock

    shown = shown or str(source)
    if raw is None:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            return ImportOutcome(shown), [Problem(shown, 1, 1, "error", "CAP801", f"cannot read file: {exc.strerror or exc}")]
    with plan_lock(data_dir):
        outcome, problems = prepare_import(
            data_dir, raw, shown, progress_date=progress_date, today=today, update=update, add_themes=add_themes,
            kind=kind,
        )
        if not problems and not dry_run:
            apply_import(data_dir, outcome)
    return outcome, problems


def prepare_import(
    data_dir: Path,
    raw: bytes,
    shown: str,
    *,
    progress_date: dt.date,
    today: dt.date,
    update: bool = False,
    add_themes: bool = False,
    kind: str = "auto",
) -> tuple[ImportOutcome, list[Problem]]:
    """Read, map and validate everything; compute every file to write. Writes nothing.

    The files it would write are put through `cap validate`'s checks (as of `today`)
    first: an error there is reported at the row it came from, and nothing is written.
    """
    from cap.loader import action_path, load_action_file, load_reference
    from cap.problems import errors
    from cap.query import natural_key

    outcome = ImportOutcome(shown)
    themes, scrs, ref_problems = load_reference(data_dir)
    if errors(ref_problems):
        return outcome, ref_problems
    text, problems = decode(raw, shown)
    if text is None:
        return outcome, problems
    outcome.kind = detect_kind(shown, text, kind)
    loc = _Located(shown, outcome.kind)
    rows = read_text_rows(text) if outcome.kind == "text" else read_csv_rows(text, loc)
    book = _ThemeBook(themes, add_themes)
    records = assemble(rows, outcome.kind, book, loc, outcome)
    if loc.problems and not records:
        return outcome, loc.problems

    actions: list[tuple[_Record, Action]] = []
    seen: dict[str, SourceRow] = {}
    for rec in records:
        action = map_record(rec, progress_date, loc)
        ref = rec.cells["ref"]
        if ref in seen:
            first = seen[ref]
            where = f"row {first.number}" if outcome.kind == "csv" else f"line {first.line}"
            hint = " (did Excel turn 4.10 into 4.1? format the Ref column as text)" if outcome.kind == "csv" else ""
            loc.add(rec.row, "CAP806", f"ref {ref} appears twice: also at {where}{hint}")
            continue
        seen[ref] = rec.row
        if action is not None:
            actions.append((rec, action))
    outcome.new_themes = _settle_new_themes(book, themes, loc)
    if loc.problems:
        return outcome, loc.problems

    known = {s.id for s in scrs}
    for _rec, action in actions:
        for scr in action.scrs:
            if scr not in known:
                known.add(scr)
                outcome.new_scrs.append(Scr(id=scr, title=f"Case {scr}"))
    outcome.new_scrs.sort(key=lambda s: natural_key(s.id))

    for rec, action in actions:
        path = action_path(data_dir, action.ref)
        if not path.exists():
            outcome.created.append(action)
            continue
        if not update:
            outcome.unchanged.append((action.ref, "exists, left as it is (--update adds new progress)"))
            continue
        existing, found = load_action_file(path, data_dir)
        if existing is None:
            problems.extend(found)
            loc.add(rec.row, "CAP804", f"cannot update {action.ref}: {path.name} has problems (listed above)")
            continue
        added = _new_entries(existing, action, rec, loc)
        if added:
            existing.progress.extend(added)
            outcome.updated.append(Update(existing, added))
        elif action.progress:
            outcome.unchanged.append((action.ref, "exists, its log already holds this progress"))
        else:
            outcome.unchanged.append((action.ref, "exists, and the file gives no progress for it"))
        for name in _differences(existing, action, rec.cells):
            outcome.notes.append(f"{action.ref}: {name} differs from the file; not changed")
    if problems or loc.problems:
        return outcome, problems + loc.problems
    outcome.writes = _writes(data_dir, outcome, themes, scrs)
    rows = {rec.cells["ref"]: rec.row for rec, _action in actions}
    problems = _would_be_problems(data_dir, outcome, themes, scrs, today, rows, loc)
    if problems:
        outcome.writes = []
        return outcome, problems
    return outcome, []


#: Where to put right an error `cap validate` would report in an imported action, by code.
_HINTS = {
    "CAP211": "the Signed off cell: YYYY-MM-DD by WHO",
    "CAP212": "the Withdrawn reason cell",
}


def _would_be_problems(
    data_dir: Path, outcome: ImportOutcome, themes: list[Theme], scrs: list[Scr], today: dt.date,
    rows: dict[str, SourceRow], loc: _Located,
) -> list[Problem]:
    """Run `cap validate`'s checks on the files the import would write (the reference
    data as it would be, and each action created or updated); each error in an action is
    reported at its row. Warnings are left to `cap validate`."""
    from cap.checks import CHECKS, Context
    from cap.loader import SCRS_FILE, THEMES_FILE, SourceFile, Sources, action_path, display_path
    from cap.models import Plan
    from cap.yamlio import parse

    texts = dict(outcome.writes)

    def source(path: Path, record) -> SourceFile:
        from cap.store import canonical_text

        text = texts.get(path) or canonical_text(record)
        return SourceFile(path, display_path(path, data_dir), text.encode("utf-8"), parse(text), record)

    themes_file = ThemesFile(themes=themes + sorted(outcome.new_themes, key=lambda t: t.number))
    scrs_file = ScrsFile(scrs=scrs + outcome.new_scrs)
    written = [*outcome.created, *(u.action for u in outcome.updated)]
    sources = Sources(
        themes=source(data_dir / THEMES_FILE, themes_file),
        scrs=source(data_dir / SCRS_FILE, scrs_file),
        actions=[source(action_path(data_dir, a.ref), a) for a in written],
    )
    plan = Plan(themes=themes_file.themes, scrs=scrs_file.scrs, actions=list(written))
    context = Context(data_dir, today, plan, sources)
    refs = {s.shown: s.record.ref for s in sources.actions}
    start = len(loc.problems)
    others: list[Problem] = []
    for check in CHECKS:
        for problem in check(context):
            if not problem.is_error:
                continue
            ref = refs.get(problem.path)
            if ref is None:
                others.append(problem)
                continue
            hint = _HINTS.get(problem.code)
            loc.add(rows.get(ref), problem.code, f"{ref}: {problem.message}" + (f" ({hint})" if hint else ""))
    return others + loc.problems[start:]


def _settle_new_themes(book: _ThemeBook, themes: list[Theme], loc: _Located) -> list[Theme]:
    """Number each added theme from its refs' first number (which must agree and be free)."""
    taken = {t.number: t for t in themes}
    made: list[Theme] = []
    for new in book.new.values():
        if len(new.numbers) != 1:
            numbers = ", ".join(str(n) for n in sorted(new.numbers)) or "none"
            loc.add(new.first, "CAP805", f"new theme {new.title!r}: its refs must all start with the same "
                    f"number (found {numbers})")
            continue
        number, row = next(iter(new.numbers.items()))
        if number in taken or number in (t.number for t in made):
            loc.add(row, "CAP805", f"new theme {new.title!r}: number {number} is already taken")
            continue
        made.append(Theme(id=new.id, number=number, title=new.title))
    return made


def _new_entries(existing: Action, imported: Action, rec: _Record, loc: _Located) -> list[ProgressEntry]:
    """Imported entries whose text the log does not hold yet; none may predate its latest."""
    held = {e.text for e in existing.progress}
    added = [e for e in imported.progress if e.text not in held]
    latest = existing.latest_progress
    for entry in added:
        if latest is not None and entry.date < latest.date:
            loc.add(rec.row, "CAP808", f"the new progress of {existing.ref} would be dated {entry.date.isoformat()}, "
                    f"before its latest entry ({latest.date.isoformat()}); give a later --progress-date")
            return []
    return added


def _differences(existing: Action, imported: Action, columns: Iterable[str] = ()) -> list[str]:
    """What differs, of the fields the file gives (the optional columns only when present)."""
    names = {"theme": "theme", "action": "action text", "lead": "lead agency", "target_date": "target date",
             "status": "status", "scrs": "SCR Ref", "all_scrs": "SCR Ref (All)"}
    optional = {"signed_off": "sign-off", "withdrawn_reason": "withdrawn reason", "target_history": "target history"}
    names.update({key: label for key, label in optional.items() if key in columns})
    out = [label for key, label in names.items() if getattr(existing, key) != getattr(imported, key)]
    return list(dict.fromkeys(out))


def _writes(data_dir: Path, outcome: ImportOutcome, themes: list[Theme], scrs: list[Scr]) -> list[tuple[Path, str]]:
    """Every file to write, reference data first, each text checked to load back."""
    from cap.loader import SCRS_FILE, THEMES_FILE, action_path
    from cap.query import natural_key
    from cap.store import canonical_text, checked_text

    writes: list[tuple[Path, str]] = []
    if outcome.new_themes:
        merged = themes + sorted(outcome.new_themes, key=lambda t: t.number)
        writes.append((data_dir / THEMES_FILE, canonical_text(ThemesFile(themes=merged))))
    if outcome.new_scrs:
        ids = [s.id for s in scrs]
        merged_scrs = scrs + outcome.new_scrs
        if ids == sorted(ids, key=natural_key):  # a sorted list stays sorted
            merged_scrs.sort(key=lambda s: natural_key(s.id))
        writes.append((data_dir / SCRS_FILE, canonical_text(ScrsFile(scrs=merged_scrs))))
    for action in sorted(outcome.created, key=lambda a: natural_key(a.ref)):
        writes.append((action_path(data_dir, action.ref), checked_text(action)))
    for upd in outcome.updated:
        writes.append((action_path(data_dir, upd.action.ref), checked_text(upd.action)))
    return writes


def apply_import(data_dir: Path, outcome: ImportOutcome) -> None:
    """Write the prepared files (the caller holds the lock); each write is atomic."""
    from cap.loader import ACTIONS_DIR
    from cap.store import atomic_write

    (data_dir / ACTIONS_DIR).mkdir(parents=True, exist_ok=True)
    for path, text in outcome.writes:
        atomic_write(path, text)
        outcome.written.append(path)


def summary_lines(outcome: ImportOutcome, data_dir: Path, dry_run: bool) -> Iterable[str]:
    """What a person reads after an import (or a dry run)."""
    from cap.loader import action_path, display_path

    verb = "would create" if dry_run else "created"
    for action in outcome.created:
        yield f"{verb} {display_path(action_path(data_dir, action.ref), data_dir)}  ({action.theme}, {action.status})"
    verb = "would update" if dry_run else "updated"
    for upd in outcome.updated:
        dates = ", ".join(e.date.isoformat() for e in upd.added)
        yield f"{verb} {display_path(action_path(data_dir, upd.action.ref), data_dir)}  (new progress {dates})"
    for ref, why in outcome.unchanged:
        yield f"unchanged {ref}: {why}"
    if outcome.new_themes:
        verb = "would add" if dry_run else "added"
        yield f"{verb} themes to themes.yaml: " + ", ".join(f"{t.number} {t.id} ({t.title})" for t in outcome.new_themes)
    if outcome.new_scrs:
        verb = "would add" if dry_run else "added"
        yield f"{verb} SCRs to scrs.yaml: {', '.join(s.id for s in outcome.new_scrs)}"
    yield from outcome.notes
    if outcome.ignored_columns:
        yield f"ignored columns: {', '.join(outcome.ignored_columns)}"
    counts = f"{len(outcome.created)} created, {len(outcome.updated)} updated, {len(outcome.unchanged)} unchanged"
    yield f"dry run, nothing written: {counts}" if dry_run else f"imported {outcome.source}: {counts}"
