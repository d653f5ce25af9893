"""Line endings: a data file with CRLF endings throughout is the same file as with LF.

Git for Windows checks text files out with CRLF endings by default (`core.autocrlf=true`)
unless the repository's `.gitattributes` says otherwise (this repository's and every one
`cap init` makes keep the data files LF: `data/**/*.yaml text eol=lf`). On a checkout that
has them anyway, `cap validate` reads a file that differs from the canonical format only
by its CRLF endings as canonical (no CAP214), and every write keeps the ending the file
has, so the change is the lines it adds, not a rewrite of every line.

    >>> as_lf(b"ref: '1.1'\\r\\nstatus: open\\r\\n")
    b"ref: '1.1'\\nstatus: open\\n"
    >>> with_ending("a\\nb\\n", CRLF)
    'a\\r\\nb\\r\\n'

A file mixing both endings is not CRLF: `cap fmt` writes it with LF. A text value never
holds a carriage return (cap/safetext.py refuses control characters), so only the line
breaks of the file change.
"""

from __future__ import annotations

from pathlib import Path

LF = "\n"
CRLF = "\r\n"
#: How much of a file `ending_of` reads to tell its ending (its first lines say it).
_SAMPLE = 64 * 1024


def is_crlf(raw: bytes) -> bool:
    """Every line break of `raw` is CRLF, and there is at least one."""
    breaks = raw.count(b"\n")
    return breaks > 0 and raw.count(b"\r\n") == breaks


def as_lf(raw: bytes) -> bytes:
    """`raw` with LF endings when it has CRLF ones throughout; else `raw` unchanged."""
    return raw.replace(b"\r\n", b"\n") if b"\r" in raw and is_crlf(raw) else raw


def ending_of(path: Path) -> str:
    """The ending a write to `path` keeps: CRLF when the file has it throughout (judged on
    its first 64 KiB), else LF (also for a file that does not exist yet)."""
    try:
        with open(path, "rb") as handle:
            sample = handle.read(_SAMPLE)
    except OSError:
        return LF
    if len(sample) == _SAMPLE:
        sample = sample[: sample.rfind(b"\n") + 1]  # whole lines only
    return CRLF if is_crlf(sample) else LF


def with_ending(text: str, ending: str) -> str:
    """`text` (LF endings, as cap writes) with `ending` instead."""
    return text.replace(LF, CRLF) if ending == CRLF else text
