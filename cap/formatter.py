"""`cap fmt`: every data file in the one canonical format.

    >>> result = format_data(Path("data"), check=True)     # doctest: +SKIP
    >>> result.changed, result.problems
    (['data/actions/4.4.yaml'], [])

A file that does not load is reported (its problems) and never rewritten; nor is one
holding `#` comments, which the canonical format has no place for. Writing takes the data
folder's lock and replaces each file atomically; `check=True` writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cap.problems import Problem


@dataclass
class FormatResult:
    #: Files rewritten (or, with check, that would be), as shown to a person.
    changed: list[str] = field(default_factory=list)
    #: Files already canonical.
    unchanged: list[str] = field(default_factory=list)
    #: Problems of the files that do not load (those files are left alone).
    problems: list[Problem] = field(default_factory=list)
    #: (file, first line) of files left alone because a rewrite would drop a comment.
    commented: list[tuple[str, int]] = field(default_factory=list)
    #: (path, bytes before, bytes written) of each file rewritten, for `cap undo`.
    written: list[tuple[Path, bytes, bytes]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.commented


def data_files(data_dir: Path) -> list[tuple[Path, type]]:
    """Every file `cap` keeps, with the model it holds: themes, SCRs, agencies, then the actions."""
    from cap.loader import SCRS_FILE, THEMES_FILE, action_files
    from cap.models import Action, ScrsFile, ThemesFile

    files: list[tuple[Path, type]] = [(data_dir / THEMES_FILE, ThemesFile)]
    if (data_dir / SCRS_FILE).exists():
        files.append((data_dir / SCRS_FILE, ScrsFile))
    from cap.agencies import AgenciesFile, agencies_path

    if agencies_path(data_dir).exists():
        files.append((agencies_path(data_dir), AgenciesFile))
    files += [(path, Action) for path in action_files(data_dir)]
    return files


def format_data(data_dir: Path, *, check: bool = False) -> FormatResult:
    """Rewrite (or with `check`, only compare) every data file in the canonical format."""
    import contextlib

    from cap.store import plan_lock

    result = FormatResult()
    with plan_lock(data_dir) if not check else contextlib.nullcontext():
        for path, model in data_files(data_dir):
            _format_file(path, model, data_dir, check, result)
        if result.written:
            from cap.undo import record_many

            record_many(data_dir, result.written)  # one change for `cap undo`
    return result


def _format_file(path: Path, model: type, data_dir: Path, check: bool, result: FormatResult) -> None:
    from cap.lineends import CRLF, LF, as_lf, is_crlf, with_ending
    from cap.loader import action_from_document, display_path, read_document, validate_document
    from cap.models import Action
    from cap.store import atomic_write, checked_text
    from cap.yamlio import comment_lines, header_comment

    shown = display_path(path, data_dir)
    doc, problems = read_document(path, shown)
    record = None
    if doc is not None:
        if model is Action:
            record, problems = action_from_document(doc, path.stem, shown)
        else:
            record, problems = validate_document(doc, model, shown)
    if record is None or any(p.is_error for p in problems):
        result.problems += problems
        return
    raw = original = path.read_bytes()
    crlf = is_crlf(raw)  # a Windows checkout's CRLF endings are kept (cap/lineends.py)
    raw = as_lf(raw)
    text = checked_text(record, header_comment(raw.decode("utf-8-sig")))
    if raw == text.encode("utf-8"):
        result.unchanged.append(shown)
        return
    comments = comment_lines(raw.decode("utf-8-sig"))
    if comments:
        result.commented.append((shown, comments[0]))
        return
    result.changed.append(shown)
    if not check:
        new = with_ending(text, CRLF if crlf else LF)
        atomic_write(path, new)
        result.written.append((path, original, new.encode("utf-8")))
