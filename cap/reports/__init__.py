"""Board reports: one Report value (`build_report`), rendered as Markdown, HTML, CSV, JSON,
an Excel workbook or a Word document.

    >>> from cap.reports import build_report, render
    >>> text = render(build_report(plan, Filters(), as_of), "html")     # doctest: +SKIP

Each format is a module with one pure `render(report)`: text (`str`) for the text formats,
the file's bytes for `xlsx` and `docx` (BINARY). The same report gives the same output,
byte for byte (no timestamp unless the report carries a `stamp`).
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Iterator

from cap.reports.model import (
    DEFAULT_TITLE, KINDS, STALE_DAYS, Report, ReportError, Row, Section, Summary, brag_key, build_report,
)

#: Format name -> the module that renders it.
FORMATS = {"md": "markdown", "html": "html", "csv": "csv", "json": "json", "xlsx": "xlsx", "docx": "docx"}
#: The formats whose output is a binary file, not text.
BINARY = frozenset({"xlsx", "docx"})
#: Other names accepted for a format, and the file extensions that imply one.
ALIASES = {"markdown": "md", "htm": "html"}


def normalise_format(name: str) -> str:
    """One of FORMATS for a format name or alias; ReportError if unknown."""
    key = name.strip().lower().lstrip(".")
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise ReportError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    return key


def format_for_path(path: Path) -> str:
    """The format a file name's extension asks for; ReportError if it names none."""
    try:
        return normalise_format(Path(path).suffix)
    except ReportError:
        raise ReportError(
            f"cannot tell the format from the file name {Path(path).name!r}; "
            f"use --format {'|'.join(FORMATS)}"
        ) from None


def render(report: Report, fmt: str) -> str | bytes:
    """The report in one format: text, or bytes for the BINARY formats (`xlsx`, `docx`)."""
    module = import_module(f"cap.reports.{FORMATS[normalise_format(fmt)]}")
    return module.render(report)


def stream(report: Report, fmt: str) -> Iterator[str]:
    """A text format's `render`, in pieces where the format can give them (html: a large
    report is then never held whole); the same text, joined."""
    fmt = normalise_format(fmt)
    module = import_module(f"cap.reports.{FORMATS[fmt]}")
    if fmt in BINARY:
        raise ReportError(f"a {fmt} report is bytes, not text: use render")
    if hasattr(module, "stream"):
        return module.stream(report)
    return iter([module.render(report)])


__all__ = [
    "BINARY", "DEFAULT_TITLE", "FORMATS", "KINDS", "Report", "ReportError", "Row", "STALE_DAYS", "Section",
    "Summary", "brag_key", "build_report", "format_for_path", "normalise_format", "render", "stream",
]
