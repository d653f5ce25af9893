"""Every HTML page cap writes comes from the Jinja2 templates in cap/templates/.

Autoescaping is on for every template: a value printed with `{{ ... }}` is escaped
(`<`, `>`, `&` and both quotes) unless it is already `Markup` made by a template, so
text from agencies is always inert. No HTML is built in Python from user text.

    >>> render("report.html", report=report)        # doctest: +SKIP

The templates are package data (pyproject's `package-data`): `pip install .` carries them.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from jinja2 import Environment, PackageLoader, StrictUndefined
import markupsafe
from markupsafe import Markup

from cap.dates import format_iso, format_uk
from cap.text import plural, visible


def shown(value: Any) -> Any:
    """What a template prints, before autoescaping escapes it: a text (or anything else
    printed as text) with every control character shown as an escape (`\\x1b`, not
    allowed in HTML); `Markup` made by a template as it is. The environment's `finalize`.

    Jinja's own escaping (markupsafe's, in C) then writes `&amp;`, `&lt;`, `&gt;`, `&#39;`
    and `&#34;`: once for each value, not also in Python (a third of a 10,000-row report's
    time was spent escaping twice).
    """
    if type(value) is str:
        return value if value.isprintable() else visible(value)
    if hasattr(value, "__html__"):
        return value
    text = str(value)
    return text if text.isprintable() else visible(text)


def escape(value: Any) -> Markup:
    """A value as a template prints it: `shown`, then escaped (the `e` filter)."""
    return markupsafe.escape(shown(value))


def _paper_date(value, full_year: bool = True) -> str:
    """The `uk` filter: `dd/mm/yyyy`, the one date style of every paper and page."""
    return format_uk(value, full_year=full_year)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cap", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=shown,
    )
    env.filters.update(uk=_paper_date, iso=format_iso, plural=plural, e=escape, escape=escape)
    return env


def render(name: str, **context: Any) -> str:
    """The template `name` filled with `context`."""
    return environment().get_template(name).render(**context)


def stream(name: str, **context: Any) -> Iterator[str]:
    """`render`, in pieces of about `STREAM_CHUNK` characters: the same text, never held
    whole (a 10,000-action report is a 10 MB page, and its thousands of small pieces
    joined would be held twice)."""
    pending: list[str] = []
    size = 0
    for piece in environment().get_template(name).generate(**context):
        pending.append(piece)
        size += len(piece)
        if size >= STREAM_CHUNK:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


#: About how many characters `stream` gathers before it hands them on.
STREAM_CHUNK = 1 << 16


def text(name: str) -> str:
    """A file from cap/templates/ as it is (a stylesheet, a script)."""
    return resources.files("cap").joinpath("templates", name).read_text(encoding="utf-8")
