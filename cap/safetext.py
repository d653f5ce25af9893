"""Agency text kept inert: the one rule for characters a plan's text may not hold, and
the one rule for CSV cells a spreadsheet would run as formulas.

Control characters. A text may hold any character except the C0 and C1 control
characters (and DEL), newline (LF or CRLF) and tab aside: an escape sequence in an author's name
would clear the business manager's screen or rewrite a terminal's title. A one-line
field (an author, a lead agency, who signed off, an owner) may not hold a line break
either. The write commands refuse such a text (exit 2), `cap import` refuses such a
cell naming its row, and the loader reports it in a file (so the plan does not load).

    >>> control_problem("Eve\\x1b[2J")
    'holds the control character \\\\x1b (escape) at character 4'
    >>> control_problem("NSCB\\nPolice", one_line=True)
    'holds a line break at character 5 (it is a one-line field)'
    >>> control_problem("Line one.\\n\\tLine two.") is None
    True

CSV cells. A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is
written with a leading `'` (the OWASP advice), and so is a text that already begins
with `'` followed by one of these or by another `'`. Reading takes one `'` off exactly
such a cell, so every text survives the round trip:

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("'=1"), csv_cell("'quoted'")
    ('\\'=HYPERLINK("http://x")', "''=1", "'quoted'")
    >>> all(csv_text(csv_cell(t)) == t for t in ["=1", "'=1", "''", "'a", "-", "a"])
    True
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline (a carriage return is a newline's only as in CRLF,
#: the Windows line end); DEL; the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")

#: Fields that hold one line: a name, an agency. Keys as they are written in the files.
ONE_LINE_FIELDS: frozenset[str] = frozenset({"author", "lead", "by", "owner", "url"})

_NAMES = {
    "\x00": "NUL", "\x07": "bell", "\x08": "backspace", "\x0b": "vertical tab", "\x0c": "form feed",
    "\x0d": "carriage return", "\x1b": "escape", "\x7f": "delete", "\x85": "next line", "\x9b": "CSI",
    "\x9d": "OSC",
}


def shown(char: str) -> str:
    """A control character as a person can read it: `\\x1b (escape)`."""
    code = ord(char)
    name = _NAMES.get(char)
    return f"\\x{code:02x}" + (f" ({name})" if name else "")


def control_problem(text: str, *, one_line: bool = False) -> str | None:
    """None for an acceptable text; else what is wrong, as the end of a sentence."""
    m = (_CONTROL_OR_BREAK if one_line else _CONTROL).search(text)
    if m is None:
        return None
    char = m.group()
    if char in "\n\u2028\u2029" or (char == "\r" and text[m.start() + 1:m.start() + 2] == "\n"):
        return f"holds a line break at character {m.start() + 1} (it is a one-line field)"
    return f"holds the control character {shown(char)} at character {m.start() + 1}"


def is_one_line(loc: tuple) -> bool:
    """Whether the value at `loc` (keys and list indices) is a one-line field."""
    keys = [step for step in loc if isinstance(step, str)]
    return bool(keys) and keys[-1] in ONE_LINE_FIELDS


#: In a YAML file's UTF-8 bytes, what can put a control character in one of its texts:
#: the character itself (a C0 control but tab and newline, a carriage return included;
#: DEL; a C1 control, \xc2\x80-\xc2\x9f in UTF-8, NEL among them; U+2028 and U+2029,
#: which YAML reads as line breaks), or a backslash (a double-quoted escape, `"\e"`).
#: The one-byte ones are found by deleting them (far faster than a pattern's scan).
_RAW_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, ord("\\")])
_RAW_C1 = re.compile(rb"\xc2[\x80-\x9f]")
#: What else can put a line break in a text: a block scalar (`|`, `>`), or an empty line
#: (spaces or tabs at most) inside a quoted or plain scalar spread over several lines.
_RAW_BREAK = re.compile(rb"[|>]|\n[ \t]*\n")


def raw_texts(raw: bytes) -> str:
    """What a YAML file's bytes alone tell of the texts parsed from them, cheaply:

    - "inert": no text can hold a control character or a line break;
    - "breaks": no text can hold a control character, but a text may hold a newline
      (most files: cap writes a long text as a folded block, `>-`);
    - "unknown": every text must be looked at (`text_problems`).

    YAML makes a text's characters only from the same characters in the file, from an
    escape in double quotes (a backslash), or from a line break (kept by a block scalar,
    or an empty line in a scalar folded over several lines): `tests/test_safetext_raw.py`
    holds `text_problems` to the same answer with and without this verdict.
    """
    if len(raw.translate(None, _RAW_CONTROL_BYTES)) != len(raw):
        return "unknown"
    if b"\xc2" in raw and _RAW_C1.search(raw) is not None:
        return "unknown"
    if b"\xe2\x80\xa8" in raw or b"\xe2\x80\xa9" in raw:
        return "unknown"
    return "inert" if _RAW_BREAK.search(raw) is None else "breaks"


def text_problems(data: object, loc: tuple = (), *, texts: str = "unknown") -> list[tuple[tuple, str]]:
    """(loc, what is wrong) for each text in parsed data holding what it may not.

    `texts` is what the file's bytes tell (`raw_texts`); the default looks at every text.
    """
    if texts == "inert":
        return []
    if texts == "breaks":
        if not _any_break(data, is_one_line(loc)):
            return []
    elif not _any_problem(data, is_one_line(loc)):  # the common case, asked of every file loaded: fast
        return []
    found: list[tuple[tuple, str]] = []
    _walk(data, loc, found)
    return found


def _any_problem(value: object, one_line: bool) -> bool:
    kind = type(value)
    if kind is str:
        return (_CONTROL_OR_BREAK if one_line else _CONTROL).search(value) is not None
    if kind is dict:
        return any(_any_problem(item, key in ONE_LINE_FIELDS) for key, item in value.items())
    if kind is list:
        return any(_any_problem(item, one_line) for item in value)
    return False


def _any_break(value: object, one_line: bool) -> bool:
    """`_any_problem` for texts known to hold no control character: only a newline in a
    one-line field can be wrong. Texts are looked at in their container's loop, without
    a call each (most of a file's values are texts that need no look at all)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            kind = type(item)
            if kind is str:
                if key in ONE_LINE_FIELDS and "\n" in item:
                    return True
            elif (kind is dict or kind is list) and _any_break(item, key in ONE_LINE_FIELDS):
                return True
        return False
    if kind is list:
        for item in value:
            kind = type(item)
            if kind is str:
                if one_line and "\n" in item:
                    return True
            elif (kind is dict or kind is list) and _any_break(item, one_line):
                return True
        return False
    return kind is str and one_line and "\n" in value


def _walk(value: object, loc: tuple, found: list) -> None:
    if isinstance(value, str):
        problem = control_problem(value, one_line=is_one_line(loc))
        if problem is not None:
            found.append((loc, problem))
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, (*loc, key), found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, (*loc, i), found)


# ------------------------------------------------------------------ CSV

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = frozenset("=+-@\t\r")


def csv_cell(text: str) -> str:
    """A text as a CSV cell no spreadsheet runs: `'` before a formula-leading text."""
    if text[:1] in FORMULA_START or (text[:1] == "'" and (text[1:2] in FORMULA_START or text[1:2] == "'")):
        return "'" + text
    return text


def csv_text(cell: str) -> str:
    """The text a CSV cell written by `csv_cell` holds: the inverse of `csv_cell`."""
    if cell[:1] == "'" and (cell[1:2] in FORMULA_START or cell[1:2] == "'"):
        return cell[1:]
    return cell


__all__ = ["FORMULA_START", "ONE_LINE_FIELDS", "control_problem", "csv_cell", "csv_text", "is_one_line",
           "raw_texts", "shown", "text_problems"]
