"""What the Office renderers (`xlsx`, `docx`) share: inert text, fixed timestamps, stable zips.

An Office file is a zip of XML parts. The libraries stamp each zip entry with the time
of writing and the document properties with "now"; `stable_zip` and `as_of_stamp` take
both from the report instead, so the same data and `--as-of` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

#: Characters XML 1.0 cannot hold at all (every control character but tab, line feed,
#: carriage return), and the two that are not characters (U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The date every zip entry carries: the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def inert(text: str) -> str:
    """Text an Office file can hold: a character XML cannot carry is written as `\\xNN`
    (shown, never dropped); everything else is kept exactly."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def as_of_stamp(report) -> dt.datetime:
    """The time the document says it was made: the day it was produced (`--stamp`), else the as-of day."""
    day = report.stamp or report.as_of
    return dt.datetime(day.year, day.month, day.day)


def stable_zip(data: bytes) -> bytes:
    """The same zip with every entry dated ZIP_EPOCH, in the same order, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
