"""Every HTML page cap writes comes from the Jinja2 templates in cap/templates/.

Autoescaping is on for every template: a value printed with `{{ ... }}` is escaped
(`<`, `>`, `&` and both quotes) unless it is already `Markup` made by a template, so
text from agencies is always inert. No HTML is built in Python from user text.

    >>> render("report.html", report=report)        # doctest: +SKIP

The templates are package data (pyproject's `package-data`): `pip install .` carries them.
"""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from cap.dates import format_iso, format_uk
from cap.text import plural, visible


def escape(value: Any) -> Markup:
    """Escape as `html.escape(quote=True)` does (`&#x27;` for `'`, as the report always has),
    a control character (not allowed in HTML) shown as an escape, `\\x1b`; Markup made by a
    template passes as it is."""
    if type(value) is str and len(value) <= _MEMO_UP_TO:
        # Short texts recur on every row (statuses, dates, leads, refs): each escaped once.
        shown = _ESCAPED.get(value)
        if shown is None:
            if len(_ESCAPED) >= _MEMO_SIZE:
                _ESCAPED.clear()
            shown = _ESCAPED[value] = _escaped(value)
        return shown
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return _escaped(str(value))


def _escaped(text: str) -> Markup:
    return Markup(html.escape(visible(text), quote=True))


_ESCAPED: dict[str, Markup] = {}
_MEMO_UP_TO, _MEMO_SIZE = 40, 16384


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cap", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escape,
    )
    env.filters.update(uk=format_uk, iso=format_iso, plural=plural, e=escape, escape=escape)
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
