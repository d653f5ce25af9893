"""pydantic's refusals as located Problems in plain words (CAP101-CAP105).

`cap.loader.validate_document` validates a parsed document against a model; when the model
refuses it, `validation_problems` turns each of pydantic's errors into one `Problem` at the
line and column of the value in the file, with a message a person can act on:

    >>> # `status: Done` -> "unknown status 'Done': statuses are written in lower case, `status: done`"

(Moved out of cap/loader.py, which holds finding and reading the files, to keep every
module under 700 lines.)
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from pydantic import ValidationError

from cap.models import STATUSES
from cap.problems import Problem
from cap.yamlio import Document


_TARGET_FIELDS = {"target_date", "from", "to"}


def validation_problems(exc: ValidationError, doc: Document, shown: str, model: type) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple] = set()
    faulty = {(f.line, f.col) for f in doc.faults}  # reported already, as read
    for err in exc.errors(include_url=False):
        loc = _data_loc(doc.data, tuple(err["loc"]))
        if loc in seen:  # one problem per place: a union reports once per branch
            continue
        seen.add(loc)
        code, message, at_key = _describe(err, loc, doc, model)
        line, col = doc.position(loc, key=at_key)
        if (line, col) not in faulty:
            problems.append(Problem(shown, line, col, "error", code, message))
    return problems


def _data_loc(data: Any, loc: tuple) -> tuple:
    """The part of a pydantic location that exists in the data (drops union branch names)."""
    out: list = []
    node = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        elif isinstance(node, dict) and len(out) == len(loc) - 1:
            out.append(step)  # a missing or unknown key: keep it to name it
            break
        else:
            break
        out.append(step)
    return tuple(out)


def _describe(err: dict, loc: tuple, doc: Document, model: type) -> tuple[str, str, bool]:
    kind = err["type"]
    where = ".".join(str(s) for s in loc) or "file"
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        parent = _fields_at(model, loc[:-1])
        hint = difflib.get_close_matches(str(name), parent, n=1)
        suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
        return "CAP101", f"unknown key `{where}`{suggestion}", True
    if kind == "missing":
        return "CAP102", f"missing required key `{where}`", False
    read_as = _yaml_read_as(err["input"], doc.source_text(loc))
    if name == "status" and len(loc) == 1:
        if read_as:
            return "CAP104", f"`status`: {read_as}; the status must be one of {', '.join(STATUSES)}", False
        given = err["input"]
        if isinstance(given, str) and given.strip().lower() in STATUSES:
            return "CAP104", (f"unknown status {given!r}: statuses are written in lower case, "
                              f"`status: {given.strip().lower()}`"), False
        return "CAP104", f"unknown status {_show(err['input'])}; valid: {', '.join(STATUSES)}", False
    if loc == ("ref",) and not isinstance(err["input"], str):
        written = doc.source_text(loc)
        return (
            "CAP105",
            f"`ref: {written}` is read as the number {err['input']!r}, not text; "
            f"quote it: ref: '{written}'",
            False,
        )
    if kind == "list_type" and isinstance(err["input"], (str, int, float, dt.date)):
        written = _clip(doc.source_text(loc) or str(err["input"]))
        return "CAP103", (f"`{where}` is a list: write `- {written}` on a line of its own under `{name}:` "
                          "(one `- ` line per item)"), False
    if isinstance(err["input"], dt.datetime):
        written = _clip(doc.source_text(loc) or err["input"].isoformat())
        also = " or `ongoing`" if name in _TARGET_FIELDS else ""
        return "CAP103", f"`{where}` must be a date without a time, like 2017-06-01{also}, not `{written}`", False
    if name in _TARGET_FIELDS:
        return "CAP103", f"`{where}` must be a date (2017-06-01) or `ongoing`, not {_show(err['input'])}", False
    if read_as and err["type"] == "string_type":
        written = _clip(doc.source_text(loc) or "")
        return "CAP103", f"`{where}`: {read_as}; if you mean the text, put it in quotes: '{written}'", False
    return "CAP103", f"`{where}`: {err['msg']} (found {_show(err['input'])})", False


def _clip(written: str, most: int = 40) -> str:
    """A value as written, cut to `most` characters for a message."""
    return written if len(written) <= most else written[: most - 3] + "..."


def _yaml_read_as(value: Any, written: str | None) -> str | None:
    """How YAML read a plain word as something other than text (`no` -> false), or None.

        >>> _yaml_read_as(False, "no")
        'YAML read `no` as false, not as text'
    """
    if written is None or isinstance(value, str):
        return None
    written = _clip(written)
    if isinstance(value, bool):
        return f"YAML read `{written}` as {'true' if value else 'false'}, not as text"
    if isinstance(value, (int, float)):
        return f"YAML read `{written}` as a number, not as text"
    if isinstance(value, dt.date):
        return f"YAML read `{written}` as a date, not as text"
    return None


def _fields_at(model: type, loc: tuple) -> list[str]:
    """Key names allowed at a location, for "did you mean" hints."""
    from typing import get_args

    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        field = getattr(current, "model_fields", {}).get(step)
        if field is None:
            return []
        inner = [a for a in (field.annotation, *get_args(field.annotation)) if hasattr(a, "model_fields")]
        if not inner:
            return []
        current = inner[0]
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def kind_of(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
