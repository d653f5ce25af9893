"""Rows -> records -> actions: themes, run-on rows, and each cell parsed (`parse_*`).

`assemble` walks the rows (header rows, theme headings, action rows and the rows a page
break ran on) into one `Record` per action; `map_record` turns a record into an `Action`
or problems naming the column. The `parse_*` helpers read one cell each, and read back
what `cap report --format csv` writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from cap.dates import DateError, format_uk, parse_date, parse_target
from cap.importer.columns import COLUMNS, JOINED, header_columns, is_header, norm
from cap.importer.outcome import ImportOutcome
from cap.importer.rows import Located, SourceRow
from cap.modelproblems import plain_error
from cap.models import RATINGS, STATUSES, Action, ProgressEntry, SignOff, TargetRevision, Theme
from cap.refs import REF_PATTERN

_REF_LIKE = re.compile(r"^\d+(\.\d+)+\Z")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_AND_ALL = re.compile(r"\(\s*and\s+all\s*\)", re.IGNORECASE)
_CASE_PREFIX = re.compile(r"^case\s+", re.IGNORECASE)
_COMPLETE = re.compile(r"^complete(?:d)?\s*(?:[.:!]|\Z)", re.IGNORECASE)
_LOG_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}): (.*\S.*)\Z")
_AUTHOR_LINE = re.compile(r"^(\d+): (.*)\Z")
_REVISION_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}): (\S+) -> (\S+): (.*)\Z")
_SIGNED_OFF = re.compile(r"^(\S+) by (.*\S.*)\Z", re.DOTALL)
#: A line that starts with this continues the value on the line before (cap/reports/csv.py).
_CONTINUATION = "  "

_STATUS_WORDS = {"completed": "complete", "done": "complete", "not-started": "open"}


# ------------------------------------------------------------------ themes


def slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())) or "theme"


@dataclass
class NewTheme:
    """A theme heading not in themes.yaml, to be added (with `add_themes`)."""

    title: str
    id: str
    first: SourceRow
    numbers: dict[int, SourceRow] = field(default_factory=dict)


class ThemeBook:
    """Theme headings and Theme cells -> themes, by title (any case), id or alias."""

    def __init__(self, themes: list[Theme], add: bool):
        self.themes, self.add = themes, add
        self.new: dict[str, NewTheme] = {}

    def find(self, text: str, row: SourceRow | None = None) -> Theme | NewTheme | None:
        wanted = norm(text)
        for theme in self.themes:
            if wanted in (norm(theme.title), theme.id.lower(), *(a.lower() for a in theme.aliases)):
                return theme
        if wanted in self.new:
            return self.new[wanted]
        if self.add and row is not None:
            taken = {t.id for t in self.themes} | {n.id for n in self.new.values()}
            base = ident = slug(text)
            n = 2
            while ident in taken:
                ident, n = f"{base}-{n}", n + 1
            self.new[wanted] = NewTheme(title=" ".join(text.split()), id=ident, first=row)
            return self.new[wanted]
        return None

    def titles(self) -> str:
        return "; ".join(t.title for t in self.themes) or "none (themes.yaml lists no themes)"


# ------------------------------------------------------------------ assembling rows


# ------------------------------------------------------------------ assembling rows


@dataclass
class Record:
    """One action's row, with any run-on rows joined, and its theme."""

    row: SourceRow
    cells: dict[str, str]
    theme: Theme | NewTheme | None
    joined: list[SourceRow] = field(default_factory=list)


def assemble(rows: list[SourceRow], kind: str, book: ThemeBook, loc: Located, outcome: ImportOutcome) -> list[Record]:
    """Headers, theme headings, rows and their run-on rows -> one record per action."""
    columns: dict[str, int] | None = None
    header: SourceRow | None = None
    width = 0
    theme: Theme | NewTheme | None | bool = None  # False: an unknown heading (already reported)
    records: list[Record] = []
    last: Record | None = None
    for row in rows:
        cells = [c.strip() for c in row.cells]
        filled = [i for i, c in enumerate(cells) if c]
        if not filled:
            continue
        if row.heading:  # a sheet's name, with --all-sheets: the theme of its rows
            theme, last = book.find(cells[0], row), None
            if theme is None:
                loc.add(row, "CAP805", f"unknown theme {clip(cells[0])!r} (the sheet's name); the themes are: "
                        f"{book.titles()} (or give --add-themes to add it)")
                theme = False
            continue
        if kind in ("text", "docx") and not row.tabbed:
            found = book.find(cells[0])  # a line without tabs never makes a new theme
            if found is not None:
                theme, last = found, None
            elif kind == "docx":
                outcome.notes.append(f"{loc.place(row)}: not a theme; not read")
            elif columns is not None:
                loc.add(row, "CAP807", f"not a table row (no tab-separated cells) and not a theme heading: "
                        f"{clip(cells[0])!r}; delete it, or put it back into the row it belongs to")
            continue
        if is_header(cells):
            columns, ignored = header_columns(cells, row, loc)
            if columns is None:
                return []
            width, header = len(cells), row
            if kind != "text":  # a problem in a cell names its column's letter
                from cap.importer.xlsx import column_letter

                loc.letters[row.sheet] = {COLUMNS[k][0]: column_letter(i) for k, i in columns.items()}
            outcome.ignored_columns = list(dict.fromkeys([*outcome.ignored_columns, *ignored]))
            last = None
            continue
        if filled == [0] and not _REF_LIKE.match(cells[0]):
            found = book.find(cells[0], row if columns is not None or kind == "text" else None)
            if found is not None:
                theme, last = found, None
            elif columns is None and kind != "text":
                continue  # a title row above the table
            else:
                loc.add(row, "CAP805", f"unknown theme heading {clip(cells[0])!r}; the themes are: {book.titles()}"
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
                for key in JOINED:
                    if values.get(key):
                        last.cells[key] = " ".join(p for p in (last.cells.get(key, ""), values[key]) if p)
                last.joined.append(row)
                where = loc.place(row)
                outcome.notes.append(f"{where} continues {last.cells['ref']} (text run on after a page break): joined")
            continue
        own = values.get("theme", "")
        row_theme: Theme | NewTheme | None | bool = theme
        if own:
            row_theme = book.find(own, row)
            if row_theme is None:
                loc.add(row, "CAP805", f"unknown theme {clip(own)!r}; the themes are: {book.titles()}"
                        + ("" if book.add else " (or give --add-themes to add it)"))
                row_theme = False
        elif row_theme is None:
            loc.add(row, "CAP805", "no theme for this row: add a Theme column, or a theme heading above the table")
            row_theme = False
        last = Record(row, values, row_theme or None)
        if row_theme is not False:
            records.append(last)
    if columns is None and not loc.problems:
        loc.add(None, "CAP803", "no header row found: the table must start with a row naming the columns "
                "Ref, SCR Ref, Action, Lead agency, Target date, Progress")
    elif not records and not loc.problems:
        loc.add(header, "CAP802", "no actions found: the table has a header row but no rows")
    return records


def clip(text: str, width: int = 60) -> str:
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
            raise ValueError(f"{what}: line {clip(line)!r} is not in the form cap report writes "
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
        raise ValueError(f"Progress authors: {clip(text)!r} is not `N: name` lines (N: the entry's place in Progress)")
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
        raise ValueError(f"Signed off: {clip(text)!r} is not `YYYY-MM-DD by WHO`")
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
        raise ValueError(f"Target history: {clip(text)!r} is not `YYYY-MM-DD: FROM -> TO: reason` lines")
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


def life_dates(status: str, date: dt.date, progress: list[ProgressEntry], signed_off: SignOff | None) -> dict:
    """The dates of an imported action's life, as the plan implies them: open by its
    progress date (or its first entry, if earlier); a complete action complete by its
    latest entry, a closed one by the latest entry before its sign-off (else the sign-off)."""
    opened = min([date, *(e.date for e in progress[:1])])
    out: dict = {"opened": opened}
    if status == "complete":
        out["completed"] = max([opened, *(e.date for e in progress[-1:])])
    elif status == "closed":
        bound = signed_off.date if signed_off else None
        before = [e.date for e in progress if bound is None or e.date < bound]
        out["completed"] = max(before, default=bound or opened)
        if out["completed"] < opened:
            out["opened"] = out["completed"]
    return out


def _column(loc: Located, row: SourceRow, name: str) -> int | None:
    from openpyxl.utils import column_index_from_string

    letter = (row.letters or loc.letters.get(row.sheet, {})).get(name)
    return column_index_from_string(letter) - 1 if letter else None


def board_target(text: str, reference: dt.date, fixes, error: Exception, bad):
    """A target date cap's own form does not take, read as boards write it (`Q2 2017/18`,
    `TBC`: cap.importer.boarddates); None, with the problem said, when it is no date at all."""
    from cap.importer.boarddates import BoardDateError, read_board_date

    from cap.importer.words import NO_DATE_WORDS

    written = " ".join(text.split())
    try:
        reading = read_board_date(text, reference, fixes)
    except BoardDateError:
        reading = None
    if reading is not None and (reading.value != "ongoing" or written.lower().rstrip(".") in NO_DATE_WORDS):
        return reading
    bad(f"Target date: {error}; correct the cell (a date, Ongoing, TBC), or give --fix-date \"{written}=DD/MM/YYYY\" "
        "to say what was meant")
    return None


def map_record(rec: Record, progress_date: dt.date, loc: Located, fixes: dict | None = None,
               readings: list[str] | None = None) -> Action | None:
    """One record -> an Action, or its problems (each naming the column). A target date not
    in cap's own form is read as boards write them (`fixes`: --fix-date), how in `readings`."""
    cells, row = rec.cells, rec.row
    ok = True

    def bad(message: str, code: str = "CAP804") -> None:
        nonlocal ok
        ok = False
        loc.add(row, code, message)

    ref = cells["ref"]
    if not REF_PATTERN.match(ref):
        bad(f"Ref {ref!r} is not a ref like 4.10 (theme number, a dot, action number)")
    elif isinstance(rec.theme, Theme) and _theme_number(ref) != rec.theme.number:
        bad(f"Ref {ref} is under theme {rec.theme.number} ({rec.theme.title}): its refs start with {rec.theme.number}.")
    elif isinstance(rec.theme, NewTheme):
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
    kept_target = None
    if not cells["target"]:
        bad("Target date is empty (write a date such as 01/06/17, or Ongoing)")
    else:
        try:
            target = parse_target(cells["target"])
        except DateError as exc:
            reading = board_target(cells["target"], progress_date, fixes, exc, bad)
            if reading is not None:
                target = reading.value
                kept_target = cells["target"] if reading.kept else None
                if readings is not None:
                    shown = target if isinstance(target, str) else format_uk(target, full_year=True)
                    readings.append(f"{loc.place(rec.row, _column(loc, rec.row, 'Target date'))}: Target date "
                                    f"{' '.join(cells['target'].split())!r} -> {shown} ({reading.how})")
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
    if kept_target:  # the words of a target that is no plain date: kept, as a tracker's are
        note = f"Target date in the source: {kept_target}"
        if progress and progress[0].date == date:
            progress[0] = progress[0].model_copy(update={"text": f"{progress[0].text}\n{note}"})
        else:
            progress.insert(0, ProgressEntry(date=date, text=note))
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
    rating = None
    if cells.get("rating"):
        rating = next((r for r in RATINGS if r.lower() == cells["rating"].strip().lower()), None)
        if rating is None:
            bad(f"Board rating {cells['rating']!r} is not one of {', '.join(RATINGS)}")
    dates = life_dates(status, date, progress, signed_off)
    for key, name in (("opened", "opened"), ("completed", "completed"), ("withdrawn_on", "withdrawn")):
        if key in cells:  # the column is there: what it says (blank: not recorded)
            dates.pop(name, None)
            if cells[key]:
                try:
                    dates[name] = parse_date(cells[key])
                except DateError as exc:
                    bad(f"{COLUMNS[key][0]}: {exc}")
    review = cells.get("impact_review", "")
    if review.lower().startswith("none:"):
        dates["no_impact_review"] = review[5:].replace("\n  ", "\n").strip() or None
    elif review:
        try:
            dates["impact_review"] = parse_date(review)
        except DateError as exc:
            bad(f"Impact review: {exc} (a date, or none: REASON)")
    if not ok:
        return None
    try:
        action = Action(
            ref=ref, theme=rec.theme.id, scrs=scrs, all_scrs=all_scrs, action=cells["action"], lead=lead,
            target_date=target, status=status, withdrawn_reason=cells.get("withdrawn_reason") or None,
            signed_off=signed_off, target_history=history, progress=progress,
            source_ref=cells.get("source_ref") or None, rating=rating,
            **dates,
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            bad(plain_error(err))
        return None
    return _acceptable(action, bad)


def _acceptable(action: Action, bad) -> Action | None:
    """The action, unless a one-line field holds a line break or a date is before the
    floor (cap/safetext.py, cap/dates.py): the rules every write keeps."""
    from cap.dates import too_early
    from cap.safetext import text_problems

    found = [f"`{'.'.join(str(step) for step in loc)}` {problem}" + (" (separate lead agencies with /)" if loc[0] == "lead" else "")
             for loc, problem in text_problems(action.to_data())]
    dates = [("Target date", action.target_date), *(("Progress date", e.date) for e in action.progress),
             *(("Target history", day) for r in action.target_history for day in (r.date, r.from_, r.to)),
             ("Signed off", action.signed_off.date if action.signed_off else None)]
    found += [f"{column}: {why}" for column, day in dates if (why := too_early(day))]
    for message in found:
        bad(message)
    return None if found else action
