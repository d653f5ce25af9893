"""The import as a whole: all or nothing, under the data folder's lock.

`prepare_import` reads, maps and validates everything and computes every file to write
(through `cap validate`'s checks) without writing; `apply_import` writes them;
`import_plan` does both under the lock; `summary_lines` is what a person reads after.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from cap.dates import format_uk
from cap.importer.build import Record, ThemeBook, assemble, map_record
from cap.importer.columns import COLUMNS, REQUIRED, header_name, is_header
from cap.importer.tracker import TrackerOptions, is_tracker_header, tracker_import
from cap.importer.csv import read_csv_rows
from cap.importer.outcome import ImportOutcome, Update
from cap.importer.recommendations import merged_scrs
from cap.importer.rows import MAX_IMPORT_BYTES, Located, SourceRow, check_cells, decode, detect_kind
from cap.importer.text import join_cell_lines, read_text_rows
from cap.models import Action, Plan, ProgressEntry, Scr, ScrsFile, Theme, ThemesFile, natural_key
from cap.problems import Problem


def import_plan(
    data_dir: Path,
    source: Path,
    *,
    progress_date: dt.date,
    today: dt.date,
    update: bool = False,
    add_themes: bool = False,
    kind: str = "auto",
    dry_run: bool = False,
    raw: bytes | None = None,
    shown: str | None = None,
    sheet: str | None = None,
    all_sheets: bool = False,
    tracker: TrackerOptions | None = None,
    table: int | None = None,
    add_agencies: bool = False,
    progress_date_given: bool = True,
) -> tuple[ImportOutcome, list[Problem]]:
    """Import a plan file into `data_dir`: all or nothing, under the data folder's lock.

    Returns what was (or, with `dry_run`, would be) created and updated, and the
    problems; when there is any problem nothing is written. Nothing may be dated after
    `today` (as `cap validate --as-of today` would check).
    """
    from cap.store import plan_lock

    shown = shown or str(source)
    if raw is None:
        from cap.intake import IntakeError, read_bytes

        try:  # its size asked first: a larger file is never read (cap.intake)
            raw = read_bytes(source, limit=MAX_IMPORT_BYTES, shown=shown)
        except IntakeError as exc:
            return ImportOutcome(shown), [exc.refusal.problem("CAP801")]
    with plan_lock(data_dir):
        outcome, problems = prepare_import(
            data_dir, raw, shown, progress_date=progress_date, today=today, update=update, add_themes=add_themes,
            kind=kind, sheet=sheet, all_sheets=all_sheets, tracker=tracker, table=table, add_agencies=add_agencies,
            progress_date_given=progress_date_given,
        )
        if not problems and not dry_run:
            apply_import(data_dir, outcome)
    return outcome, problems


def _too_large(raw: bytes, shown: str) -> Problem:
    """A workbook or Word document over the import's size bound, as one problem."""
    return Problem(shown, 1, 1, "error", "CAP801",
                   f"file is {len(raw):,} bytes; a plan is far smaller (limit {MAX_IMPORT_BYTES:,})")


def prepare_import(
    data_dir: Path,
    raw: bytes,
    shown: str,
    *,
    progress_date: dt.date,
    today: dt.date,
    update: bool = False,
    add_themes: bool = False,
    kind: str = "auto",
    sheet: str | None = None,
    all_sheets: bool = False,
    tracker: TrackerOptions | None = None,
    table: int | None = None,
    add_agencies: bool = False,
    progress_date_given: bool = True,
) -> tuple[ImportOutcome, list[Problem]]:
    """Read, map and validate everything; compute every file to write. Writes nothing.

    With `add_agencies`, the leads that name no agency of data/agencies.yaml are added to
    it (made if missing), written with the actions (cap/importer/agencies.py).

    The files it would write are put through `cap validate`'s checks (as of `today`)
    first: an error there is reported at the row it came from, and nothing is written.
    """
    from cap.loader import action_path, load_action_file, load_reference
    from cap.problems import errors

    outcome = ImportOutcome(shown)
    themes, scrs, ref_problems = load_reference(data_dir)
    if errors(ref_problems):
        return outcome, ref_problems

    def header_test(cells: list[str]) -> bool:
        return is_header(cells) or is_tracker_header(cells, tracker or TrackerOptions())
    if detect_kind(shown, "", kind) == "xlsx":
        from cap.importer.xlsx import WorkbookError, read_workbook

        outcome.kind = "xlsx"
        loc = Located(shown, "xlsx")
        if len(raw) > MAX_IMPORT_BYTES:
            return outcome, [_too_large(raw, shown)]
        try:
            rows, outcome.from_cap = read_workbook(raw, loc, sheet=sheet, all_sheets=all_sheets, header_test=header_test)
        except WorkbookError as exc:
            return outcome, [exc.problem(shown)]
        if loc.problems:
            return outcome, loc.problems
        problems = []
    elif detect_kind(shown, "", kind) == "docx":
        from cap.importer.docx import DocumentError, read_document

        outcome.kind = "docx"
        loc = Located(shown, "docx")
        if len(raw) > MAX_IMPORT_BYTES:
            return outcome, [_too_large(raw, shown)]
        try:
            rows = read_document(raw, loc, table=table, header_test=header_test)
        except DocumentError as exc:
            return outcome, [Problem(shown, 1, 1, "error", "CAP801", str(exc))]
        if loc.problems:
            return outcome, loc.problems
        outcome.notes.extend(loc.notes)
        problems = []
    else:
        text, problems = decode(raw, shown)
        if text is None:
            return outcome, problems
        outcome.kind = detect_kind(shown, text, kind)
        loc = Located(shown, outcome.kind)
        if outcome.kind == "text":
            rows = join_cell_lines(read_text_rows(text, loc), header_test, outcome)
        else:
            rows = read_csv_rows(text, loc)
    check_cells(rows, loc)
    if loc.problems:
        return outcome, loc.problems
    book = ThemeBook(themes, add_themes)
    tracker = tracker or TrackerOptions()
    if not outcome.from_cap and (tracker.given or layout(rows, tracker) == "tracker"):
        from cap.loader import ACTIONS_DIR, load_action_file

        files = sorted((data_dir / ACTIONS_DIR).glob("*.yaml"))
        existing = [a for a in (load_action_file(p, data_dir)[0] for p in files) if a is not None]
        if tracker.agencies is None:
            from cap.agencies import load_agencies

            tracker.agencies = load_agencies(data_dir)[0] or []
        pairs = tracker_import(rows, book, loc, outcome, tracker, progress_date, existing, {p.stem for p in files},
                               scrs)
        if loc.problems and not pairs:
            return outcome, loc.problems
    else:
        kept = []
        for row in rows:  # --skip-row: rows named on the command line
            if (row.table, row.number) in tracker.skip_rows if row.table is not None else row.number in tracker.skip_rows:
                outcome.skipped.append(f"{loc.place(row)}: skipped (--skip-row)")
            else:
                kept.append(row)
        records = assemble(kept, outcome.kind, book, loc, outcome)
        if loc.problems and not records:
            return outcome, loc.problems
        pairs = [(rec, map_record(rec, progress_date, loc, tracker.fixes, outcome.readings)) for rec in records]
        _restore_exact(pairs, outcome)
        outcome.new_themes = _settle_new_themes(book, themes, loc)

    actions: list[tuple[Record, Action]] = []
    seen: dict[str, SourceRow] = {}
    for rec, action in pairs:
        ref = rec.cells["ref"]
        if ref in seen:
            first = seen[ref]
            where = loc.place(first)
            hint = {"csv": " (did Excel turn 4.10 into 4.1? format the Ref column as text)",
                    "xlsx": " (a number cell shows 4.10 as 4.1: type the ref as text, or format the column 0.00)",
                    }.get(outcome.kind, "")
            loc.add(rec.row, "CAP806", f"ref {ref} appears twice: also at {where}{hint}")
            continue
        seen[ref] = rec.row
        if action is not None:
            actions.append((rec, action))
    if loc.problems:
        return outcome, loc.problems

    known = {s.id for s in [*scrs, *outcome.new_scrs]}
    for _rec, action in actions:
        for scr in action.scrs:
            if scr not in known:
                known.add(scr)
                outcome.new_scrs.append(Scr(id=scr, title=f"Case {scr}"))
    outcome.new_scrs.sort(key=lambda s: natural_key(s.id))

    for rec, action in actions:
        path = action_path(data_dir, action.ref)
        if not path.exists():
            outcome.created.append(action)
            continue
        if not update:
            outcome.unchanged.append((action.ref, "exists, left as it is (--update adds new progress)"))
            continue
        existing, found = load_action_file(path, data_dir)
        if existing is None:
            problems.extend(found)
            loc.add(rec.row, "CAP804", f"cannot update {action.ref}: {path.name} has problems (listed above)")
            continue
        added = _new_entries(existing, action, rec, loc, progress_date, outcome)
        changes = []
        if action.rating is not None and action.rating != existing.rating:
            changes.append(f"board rating {existing.rating or 'none'} -> {action.rating}")
            existing.rating = action.rating
        if added or changes:
            existing.progress.extend(added)
            outcome.updated.append(Update(existing, added, changes))
        elif action.progress:
            outcome.unchanged.append((action.ref, "exists, its log already holds this progress"))
        else:
            outcome.unchanged.append((action.ref, "exists, and the file gives no progress for it"))
        for name in _differences(existing, action, rec.cells):
            outcome.notes.append(f"{action.ref}: {name} differs from the file; not changed")
    if problems or loc.problems:
        return outcome, problems + loc.problems
    if not progress_date_given:
        entries = [e for a in outcome.created for e in a.progress] + [e for u in outcome.updated for e in u.added]
        dated = (sum(1 for a in outcome.created if a.opened == progress_date),
                 sum(1 for e in entries if e.date == progress_date))
        if any(dated):
            outcome.dated_today = (*dated, progress_date)
    outcome.writes = _writes(data_dir, outcome, themes, scrs)
    rows = {rec.cells["ref"]: rec.row for rec, _action in actions}
    problems = _would_be_problems(data_dir, outcome, themes, scrs, today, rows, loc)
    if not problems:
        from cap.importer.agencies import plan_agencies

        problems = plan_agencies(data_dir, outcome, add_agencies)
    if problems:
        outcome.writes = []
        return outcome, problems
    return outcome, []


def _restore_exact(pairs, outcome: ImportOutcome) -> None:
    """Texts whose whitespace a cell lost, put back from the Exact texts column (cap/importer/exact.py)."""
    from cap.importer.exact import restore

    for rec, action in pairs:
        if action is not None and rec.cells.get("exact"):
            outcome.notes.extend(restore(action, rec.cells["exact"]))


def layout(rows: list[SourceRow], tracker: TrackerOptions) -> str:
    """`cap` when the first header row names cap's own columns (Ref, SCR Ref, Action, Lead
    agency, Target date, Progress), `tracker` when it is another board's (cap.importer.tracker)."""
    for row in rows:
        cells = [c.strip() for c in row.cells]
        if is_header(cells):
            names = {header_name(c) for c in cells if c}
            if all(names & set(COLUMNS[key][1]) for key in REQUIRED):
                return "cap"
        if is_tracker_header(cells, tracker):
            return "tracker"
    return "cap"


#: Where to put right an error `cap validate` would report in an imported action, by code.
_HINTS = {
    "CAP211": "the Signed off cell: YYYY-MM-DD by WHO",
    "CAP212": "the Withdrawn reason cell",
}


def _would_be_problems(
    data_dir: Path, outcome: ImportOutcome, themes: list[Theme], scrs: list[Scr], today: dt.date,
    rows: dict[str, SourceRow], loc: Located,
) -> list[Problem]:
    """Run `cap validate`'s checks on the files the import would write (the reference
    data as it would be, and each action created or updated); each error in an action is
    reported at its row. Warnings are left to `cap validate`."""
    from cap.checks import CHECKS, Context, check_actions_folder
    from cap.loader import SCRS_FILE, THEMES_FILE, SourceFile, Sources, action_path, display_path
    from cap.yamlio import parse

    texts = dict(outcome.writes)

    def source(path: Path, record) -> SourceFile:
        from cap.store import canonical_text

        text = texts.get(path) or canonical_text(record)
        return SourceFile(path, display_path(path, data_dir), text.encode("utf-8"), parse(text), record)

    themes_file = ThemesFile(themes=themes + sorted(outcome.new_themes, key=lambda t: t.number))
    scrs_file = ScrsFile(scrs=merged_scrs(scrs, outcome.new_scrs, outcome.new_recommendations))
    written = [*outcome.created, *(u.action for u in outcome.updated)]
    sources = Sources(
        themes=source(data_dir / THEMES_FILE, themes_file),
        scrs=source(data_dir / SCRS_FILE, scrs_file),
        actions=[source(action_path(data_dir, a.ref), a) for a in written],
    )
    plan = Plan(themes=themes_file.themes, scrs=scrs_file.scrs, actions=list(written))
    context = Context(data_dir, today, plan, sources)
    refs = {s.shown: s.record.ref for s in sources.actions}
    start = len(loc.problems)
    others: list[Problem] = []
    for check in CHECKS:
        if check is check_actions_folder:  # the import makes the folder
            continue
        for problem in check(context):
            if not problem.is_error:
                continue
            ref = refs.get(problem.path)
            if ref is None:
                if problem.path in (sources.themes.shown, sources.scrs.shown):
                    # a file the import would write: said of the import, never at a line of it
                    loc.add(None, problem.code, f"{problem.message} (in {Path(problem.path).name} as this import "
                            "would write it: nothing was written)")
                else:
                    others.append(problem)
                continue
            hint = _HINTS.get(problem.code)
            loc.add(rows.get(ref), problem.code, f"{ref}: {problem.message}" + (f" ({hint})" if hint else ""))
    return others + loc.problems[start:]


def _settle_new_themes(book: ThemeBook, themes: list[Theme], loc: Located) -> list[Theme]:
    """Number each added theme from its refs' first number (which must agree and be free)."""
    taken = {t.number: t for t in themes}
    made: list[Theme] = []
    for new in book.new.values():
        if len(new.numbers) != 1:
            numbers = ", ".join(str(n) for n in sorted(new.numbers)) or "none"
            loc.add(new.first, "CAP805", f"new theme {new.title!r}: its refs must all start with the same "
                    f"number (found {numbers})")
            continue
        number, row = next(iter(new.numbers.items()))
        if number in taken or number in (t.number for t in made):
            loc.add(row, "CAP805", f"new theme {new.title!r}: number {number} is already taken")
            continue
        made.append(Theme(id=new.id, number=number, title=new.title))
    return made


def _new_entries(existing: Action, imported: Action, rec: Record, loc: Located, progress_date: dt.date,
                 outcome: ImportOutcome) -> list[ProgressEntry]:
    """Imported entries whose text the log does not hold yet; none may predate its latest.

    A changed text the file dates no later than the log's latest entry (the old row's date,
    left as it was) is dated `progress_date` (--progress-date, or today) instead, and said."""
    held = {e.text for e in existing.progress}
    added = [e for e in imported.progress if e.text not in held]
    latest = existing.latest_progress
    for i, entry in enumerate(added):
        if latest is not None and entry.date != progress_date and entry.date <= latest.date:
            outcome.notes.append(f"{existing.ref}: the file dates its new progress {format_uk(entry.date, full_year=True)}"
                                 f", no later than the log's latest entry: dated {format_uk(progress_date, full_year=True)}"
                                 " (--progress-date, or today) instead")
            added[i] = entry = entry.model_copy(update={"date": progress_date})
    for entry in added:
        if latest is not None and entry.date < latest.date:
            loc.add(rec.row, "CAP808", f"the new progress of {existing.ref} would be dated {entry.date.isoformat()}, "
                    f"before its latest entry ({latest.date.isoformat()}); give a later --progress-date")
            return []
    return added


def _differences(existing: Action, imported: Action, columns: Iterable[str] = ()) -> list[str]:
    """What differs, of the fields the file gives (the optional columns only when present)."""
    names = {"theme": "theme", "action": "action text", "lead": "lead agency", "target_date": "target date",
             "status": "status", "scrs": "SCR Ref", "all_scrs": "SCR Ref (All)"}
    optional = {"signed_off": "sign-off", "withdrawn_reason": "withdrawn reason", "target_history": "target history"}
    names.update({key: label for key, label in optional.items() if key in columns})
    out = [label for key, label in names.items() if getattr(existing, key) != getattr(imported, key)]
    return list(dict.fromkeys(out))


def _writes(data_dir: Path, outcome: ImportOutcome, themes: list[Theme], scrs: list[Scr]) -> list[tuple[Path, str]]:
    """Every file to write, reference data first, each text checked to load back."""
    from cap.loader import SCRS_FILE, THEMES_FILE, action_path
    from cap.store import canonical_text, checked_text

    writes: list[tuple[Path, str]] = []
    if outcome.new_themes:
        merged = themes + sorted(outcome.new_themes, key=lambda t: t.number)
        writes.append((data_dir / THEMES_FILE, canonical_text(ThemesFile(themes=merged))))
    if outcome.new_scrs or outcome.new_recommendations:
        ids = [s.id for s in scrs]
        merged = merged_scrs(scrs, outcome.new_scrs, outcome.new_recommendations)
        if ids == sorted(ids, key=natural_key):  # a sorted list stays sorted
            merged.sort(key=lambda s: natural_key(s.id))
        writes.append((data_dir / SCRS_FILE, canonical_text(ScrsFile(scrs=merged))))
    for action in sorted(outcome.created, key=lambda a: natural_key(a.ref)):
        writes.append((action_path(data_dir, action.ref), checked_text(action)))
    for upd in outcome.updated:
        writes.append((action_path(data_dir, upd.action.ref), checked_text(upd.action)))
    return writes


def apply_import(data_dir: Path, outcome: ImportOutcome) -> None:
    """Write the prepared files (the caller holds the lock): all or nothing, staged in the
    data folder and moved in only when every one is written (cap/staging.py)."""
    from cap.lineends import ending_of, with_ending
    from cap.loader import ACTIONS_DIR
    from cap.staging import write_all

    (data_dir / ACTIONS_DIR).mkdir(parents=True, exist_ok=True)
    # a CRLF file keeps its endings
    write_all(data_dir, [(path, with_ending(text, ending_of(path))) for path, text in outcome.writes])
    outcome.written.extend(path for path, _text in outcome.writes)


def summary_lines(outcome: ImportOutcome, data_dir: Path, dry_run: bool) -> Iterable[str]:
    """What a person reads after an import (or a dry run)."""
    from cap.loader import action_path, display_path

    verb = "would create" if dry_run else "created"
    for action in outcome.created:
        yield f"{verb} {display_path(action_path(data_dir, action.ref), data_dir)}  ({action.theme}, {action.status})"
    verb = "would update" if dry_run else "updated"
    for upd in outcome.updated:
        dates = ", ".join(e.date.isoformat() for e in upd.added)
        said = ([f"new progress {dates}"] if upd.added else []) + upd.changes
        yield f"{verb} {display_path(action_path(data_dir, upd.action.ref), data_dir)}  ({'; '.join(said)})"
    for ref, why in outcome.unchanged:
        yield f"unchanged {ref}: {why}"
    if outcome.new_themes:
        verb = "would add" if dry_run else "added"
        yield f"{verb} themes to themes.yaml: " + ", ".join(f"{t.number} {t.id} ({t.title})" for t in outcome.new_themes)
    if outcome.new_scrs:
        verb = "would add" if dry_run else "added"
        yield f"{verb} SCRs to scrs.yaml: {', '.join(s.id for s in outcome.new_scrs)}"
    recs = [r for s in outcome.new_scrs for r in s.recommendations] + [
        r for added in outcome.new_recommendations.values() for r in added]
    if recs:
        verb = "would add" if dry_run else "added"
        yield f"{verb} recommendations to scrs.yaml: " + ", ".join(r.id for r in recs)
    if outcome.new_agencies:
        verb = "would add" if dry_run else "added"
        yield f"{verb} agencies to agencies.yaml: {', '.join(a.name for a in outcome.new_agencies)}"
    yield from outcome.skipped
    yield from outcome.notes
    if outcome.dated_today:
        actions, entries, day = outcome.dated_today
        counted = ([f"{actions} action{'s' if actions != 1 else ''}"] if actions else []) + (
            [f"{entries} progress entr{'ies' if entries != 1 else 'y'}"] if entries else [])
        yield (f"{' and '.join(counted)} {'would be' if dry_run else 'were'} dated today "
               f"({format_uk(day, full_year=True)}): the file gives no "
               "date for them. If the tracker is older, give --progress-date DATE (the date it stood at), so that the "
               "plan's dates and annual figures are right")
    if outcome.ignored_columns:
        yield f"ignored columns: {', '.join(dict.fromkeys(outcome.ignored_columns))}"
    counts = f"{len(outcome.created)} created, {len(outcome.updated)} updated, {len(outcome.unchanged)} unchanged"
    yield f"dry run, nothing written: {counts}" if dry_run else f"imported {outcome.source}: {counts}"
