"""What looks like personal data in a text: NHS and National Insurance numbers, postcodes,
dates of birth, email addresses, phone numbers. The plan is about cases, never children;
`cap validate` warns on each find (cap/filechecks.py: `check_personal_data`).

    >>> [code for code, _what, _found in personal_data("Contact 01603 222333")]
    ['CAP306']
"""

from __future__ import annotations

import re
from typing import Any, Iterator


def _nhs_number(digits: str) -> bool:
    """10 digits passing the NHS modulus 11 check (not all the same digit)."""
    if len(set(digits)) == 1:
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


_DIGIT = re.compile(r"\d")
_TEN_DIGITS = re.compile(r"(?<![\w+/.-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w/-])")
#: `AB 12 34 56 C`: letters never used as a prefix are left out (D, F, I, Q, U, V; O second).
_NI_NUMBER = re.compile(
    r"(?i)\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
#: Capitals with the space, as postcodes are written: `NR1 2DH`, `SW1A 1AA` (not `C39ds`).
_POSTCODE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKPSTUW]?|GIR) [0-9][ABD-HJLNP-UW-Z]{2}\b")
_BIRTH = re.compile(r"\bDOB\b|(?i:\bD\.O\.B\b|\bdate of birth\b|\bborn on\b)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
#: UK numbers: 0 or +44 then 9 or 10 more digits, spaced or dashed; `(01603) 222333`.
_PHONE = re.compile(
    r"(?<![\w/.])(?:(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[ -]?\d){8,9}|\(0\d{3,4}\)\s?\d{3}[ -]?\d{3,4})(?![\w/])"
)


#: What every find of the number and postcode patterns below contains, so a text with no
#: match here (and no @, `DOB` or birth words: `suspect`) has no find: a run of seven
#: digits with at most one space or dash between two (an NHS number has ten, a phone nine
#: or more after 0 or +44), an NI number's three pairs of digits (`12 34 56`), a postcode's
#: inward half, or the `(0` of a phone number written `(01603) 222333`. Years, year-months
#: (`2015-02`), financial years (`2016-17`), refs and case ids like `A-2010` never match it.
#: tests/test_perf_checks.py holds `suspect` to never hiding a find, over generated texts.
_DIGIT_RUN = re.compile(r"\d(?:[ -]?\d){5,}")  # six digits or more: one pattern, one pass
_PAIRS = re.compile(r"\d\d ?\d\d ?\d\d")
_INWARD_LETTER = "[ABD-HJLNP-UW-Z]"
_INWARD = re.compile(f" [0-9]{_INWARD_LETTER}{{2}}")
#: The birth words in lower case (`suspect` spells them out); `_BIRTH` ignores case, where
#: `i` also matches `\u0130` and `\u0131`, which `suspect` looks for too.
_BIRTH_WORDS = ("d.o.b", "date of birth", "born on")

#: An ASCII text's shape, byte for byte: a digit is `0`, a letter a postcode's inward half
#: may end with is `A`, a space and a dash stay, anything else is `x`. In the shape, the
#: two searches below are the digit runs and inward halves above, found at the speed of a
#: plain search (the regular expressions above look at every character in turn: on a
#: large plan's texts five times as slow).
_SHAPES = bytes(
    0x30 if 0x30 <= i <= 0x39 else
    0x41 if re.fullmatch(_INWARD_LETTER, chr(i)) else
    i if i in (0x20, 0x2D) else
    0x78
    for i in range(256)
)
_SHAPED_RUN = re.compile(rb"0(?:[ -]?0){6,}|00 ?00 ?00")  # seven digits, or three pairs
_SHAPED_INWARD = b" 0AA"


def suspect(text: str) -> bool:
    """Whether `text` could hold a find of `personal_data` (one cheap look: most texts cannot)."""
    if "@" in text or "DOB" in text or "(0" in text:
        return True
    if text.isascii():
        shape = text.encode("ascii").translate(_SHAPES)
        if _SHAPED_INWARD in shape or _SHAPED_RUN.search(shape) is not None:
            return True
    elif _INWARD.search(text) is not None or _digit_run(text) or "\u0130" in text or "\u0131" in text:
        return True
    low = text.lower()
    return "d.o.b" in low or "date of birth" in low or "born on" in low  # _BIRTH_WORDS


def _digit_run(text: str) -> bool:
    """What `_SHAPED_RUN` finds in an ASCII text's shape, in any text (a digit of any script)."""
    for run in _DIGIT_RUN.finditer(text):
        digits = run.group()
        if len(digits) - digits.count(" ") - digits.count("-") >= 7 or _PAIRS.search(digits) is not None:
            return True
    return False


def personal_data(text: str) -> Iterator[tuple[str, str, str]]:
    """Whatever in `text` looks like personal data: (code, what it looks like, the match)."""
    if not suspect(text):
        return
    if _DIGIT.search(text):  # most texts have no digit: skip the number patterns
        nhs: list[tuple[int, int]] = []
        for m in _TEN_DIGITS.finditer(text):
            if _nhs_number(re.sub(r"\D", "", m.group())):
                nhs.append(m.span())
                yield "CAP301", "an NHS number", m.group()
        for m in _NI_NUMBER.finditer(text):
            yield "CAP302", "a National Insurance number", m.group()
        for m in _POSTCODE.finditer(text):
            yield "CAP303", "a postcode", m.group()
        for m in _PHONE.finditer(text):
            if not any(start < m.end() and m.start() < end for start, end in nhs):
                yield "CAP306", "a phone number", m.group()
    for m in _BIRTH.finditer(text):
        yield "CAP304", "a date of birth", m.group()
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield "CAP305", "an email address", m.group()


def mask(found: str) -> str:
    """Enough to find it, not enough to spread it further through CI logs."""
    return found[:2] + re.sub(r"[A-Za-z0-9]", "*", found[2:])


def texts(value: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, (*loc, i))


def strings(value: Any, out: list[str]) -> None:
    """Every text in `value` (a mapping or list), in `texts` order, without their places."""
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, (dict, list)):
            strings(item, out)
