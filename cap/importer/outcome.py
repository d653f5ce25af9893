"""What an import creates and changes (or would, in a dry run): `ImportOutcome`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cap.models import Action, ProgressEntry, Recommendation, Scr, Theme


@dataclass
class Update:
    """An existing action and the progress entries an import adds to it."""

    action: Action
    added: list[ProgressEntry]
    #: Other changes made, as a person reads them (`board rating Amber -> Green`).
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportOutcome:
    """What an import creates and changes (or would, in a dry run)."""

    source: str
    kind: str = "csv"
    created: list[Action] = field(default_factory=list)
    updated: list[Update] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)  # (ref, why)
    new_scrs: list[Scr] = field(default_factory=list)
    new_themes: list[Theme] = field(default_factory=list)
    #: Recommendations added to reviews scrs.yaml has (review id -> its new recommendations).
    new_recommendations: dict[str, list[Recommendation]] = field(default_factory=dict)
    #: Agencies added to data/agencies.yaml (`--add-agencies`): cap.agencies.Agency values.
    new_agencies: list = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    writes: list[tuple[Path, str]] = field(default_factory=list)
    #: The file is a workbook `cap report` made (its own columns read back).
    from_cap: bool = False
    #: A tracker's columns and the fields they became (what `--dry-run` prints first).
    mapping: list[str] = field(default_factory=list)
    #: How each date not written as a plain day was read (`Q2 2017/18 -> 30/09/2017 ...`): the dry run lists them.
    readings: list[str] = field(default_factory=list)
    #: Each header row's shape (its names) -> where it was first read.
    headers: dict[tuple, str] = field(default_factory=dict)
    #: Without --progress-date: (actions opened, entries dated) on the import's day, and that day.
    dated_today: tuple[int, int, dt.date] | None = None
    #: Rows skipped, each with why (guidance rows, --skip-row, --skip-incomplete).
    skipped: list[str] = field(default_factory=list)
