"""What a ref is: two numbers, like 4.10 (the theme's number, then the action's).

A module of its own, importing nothing of cap's, so that a command that checks the
ref it was given (`cap show`) need not load the write machinery (cap.updates) to do it.
"""

from __future__ import annotations

import re

REF_PATTERN = re.compile(r"^[1-9][0-9]*\.[1-9][0-9]*$")


def not_a_ref(ref: str) -> str | None:
    """None for a ref; else the one line that says why it is not one."""
    if REF_PATTERN.match(ref):
        return None
    return f"{ref!r} is not a ref (refs look like 4.10)"
