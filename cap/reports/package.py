"""What the Office renderers (`xlsx`, `docx`) share: inert text, fixed timestamps, stable zips.

An Office file is a zip of XML parts. The libraries stamp each zip entry with the time
of writing and the document properties with "now"; `StableZip` and `as_of_stamp` take
both from the report instead, so the same data and `--as-of` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

#: Characters XML 1.0 cannot hold at all (every control character but tab, line feed,
#: carriage return), and the two that are not characters (U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The date every zip entry carries: the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: How much of a part is copied at a time.
CHUNK = 1 << 16


def inert(text: str) -> str:
    """Text an Office file can hold: a character XML cannot carry is written as `\\xNN`
    (shown, never dropped); everything else is kept exactly."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


def as_of_stamp(report) -> dt.datetime:
    """The time the document says it was made: the day it was produced (`--stamp`), else the as-of day."""
    day = report.stamp or report.as_of
    return dt.datetime(day.year, day.month, day.day)


def entry(name: str | zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A zip entry for `name`, dated ZIP_EPOCH, deflated, mode 0644, whoever writes it."""
    info = zipfile.ZipInfo(getattr(name, "filename", name), date_time=ZIP_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 0
    return info


class StableZip(zipfile.ZipFile):
    """A zip every entry of which is an `entry`, however a library adds it (`writestr`,
    or `write` from a file, copied in pieces): no time of writing, no file's mode."""

    def writestr(self, name, data, compress_type=None, compresslevel=None):
        super().writestr(entry(name), data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        name = arcname or zipfile.ZipInfo.from_file(filename).filename
        with open(filename, "rb") as source, self.open(entry(name), "w") as target:
            shutil.copyfileobj(source, target, CHUNK)
