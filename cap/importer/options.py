"""What the command line says about a tracker: `TrackerOptions`, and the parsing of
`--map`, `--status-map`, `--skip-row` and `--fix-date` (each a ValueError in words)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from cap.importer.boarddates import parse_fixes
from cap.importer.columns import FIELDS, header_key
from cap.importer.words import STATUS_WORDS, status_key

__all__ = ["TrackerOptions", "known_words", "parse_fixes", "parse_maps", "parse_skip_rows", "parse_status_map"]


@dataclass
class TrackerOptions:
    """What the command line says about a tracker."""

    maps: dict[str, str] = field(default_factory=dict)  # header_key(column) -> field
    ignore: set[str] = field(default_factory=set)  # header_key(column)
    theme: str | None = None
    status_map: dict[str, str] = field(default_factory=dict)  # cell text (lower) -> status word
    skip_incomplete: bool = False
    #: Rows skipped by number (`--skip-row 5`), or (table, row) in a Word document (`--skip-row 2:5`).
    skip_rows: set[int | tuple[int, int]] = field(default_factory=set)
    #: `--fix-date`: a cell's text (boarddates.fix_key) -> the date meant.
    fixes: dict[str, dt.date] = field(default_factory=dict)
    #: `--review ID`: the review (scrs.yaml) every action of the file belongs to; `--add-reviews` adds it.
    review: str | None = None
    add_reviews: bool = False
    #: data/agencies.yaml's agencies (set by the import, not the command line): a lead cell's agencies.
    agencies: list | None = None

    @property
    def given(self) -> bool:
        """Whether any option says the file is a tracker."""
        return bool(self.maps or self.ignore or self.theme or self.status_map or self.skip_incomplete
                    or self.review)


def parse_maps(values: list[str]) -> dict[str, str]:
    """`Column name=field` items -> {header_key: field}; ValueError naming the fields."""
    out: dict[str, str] = {}
    for item in values:
        column, sep, name = item.rpartition("=")
        name = name.strip().lower().replace("-", "_").replace(" ", "_")
        name = {"target": "target_date", "scr": "scrs", "cases": "scrs", "review": "scrs", "finding": "recommendation",
                "completion": "completed", "completion_date": "completed"}.get(name, name)
        if not sep or not column.strip():
            raise ValueError(f"--map {item!r}: write \"Column name=field\"")
        if name not in FIELDS:
            raise ValueError(f"--map {item!r}: {name!r} is not a field; the fields are {', '.join(FIELDS)}")
        out[header_key(column)] = name
    return out


def parse_status_map(values: list[str]) -> dict[str, str]:
    """`1=complete,2=in-progress` (one or more options) -> {'1': 'complete', ...}."""
    out: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            if not item.strip():
                continue
            key, sep, word = item.partition("=")
            word_key = status_key(word)
            if not sep or not key.strip():
                raise ValueError(f"--status-map {item.strip()!r}: write \"1=complete,2=in-progress\"")
            if word_key not in STATUS_WORDS:
                raise ValueError(f"--status-map {item.strip()!r}: {word.strip()!r} is not a status word; "
                                 f"use one of {', '.join(known_words())}")
            out[status_key(key)] = word_key
    return out


def parse_skip_rows(values: list[str]) -> set[int | tuple[int, int]]:
    """`--skip-row 5` (a row of a sheet or CSV, a line of text) or `--skip-row 2:5` (table 2's row 5)."""
    out: set[int | tuple[int, int]] = set()
    for value in values:
        m = re.fullmatch(r"\s*(?:(\d+)\s*:\s*)?(\d+)\s*", value)
        if m is None or int(m.group(2)) < 1:
            raise ValueError(f"--skip-row {value!r}: give a row number (5), or a Word table's and its row (2:5)")
        out.add((int(m.group(1)), int(m.group(2))) if m.group(1) else int(m.group(2)))
    return out


def known_words() -> list[str]:
    return sorted(STATUS_WORDS)
