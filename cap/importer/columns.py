"""The columns of a plan table: header names accepted -> fields, and the header row."""

from __future__ import annotations

from cap.importer.rows import Located, SourceRow

# The columns, by key: (the name shown, the header names accepted, normalised).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "theme": ("Theme", ("theme",)),
    "ref": ("Ref", ("ref", "reference", "ref no")),
    "scr": ("SCR Ref", ("scr ref", "scr refs", "scr", "scrs")),
    "action": ("Action", ("action", "actions")),
    "lead": ("Lead agency", ("lead agency", "lead agencies", "lead")),
    "target": ("Target date", ("target date", "target")),
    "status": ("Status", ("status",)),
    "progress_date": ("Progress date", ("progress date",)),
    "progress": ("Progress", ("progress", "progress update")),
    "signed_off": ("Signed off", ("signed off", "sign off", "sign-off")),
    "withdrawn_reason": ("Withdrawn reason", ("withdrawn reason", "reason withdrawn", "withdrawal reason")),
    "target_history": ("Target history", ("target history", "target date history")),
    "authors": ("Progress authors", ("progress authors", "progress author")),
    "rating": ("Board rating", ("board rating",)),
    "source_ref": ("Source ref", ("source ref",)),
}
REQUIRED = ("ref", "scr", "action", "lead", "target", "progress")
#: Cells a run-on row may add to (the prototype joins every non-empty cell).
JOINED = ("scr", "action", "lead", "target", "status", "progress_date", "progress", "withdrawn_reason")


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def header_name(text: str) -> str:
    return norm(text.replace(".", " ").replace(":", " ").replace("_", " "))


def is_header(cells: list[str]) -> bool:
    names = {header_name(c) for c in cells if c}
    known = {n for _, (_, aliases) in COLUMNS.items() for n in aliases}
    return bool(names & set(COLUMNS["ref"][1])) and len(names & known) >= 3


def header_columns(cells: list[str], row: SourceRow, loc: Located) -> tuple[dict[str, int] | None, list[str]]:
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        name = header_name(cell)
        key = next((k for k, (_, aliases) in COLUMNS.items() if name in aliases), None)
        if key is None:
            if cell:
                ignored.append(cell)
            continue
        if key in found:
            loc.add(row, "CAP803", f"two columns are {COLUMNS[key][0]!r} (cells {found[key] + 1} and {index + 1})")
            return None, ignored
        found[key] = index
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in found]
    if missing:
        loc.add(
            row,
            "CAP803",
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: the header row must name "
            f"Ref, SCR Ref, Action, Lead agency, Target date and Progress (Theme, Status and Progress date "
            f"are optional); found {', '.join(c for c in cells if c) or 'nothing'}",
        )
        return None, ignored
    return found, ignored
