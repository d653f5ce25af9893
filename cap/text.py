"""Text from the plan made safe to show to a person: the one place that does it.

Agencies' texts, names from git commits and file names reach terminals, pull-request
comments and browsers. A control character in them could clear the manager's screen
(`ESC [2J`), retitle the window or forge a link (OSC sequences), or hide text
(`\\r`, backspace, right-to-left overrides). Every human-readable renderer passes
user text through `visible()`, which shows each such character as a visible escape:

    >>> visible("Eve\\x1b[2J")
    'Eve\\\\x1b[2J'
    >>> visible("line one\\nline two\\tand a tab")
    'line one\\nline two\\tand a tab'
    >>> visible("abc\\u202edcba")
    'abc\\\\u202edcba'

Newline and tab are kept (they are layout, and harmless); everything else that is not
printable is shown as `\\xNN` or `\\uNNNN`. JSON output keeps text exact (JSON escapes
control characters by its own rules), and so does CSV.
"""

from __future__ import annotations

import re

#: C0 controls except tab and newline; DEL and the C1 controls; the Unicode controls that
#: reorder or hide text (bidirectional embeddings, overrides and isolates, the line and
#: paragraph separators, zero-width no-break space used as a mark).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character other than newline and tab shown as an escape."""
    if not text:
        return text
    return _UNSAFE.sub(_escape, text)


def first_line(text: str) -> str:
    """The first non-blank line of a text (visible), with `…` when more lines follow."""
    lines = [line.strip() for line in visible(text).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    return lines[0] + (" …" if len(lines) > 1 else "")


def plural(n: int, one: str, many: str | None = None) -> str:
    """`1 action`, `2 actions`: a number with its noun in plain English.

    >>> plural(1, "action"), plural(0, "action"), plural(3, "entry", "entries")
    ('1 action', '0 actions', '3 entries')
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"
