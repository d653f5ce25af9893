"""What a ref is: two numbers, like 4.10 (the theme's number, then the action's).

A module of its own, importing nothing of cap's, so that a command that checks the
ref it was given (`cap show`) need not load the write machinery (cap.updates) to do it.
"""

from __future__ import annotations

import re

#: The shape of a ref, unanchored.
REF_SHAPE = r"[1-9][0-9]*\.[1-9][0-9]*"
#: The one rule, for Python's re: the whole text, to its very end (`\Z`: Python's `$`
#: would also match before a final newline, and `'1.9\n'` is not a ref).
REF_PATTERN = re.compile(rf"^{REF_SHAPE}\Z")
#: The same rule for pydantic (models.Ref), whose Rust regex has no `\Z` and whose `$`
#: is the end of the text.
REF_PATTERN_PYDANTIC = rf"^{REF_SHAPE}$"


def not_a_ref(ref: str) -> str | None:
    """None for a ref; else the one line that says why it is not one."""
    if isinstance(ref, str) and REF_PATTERN.match(ref):
        return None
    return f"{ref!r} is not a ref (refs look like 4.10)"
