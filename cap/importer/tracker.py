"""Other boards' trackers: their own columns, their own words, mapped to cap's fields.

A file whose header row is not cap's own (Ref, SCR Ref, Action, Lead agency, Target
date, Progress) is read as a tracker: its header names are matched to fields by the
names real trackers use (`HEADER_NAMES`, any case and spacing), or by `--map`; then
each row is read with the rules a business manager would expect:

- refs numbered in order within each theme where the tracker has none, or has refs
  that are not `theme.number` (its own ref is then kept in `source_ref`);
- status words (`Red`, `Amber`, `Green` -> in-progress, the rating kept in `rating`;
  `Blue`, `Complete` ... -> complete; `Not started` -> open; `Withdrawn`,
  `Superseded`, `Not accepted` -> withdrawn, with a reason); numbers through
  `--status-map`; an unknown word is an error naming the words known;
- target dates as boards write them (`parse_board_date`);
- blank cells and `0` are empty; section-heading rows become theme headings (or are
  reported); a row without action text is an error (or skipped with a warning);
  several leads in one cell become several leads.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from cap.importer.build import Record, ThemeBook, clip, life_dates, parse_scrs, slug
from cap.importer.columns import FIELDS, HEADER_NAMES, RATING_NAMES, header_key
from cap.importer.outcome import ImportOutcome
from cap.importer.rows import Located, SourceRow
from cap.models import RATINGS, Action, ProgressEntry, Theme

#: Status words -> (status, the rating the word is); `Red`... keep the board's rating.
STATUS_WORDS: dict[str, tuple[str, str | None]] = {
    "red": ("in-progress", "Red"), "amber": ("in-progress", "Amber"), "green": ("in-progress", "Green"),
    "blue": ("complete", "Blue"),
    "complete": ("complete", None), "completed": ("complete", None), "fully achieved": ("complete", None),
    "achieved": ("complete", None), "action completed and evidenced": ("complete", None),
    "done": ("complete", None), "closed": ("complete", None), "met": ("complete", None),
    "not started": ("open", None), "open": ("open", None), "not yet started": ("open", None),
    "in progress": ("in-progress", None), "in-progress": ("in-progress", None), "ongoing": ("in-progress", None),
    "on track": ("in-progress", None), "started": ("in-progress", None), "partially achieved": ("in-progress", None),
    "partially met": ("in-progress", None),
    "withdrawn": ("withdrawn", None), "superseded": ("withdrawn", None), "not accepted": ("withdrawn", None),
}
_ONGOING = {"ongoing", "on-going", "on going", "continuous", "continual", "rolling"}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\w)(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4}|\d{2})(?!\w)",
                             re.IGNORECASE)
_MONTH_YEAR = re.compile(r"(?<![\w])" + _MONTH + r"[\s\-/',]*(\d{4}|\d{2})(?!\w)", re.IGNORECASE)
_NUMERIC_MONTH_YEAR = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*[/.\-]\s*(\d{4})(?![\d/.\-])")
#: A cell that is nothing but digits and date separators: a date, or a mistake.
_DATE_SHAPED = re.compile(r"^[\d\s/.\-]+\Z")
_CAP_REF = re.compile(r"^([1-9][0-9]*)\.([1-9][0-9]*)\Z")
_LEADS = re.compile(r"\s*[/,;\n]\s*")
#: What a PDF-to-Excel conversion puts in empty cells.
_EMPTY = {"", "0"}


#: Names only a file `cap report` wrote has: its BRAG column is cap's computation, not a rating.
CAP_ONLY_NAMES = {"progress authors", "target history", "days overdue", "signed off", "withdrawn reason"}


class BoardDateError(ValueError):
    """A target date shaped like a date that is no real day; the message is one clause."""


# ------------------------------------------------------------------ dates


def _year(text: str, reference: dt.date) -> int:
    """A year as written: two digits are 20xx unless that is more than 10 years after `reference`."""
    year = int(text)
    if len(text) == 2:
        year += 2000
        if year > reference.year + 10:
            year -= 100
    return year


def _day(year: int, month: int, day: int, written: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BoardDateError(f"{written!r} is not a real date") from None


def _month_end(year: int, month: int, written: str) -> dt.date:
    if not 1 <= month <= 12:
        raise BoardDateError(f"{written!r} is not a real month")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_board_date(text: str, reference: dt.date) -> tuple[dt.date | str, bool]:
    """A target date as boards write it -> (a date or `ongoing`, whether the text says more
    than the date and so is worth keeping).

    `01/06/17`, `01.06.2017`, `1 June 2017`, `2017-06-01`; a month and year (`April 2017`,
    `Apr-17`, `Sept 08`, `04/2017`) is the last day of that month; `Ongoing` is ongoing; a
    text with no date in it (`TBC`) is ongoing, and worth keeping. Two-digit years: see
    `_year`. BoardDateError for a text shaped like a date that is no real day (`31/02/17`).
    """
    written = " ".join(text.split())
    if written.lower().rstrip(".") in _ONGOING:
        return "ongoing", False
    found: list[dt.date] = []
    spans: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in spans)

    for m in _ISO.finditer(written):
        found.append(_day(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0)))
        spans.append(m.span())
    for m in _DAY_FIRST.finditer(written):
        if free(m):
            found.append(_day(_year(m.group(3), reference), int(m.group(2)), int(m.group(1)), m.group(0)))
            spans.append(m.span())
    for m in _DAY_MONTH_YEAR.finditer(written):
        if free(m):
            found.append(_day(_year(m.group(3), reference), _MONTHS[m.group(2).lower()], int(m.group(1)),
                              m.group(0)))
            spans.append(m.span())
    for m in _MONTH_YEAR.finditer(written):
        if free(m):
            found.append(_month_end(_year(m.group(2), reference), _MONTHS[m.group(1).lower()], m.group(0)))
            spans.append(m.span())
    for m in _NUMERIC_MONTH_YEAR.finditer(written):
        if free(m):
            found.append(_month_end(int(m.group(2)), int(m.group(1)), m.group(0)))
            spans.append(m.span())
    if not found and _DATE_SHAPED.match(written) and re.search(r"\d", written):
        raise BoardDateError(f"{written!r} is not a date (write it day first: 01/06/17)")
    if len(found) == 1:
        whole = spans[0] == (0, len(written)) or not re.sub(r"[\s.,]", "", written[: spans[0][0]]
                                                             + written[spans[0][1]:])
        return found[0], not whole
    if found:  # several dates in one cell: the latest is the target; the text is kept
        return max(found), True
    return "ongoing", True


# ------------------------------------------------------------------ options and columns


@dataclass
class TrackerOptions:
    """What the command line says about a tracker."""

    maps: dict[str, str] = field(default_factory=dict)  # header_key(column) -> field
    ignore: set[str] = field(default_factory=set)  # header_key(column)
    theme: str | None = None
    status_map: dict[str, str] = field(default_factory=dict)  # cell text (lower) -> status word
    skip_incomplete: bool = False

    @property
    def given(self) -> bool:
        """Whether any option says the file is a tracker."""
        return bool(self.maps or self.ignore or self.theme or self.status_map or self.skip_incomplete)


def parse_maps(values: list[str]) -> dict[str, str]:
    """`Column name=field` items -> {header_key: field}; ValueError naming the fields."""
    out: dict[str, str] = {}
    for item in values:
        column, sep, name = item.rpartition("=")
        name = name.strip().lower().replace("-", "_")
        name = {"target": "target_date", "scr": "scrs", "cases": "scrs"}.get(name, name)
        if not sep or not column.strip():
            raise ValueError(f"--map {item!r}: write \"Column name=field\"")
        if name not in FIELDS:
            raise ValueError(f"--map {item!r}: {name!r} is not a field; the fields are {', '.join(FIELDS)}")
        out[header_key(column)] = name
    return out


def parse_status_map(values: list[str]) -> dict[str, str]:
    """`1=complete,2=in-progress` (one or more options) -> {'1': 'complete', ...}."""
    out: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            if not item.strip():
                continue
            key, sep, word = item.partition("=")
            word_key = " ".join(word.lower().split())
            if not sep or not key.strip():
                raise ValueError(f"--status-map {item.strip()!r}: write \"1=complete,2=in-progress\"")
            if word_key not in STATUS_WORDS:
                raise ValueError(f"--status-map {item.strip()!r}: {word.strip()!r} is not a status word; "
                                 f"use one of {', '.join(known_words())}")
            out[" ".join(key.lower().split())] = word_key
    return out


def known_words() -> list[str]:
    return sorted(STATUS_WORDS)


def column_field(cell: str, opts: TrackerOptions) -> str | None:
    key = header_key(cell)
    if not key or key in opts.ignore:
        return None
    return opts.maps.get(key) or HEADER_NAMES.get(key)


def is_tracker_header(cells: list[str], opts: TrackerOptions) -> bool:
    """A header row: two fields or more named, one of them the action (or recommendation)."""
    fields = {column_field(c, opts) for c in cells if c and c.strip()} - {None}
    return len(fields) >= 2 and bool(fields & {"action", "recommendation"})


def map_columns(cells: list[str], row: SourceRow, loc: Located, opts: TrackerOptions,
                outcome: ImportOutcome) -> dict[str, int] | None:
    """The header row -> {field: column index}; the mapping written to `outcome.mapping`."""
    found: dict[str, int] = {}
    names: dict[str, str] = {}
    lines: list[str] = []
    from cap.importer.xlsx import column_letter

    def where(i: int) -> str:
        return f"column {column_letter(i)}" if loc.kind in ("csv", "xlsx") else f"cell {i + 1}"

    by_cap = bool({header_key(c) for c in cells} & CAP_ONLY_NAMES)
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        key = header_key(cell)
        name = column_field(cell, opts)
        if by_cap and key == "brag" and key not in opts.maps:
            lines.append(f"{where(i)} {cell.strip()!r} -> ignored (cap's own BRAG, computed: not the board's rating)")
            outcome.ignored_columns.append(cell.strip())
            continue
        if name is None:
            why = "--ignore-column" if key in opts.ignore else "no field of that name; --map it to use it"
            lines.append(f"{where(i)} {cell.strip()!r} -> ignored ({why})")
            outcome.ignored_columns.append(cell.strip())
            continue
        if name == "status" and "status" in found and key not in opts.maps:
            # Two status columns: the one named like a rating (RAG, BRAG) is the board's rating.
            other = names["status"]
            if key in RATING_NAMES and "rating" not in found:
                name = "rating"
            elif header_key(other) in RATING_NAMES and "rating" not in found:
                found["rating"], names["rating"] = found.pop("status"), names.pop("status")
                lines = [line.replace(f"{other!r} -> status", f"{other!r} -> rating") for line in lines]
        if name in found:
            loc.add(row, "CAP803", f"two columns are {name}: {names[name]!r} and {cell.strip()!r}; "
                    f"give --ignore-column for one, or --map it to another field")
            return None
        found[name], names[name] = i, cell.strip()
        lines.append(f"{where(i)} {cell.strip()!r} -> {name}")
    if "action" not in found and "recommendation" in found:
        found["action"] = found.pop("recommendation")
        lines = [line.replace(f"{names['recommendation']!r} -> recommendation",
                              f"{names['recommendation']!r} -> action") for line in lines]
    elif "recommendation" in found:
        lines = [line.replace(f"{names['recommendation']!r} -> recommendation",
                              f"{names['recommendation']!r} -> action (kept after the action's text)")
                 for line in lines]
    where_row = loc.place(row)
    outcome.mapping.extend([f"columns of the header at {where_row}:", *(f"  {line}" for line in lines)])
    if "lead" not in found:
        loc.add(row, "CAP803", "no column gives the lead agency (Lead, Lead agency, Agency, Responsibility ...): "
                "--map \"Column=lead\" names it")
        return None
    return found


# ------------------------------------------------------------------ rows -> actions


@dataclass
class TrackerRow:
    row: SourceRow
    cells: dict[str, str]
    theme: Theme | None
    warnings: list[str] = field(default_factory=list)


def _cell(cells: list[str], i: int | None) -> str:
    if i is None or i >= len(cells):
        return ""
    text = cells[i].strip()
    return "" if text in _EMPTY else text


def read_rows(rows: list[SourceRow], book: ThemeBook, loc: Located, outcome: ImportOutcome,
              opts: TrackerOptions, new_theme) -> list[TrackerRow]:
    """Headers, section headings and action rows -> one TrackerRow per action."""
    columns: dict[str, int] | None = None
    theme: Theme | None | bool = None
    out: list[TrackerRow] = []
    for row in rows:
        cells = [c if c.strip() not in _EMPTY else "" for c in row.cells]
        filled = [i for i, c in enumerate(cells) if c.strip()]
        if not filled:
            continue
        if row.heading:
            theme = _heading_theme(cells[filled[0]].strip(), row, book, loc, outcome, opts, new_theme, "sheet")
            continue
        if is_tracker_header(cells, opts):
            columns = map_columns(cells, row, loc, opts, outcome)
            if columns is None:
                return []
            continue
        if columns is None:
            continue  # title rows above the table
        values = {name: _cell(cells, i) for name, i in columns.items()}
        described = {k for k, v in values.items() if v}
        others = [cells[i].strip() for i in filled if i != columns.get("ref")]
        if not described & {"target_date", "progress", "status", "rating", "progress_date"} and (
                len(filled) == 1 or len(others) == 1):
            # A section heading: a text alone, or a number and a text (`10.1 | Health`): no
            # date, progress or status, and nothing else beside it.
            text = " ".join(cells[i].strip() for i in filled)
            theme = _heading_theme(text, row, book, loc, outcome, opts, new_theme, "heading")
            continue
        if not values.get("action"):
            if opts.skip_incomplete:
                outcome.notes.append(f"warning: {loc.place(row)}: no action text; skipped (--skip-incomplete)")
            else:
                loc.add(row, "CAP804", "this row has no action text (only "
                        + ", ".join(sorted(described)) + "); fill it in, or give --skip-incomplete to skip "
                        "such rows")
            continue
        row_theme = theme
        by_ref = _CAP_REF.match(values.get("ref", ""))
        if row_theme is None and opts.theme is None and by_ref:
            # No heading or --theme: a ref like 2.3 says its theme, where theme 2 exists.
            row_theme = next((t for t in book.themes if t.number == int(by_ref.group(1))), None)
        if values.get("theme"):
            row_theme = _heading_theme(values["theme"], row, book, loc, outcome, opts, new_theme, "theme")
        if row_theme is None:
            if opts.theme is None:
                loc.add(row, "CAP805", "no theme for this row: give --theme ID (all rows under one theme), a Theme "
                        "column, or section headings")
                row_theme = False
        if row_theme is False:
            continue
        out.append(TrackerRow(row, values, row_theme))
    if columns is None and not loc.problems:
        loc.add(None, "CAP803", "no header row found: name the columns (Action, Lead agency, Target date ...) "
                "or give --map \"Column=field\"")
    elif not out and not loc.problems:
        loc.add(None, "CAP802", "no actions found under the header row")
    return out


def _heading_theme(text, row, book, loc, outcome, opts, new_theme, what) -> Theme | bool | None:
    """The theme a section heading (or a sheet's name, or a Theme cell) names."""
    label = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text).strip() or text
    found = book.find(label) or book.find(text) or book.find(slug(label))
    if isinstance(found, Theme):
        return found
    if opts.theme is not None:
        outcome.notes.append(f"{loc.place(row)}: {what} {clip(text)!r} is not a theme; its rows go under "
                             f"--theme {opts.theme}")
        return None
    if book.add:
        number = re.match(r"^(\d+)\.?\s", text)  # `2 Escalation`: theme 2, if free
        return new_theme(label, row, number=int(number.group(1)) if number else None)
    loc.add(row, "CAP805", f"{what} {clip(text)!r} (a row with no lead or date) is not a theme; the themes "
            f"are: {book.titles()} (give --add-themes to add it, or --theme ID for one theme)")
    return False


def _split_leads(text: str) -> list[str]:
    return [part.strip() for part in _LEADS.split(text) if part.strip()]


def _status(text: str, opts: TrackerOptions) -> tuple[str, str | None]:
    key = " ".join(text.lower().split()).rstrip(".")
    key = opts.status_map.get(key, key)
    if key in STATUS_WORDS:
        return STATUS_WORDS[key]
    if re.fullmatch(r"\d+(\.\d+)?", key):
        raise ValueError(f"Status {text!r} is a number: say what each number means with --status-map "
                         "\"1=complete,2=in-progress,3=open,4=withdrawn\"")
    raise ValueError(f"Status {text!r} is not a word cap knows; the words known: {', '.join(known_words())} "
                     f"(or give --status-map \"{text}=in-progress\")")


def build_actions(
    rows: list[TrackerRow], loc: Located, opts: TrackerOptions, progress_date: dt.date, next_number,
    imported: dict[tuple[str, str], str] | None = None,
) -> list[tuple[Record, Action]]:
    """Each row -> an Action (refs kept or numbered within each theme), or problems naming the row.

    `imported` maps (theme id, the tracker's ref) to the ref an earlier import gave that
    action, so importing the same tracker again (with --update) finds its actions."""
    imported = imported or {}
    by_theme: dict[str, list[TrackerRow]] = {}
    for r in rows:
        by_theme.setdefault(r.theme.id, []).append(r)
    refs: dict[int, str] = {}
    for theme_rows in by_theme.values():
        theme = theme_rows[0].theme
        own = [r.cells.get("ref", "") for r in theme_rows]
        keep = all(m and int(m.group(1)) == theme.number for m in (_CAP_REF.match(x) for x in own))
        n = next_number(theme)
        for source, r in zip(own, theme_rows):
            if keep:
                refs[id(r)] = source
            elif source and (theme.id, source) in imported:
                refs[id(r)] = imported[(theme.id, source)]
            else:
                refs[id(r)] = f"{theme.number}.{n}"
                n += 1
    out: list[tuple[Record, Action]] = []
    for r in rows:
        ref = refs[id(r)]
        action = _action(r, ref, loc, opts, progress_date)
        out.append((Record(r.row, {"ref": ref}, r.theme), action))
    return out


def _action(r: TrackerRow, ref: str, loc: Located, opts: TrackerOptions, progress_date: dt.date) -> Action | None:
    cells, row = r.cells, r.row
    problems = len(loc.problems)

    def bad(message: str, code: str = "CAP804") -> None:
        loc.add(row, code, message)

    text = cells["action"]
    if cells.get("recommendation"):
        text = f"{text}\nRecommendation: {cells['recommendation']}"  # the action first: lists show it
    lead = _split_leads(cells.get("lead", ""))
    if not lead:
        bad("Lead agency is empty")
    day = progress_date
    if cells.get("progress_date"):
        try:
            found, _more = parse_board_date(cells["progress_date"], progress_date)
            if isinstance(found, dt.date):
                day = found
            else:
                bad(f"Progress date: {cells['progress_date']!r} is not a date")
        except BoardDateError as exc:
            bad(f"Progress date: {exc}")
    notes: list[str] = []
    target: dt.date | str = "ongoing"
    if not cells.get("target_date"):
        loc_note = f"warning: {loc.place(row)}: no target date; taken as ongoing"
        notes.append(loc_note)
    else:
        try:
            target, keep = parse_board_date(cells["target_date"], day)
            if keep:
                notes.append(f"Target date in the tracker: {cells['target_date']}")
        except BoardDateError as exc:
            bad(f"Target date: {exc}")
    status, rating = None, None
    if cells.get("status"):
        try:
            status, rating = _status(cells["status"], opts)
        except ValueError as exc:
            bad(str(exc))
    if cells.get("rating"):
        word = next((x for x in RATINGS if x.lower() == cells["rating"].strip().lower()), None)
        mapped = opts.status_map.get(cells["rating"].strip().lower())
        if word is None and mapped and STATUS_WORDS[mapped][1]:
            word = STATUS_WORDS[mapped][1]
        if word is None:
            bad(f"Rating {cells['rating']!r} is not one of {', '.join(RATINGS)} (or give --status-map)")
        rating = word
    progress_text = cells.get("progress", "")
    if status is None:
        status = "in-progress" if progress_text else "open"
    reason = None
    if status == "withdrawn":
        reason = progress_text or cells["status"]
    try:
        scrs, all_scrs = parse_scrs(cells.get("scrs", ""))
    except ValueError as exc:
        bad(str(exc))
        scrs, all_scrs = [], False
    kept = [n for n in notes if not n.startswith("warning: ")]
    entry_text = "\n".join([*([progress_text] if progress_text else []), *kept])
    warnings = [n for n in notes if n.startswith("warning: ")]
    r.warnings = warnings
    if len(loc.problems) > problems:
        return None
    source_ref = cells.get("ref") or None
    try:
        action = Action(
            ref=ref, theme=r.theme.id, scrs=scrs, all_scrs=all_scrs, action=text, lead=lead, target_date=target,
            status=status, owner=cells.get("owner") or None, outcome=cells.get("outcome") or None,
            evidence=[cells["evidence"]] if cells.get("evidence") else [],
            source_ref=source_ref if source_ref and source_ref != ref else None, rating=rating,
            withdrawn_reason=reason,
            progress=[ProgressEntry(date=day, text=entry_text)] if entry_text else [],
            **life_dates(status, day, [], None),
        )
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            bad(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}")
        return None
    r.warnings = warnings
    return action


def next_free_number(themes: list[Theme], made: list[Theme]) -> int:
    return max([t.number for t in [*themes, *made]], default=0) + 1


def tracker_import(rows, book: ThemeBook, loc: Located, outcome: ImportOutcome, opts: TrackerOptions,
                   progress_date: dt.date, existing: list[Action],
                   taken: set[str] = frozenset()) -> list[tuple[Record, Action | None]]:
    """The whole tracker: rows -> (record, action) pairs, new themes in `outcome.new_themes`."""
    made: list[Theme] = []

    def new_theme(title: str, row: SourceRow | None, ident: str | None = None, number: int | None = None) -> Theme:
        wanted = " ".join(title.split())
        for t in made:
            if t.title.lower() == wanted.lower():
                return t
        taken = {t.id for t in [*book.themes, *made]}
        base = ident = ident or slug(wanted)
        n = 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken_numbers = {t.number for t in [*book.themes, *made]}
        if number is None or number < 1 or number in taken_numbers:
            number = next_free_number(book.themes, made)
        theme = Theme(id=ident, number=number, title=wanted)
        made.append(theme)
        return theme

    fixed: Theme | None = None
    if opts.theme is not None:
        found = book.find(opts.theme)
        if isinstance(found, Theme):
            fixed = found
        elif book.add:
            shaped = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", opts.theme)
            title = opts.theme.replace("-", " ").capitalize() if shaped else opts.theme
            fixed = new_theme(title, None, opts.theme if shaped else None)
        else:
            loc.add(None, "CAP805", f"--theme {opts.theme!r} is not a theme; the themes are: {book.titles()} "
                    "(give --add-themes to add it)")
            return []
    records = read_rows(rows, book, loc, outcome, opts, new_theme)
    for rec in records:
        if rec.theme is None:
            rec.theme = fixed
    records = [r for r in records if r.theme is not None]
    outcome.new_themes = made
    counters: dict[str, int] = {}

    def next_number(theme: Theme) -> int:
        if theme.id not in counters:
            refs = {a.ref for a in existing} | {r for r in taken if _CAP_REF.match(r)}
            used = [int(ref.split(".")[1]) for ref in refs if ref.split(".")[0] == str(theme.number)]
            counters[theme.id] = max(used, default=0) + 1
        return counters[theme.id]

    imported = {(a.theme, a.source_ref): a.ref for a in existing if a.source_ref}
    pairs = build_actions(records, loc, opts, progress_date, next_number, imported)
    for rec in records:
        outcome.notes.extend(getattr(rec, "warnings", []))
    return pairs


__all__ = ["FIELDS", "HEADER_NAMES", "TrackerOptions", "parse_board_date", "parse_maps",
           "parse_status_map", "tracker_import"]
