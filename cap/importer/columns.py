"""The columns of a plan table: header names accepted -> fields, and the header row.

`COLUMNS` are cap's own (what `cap report --format csv` writes); `HEADER_NAMES` are the
names other boards' trackers use, read by cap.importer.tracker.
"""

from __future__ import annotations

import re

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
    # The dates of an action's life (issue 14): blank in a present column means not recorded.
    "opened": ("Opened", ("opened", "date opened")),
    "completed": ("Completed", ("completed", "date completed")),
    "withdrawn_on": ("Withdrawn on", ("withdrawn on", "date withdrawn")),
    "impact_review": ("Impact review", ("impact review", "impact review date")),
    # Texts whose whitespace a trimmed cell would lose, exactly (cap/importer/exact.py).
    "exact": ("Exact texts", ("exact texts",)),
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


# ------------------------------------------------------------------ other boards' trackers

#: The field names `--map "Column=field"` accepts: the action file's (those `cap show` prints),
#: and `rating` (the board's own RAG), `progress_date` (dates the row's progress),
#: `recommendation` (a review's recommendation or finding), `scope` and `completed` (a
#: completion date, with any words after it: dates the row's entries and its completion).
FIELDS = ("ref", "theme", "action", "recommendation", "scope", "lead", "owner", "target_date", "progress", "status",
          "rating", "outcome", "evidence", "scrs", "progress_date", "completed", "opened", "review_date",
          "impact_review", "withdrawn_reason", "source_ref")
#: Header names real trackers use -> field (names compared by `header_key`).
HEADER_NAMES: dict[str, str] = {}
for _field, _names in {
    "ref": ("no", "no.", "number", "rec no", "rec number", "recommendation no", "recommendation number", "ref",
            "ref no", "reference", "action no", "action number", "item", "id"),
    "action": ("action", "actions", "action required", "actions required", "agreed action", "agreed actions",
               "action to be taken", "actions to be taken", "what will be done", "action to take",
               "actions to take", "action s", "actions agreed"),
    "recommendation": ("recommendation", "recommendations", "learning point", "finding", "findings",
                       "scr finding", "review finding", "recommendation/finding", "over-arching recommendation"),
    "scope": ("scope", "scope of recommendation", "scope of recommendation i e local or regional",
              "scope of recommendation i e local or regional or national", "local/regional/national"),
    "lead": ("lead", "lead agency", "lead agencies", "agency", "agencies", "responsibility", "responsible agency",
             "responsible", "lead organisation", "organisation", "responsible organisation", "who"),
    "owner": ("lead officer", "agency lead person", "lead person", "owner", "action owner", "accountable person",
              "responsible officer", "named lead"),
    "target_date": ("target date", "target", "date", "timescale", "timescales", "by when", "when", "deadline",
                    "due date", "due", "completion date", "target completion date"),
    "completed": ("date of completion", "date completed", "date of completion and outcome",
                  "completion date and outcome", "date completed and outcome", "date of completion and outcome",
                  "actual completion date"),
    "review_date": ("review date", "date of review", "next review", "next review date"),
    "progress": ("progress", "update", "progress update", "comments", "comment", "progress to date",
                 "latest update", "update on progress", "progress/update",
                 "key milestones achieved in enacting recommendation", "key milestones", "milestones"),
    "status": ("rag", "brag", "status", "assessment of progress", "rag rating", "brag rating", "rag status",
               "progress rating", "rating"),
    "outcome": ("outcome", "outcomes", "measure of success", "measures of success", "desired outcome",
                "expected outcome", "success measure", "impact"),
    "evidence": ("evidence", "evidence/outcome", "supporting evidence", "evidence of impact",
                 "evidence of completion"),
    "scrs": ("scr", "scr ref", "scr refs", "scrs", "review", "reviews", "case", "cases", "source", "review ref"),
    "theme": ("theme", "themes", "section", "priority", "area"),
    "progress_date": ("progress date", "date of update", "update date", "last updated", "date updated"),
}.items():
    for _name in _names:
        HEADER_NAMES[_name] = _field
#: Of the status columns, the names that say the column is a rating (when a Status column is there too).
RATING_NAMES = {"rag", "brag", "rag rating", "brag rating", "rag status", "rating", "progress rating"}


def header_key(text: str) -> str:
    """A header cell as the table compares it: any case, any spacing, `No.` as `no`."""
    key = re.sub(r"\s*/\s*", "/", text.lower())
    key = re.sub(r"[.:?*()#\u2019']", " ", key)
    return " ".join(key.split())
