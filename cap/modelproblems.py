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
import re
from typing import Any

from pydantic import ValidationError

from cap.models import STATUSES
from cap.problems import MAX_PER_FILE, Problem
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
        # Past what a file reports (cap.problems.bounded), no "did you mean" is worked out.
        code, message, at_key = _describe(err, loc, doc, model, hint=len(problems) < MAX_PER_FILE)
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


def _describe(err: dict, loc: tuple, doc: Document, model: type, hint: bool = True) -> tuple[str, str, bool]:
    kind = err["type"]
    where = ".".join(str(s) for s in loc) or "file"
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(name), _fields_at(model, loc[:-1]), n=1) if hint else []
        suggestion = f" (did you mean `{close[0]}`?)" if close else ""
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
    if ((kind.startswith("date") or name in _TARGET_FIELDS) and isinstance(err["input"], str)
            and _DATE_AND_TIME.match(err["input"])):
        # `2017-01-31 10:00` (no seconds) is not a YAML timestamp: it is read as text.
        written = _clip(doc.source_text(loc) or err["input"])
        also = " or `ongoing`" if name in _TARGET_FIELDS else ""
        return "CAP103", f"`{where}` must be a date without a time, like 2017-06-01{also}, not `{written}`", False
    if name in _TARGET_FIELDS:
        return "CAP103", f"`{where}` must be a date (2017-06-01) or `ongoing`, not {_show(err['input'])}", False
    if read_as and err["type"] == "string_type":
        written = _clip(doc.source_text(loc) or "")
        return "CAP103", f"`{where}`: {read_as}; if you mean the text, put it in quotes: '{written}'", False
    return "CAP103", f"`{where}` {plain_words(err)} (found {_show(err['input'])})", False


#: A date followed by a time of day, in any of the forms people write.
_DATE_AND_TIME = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}(?:[ T]+|\s*)\d{1,2}[:.]\d{2}")

#: What pydantic's refusals mean, in cap's words (never pydantic's own, which speak of
#: "Input should be" and of Python's types).
_PLAIN = {
    "string_type": "must be text", "str_type": "must be text",
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number", "float_parsing": "must be a number",
    "bool_type": "must be true or false", "bool_parsing": "must be true or false",
    "date_type": "must be a date, like 2017-06-01", "date_parsing": "must be a date, like 2017-06-01",
    "date_from_datetime_parsing": "must be a date, like 2017-06-01",
    "date_from_datetime_inexact": "must be a date without a time, like 2017-06-01",
    "datetime_type": "must be a date and time", "datetime_parsing": "must be a date and time",
    "list_type": "must be a list (one `- ` line per item)", "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be a mapping of keys", "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys", "dataclass_type": "must be a mapping of keys",
    "string_too_short": "must not be empty", "too_short": "must have at least one item",
    "string_too_long": "is too long", "too_long": "has too many items",
    "string_pattern_mismatch": "is not in the expected form",
    "none_required": "must be empty", "is_instance_of": "is not a valid value",
    "enum": "is not one of the allowed values", "union_tag_invalid": "is not one of the allowed kinds",
    "greater_than": "is too small", "greater_than_equal": "is too small",
    "less_than": "is too large", "less_than_equal": "is too large",
}


def plain_words(err: dict) -> str:
    """One pydantic error (from `exc.errors()`) as cap says it: `must be text`,
    `must be one of open, closed`; a rule of cap's own (a validator) in its own words."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "literal_error" and "expected" in ctx:
        return f"must be one of {ctx['expected'].replace(chr(39), '')}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == r"\S":
        return "must not be blank"
    if kind == "string_too_long" and "max_length" in ctx:
        return f"is too long (at most {ctx['max_length']:,} characters)"
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        text = str(error) if error is not None else str(err.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return f"is not valid: {text}" if text else "is not a valid value"
    return _PLAIN.get(kind, "is not a valid value")


def plain_error(err: dict) -> str:
    """`where: what is wrong`, for a message outside a file (cap import, a write)."""
    where = ".".join(str(s) for s in err.get("loc", ())) or "the record"
    return f"{where} {plain_words(err)}"


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
