"""The return form: an `.xlsx` workbook an agency's lead fills in without help.

- `Cover`: the agency, the round, the return-by date, whom to send it back to, the date
  of the update (to fill in), and three lines on how to fill it in.
- `Actions`: one row per action. Locked, grey: ref, the action word for word, target
  date, status, BRAG, the latest reported progress and its date. Unlocked, yellow: what
  has been done since, status now (a drop-down: in progress, complete), a proposed new
  target date and its reason, evidence, who is reporting. Sheet protection has no
  password (anyone can lift it: nobody is ever locked out); Excel's data validation
  checks the dates and the drop-down. The last column, hidden, is the row's key: the
  round, the ref and the fingerprint of the action as it stood (`2017-07|4.4|3f9a0c1d2e4b`).
- `cap` (a hidden sheet): the round, the agency, the form's version.

Real date cells (dd/mm/yyyy), a text cell for every text, no formula anywhere: the data
validation's bound is a number, not a formula. The same round and plan give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from dataclasses import dataclass
from typing import Sequence

from cap.dates import format_uk
from cap.models import Action
from cap.query import brag

FORM_VERSION = "cap round form 1"
COVER_SHEET = "Cover"
ACTIONS_SHEET = "Actions"
META_SHEET = "cap"
STATUS_CHOICES = ("in progress", "complete")

#: The form's columns: (header, width, filled in by the agency).
COLUMNS: tuple[tuple[str, int, bool], ...] = (
    ("Ref", 6, False),
    ("Action", 42, False),
    ("Target date", 11, False),
    ("Status", 11, False),
    ("BRAG", 7, False),
    ("Latest progress", 38, False),
    ("Progress date", 11, False),
    ("Done since then", 42, True),
    ("Status now", 12, True),
    ("Proposed new target date", 13, True),
    ("Reason for new date", 24, True),
    ("Evidence", 24, True),
    ("Who is reporting", 16, True),
    ("Form key", 10, False),
)
KEY_HEADER = "Form key"
HEADER_ROW = 2
FIRST_ROW = 3
#: Excel's serial number of 1 January 1990, the earliest date a plan holds: the date
#: validation's bound, written as a number (no formula).
EARLIEST_SERIAL = 32874

LOCKED_FILL = "EEF1F4"
FILL_IN = "FFF8DC"

HOW_TO = (
    "1. On the Actions sheet each row is one of your agency's actions. The grey columns show "
    "the plan as it stands: please leave them as they are.",
    "2. In the yellow columns say what has been done since the progress date, choose the status "
    "now (in progress or complete), and if the action will be late propose a new target date "
    "with the reason. Add any evidence and your name. Leave a row blank if there is nothing new.",
    "3. Save the file as it is (an Excel workbook, .xlsx; any name will do) and send it back by "
    "the return-by date.",
)


@dataclass(frozen=True)
class FormRequest:
    """What one form says: the round, the agency, its actions and their fingerprints."""

    round_id: str
    agency_key: str
    agency_name: str
    started: dt.date
    as_of: dt.date
    due: dt.date
    reply_to: str | None
    actions: Sequence[Action]
    fingerprints: Sequence[str]


def form_key(round_id: str, ref: str, fingerprint: str) -> str:
    return f"{round_id}|{ref}|{fingerprint}"


def parse_key(text: str) -> tuple[str, str, str] | None:
    parts = str(text).strip().split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def cover_lines(form: FormRequest) -> list[tuple[str, object]]:
    """The cover's labelled lines (label, value) as the xlsx and Word forms both show them."""
    return [
        ("Agency", form.agency_name),
        ("Round", f"{form.round_id} (the plan as of {format_uk(form.as_of, full_year=True)})"),
        ("Return by", form.due),
        ("Send it back to", form.reply_to or "the business manager who sent you this form"),
        ("Date of this update", None),
    ]


def latest(action: Action) -> tuple[str | None, dt.date | None]:
    entry = action.latest_progress
    return (entry.text, entry.date) if entry else (None, None)


def build_xlsx(form: FormRequest):
    """The form as an openpyxl workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from cap.reports.package import inert
    from cap.reports.xlsx import BRAG_COLOURS, DATE_FORMAT, PAPERSIZE_A4

    wb = Workbook()
    side = Side(style="thin", color="C8CCD1")
    border = Border(left=side, right=side, top=side, bottom=side)
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    locked_fill = PatternFill("solid", fgColor=LOCKED_FILL)
    fill_in = PatternFill("solid", fgColor=FILL_IN)
    unlocked = Protection(locked=False)

    looks: dict[tuple, object] = {}

    def put(ws, row, col, value, *, bold=False, size=None, fill=None, open_=False, boxed=True, date=False,
            brag_=None):
        """One cell; each distinct look is styled once, then copied (openpyxl's style
        look-up is the slow part of fifty forms)."""
        cell = ws.cell(row=row, column=col)
        is_date = isinstance(value, dt.date)
        if is_date:
            cell.value = value
        elif value is not None and value != "":
            cell.value = inert(str(value))
            cell.data_type = "s"  # a text cell, never a formula
        key = (id(ws.parent), is_date or date, bold, size, fill, open_, boxed, brag_)
        look = looks.get(key)
        if look is not None:
            cell._style = copy(look)
            return cell
        if is_date or date:
            cell.number_format = DATE_FORMAT
        if bold or size:
            cell.font = Font(bold=bold, size=size)
        cell.alignment = wrap
        if boxed:
            cell.border = border
        if fill == "locked":
            cell.fill = locked_fill
        elif fill == "open":
            cell.fill = fill_in
        if brag_:
            colour, ink = BRAG_COLOURS[brag_]
            cell.fill = PatternFill("solid", fgColor=colour)
            cell.font = Font(bold=True, color=ink)
        if open_:
            cell.protection = unlocked
        looks[key] = copy(cell._style)
        return cell

    # ---- cover
    cover = wb.active
    cover.title = COVER_SHEET
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 62
    put(cover, 1, 1, f"Action plan update: {form.agency_name}", bold=True, size=14, boxed=False)
    cover.merge_cells("A1:B1")
    row = 3
    date_cell = None
    for label, value in cover_lines(form):
        put(cover, row, 1, label, bold=True, fill="locked")
        if label == "Date of this update":
            date_cell = put(cover, row, 2, None, fill="open", open_=True, date=True)
        else:
            put(cover, row, 2, value, fill="locked")
        row += 1
    row += 1
    put(cover, row, 1, "How to fill it in", bold=True, boxed=False)
    for line in HOW_TO:
        row += 1
        put(cover, row, 1, line, boxed=False)
        cover.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        cover.row_dimensions[row].height = 45
    dates = DataValidation(type="date", operator="greaterThan", formula1=str(EARLIEST_SERIAL), allow_blank=True,
                           showErrorMessage=True, errorTitle="A date, please",
                           error="Type a date, day first: 14/07/2017.")
    cover.add_data_validation(dates)
    dates.add(date_cell.coordinate)
    cover.protection.sheet = True
    cover.protection.formatColumns = cover.protection.formatRows = False
    cover.page_setup.orientation = "portrait"
    cover.page_setup.paperSize = PAPERSIZE_A4
    cover.page_setup.fitToWidth, cover.page_setup.fitToHeight = 1, 0
    cover.sheet_properties.pageSetUpPr.fitToPage = True

    # ---- actions
    ws = wb.create_sheet(ACTIONS_SHEET)
    last_col = get_column_letter(len(COLUMNS))
    put(ws, 1, 1, f"Actions led by {form.agency_name}: round {form.round_id}, return by "
                  f"{format_uk(form.due, full_year=True)}", bold=True, size=12, boxed=False)
    ws.merge_cells(f"A1:{get_column_letter(len(COLUMNS) - 1)}1")
    ws.row_dimensions[HEADER_ROW].height = 30
    for col, (header, width, filled) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
        put(ws, HEADER_ROW, col, header, bold=True, fill="open" if filled else "locked")
    ws.column_dimensions[last_col].hidden = True
    row = FIRST_ROW
    for action, print_ in zip(form.actions, form.fingerprints):
        text, day = latest(action)
        rating = brag(action, form.as_of)
        target = action.target_date if isinstance(action.target_date, dt.date) else "Ongoing"
        values = (action.ref, action.action, target, action.status, rating, text, day)
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value, fill="locked", brag_=rating if col == 5 else None)
        for col in range(8, 14):
            put(ws, row, col, None, fill="open", open_=True, date=col == 10)
        put(ws, row, 14, form_key(form.round_id, action.ref, print_), boxed=False)
        ws.row_dimensions[row].height = _height((action.action, 42), (text or "", 38))
        row += 1
    last = max(row - 1, FIRST_ROW)
    status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="In progress or complete",
                            error="Choose in progress or complete from the list.",
                            showInputMessage=True, promptTitle="Status now",
                            prompt="In progress, or complete if the action is done.")
    target = DataValidation(type="date", operator="greaterThan", formula1=str(EARLIEST_SERIAL), allow_blank=True,
                            showErrorMessage=True, errorTitle="A date, please",
                            error="Type the proposed new target date, day first: 30/09/2017.")
    ws.add_data_validation(status)
    ws.add_data_validation(target)
    status.add(f"I{FIRST_ROW}:I{last}")
    target.add(f"J{FIRST_ROW}:J{last}")
    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS) - 1)}{last}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    protect = ws.protection
    protect.sheet = True
    protect.formatColumns = protect.formatRows = protect.formatCells = False
    protect.sort = protect.autoFilter = False

    # ---- the form's own record (hidden)
    meta = wb.create_sheet(META_SHEET)
    for r, (key, value) in enumerate((("round", form.round_id), ("agency", form.agency_key),
                                      ("name", form.agency_name), ("form", FORM_VERSION)), start=1):
        put(meta, r, 1, key, boxed=False)
        put(meta, r, 2, value, boxed=False)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    wb.active = 0
    stamp = dt.datetime(form.started.year, form.started.month, form.started.day)
    props = wb.properties
    props.title = inert(f"Action plan update: {form.agency_name}, round {form.round_id}")
    props.creator = "cap"
    props.created = props.modified = stamp
    return wb


def _height(*texts: tuple[str, int]) -> float:
    """A row tall enough for its wrapped texts (Excel sizes no row openpyxl wrote), and
    for three lines of the agency's own at least."""
    lines = max(-(-len(text) * 11 // (width * 10)) for text, width in texts)
    return float(min(409, 15 * max(3, lines)))


def render_xlsx(form: FormRequest) -> bytes:
    """The form's bytes: the same form gives the same bytes."""
    from cap.reports.xlsx import save

    return save(build_xlsx(form))
