"""The words real trackers use, in one place: status words, date words, template guidance.

Each table is read by one function elsewhere (cap.importer.boarddates reads the date
words, cap.importer.tracker the status words and guidance); docs/importing.md lists them.
Keys are lower case with single spaces.
"""

from __future__ import annotations

import re

#: Status words -> (status, the rating the word is). A status of None: decided by the row
#: (in-progress with progress text, else open). `Red`... keep the board's rating; a word
#: that is no single rating (`Amber/Green`) is kept in the first progress entry instead.
STATUS_WORDS: dict[str, tuple[str | None, str | None]] = {
    "red": ("in-progress", "Red"), "amber": ("in-progress", "Amber"), "green": ("in-progress", "Green"),
    "blue": ("complete", "Blue"),
    "red/amber": ("in-progress", None), "amber/red": ("in-progress", None),
    "amber/green": ("in-progress", None), "green/amber": ("in-progress", None),
    "green/blue": ("complete", None), "blue/green": ("complete", None),
    "complete": ("complete", None), "completed": ("complete", None), "fully achieved": ("complete", None),
    "achieved": ("complete", None), "action completed and evidenced": ("complete", None),
    "completed - awaiting evidence": ("complete", None), "complete - awaiting evidence": ("complete", None),
    "completed awaiting evidence": ("complete", None), "completed - evidence awaited": ("complete", None),
    "done": ("complete", None), "closed": ("complete", None), "met": ("complete", None),
    "not started": ("open", None), "open": ("open", None), "not yet started": ("open", None),
    "in progress": ("in-progress", None), "in-progress": ("in-progress", None), "ongoing": ("in-progress", None),
    "on track": ("in-progress", None), "started": ("in-progress", None), "partially achieved": ("in-progress", None),
    "partially met": ("in-progress", None), "partially complete": ("in-progress", None),
    "partially completed": ("in-progress", None), "overdue": ("in-progress", None),
    "not yet due": (None, None),
    "withdrawn": ("withdrawn", None), "superseded": ("withdrawn", None), "not accepted": ("withdrawn", None),
}
#: Status words whose exact wording is kept in the first progress entry (`Status in the tracker: ...`):
#: those that say more than cap's status and rating hold.
KEPT_STATUS = {word for word, (status, rating) in STATUS_WORDS.items()
               if "/" in word or "awaiting" in word or "awaited" in word or word in ("overdue", "not yet due")}


def status_key(text: str) -> str:
    """A status cell as the table compares it: any case and spacing, `Amber / Green` as `amber/green`,
    a dash with spaces around it as ` - `."""
    key = re.sub(r"\s*/\s*", "/", " ".join(text.lower().split())).rstrip(".")
    return re.sub(r"\s*[\u2013\u2014-]\s+|\s+[\u2013\u2014-]\s*", " - ", key)


# ------------------------------------------------------------------ date words

#: A target that is ongoing by its nature: no date, nothing kept.
ONGOING_WORDS = {"ongoing", "on-going", "on going", "continuous", "continual", "rolling", "business as usual"}
#: A target that is due at once: due on the day the tracker stood at (its progress date).
IMMEDIATE_WORDS = {"immediate", "immediately", "with immediate effect", "now", "asap", "as soon as possible"}
#: A target that says it has no date yet: ongoing, the words kept (any other text without a date is too,
#: in a tracker; in cap's own columns only these are).
NO_DATE_WORDS = {"tbc", "tba", "tbd", "to be confirmed", "to be agreed", "to be determined", "to be arranged",
                 "date to be confirmed", "date to be agreed", "not yet agreed", "not known"}
#: Words put before a date that add nothing to it (`By 31/12/2016`).
DATE_PREFIXES = re.compile(r"^(?:by|before|due|due by|no later than|not later than|deadline|on or before)\b[\s:]*",
                           re.IGNORECASE)
#: Seasons -> the month they end in (winter: February of the next year).
SEASON_ENDS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}
#: Parts of a year -> the month they end in.
PART_ENDS = {"early": 3, "beginning of": 3, "start of": 3, "first half of": 6, "h1": 6, "mid": 6, "middle of": 6,
             "mid-": 6, "second half of": 12, "h2": 12, "late": 12, "end of": 12, "end": 12, "by end of": 12,
             "by the end of": 12, "the end of": 12}


# ------------------------------------------------------------------ template guidance

#: Cells of a template's guidance row, as the Home Office DHR template and board templates
#: print them under the header: such a row is skipped, with a note.
GUIDANCE_CELLS = {
    "red/amber/green", "rag", "brag", "red/amber/green/blue", "blue/red/amber/green", "dd/mm/yyyy", "dd/mm/yy",
    "local, regional or national level?", "local or regional", "local/regional/national", "local, regional, national",
    "e.g.", "example", "guidance",
}


def is_guidance(cells: list[str]) -> bool:
    """A row of guidance: every filled cell a question (`What is the over-arching recommendation?`)
    or a template's prompt (`Red / Amber / Green`), at least two of them."""
    filled = [status_key(c) for c in cells if c.strip()]
    return len(filled) >= 2 and all(c.endswith("?") or c in GUIDANCE_CELLS for c in filled)
