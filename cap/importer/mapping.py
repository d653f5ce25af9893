"""A tracker's header row -> its fields (`map_columns`), by the names real trackers use
(cap.importer.columns.HEADER_NAMES) or `--map`; what the dry run prints first."""

from __future__ import annotations

from cap.importer.columns import HEADER_NAMES, RATING_NAMES, header_key
from cap.importer.options import TrackerOptions
from cap.importer.outcome import ImportOutcome
from cap.importer.rows import Located, SourceRow

#: Names only a file `cap report` wrote has: its BRAG column is cap's computation, not a rating.
CAP_ONLY_NAMES = {"progress authors", "target history", "days overdue", "signed off", "withdrawn reason"}


def column_field(cell: str, opts: TrackerOptions) -> str | None:
    key = header_key(cell)
    if not key or key in opts.ignore:
        return None
    return opts.maps.get(key) or HEADER_NAMES.get(key)


def is_tracker_header(cells: list[str], opts: TrackerOptions) -> bool:
    """A header row: two fields or more named, one of them the action (or recommendation)."""
    fields = {column_field(c, opts) for c in cells if c and c.strip()} - {None}
    return len(fields) >= 2 and bool(fields & {"action", "recommendation"})


def map_columns(cells: list[str], row: SourceRow, loc: Located, opts: TrackerOptions,
                outcome: ImportOutcome) -> dict[str, int] | None:
    """The header row -> {field: column index}; the mapping written to `outcome.mapping`."""
    found: dict[str, int] = {}
    names: dict[str, str] = {}
    lines: list[str] = []
    from cap.importer.xlsx import column_letter

    def where(i: int) -> str:
        return f"column {column_letter(i)}" if loc.kind in ("csv", "xlsx", "docx") else f"cell {i + 1}"

    by_cap = bool({header_key(c) for c in cells} & CAP_ONLY_NAMES)
    for i, cell in enumerate(cells):
        if not cell.strip():
            continue
        key = header_key(cell)
        name = column_field(cell, opts)
        if by_cap and key == "brag" and key not in opts.maps:
            lines.append(f"{where(i)} {cell.strip()!r} -> ignored (cap's own BRAG, computed: not the board's rating)")
            outcome.ignored_columns.append(cell.strip())
            continue
        if name is None:
            why = "--ignore-column" if key in opts.ignore else "no field of that name; --map it to use it"
            lines.append(f"{where(i)} {cell.strip()!r} -> ignored ({why})")
            outcome.ignored_columns.append(cell.strip())
            continue
        if name == "status" and "status" in found and key not in opts.maps:
            # Two status columns: the one named like a rating (RAG, BRAG) is the board's rating.
            other = names["status"]
            if key in RATING_NAMES and "rating" not in found:
                name = "rating"
            elif header_key(other) in RATING_NAMES and "rating" not in found:
                found["rating"], names["rating"] = found.pop("status"), names.pop("status")
                lines = [line.replace(f"{other!r} -> status", f"{other!r} -> rating") for line in lines]
        if name in found:
            loc.add(row, "CAP803", f"two columns are {name}: {names[name]!r} and {cell.strip()!r}; "
                    f"give --ignore-column for one, or --map it to another field")
            return None
        found[name], names[name] = i, cell.strip()
        lines.append(f"{where(i)} {cell.strip()!r} -> {name}")
    if "action" not in found and "recommendation" in found:
        found["action"] = found.pop("recommendation")
        lines = [line.replace(f"{names['recommendation']!r} -> recommendation",
                              f"{names['recommendation']!r} -> action") for line in lines]
    elif "recommendation" in found:
        lines = [line.replace(f"{names['recommendation']!r} -> recommendation",
                              f"{names['recommendation']!r} -> action (kept after the action's text)")
                 for line in lines]
    where_row = loc.place(row)
    shape = tuple(header_key(c) for c in cells)
    if shape in outcome.headers:  # a table repeated with the same header (one per finding): one plan
        outcome.mapping.append(f"columns of the header at {where_row}: as at {outcome.headers[shape]}")
    else:
        outcome.headers[shape] = where_row
        outcome.mapping.extend([f"columns of the header at {where_row}:", *(f"  {line}" for line in lines)])
    if "lead" not in found:
        loc.add(row, "CAP803", "no column gives the lead agency (Lead, Lead agency, Agency, Responsibility ...): "
                "--map \"Column=lead\" names it")
        return None
    return found


