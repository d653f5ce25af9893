"""The canonical format in plain Python, for the files that are in it: most of them.

`cap fmt` writes every file through libyaml's emitter (cap.yamlio.dump), and reading one
means libyaml's parser plus a Python call for every scalar and node. A plan's files are
nearly all in the canonical format, and that format is simple: block mappings and
sequences, texts plain, single-quoted or folded (`>-`) at 80 columns. So:

- `write(data)` is that canonical text, made here: byte for byte what the libyaml emitter
  writes (`tests/test_canonical.py` holds the two equal over hostile texts and every shape
  of record), or None for data holding anything whose form is not simple to know
  (a line break, a tab, a double space, a text starting with a dash, a float, ...):
  the caller then uses libyaml.
- `read(text)` is the data of a canonical text: a quick guess, line by line, that is
  kept only if `write(guess) == text`. Everything `write` writes reads back as the data
  it was given (tested alike), so a text equal to `write(guess)` *is* `guess`: the guess
  can never be wrong, only refused (None: the caller parses the text with libyaml).

    >>> text = "ref: '4.4'\\nscrs:\\n- N\\ntarget_date: 2017-03-01\\n"
    >>> read(text)
    {'ref': '4.4', 'scrs': ['N'], 'target_date': datetime.date(2017, 3, 1)}
    >>> write(read(text)) == text
    True
    >>> read("ref: 4.4 # a comment\\n") is None
    True
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from typing import Any

import yaml

#: The width the emitter folds at, and the length over which a text is folded (`>-`).
WIDTH = 80
FOLD_OVER = 60

_CORE = "tag:yaml.org,2002:"
_BOOL, _INT, _NULL, _TIMESTAMP = (_CORE + t for t in ("bool", "int", "null", "timestamp"))
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader
#: PyYAML's implicit resolvers for a plain scalar, by its first character ("" for an empty
#: one): the table cap.yamlio's loader and emitter ask too, so a text that would read as
#: anything but a text (`4.4`, `yes`, `2017-01-01`, an empty one) is known to need quotes.
IMPLICIT = {first: tuple(pairs) for first, pairs in _Loader.yaml_implicit_resolvers.items() if first is not None}
#: A resolver for any first character (the safe loader has none): then this module
#: declines everything, and cap.yamlio keeps PyYAML's own resolving.
HAS_WILDCARD = None in _Loader.yaml_implicit_resolvers

#: Texts this writer takes: printable, on one line, no tab; ASCII or the BMP's characters
#: up to the surrogates, less the two Unicode line breaks (what libyaml writes as it is).
_HANDLED = re.compile("[ -~\u00a0-\u2027\u202a-\ud7ff]*")
_KEY = re.compile("[A-Za-z_][A-Za-z0-9_]*")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
#: A first character that makes a text an indicator: never plain, always single-quoted.
_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_CANONICAL_INT = re.compile("-?(?:0|[1-9][0-9]*)")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
#: Texts up to this long are interned: a plan holds each lead, status, case once.
INTERN_UP_TO = 40
#: The deepest indentation taken (a record's is 4): mappings and sequences nested about
#: 16 deep, far below what cap.yamlio refuses (64).
_DEEPEST = 16


class _Declined(Exception):
    """What this module leaves to libyaml."""


# ------------------------------------------------------------------------- writing


def write(data: Any) -> str | None:
    """The canonical text of a mapping, or None where it holds what libyaml must write."""
    if type(data) is not dict or not data or HAS_WILDCARD:
        return None
    out: list[str] = []
    try:
        _mapping(data, 0, "", out)
    except _Declined:
        return None
    out.append("")
    return "\n".join(out)


def _resolves_to_text(text: str) -> bool:
    for _tag, pattern in IMPLICIT.get(text[:1], ()):
        if pattern.match(text):
            return False
    return True


def _short(text: str, column: int) -> str:
    """A text of at most FOLD_OVER characters, written on its line from `column`."""
    shown = _SHORT.get(text)
    if shown is None:
        shown = _short_form(text)
        if len(_SHORT) >= _MEMO_SIZE:
            _SHORT.clear()
        _SHORT[text] = shown
    if shown is _DECLINED or len(text) + column > WIDTH:
        raise _Declined  # the emitter might fold it, or escape it
    return shown


#: The form of each short text met (leads, statuses, cases, themes recur across a plan).
_SHORT: dict[str, str] = {}
_MEMO_SIZE = 16384
_DECLINED = "\0declined"


def _short_form(text: str) -> str:
    if not _printable(text):
        return _DECLINED
    if not _resolves_to_text(text):
        return "'" + text.replace("'", "''") + "'"  # `'4.4'`, `'yes'`, `''`
    first, last = text[0], text[-1]
    if first in _ALNUM:
        if last == " " or last == ":" or ": " in text or " #" in text:
            return "'" + text.replace("'", "''") + "'"
        return text
    if first in _INDICATORS or first == " " or last == " ":
        return "'" + text.replace("'", "''") + "'"
    return _DECLINED  # `-x`, `?x`, `.x`, ...: plain or quoted by rules not worth repeating


def _folded(text: str, indent: int, out: list[str]) -> None:
    """A long text as `>-` lines at `indent`. libyaml breaks a line at the first single
    space met past the width (so a line may run over it): with no double space, that is
    the first space at least `WIDTH + 1 - indent` characters into the line."""
    if text[0] == " " or text[-1] == " " or "  " in text or not _printable(text):
        raise _Declined
    pad = " " * indent
    out.append(pad + ("\n" + pad).join(_fold_lines(indent).findall(text)))


@functools.lru_cache(maxsize=None)
def _fold_lines(indent: int) -> re.Pattern[str]:
    """The lines of a folded text at `indent`: at least `WIDTH + 1 - indent` characters
    and on to the next space (which the break replaces), or what is left."""
    return re.compile("(.{%d}[^ ]*|.+) ?" % (WIDTH + 1 - indent))


def _printable(text: str) -> bool:
    """Whether `_HANDLED` holds every character of `text` (an ASCII text: at once)."""
    if text.isascii():
        return text.isprintable()
    return _HANDLED.fullmatch(text) is not None


def _scalar(value: Any, column: int) -> str | None:
    """A one-line scalar as written from `column`; None for a text to fold."""
    kind = type(value)
    if kind is str:
        if len(value) > FOLD_OVER:
            return None
        return _short(value, column)
    if kind is dt.date:
        return value.isoformat()
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if kind is list and not value:
        return "[]"
    if kind is dict and not value:
        return "{}"
    raise _Declined  # a float, a datetime, ...


def _mapping(data: dict, indent: int, lead: str, out: list[str]) -> None:
    """A block mapping whose keys stand at `indent`; the first key's line starts with
    `lead` (a sequence item's `- `) when given."""
    if indent > _DEEPEST:
        raise _Declined  # deeper than any record: libyaml's reading refuses what is too deep
    pad = " " * indent
    for key, value in data.items():
        if key not in _KEYS_SEEN:
            _check_key(key)
        start = (lead or pad) + key + ":"
        lead = ""
        kind = type(value)
        if kind is str:
            if len(value) > FOLD_OVER:
                out.append(start + " >-")
                _folded(value, indent + 2, out)
            else:
                out.append(start + " " + _short(value, len(start) + 1))
        elif kind is dt.date:
            out.append(start + " " + value.isoformat())
        elif kind is list and value:
            out.append(start)
            _sequence(value, indent, out)
        elif kind is dict and value:
            out.append(start)
            _mapping(value, indent + 2, "", out)
        else:
            out.append(start + " " + _scalar(value, len(start) + 1))


#: Keys known to be written plain (a plan has a few dozen).
_KEYS_SEEN: set[str] = set()


def _check_key(key: Any) -> None:
    # A record's keys are short words; the emitter quotes a key over FOLD_OVER characters,
    # and anything over 40 is left to it.
    if type(key) is not str or len(key) > 40 or _KEY.fullmatch(key) is None or not _resolves_to_text(key):
        raise _Declined
    if len(_KEYS_SEEN) < _MEMO_SIZE:
        _KEYS_SEEN.add(key)


def _sequence(items: list, indent: int, out: list[str]) -> None:
    """A block sequence whose `- ` stand at `indent` (in a mapping: at its keys' indent)."""
    lead = " " * indent + "- "
    for item in items:
        kind = type(item)
        if kind is dict and item:
            _mapping(item, indent + 2, lead, out)
        elif kind is list and item:
            raise _Declined
        else:
            shown = _scalar(item, len(lead))
            if shown is None:
                out.append(lead + ">-")
                _folded(item, indent + 2, out)
            else:
                out.append(lead + shown)


# ------------------------------------------------------------------------- reading


def read(text: str) -> dict | None:
    """The data of a text in the canonical format, proven by writing it back; else None."""
    if not text.endswith("\n") or HAS_WILDCARD:
        return None
    try:
        data, end = _read_mapping(text, 0, 0)
    except (_Declined, IndexError, ValueError):
        return None
    if end != len(text) or write(data) != text:
        return None
    return data


#: A line holding a key: its indentation, the key, and after `: ` what is shown on the
#: line (None for `key:` alone, a collection on the lines below).
_KEY_LINE = re.compile(r" *([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?\n")


def _read_mapping(text: str, at: int, indent: int, key_at: int = -1) -> tuple[dict, int]:
    """The mapping whose keys stand at `indent`, from the line at offset `at`; returns it
    and the offset after it. `key_at`: where its first key stands on a `- ` line."""
    if indent > _DEEPEST:
        raise _Declined
    data: dict = {}
    size = len(text)
    match = _KEY_LINE.match
    while at < size:
        if key_at >= 0:
            line = match(text, key_at)
            if line is None or line.start(1) != key_at:
                raise _Declined
            key_at = -1
        else:
            line = match(text, at)
            if line is None or line.start(1) - at != indent:
                break
        key, shown = line.group(1, 2)
        at = line.end()
        if shown is None:  # a collection on the lines below
            if text.startswith(" " * indent + "- ", at):
                data[key], at = _read_sequence(text, at, indent)
            else:
                data[key], at = _read_mapping(text, at, indent + 2)
        else:
            value = _PLAIN.get(shown)
            if value is None:
                value, at = _read_scalar(shown, text, at, indent + 2)
            data[key] = value
    if not data:
        raise _Declined
    return data, at


def _read_sequence(text: str, at: int, indent: int) -> tuple[list, int]:
    lead = " " * indent + "- "
    items = []
    while text.startswith(lead, at):
        item_at = at + indent + 2
        line = _KEY_LINE.match(text, item_at)
        if line is not None and line.start(1) == item_at:  # `- key: ...`: a mapping
            item, at = _read_mapping(text, at, indent + 2, item_at)
        else:
            end = text.index("\n", item_at)
            item, at = _read_scalar(text[item_at:end], text, end + 1, indent + 2)
        items.append(item)
    return items, at


def _read_scalar(shown: str, text: str, at: int, indent: int) -> tuple[Any, int]:
    """The value written as `shown`, a folded block's lines (at `indent`) from offset `at`."""
    value = _PLAIN.get(shown)
    if value is not None:
        return value, at
    if shown == ">-":
        found = _block_end(indent).search(text, at)  # None: the text ends at the `>-` line
        if found is None or found.start() <= at:
            raise _Declined  # an empty block
        end = found.start()
        return text[at + indent : end].replace("\n" + " " * indent, " "), end + 1
    first = shown[:1]
    if first == "'":
        if len(shown) < 2 or shown[-1] != "'":
            raise _Declined
        value = shown[1:-1].replace("''", "'")
        return (sys.intern(value) if len(value) <= INTERN_UP_TO else value), at
    if shown == "[]":
        return [], at
    if shown == "{}":
        return {}, at
    value = _plain(shown)
    if len(_PLAIN) >= _MEMO_SIZE:
        _PLAIN.clear()
    if type(value) is str and len(value) <= INTERN_UP_TO:
        value = sys.intern(value)
    _PLAIN[shown] = value
    return value, at


#: The value of each plain scalar met (statuses, themes, leads, dates recur). None is not
#: kept (a `null` is looked at each time), nor is anything mutable.
_PLAIN: dict[str, Any] = {}


@functools.lru_cache(maxsize=None)
def _block_end(indent: int) -> re.Pattern[str]:
    """The newline that ends a block scalar's lines at `indent`: one not followed by them."""
    return re.compile("\n(?! {%d})" % indent)


def _plain(shown: str) -> Any:
    """A plain scalar's value, as the resolver reads it; forms `write` never writes are declined."""
    for tag, pattern in IMPLICIT.get(shown[:1], ()):
        if pattern.match(shown):
            if tag == _TIMESTAMP and _ISO_DATE.fullmatch(shown):
                return dt.date.fromisoformat(shown)  # an impossible date raises: declined
            if tag == _INT and _CANONICAL_INT.fullmatch(shown):
                return int(shown)
            if tag == _BOOL and shown in ("true", "false"):
                return shown == "true"
            if tag == _NULL and shown == "null":
                return None
            raise _Declined
    if len(shown) > FOLD_OVER:
        raise _Declined  # `write` folds a longer text
    return shown
