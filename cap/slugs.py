"""The one rule that turns an agency's name into a file name, the same everywhere.

Agency packs (`cap report --each`), the site's agency pages and the round's return forms
all name an agency's file with `file_slug`, so `Children's Services` is
`childrens-services` in each of them. The name is valid on Windows as on Linux and macOS:

- only lower-case ASCII letters, digits and hyphens (accents are taken off, apostrophes
  dropped, every other run of characters becomes one hyphen): none of `<>:"/\\|?*`, no
  control character, no dot, no space, so never a trailing dot or space;
- never a reserved device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`, `LPT1`-`LPT9`,
  in any case, with or without an extension): such a name gets `-agency` after it;
- at most `MAX_LEN` (60) characters, cut at a hyphen (between words) where it can be, so
  that a folder path, the name and its extension stay well inside Windows' 260;
- never empty (`agency` when nothing of the name is left), and the same for the same name.

Two agencies whose names make the same slug (`Children's Services` and `childrens
services!`) must not share a file: `unique_slugs` gives a set of names their slugs, the
second and later of a clash ending `-2`, `-3`..., in an order that does not depend on the
order the names come in.

    >>> file_slug("Children's Services")
    'childrens-services'
    >>> file_slug("NSCB Monitoring and Evaluation Officer (MEO)")
    'nscb-monitoring-and-evaluation-officer-meo'
    >>> file_slug("Aux"), file_slug("con.txt"), file_slug("..."), file_slug("Santé publique")
    ('aux-agency', 'con-txt', 'agency', 'sante-publique')
    >>> unique_slugs(["children's services!", "Children's Services"])
    {"Children's Services": 'childrens-services', "children's services!": 'childrens-services-2'}
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: The longest slug: a file name and its folder stay far inside Windows' 260-character path.
MAX_LEN = 60
#: What a name with nothing usable in it becomes.
FALLBACK = "agency"
#: Windows' reserved device names (a file may not be called these, with any extension).
RESERVED = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                      *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
                      *(f"com{c}" for c in "¹²³"), *(f"lpt{c}" for c in "¹²³")})

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_OTHER = re.compile(r"[^a-z0-9]+")


def is_reserved(name: str) -> bool:
    """Whether Windows refuses `name` as a file name's stem (`nul`, `NUL.txt`, `com1.tar.gz`)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in RESERVED


def _cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a hyphen when one falls in the second half."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if text[limit] != "-":
        at = head.rfind("-")
        if at >= limit // 2:
            head = head[:at]
    return head.strip("-")


def file_slug(name: str, *, limit: int = MAX_LEN) -> str:
    """A file name (without extension) for an agency: see the module's rules."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text.lower())
    text = _OTHER.sub("-", text.encode("ascii", "ignore").decode("ascii")).strip("-")
    stem = _cut(text, limit) or FALLBACK
    if is_reserved(stem):
        stem = f"{stem}-{FALLBACK}"
    return stem


def unique_slugs(names: Iterable[str], *, limit: int = MAX_LEN) -> dict[str, str]:
    """Each distinct name's slug, no two alike (case-insensitive): a clash's second name
    and later (in case-insensitive name order) end `-2`, `-3`... within `limit`."""
    ordered = sorted(set(names), key=lambda n: (n.casefold(), n))
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in ordered:
        out[name] = unique_slug(name, taken, limit=limit)
    return out


def unique_slug(name: str, taken: set[str], *, limit: int = MAX_LEN) -> str:
    """`file_slug(name)`, or the same ending `-2`, `-3`... if `taken` has it; adds it to `taken`."""
    base = file_slug(name, limit=limit)
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = _cut(base, limit - len(suffix)) + suffix
        n += 1
    taken.add(candidate)
    return candidate


__all__ = ["FALLBACK", "MAX_LEN", "RESERVED", "file_slug", "is_reserved", "unique_slug", "unique_slugs"]
