"""Other boards' trackers: their own columns, their own words, mapped to cap's fields.

A file whose header row is not cap's own (Ref, SCR Ref, Action, Lead agency, Target
date, Progress) is read as a tracker: its header names are matched to fields by the
names real trackers use (`HEADER_NAMES`, any case and spacing), or by `--map`; then
each row is read with the rules a business manager would expect:

- refs numbered in order within each theme where the tracker has none, or has refs
  that are not `theme.number` (its own ref is then kept in `source_ref`);
- status words (`Red`, `Amber`, `Green` -> in-progress, the rating kept in `rating`;
  `Blue`, `Complete` ... -> complete; `Not started` -> open; `Withdrawn`,
  `Superseded`, `Not accepted` -> withdrawn, with a reason); numbers through
  `--status-map`; an unknown word is an error naming the words known;
- target dates as boards write them (cap.importer.boarddates), each one not written as a
  plain day listed by the dry run with how it was read;
- blank cells and `0` are empty; section-heading rows become theme headings (or are
  reported); a template's guidance row and `--skip-row` rows are skipped with a note; a
  row without action text or lead is an error at its cell (or skipped with a warning);
  several leads in one cell become several leads.

Each row becomes an action in cap.importer.rowaction; the words are in cap.importer.words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cap.importer.boarddates import BoardDateError, parse_board_date, read_board_date
from cap.importer.build import Record, ThemeBook, clip, slug
from cap.importer.columns import FIELDS, HEADER_NAMES, header_key
from cap.importer.mapping import is_tracker_header, map_columns
from cap.importer.options import TrackerOptions, parse_maps, parse_status_map
from cap.importer.outcome import ImportOutcome
from cap.importer.numbered import split_row
from cap.importer.recommendations import ReviewBook, recommendation_heading, review_heading
from cap.importer.rowaction import TrackerRow, row_action
from cap.importer.rows import Located, SourceRow
from cap.importer.words import STATUS_WORDS, is_guidance
from cap.models import Action, Scr, Theme

_CAP_REF = re.compile(r"^([1-9][0-9]*)\.([1-9][0-9]*)\Z")
#: What a PDF-to-Excel conversion puts in empty cells.
_EMPTY = {"", "0"}


# ------------------------------------------------------------------ rows -> actions


def _cell(cells: list[str], i: int | None) -> str:
    if i is None or i >= len(cells):
        return ""
    text = cells[i].strip()
    return "" if text in _EMPTY else text


def skipped_by_number(row: SourceRow, opts: TrackerOptions) -> bool:
    """Whether `--skip-row` names this row (`5`, or `2:5` for a Word table's row)."""
    return (row.table, row.number) in opts.skip_rows if row.table is not None else row.number in opts.skip_rows


def read_rows(rows: list[SourceRow], book: ThemeBook, loc: Located, outcome: ImportOutcome,
              opts: TrackerOptions, new_theme, reviews: ReviewBook | None = None) -> list[TrackerRow]:
    """Headers, section headings and action rows -> one TrackerRow per action.

    A heading (a row with one text, a sheet's name, a heading between a document's tables)
    that names a review starts that review's rows; one that is a recommendation or finding
    is the recommendation of the rows under it; any other is a theme."""
    columns: dict[str, int] | None = None
    theme: Theme | None | bool = None
    under = Under(reviews.review(opts.review) if reviews is not None and opts.review else None)
    out: list[TrackerRow] = []

    def heading(text: str, row: SourceRow, title: bool = False) -> bool:
        """Whether the heading is a review's or a recommendation's (and so no theme). A
        `title` (above the table) naming a review not in scrs.yaml is noted, not refused."""
        if reviews is None:
            return False
        rec = recommendation_heading(text)
        if rec is not None:
            under.recommendation = rec
            return True
        named = review_heading(text)
        if named is None:
            return False
        kind, name, full = named
        scr = reviews.review(name, kind, full)
        if scr is None and title:
            outcome.notes.append(f"{loc.place(row)}: the title names the review {name!r}, not in scrs.yaml: give "
                                 "--add-reviews to record the actions as its own")
            return False
        if scr is None:
            loc.add(row, "CAP805", f"heading {clip(text)!r} names a review that is not in scrs.yaml (the reviews: "
                    f"{', '.join(s.id for s in reviews.scrs) or 'none'}); give --add-reviews to add it")
        under.review, under.recommendation = scr, None
        return True

    for row in rows:
        cells = [c if c.strip() not in _EMPTY else "" for c in row.cells]
        filled = [i for i, c in enumerate(cells) if c.strip()]
        if not filled:
            continue
        if skipped_by_number(row, opts):
            outcome.skipped.append(f"{loc.place(row)}: skipped (--skip-row)")
            continue
        if row.heading:
            if not heading(cells[filled[0]].strip(), row):
                theme = _heading_theme(cells[filled[0]].strip(), row, book, loc, outcome, opts, new_theme, "sheet")
                under.recommendation = None
            continue
        if row.label is not None:  # a heading between a Word document's tables
            if not heading(cells[filled[0]].strip(), row):
                found = _paragraph_theme(cells[filled[0]].strip(), row, book, loc, outcome, opts, new_theme)
                if found is not None:
                    theme, under.recommendation = found, None
            continue
        if is_tracker_header(cells, opts):
            columns = map_columns(cells, row, loc, opts, outcome)
            if columns is None:
                return []
            continue
        if columns is None:  # title rows above the table; one that names a theme or review is the table's
            if len(filled) == 1 and not heading(cells[filled[0]].strip(), row, title=True):
                found = book.find(cells[filled[0]].strip())
                if isinstance(found, Theme):
                    theme = found
            continue
        if is_guidance(cells):
            outcome.skipped.append(f"{loc.place(row)}: the template's guidance ({clip(cells[filled[0]].strip(), 40)!r} "
                                   "...): skipped")
            continue
        values = {name: _cell(cells, i) for name, i in columns.items()}
        described = {k for k, v in values.items() if v}
        others = [cells[i].strip() for i in filled if i != columns.get("ref")]
        if not described & {"target_date", "progress", "status", "rating", "progress_date", "completed"} and (
                len(filled) == 1 or len(others) == 1):
            # A section heading: a text alone, or a number and a text (`10.1 | Health`): no
            # date, progress or status, and nothing else beside it.
            text = " ".join(cells[i].strip() for i in filled)
            if not heading(text, row):
                theme = _heading_theme(text, row, book, loc, outcome, opts, new_theme, "heading")
                under.recommendation = None
            continue
        missing = [label for name, label in (("action", "action text"), ("lead", "lead")) if not values.get(name)]
        if missing:
            if opts.skip_incomplete:
                outcome.skipped.append(f"warning: {loc.place(row)}: no {' and no '.join(missing)}; skipped "
                                       "(--skip-incomplete)")
            elif "action text" in missing:
                loc.add(row, "CAP804", "this row has no action text (only " + ", ".join(sorted(described))
                        + "); fill it in, or give --skip-incomplete to skip such rows", column=columns.get("action"))
            else:
                loc.add(row, "CAP804", "Lead agency is empty: fill it in, or give --skip-incomplete to skip "
                        "rows without a lead", column=columns.get("lead"))
            continue
        row_theme = theme
        by_ref = _CAP_REF.match(values.get("ref", ""))
        if row_theme is None and opts.theme is None and by_ref:
            # No heading or --theme: a ref like 2.3 says its theme, where theme 2 exists.
            row_theme = next((t for t in book.themes if t.number == int(by_ref.group(1))), None)
        if values.get("theme"):
            row_theme = _heading_theme(values["theme"], row, book, loc, outcome, opts, new_theme, "theme")
        if row_theme is None:
            if opts.theme is None:
                loc.add(row, "CAP805", "no theme for this row: give --theme ID (all rows under one theme), a Theme "
                        "column, or section headings")
                row_theme = False
        if row_theme is False:
            continue
        found = TrackerRow(row, values, row_theme, columns=columns)
        found.review = under.review.id if under.review is not None else None
        if under.recommendation is not None and not values.get("recommendation"):
            found.recommendation = under.recommendation[1]
            found.rec_number = under.recommendation[0]
        out.append(found)
    if columns is None and not loc.problems:
        loc.add(None, "CAP803", "no header row found: name the columns (Action, Lead agency, Target date ...) "
                "or give --map \"Column=field\"")
    elif not out and not loc.problems:
        loc.add(None, "CAP802", "no actions found under the header row")
    return out


@dataclass
class Under:
    """The review and the recommendation (its number, its text) the rows read are under."""

    review: Scr | None = None
    recommendation: tuple[int | None, str] | None = None


def _heading_theme(text, row, book, loc, outcome, opts, new_theme, what) -> Theme | bool | None:
    """The theme a section heading (or a sheet's name, or a Theme cell) names."""
    label = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text).strip() or text
    found = book.find(label) or book.find(text) or book.find(slug(label))
    if isinstance(found, Theme):
        return found
    if opts.theme is not None:
        outcome.notes.append(f"{loc.place(row)}: {what} {clip(text)!r} is not a theme; its rows go under "
                             f"--theme {opts.theme}")
        return None
    if book.add:
        number = re.match(r"^(\d+)\.?\s", text)  # `2 Escalation`: theme 2, if free
        return new_theme(label, row, number=int(number.group(1)) if number else None)
    loc.add(row, "CAP805", f"{what} {clip(text)!r} (a row with no lead or date) is not a theme; the themes "
            f"are: {book.titles()} (give --add-themes to add it, or --theme ID for one theme)")
    return False


def _paragraph_theme(text, row, book, loc, outcome, opts, new_theme) -> Theme | None:
    """A heading between a document's tables: a theme it names (or, with --add-themes, a new
    one); else it is noted, never an error (prose around tables is not the plan)."""
    label = re.sub(r"^\d+(\.\d+)*\.?\s+", "", text).strip() or text
    found = book.find(label) or book.find(text) or book.find(slug(label))
    if isinstance(found, Theme):
        return found
    if opts.theme is None and book.add:
        number = re.match(r"^(\d+)\.?\s", text)
        return new_theme(label, row, number=int(number.group(1)) if number else None)
    outcome.notes.append(f"{loc.place(row)}: not a theme; not read" + ("" if opts.theme or book.add else
                         " (--add-themes makes it one)"))
    return None


def build_actions(
    rows: list[TrackerRow], loc: Located, opts: TrackerOptions, progress_date: dt.date, next_number,
    imported: dict[tuple[str, str], str] | None = None, outcome: ImportOutcome | None = None,
) -> list[tuple[Record, Action]]:
    """Each row -> an Action (refs kept or numbered within each theme), or problems naming the row.

    `imported` maps (theme id, the tracker's ref) to the ref an earlier import gave that
    action, so importing the same tracker again (with --update) finds its actions."""
    imported = imported or {}
    outcome = outcome if outcome is not None else ImportOutcome("")
    by_theme: dict[str, list[TrackerRow]] = {}
    for r in rows:
        by_theme.setdefault(r.theme.id, []).append(r)
    refs: dict[int, str] = {}
    for theme_rows in by_theme.values():
        theme = theme_rows[0].theme
        own = [r.cells.get("ref", "") for r in theme_rows]
        keep = all(m and int(m.group(1)) == theme.number for m in (_CAP_REF.match(x) for x in own))
        n = next_number(theme)
        for source, r in zip(own, theme_rows):
            if keep:
                refs[id(r)] = source
            elif source and (theme.id, source) in imported:
                refs[id(r)] = imported[(theme.id, source)]
            else:
                refs[id(r)] = f"{theme.number}.{n}"
                n += 1
    out: list[tuple[Record, Action]] = []
    for r in rows:
        ref = refs[id(r)]
        action = row_action(r, ref, loc, opts, progress_date, outcome)
        out.append((Record(r.row, {"ref": ref}, r.theme), action))
    return out


def split_numbered(records: list[TrackerRow], loc: Located, outcome: ImportOutcome) -> list[TrackerRow]:
    """A row whose Action cell numbers several actions -> one TrackerRow each (cap.importer.numbered)."""
    out: list[TrackerRow] = []
    for r in records:
        parts, why = split_row(r.cells)
        if why:
            outcome.notes.append(f"{loc.place(r.row)}: {why}")
        if not parts:
            out.append(r)
            continue
        outcome.notes.append(f"{loc.place(r.row)}: the Action cell numbers {len(parts)} actions: imported as "
                             f"{len(parts)}, each with its own owner and date where those cells are numbered alike")
        for k, cells in enumerate(parts, start=1):
            if cells.get("ref"):
                cells["ref"] = f"{cells['ref']} ({k})"
            one = TrackerRow(r.row, cells, r.theme, columns=r.columns, recommendation=r.recommendation,
                             review=r.review)
            one.rec_number = r.rec_number
            out.append(one)
    return out


def answered(records: list[TrackerRow], reviews: ReviewBook, outcome: ImportOutcome) -> None:
    """Each row under a review and a recommendation answers it: the recommendation is the review's
    (found by its text, or added), named by the row's action."""
    for r in records:
        text = r.recommendation if r.recommendation is not None else r.cells.get("recommendation")
        if not text or r.review is None:
            continue
        scr = reviews.find(r.review)
        r.rec_id = reviews.recommendation(scr, text, r.rec_number).id
    outcome.new_scrs.extend(reviews.new)
    outcome.new_recommendations = reviews.added


def next_free_number(themes: list[Theme], made: list[Theme]) -> int:
    return max([t.number for t in [*themes, *made]], default=0) + 1


def tracker_import(rows, book: ThemeBook, loc: Located, outcome: ImportOutcome, opts: TrackerOptions,
                   progress_date: dt.date, existing: list[Action],
                   taken: set[str] = frozenset(), scrs: list[Scr] = ()) -> list[tuple[Record, Action | None]]:
    """The whole tracker: rows -> (record, action) pairs, new themes in `outcome.new_themes`."""
    made: list[Theme] = []

    def new_theme(title: str, row: SourceRow | None, ident: str | None = None, number: int | None = None) -> Theme:
        wanted = " ".join(title.split())
        for t in made:
            if t.title.lower() == wanted.lower():
                return t
        taken = {t.id for t in [*book.themes, *made]}
        base = ident = ident or slug(wanted)
        n = 2
        while ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken_numbers = {t.number for t in [*book.themes, *made]}
        if number is None or number < 1 or number in taken_numbers:
            number = next_free_number(book.themes, made)
        theme = Theme(id=ident, number=number, title=wanted)
        made.append(theme)
        return theme

    fixed: Theme | None = None
    if opts.theme is not None:
        found = book.find(opts.theme)
        if isinstance(found, Theme):
            fixed = found
        elif book.add:
            shaped = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", opts.theme)
            title = opts.theme.replace("-", " ").capitalize() if shaped else opts.theme
            fixed = new_theme(title, None, opts.theme if shaped else None)
        else:
            loc.add(None, "CAP805", f"--theme {opts.theme!r} is not a theme; the themes are: {book.titles()} "
                    "(give --add-themes to add it)")
            return []
    reviews = ReviewBook(list(scrs), add=opts.add_reviews)
    if opts.review and reviews.review(opts.review) is None:
        loc.add(None, "CAP805", f"--review {opts.review!r} is not a review in scrs.yaml (the reviews: "
                f"{', '.join(s.id for s in scrs) or 'none'}); give --add-reviews to add it")
        return []
    records = read_rows(rows, book, loc, outcome, opts, new_theme, reviews)
    for rec in records:
        if rec.theme is None:
            rec.theme = fixed
    records = split_numbered([r for r in records if r.theme is not None], loc, outcome)
    answered(records, reviews, outcome)
    outcome.new_themes = made
    counters: dict[str, int] = {}

    def next_number(theme: Theme) -> int:
        if theme.id not in counters:
            refs = {a.ref for a in existing} | {r for r in taken if _CAP_REF.match(r)}
            used = [int(ref.split(".")[1]) for ref in refs if ref.split(".")[0] == str(theme.number)]
            counters[theme.id] = max(used, default=0) + 1
        return counters[theme.id]

    imported = {(a.theme, a.source_ref): a.ref for a in existing if a.source_ref}
    pairs = build_actions(records, loc, opts, progress_date, next_number, imported, outcome)
    for rec in records:
        outcome.notes.extend(rec.warnings)
    return pairs


__all__ = ["FIELDS", "HEADER_NAMES", "STATUS_WORDS", "BoardDateError", "TrackerOptions", "header_key",
           "is_tracker_header", "parse_board_date", "parse_maps", "parse_status_map", "read_board_date",
           "tracker_import"]
