"""The checks of one data file's content alone: the canonical format (CAP214) and what
looks like personal data (CAP301-CAP306; the patterns: cap/personaldata.py).

They need nothing but the file's bytes, its document and its record, so `cap validate`
runs them as each file loads (`file_checks`, the loader's `visit`) and lets the bytes go;
their verdicts are kept in the load cache. `CHECKS` (cap/checks.py) lists them with the
others; this module is theirs alone, to keep every module under 700 lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator

from cap.lineends import as_lf
from cap.loader import SourceFile
from cap.models import Action
from cap.personaldata import mask, personal_data, strings, suspect, texts
from cap.problems import Problem
from cap.yamlio import CanonicalDocument

if TYPE_CHECKING:
    from cap.checks import Context


def located(shown: str, line: int, col: int, code: str, message: str) -> Problem:
    """`cap.checks.located`: a warning or an error as `cap.checks.WARNINGS` says."""
    from cap.checks import located as at_place

    return at_place(shown, line, col, code, message)


# ------------------------------------------------------------------ format


def check_canonical_format(ctx: Context) -> Iterator[Problem]:
    """Each file is exactly as `cap fmt` writes it, so diffs stay small and readable."""
    for source in ctx.files():
        yield from canonical_format_of(source)


def canonical_format_of(source: SourceFile, data: dict | None = None) -> list[Problem]:
    """`check_canonical_format` for one file (`data`: its record's `to_data()`, if known)."""
    from cap.store import canonical_text, is_canonical
    from cap.yamlio import comment_lines, header_comment

    if source.record is None or source.raw is None or _verdict(
        source, "canonical", lambda: _read_as_written(source, data) or is_canonical(source.raw, source.record, data)
    ):
        return []
    text = as_lf(source.raw).decode("utf-8-sig", errors="replace")
    want = canonical_text(source.record, header_comment(text))
    line = _first_difference(text.splitlines(), want.splitlines())
    where = f"first difference at line {line}" if line else "line endings, a byte-order mark or the last newline"
    comments = comment_lines(text)
    if comments:  # `cap fmt` leaves such a file alone rather than drop the comment
        shown = ", ".join(map(str, comments[:5])) + (", ..." if len(comments) > 5 else "")
        return [
            located(
                source.shown, comments[0], 1, "CAP214",
                f"not in the canonical format ({where}); it has a # comment (line {shown}), which the "
                "canonical format would drop, so `cap fmt` leaves it alone: move the comment into a "
                "progress entry or delete it, then run `cap fmt`",
            )
        ]
    return [
        located(
            source.shown, line or 1, 1, "CAP214",
            f"not in the canonical format ({where}); `cap fmt` rewrites it",
        )
    ]


def _first_difference(have: list[str], want: list[str]) -> int | None:
    for number, (a, b) in enumerate(zip(have, want), start=1):
        if a != b:
            return number
    if len(have) != len(want):
        return max(1, min(len(have), len(want) + 1))
    return None


# ------------------------------------------------------------------ personal data (the patterns: cap/personaldata.py)


def check_personal_data(ctx: Context) -> Iterator[Problem]:
    """The plan is about cases, never children: warn on anything that looks like personal data."""
    for source in ctx.files():
        yield from personal_data_of(source)


def _read_as_written(source: SourceFile, data: dict | None) -> bool:
    """A file read by cap.canonical is the canonical text of the data it read as (after
    its header comment): it is canonical if its record's data is that data, exactly. No
    emit needed: most files of a plan are settled here."""
    from cap.plaindata import same

    return (
        data is not None
        and isinstance(source.doc, CanonicalDocument)
        and not source.raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark is not canonical
        and (data is source.doc.data or same(data, source.doc.data))  # (is: `file_checks` asked)
    )


def personal_data_of(source: SourceFile, data: dict | None = None) -> list[Problem]:
    """`check_personal_data` for one file (`data`: its record's `to_data()`, if known)."""
    lines: list[str] | None = None
    problems = []
    for loc, code, what, found in _verdict(source, "personal-data", lambda: _personal_data_in(source, data)):
        if lines is None:
            lines = source.raw.decode("utf-8-sig").splitlines()
        loc = tuple(loc)
        line, col = _locate(source, loc, found, lines)
        problems.append(
            located(
                source.shown, line, col, code,
                f"`{dotted(loc)}` has what looks like {what} ({mask(found)}): "
                f"the plan is about cases, never children; remove it",
            )
        )
    return problems


def _personal_data_in(source: SourceFile, data: dict | None = None) -> list[tuple]:
    """(loc, code, what, found) for each find in a file's texts (plain values: cacheable)."""
    if data is None:
        data = source.record.to_data() if isinstance(source.record, Action) else source.doc.data
    found: list[str] = []
    strings(data, found)
    # One look at all of them settles most files (no pattern reaches across a line break).
    if not suspect("\n".join(found)):
        return []
    return [(loc, code, what, found) for loc, text in texts(data) for code, what, found in personal_data(text)]


def file_checks(source: SourceFile) -> list[Problem]:
    """The content-only checks of one file (format, personal data), while its bytes are at
    hand: `validate` runs them as each file loads, then lets the bytes go."""
    data = None
    if isinstance(source.record, Action) and not (
        source.entry is not None and "canonical" in source.entry.values and "personal-data" in source.entry.values
    ):
        # The record's data, for both checks (none needed when both are cached): when it is
        # exactly the data the canonical reader read (most files), that data itself.
        if isinstance(source.doc, CanonicalDocument) and source.record.written_as(source.doc.data):
            data = source.doc.data
        else:
            data = source.record.to_data()
    return canonical_format_of(source, data) + personal_data_of(source, data)


def _verdict(source: SourceFile, name: str, compute: Callable[[], Any]) -> Any:
    """A content-only check's answer for a file: from the load cache when its bytes are
    known, else computed (and kept for next time)."""
    if source.entry is None:
        return compute()
    return source.entry.verdict(name, compute)


def _locate(source: SourceFile, loc: tuple, found: str, lines: list[str]) -> tuple[int, int]:
    """The line and column of `found` inside the value at `loc` (a block text spans lines)."""
    node = source.doc.node_at(loc)
    first, last = node.start_mark.line, node.end_mark.line
    for number in range(first, min(last, len(lines) - 1) + 1):
        start = node.start_mark.column if number == first else 0
        col = lines[number].find(found, start)
        if col >= 0:
            return number + 1, col + 1
    return first + 1, node.start_mark.column + 1


def dotted(loc: tuple) -> str:
    return ".".join(str(step) for step in loc) or "file"
