"""Target dates as boards write them -> a date or `ongoing`, and how each was read.

    >>> read_board_date("Q2 2017/18", dt.date(2017, 1, 31)).value
    datetime.date(2017, 9, 30)

- a day (`01/06/17`, `01.06.2017`, `1 June 2017`, `5th March 2018`, `2017-06-01`, a date
  cell), with words before it that add nothing (`By 31/12/2016`);
- a month (`April 2017`, `Apr-17`, `04/2017`): its last day; a month without a year
  (`by March`): the first such month-end on or after the tracker's date;
- a quarter: `Q2 2017/18` is the financial year's (April-June is Q1), ending 30/09/2017;
  `Q4 2017` the calendar's, ending 31/12/2017;
- a season or part of a year (`Spring 2018` ends 31/05/2018, `end of 2017`, `mid 2018`,
  `H1 2018`), a financial year (`2017/18`: 31/03/2018), a year alone (`2018`);
- a week (`w/c 5th March 2018`): the Sunday that ends it;
- `Immediate`, `Immediately`: due on the tracker's own date (overdue from the next day);
- `Ongoing`: ongoing; a text with no date in it (`TBC`, `To be agreed`): ongoing, the words
  kept (and listed by the dry run);
- a text shaped like a date that is no real day (`31/4/15`): BoardDateError, unless
  `--fix-date "31/4/15=30/04/2015"` says what was meant.

Two-digit years are 20xx unless that is more than 10 years after the tracker's date.
The words themselves are in cap.importer.words.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cap.importer.words import DATE_PREFIXES, IMMEDIATE_WORDS, ONGOING_WORDS, PART_ENDS, SEASON_ENDS

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<!\w)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4}|\d{2})(?!\w)",
                             re.IGNORECASE)
_MONTH_YEAR = re.compile(r"(?<![\w])" + _MONTH + r"[\s\-/',]*(\d{4}|\d{2})(?!\w)", re.IGNORECASE)
_NUMERIC_MONTH_YEAR = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*[/.\-]\s*(\d{4})(?![\d/.\-])")
_DATE_SHAPED = re.compile(r"^[\d\s/.\-]+\Z")
_FY = r"(\d{4})\s*[/\-]\s*(\d{2}|\d{4})"
_FY_QUARTER = re.compile(r"^(?:q|quarter\s*)([1-4])\s*(?:of\s+)?(?:fy\s*)?" + _FY + r"\Z|^(?:fy\s*)?" + _FY
                         + r"\s*(?:q|quarter\s*)([1-4])\Z", re.IGNORECASE)
_QUARTER = re.compile(r"^(?:q|quarter\s*)([1-4])\s*(?:of\s+)?(\d{4}|\d{2})\Z", re.IGNORECASE)
_SEASON = re.compile(r"^(?:end of\s+|by\s+)?(spring|summer|autumn|fall|winter)\s+(?:term\s+)?(\d{4})"
                     r"(?:\s*[/\-]\s*(\d{2}|\d{4}))?\Z", re.IGNORECASE)
_PART = re.compile(r"^(" + "|".join(sorted((re.escape(p) for p in PART_ENDS), key=len, reverse=True))
                   + r")\s*(?:of\s+)?(?:the\s+)?(?:year\s+)?(\d{4})\Z", re.IGNORECASE)
_FY_ALONE = re.compile(r"^(?:(?:end of|by end of)\s+)?(?:fy\s*|financial year\s*)?" + _FY + r"\Z", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})\Z")
_MONTH_ALONE = re.compile(r"^(?:end of\s+|the end of\s+)?" + _MONTH + r"\Z", re.IGNORECASE)
_WEEK = re.compile(r"^(?:w/c|w\.c\.?|wc|w/b|week commencing|week beginning|week of)\s*(.+)\Z", re.IGNORECASE)


class BoardDateError(ValueError):
    """A target date shaped like a date that is no real day; the message is one clause."""


@dataclass(frozen=True)
class DateReading:
    """How a date cell was read: the value, whether its words are worth keeping (they say
    more than the date), and how it was read (empty for a plain date)."""

    value: dt.date | str
    kept: bool = False
    how: str = ""


def _uk(day: dt.date) -> str:
    from cap.dates import format_uk

    return format_uk(day, full_year=True)


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


def _month_end(year: int, month: int, written: str = "") -> dt.date:
    if not 1 <= month <= 12:
        raise BoardDateError(f"{written!r} is not a real month")
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _second_year(first: int, text: str) -> int:
    return int(text) if len(text) == 4 else first // 100 * 100 + int(text)


def _vague(written: str, reference: dt.date) -> DateReading | None:
    """The vague forms, each a whole cell (after `By` and the like)."""
    m = _FY_QUARTER.match(written)
    if m:
        quarter, start = (m.group(1), m.group(2)) if m.group(1) else (m.group(6), m.group(4))
        start_year, q = int(start), int(quarter)
        end = _month_end(start_year + (q == 4), {1: 6, 2: 9, 3: 12, 4: 3}[q])
        return DateReading(end, False, f"the financial year's quarter {q} (April-June is Q1), ending {_uk(end)}")
    m = _QUARTER.match(written)
    if m:
        q, year = int(m.group(1)), _year(m.group(2), reference)
        end = _month_end(year, q * 3)
        return DateReading(end, False, f"the calendar's quarter {q}, ending {_uk(end)}")
    m = _SEASON.match(written)
    if m:
        season, year = m.group(1).lower(), int(m.group(2))
        month = SEASON_ENDS[season]
        end = _month_end(year + 1 if season == "winter" and not m.group(3) else
                         (_second_year(year, m.group(3)) if season == "winter" else year), month)
        return DateReading(end, False, f"a season: the end of {season} {m.group(2)}, {_uk(end)}")
    m = _PART.match(written)
    if m:
        end = _month_end(int(m.group(2)), PART_ENDS[m.group(1).lower()])
        return DateReading(end, False, f"part of a year: {_uk(end)}")
    m = _FY_ALONE.match(written)
    if m and _second_year(int(m.group(1)), m.group(2)) == int(m.group(1)) + 1:
        end = _month_end(int(m.group(1)) + 1, 3)
        return DateReading(end, False, f"a financial year, ending {_uk(end)}")
    m = _YEAR.match(written)
    if m and 1990 <= int(m.group(1)) <= 2100:
        end = dt.date(int(m.group(1)), 12, 31)
        return DateReading(end, False, f"a year alone: its last day, {_uk(end)}")
    m = _MONTH_ALONE.match(written)
    if m:
        month = _MONTHS[m.group(1).lower()]
        end = _month_end(reference.year, month)
        if end < reference:
            end = _month_end(reference.year + 1, month)
        return DateReading(end, True, f"a month without a year: the first end of {calendar.month_name[month]} "
                                      f"on or after the tracker's date ({_uk(reference)}), {_uk(end)}")
    m = _WEEK.match(written)
    if m:
        inner = read_board_date(m.group(1), reference)
        if isinstance(inner.value, dt.date) and not inner.kept:
            end = inner.value + dt.timedelta(days=6 - inner.value.weekday())
            return DateReading(end, False, f"a week: the Sunday ending the week of {_uk(inner.value)}, {_uk(end)}")
    return None


def read_board_date(text: str, reference: dt.date, fixes: dict[str, dt.date] | None = None) -> DateReading:
    """A target date as boards write it -> a DateReading (see the module's docstring).

    `reference` is the tracker's own date (the progress date): `Immediate` is due then,
    `by March` is the first end of March on or after it. `fixes` maps a cell's text (as
    `fix_key` makes it) to the date meant. BoardDateError for a text shaped like a date
    that is no real day.
    """
    written = " ".join(text.split())
    if fixes and fix_key(written) in fixes:
        day = fixes[fix_key(written)]
        return DateReading(day, False, f"--fix-date: {_uk(day)}")
    key = written.lower().rstrip(".!")
    if key in ONGOING_WORDS:
        return DateReading("ongoing")
    if key in IMMEDIATE_WORDS:
        return DateReading(reference, True, f"immediate: due on the tracker's date, {_uk(reference)} "
                                            "(--progress-date)")
    bare = DATE_PREFIXES.sub("", written).strip()
    vague = _vague(bare, reference) if bare else None
    if vague is not None:
        return vague
    found: list[dt.date] = []
    spans: list[tuple[int, int]] = []
    month_only = False

    def free(m: re.Match) -> bool:
        return not any(a < m.end() and m.start() < b for a, b in spans)

    for m in _ISO.finditer(bare):
        found.append(_day(int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(0)))
        spans.append(m.span())
    for m in _DAY_FIRST.finditer(bare):
        if free(m):
            found.append(_day(_year(m.group(3), reference), int(m.group(2)), int(m.group(1)), m.group(0)))
            spans.append(m.span())
    for m in _DAY_MONTH_YEAR.finditer(bare):
        if free(m):
            found.append(_day(_year(m.group(3), reference), _MONTHS[m.group(2).lower()], int(m.group(1)),
                              m.group(0)))
            spans.append(m.span())
    for m in _MONTH_YEAR.finditer(bare):
        if free(m):
            found.append(_month_end(_year(m.group(2), reference), _MONTHS[m.group(1).lower()], m.group(0)))
            spans.append(m.span())
            month_only = True
    for m in _NUMERIC_MONTH_YEAR.finditer(bare):
        if free(m):
            found.append(_month_end(int(m.group(2)), int(m.group(1)), m.group(0)))
            spans.append(m.span())
            month_only = True
    if not found and _DATE_SHAPED.match(bare) and re.search(r"\d", bare):
        raise BoardDateError(f"{written!r} is not a date (write it day first: 01/06/17)")
    if len(found) == 1:
        rest = bare[: spans[0][0]] + bare[spans[0][1]:]
        whole = spans[0] == (0, len(bare)) or not re.sub(r"[\s.,]|\bend of\b|\bthe\b", "", rest, flags=re.I)
        how = f"a month: its last day, {_uk(found[0])}" if month_only else ""
        if not whole:
            how = (how + "; " if how else f"{_uk(found[0])}; ") + "the words kept"
        return DateReading(found[0], not whole, how)
    if found:  # several dates in one cell: the latest is the target; the text is kept
        return DateReading(max(found), True, f"several dates: the latest, {_uk(max(found))}; the words kept")
    return DateReading("ongoing", True, "no date in the words: ongoing, the words kept")


def parse_board_date(text: str, reference: dt.date) -> tuple[dt.date | str, bool]:
    """(the date or `ongoing`, whether the words are worth keeping): `read_board_date` in short."""
    reading = read_board_date(text, reference)
    return reading.value, reading.kept


def fix_key(text: str) -> str:
    return " ".join(text.split()).lower()


def parse_fixes(values: list[str]) -> dict[str, dt.date]:
    """`--fix-date "31/4/15=30/04/2015"` items -> {fix_key(text): date}; ValueError in words."""
    from cap.dates import DateError, parse_date

    out: dict[str, dt.date] = {}
    for item in values:
        written, sep, meant = item.rpartition("=")
        if not sep or not written.strip() or not meant.strip():
            raise ValueError(f"--fix-date {item!r}: write \"WHAT THE CELL SAYS=DD/MM/YYYY\"")
        try:
            out[fix_key(written)] = parse_date(meant)
        except DateError as exc:
            raise ValueError(f"--fix-date {item!r}: {exc}") from None
    return out
