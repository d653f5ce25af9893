"""Names given on the command line that the plan does not have: one line, with the nearest.

A ref, theme, case or agency given on the command line that the plan does not have is
a mistake in the command (exit 2, see cap.cli.common.fail), and its message names the
nearest names the plan does have, found by difflib (any case):

    >>> unknown("theme", "curiousity", ["curiosity", "fora", "accountability"])
    "unknown theme 'curiousity'; did you mean curiosity? (themes: curiosity, fora, accountability)"
    >>> nearest("4.99", ["4.9", "4.1", "1.1"])
    ['4.9']

Pure: the caller gives the names (cap.names reads them from a data folder for completion).
"""

from __future__ import annotations

import difflib
from typing import Iterable, Sequence

#: How many names a message lists in full; beyond it, only the nearest are named.
LISTED = 12
#: How close a name must be (difflib's ratio) to be offered as "did you mean".
CUTOFF = 0.6


class UnknownName(LookupError):
    """A name given on the command line that the plan does not have: a usage mistake
    (`exit_code` 2). The message is one line, with the nearest names."""

    exit_code = 2


def nearest(given: str, names: Iterable[str], n: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """Up to `n` of `names` nearest to `given` (any case), nearest first, as they are written."""
    by_folded: dict[str, str] = {}
    for name in names:
        by_folded.setdefault(name.casefold(), name)
    found = difflib.get_close_matches(given.strip().casefold(), list(by_folded), n=n, cutoff=cutoff)
    return [by_folded[f] for f in found]


def unknown(kind: str, given: str, names: Sequence[str], *, detail: str = "", plural: str | None = None,
            listed: Sequence[str] | None = None) -> str:
    """`unknown KIND 'GIVEN'[: DETAIL]; did you mean X or Y? (KINDs: ...)` on one line.

    `names` are those a person may give (ids, aliases, titles ...), `listed` those the
    message lists (default: `names`): every one when there are few (`LISTED`), else only
    the nearest. `detail` says more about why (`there is no data/actions/4.99.yaml`).
    """
    close = nearest(given, names)
    names = list(dict.fromkeys(names if listed is None else listed))
    head = f"unknown {kind} {given!r}" + (f": {detail}" if detail else "")
    guess = f"; did you mean {_or(close)}?" if close else ""
    label = plural or f"{kind}s"
    if not names:
        listing = f" (the plan has no {label})"
    elif len(names) <= LISTED:
        listing = f" ({label}: {', '.join(names)})"
    elif not close:
        listing = f" ({len(names)} {label}, from {names[0]} to {names[-1]})"
    else:
        listing = ""
    return head + guess + listing


def _or(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


__all__ = ["CUTOFF", "LISTED", "UnknownName", "nearest", "unknown"]
