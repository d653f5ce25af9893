"""Dates as boards write them, and the one place that asks for today.

Accepted: ISO (`2017-06-01`), UK day-first (`01/06/17`, `1/6/2017`, `1.6.17`) and
dates with a month name (`1 June 2017`, read by python-dateutil, day first).
Never US month-first: `06/01/17` is 6 January 2017.

    >>> parse_date("1/12/17")
    datetime.date(2017, 12, 1)
    >>> format_uk(parse_date("2017-06-01"))
    '01/06/17'
"""

from __future__ import annotations

import datetime as _dt
import re

ONGOING = "ongoing"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\Z")
_UK = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\Z")


#: The earliest date a plan may hold. Serious Case Reviews began as the "Part 8" reviews
#: of Working Together (1991): a date before 1990 in a plan is a typo (01/01/0001, 1800),
#: so the write commands refuse it and `cap validate` warns about it (CAP215).
EARLIEST = _dt.date(1990, 1, 1)


def too_early(value: _dt.date | str | None) -> str | None:
    """None for a date a plan can hold (or `ongoing`, or None); else why not."""
    if isinstance(value, _dt.date) and value < EARLIEST:
        return f"{value.isoformat()} is before {EARLIEST.isoformat()}, the earliest date a plan can hold"
    return None


class DateError(ValueError):
    """A text that is not a real date in an accepted form."""


def today() -> _dt.date:
    """The real date. Everything else takes `as_of`/`today` as a parameter."""
    return _dt.date.today()


def parse_date(text: str) -> _dt.date:
    """Parse an ISO or UK day-first date; raise DateError with a readable reason."""
    s = text.strip()
    m = _ISO.match(s)
    if m:
        year, month, day = (int(g) for g in m.groups())
    else:
        m = _UK.match(s)
        if not m:
            if re.search(r"[A-Za-z]{3}", s):
                return _parse_month_name(text)
            raise DateError(f"{text!r} is not a date (use 2017-06-01 or 01/06/17, day first)")
        day, month, year = (int(g) for g in m.groups())
        if len(m.group(3)) == 2:
            year += 2000
    try:
        return _dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"{text!r} is not a real date ({exc})") from None


def _parse_month_name(text: str) -> _dt.date:
    """`1 June 2017`: all of day, month and year must be written."""
    from dateutil import parser

    try:
        # Two different defaults: a part filled in from the default differs between them.
        first = parser.parse(text, dayfirst=True, default=_dt.datetime(2000, 1, 1))
        second = parser.parse(text, dayfirst=True, default=_dt.datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        raise DateError(f"{text!r} is not a date (use 2017-06-01 or 01/06/17, day first)") from None
    if first != second or first.time() != _dt.time(0):
        raise DateError(f"{text!r} is not a whole date (day, month and year are all needed)")
    return first.date()


def parse_target(text: str) -> _dt.date | str:
    """A target date: a date, or `ongoing` (any case)."""
    if text.strip().lower() == ONGOING:
        return ONGOING
    return parse_date(text)


def shift(day: _dt.date, days: int) -> _dt.date:
    """`day` plus `days` (negative: minus), held at the ends of the calendar.

        >>> shift(_dt.date(9999, 12, 30), 30)
        datetime.date(9999, 12, 31)
    """
    try:
        return day + _dt.timedelta(days=days)
    except OverflowError:
        return _dt.date.max if days > 0 else _dt.date.min


def format_uk(value: _dt.date | str, *, full_year: bool = False) -> str:
    """`01/06/17` as the source document writes dates (`01/06/2017` with full_year); `Ongoing` for ongoing."""
    if isinstance(value, _dt.date):  # strftime's `%d/%m/%y` (`%Y`), spelt out: five times as fast
        year = value.year if full_year else f"{value.year % 100:02d}"
        return f"{value.day:02d}/{value.month:02d}/{year}"
    return "Ongoing" if value == ONGOING else str(value)


def format_iso(value: _dt.date | str) -> str:
    """ISO date, or `ongoing`."""
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)
