"""`cap validate`: every check of the data, as small functions listed in one place.

Loading (cap/loader.py) already refuses what cannot be read, parsed or validated, one
located Problem each. The checks here look at what loaded: across files (themes and SCRs
declared, refs unique), within an action (dates in order, a closed action signed off),
the canonical format, and anything that looks like personal data. Each check is a
function `check_<rule>(context) -> Iterator[Problem]`; `CHECKS` lists them all.

    >>> report = validate(Path("data"), as_of=dt.date(2017, 7, 1))   # doctest: +SKIP
    >>> report.summary()                                             # doctest: +SKIP
    '22 actions checked, 0 errors, 0 warnings'

Nothing here reads the clock: `as_of` is a parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

# The checks of one file's content alone (format, personal data) live in cap/filechecks.py.
from cap.filechecks import canonical_format_of, personal_data_of  # noqa: F401  (their old home)
from cap.filechecks import check_canonical_format, check_personal_data, file_checks, dotted as _where
from cap.checks_agencies import check_agencies_file, check_leads_name_agencies
from cap.loader import ACTIONS_DIR, SCRS_FILE, SourceFile, Sources, display_path, load_sources, stray_files
from cap.models import Action, Id, Plan
from cap.problems import Problem, bounded

#: The codes reported as warnings (everything else is an error). `--strict` fails on them too.
WARNINGS: frozenset[str] = frozenset(
    {"CAP011", "CAP014", "CAP207", "CAP208", "CAP213", "CAP214", "CAP215", "CAP219", "CAP221", "CAP231", "CAP301", "CAP302", "CAP303", "CAP304", "CAP305", "CAP306", "CAP502"}
)


@dataclass
class Context:
    """What every check sees: the loaded plan, the files behind it, and the as-of date."""

    data_dir: Path
    as_of: dt.date
    plan: Plan
    sources: Sources
    strict: bool = False

    def actions(self) -> Iterator[tuple[SourceFile, Action]]:
        """Each action that loaded, with its file."""
        for source in self.sources.actions:
            if source.record is not None:
                yield source, source.record

    def cited(self, key: str) -> Iterator[tuple[SourceFile, Any]]:
        """Each action's `theme` (an id) or `scrs` (a list of ids): from its record, or,
        for a file that parsed but failed the model, from its data as read, so one run
        reports its unknown theme with its other problems. A raw value that is no id
        (the model's error already names it) is left out; in a list it becomes None."""
        for source in self.sources.actions:
            if source.record is not None:
                yield source, getattr(source.record, key)
            elif source.doc is not None and key in source.doc.data:
                value = source.doc.data[key]
                if isinstance(value, list):
                    yield source, [v if _is_id(v) else None for v in value]
                elif _is_id(value):
                    yield source, value

    def files(self) -> Iterator[SourceFile]:
        """Every data file that parsed: themes.yaml, scrs.yaml, then the actions."""
        for source in (self.sources.themes, self.sources.scrs, *self.sources.actions):
            if source is not None and source.doc is not None:
                yield source

    @property
    def themes_loaded(self) -> bool:
        return self.sources.themes is not None and self.sources.themes.record is not None

    @property
    def scrs_loaded(self) -> bool:
        """scrs.yaml loaded, or is absent (then no SCR is declared)."""
        return self.sources.scrs is None or self.sources.scrs.record is not None


def _is_id(value: Any) -> bool:
    """Whether the model would take `value` as an id (a theme or an SCR)."""
    from pydantic import ValidationError

    try:
        _id_adapter().validate_python(value)
    except ValidationError:
        return False
    return True


@functools.cache
def _id_adapter() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Id)


def problem(source: SourceFile, loc: tuple, code: str, message: str, *, key: bool = False) -> Problem:
    """A Problem at the node `loc` of a file."""
    line, col = source.doc.position(loc, key=key) if source.doc is not None else (1, 1)
    return located(source.shown, line, col, code, message)


def located(shown: str, line: int, col: int, code: str, message: str) -> Problem:
    """A Problem at a place; a warning or an error as `WARNINGS` says."""
    return Problem(shown, line, col, "warning" if code in WARNINGS else "error", code, message)


# ------------------------------------------------------------------ files


def check_actions_folder(ctx: Context) -> Iterator[Problem]:
    """No `data/actions/` folder, or a file in its place: the plan's actions cannot be
    read, which is an error, not a plan of no actions."""
    folder = ctx.data_dir / ACTIONS_DIR
    shown = display_path(folder, ctx.data_dir)
    if folder.is_dir():
        return
    if os.path.lexists(folder):
        yield located(shown, 1, 1, "CAP015", f"{ACTIONS_DIR} is not a folder: the action files go in the folder "
                      f"{ACTIONS_DIR}/ (move this out of the way)")
    else:
        yield located(shown, 1, 1, "CAP015", f"no {ACTIONS_DIR}/ folder: the plan's action files go in it "
                      f"(make it: mkdir {shown}; cap add and cap import make it too)")


def check_stray_files(ctx: Context) -> Iterator[Problem]:
    """Anything in data/actions/ that is not a `.yaml` file is never loaded: say so."""
    for path in stray_files(ctx.data_dir):
        shown = display_path(path, ctx.data_dir)
        if path.is_dir():
            why = "is a folder; cap reads only the .yaml files directly in actions/"
        elif path.suffix in (".yml", ".YAML", ".YML"):
            why = f"is not read: action files end in .yaml (rename it {path.stem}.yaml)"
        else:
            why = "is not an action file and is not read (move it out of the data folder, or delete it)"
        yield located(shown, 1, 1, "CAP011", f"{ACTIONS_DIR}/{path.name} {why}")


def check_leftover_temp_files(ctx: Context) -> Iterator[Problem]:
    """A temporary file of cap's, left by a write that was cut off, would be committed by
    `git add -A`: say so (the next cap write removes it; so may you)."""
    from cap.store import leftover_temps

    for path in leftover_temps(ctx.data_dir):
        yield located(display_path(path, ctx.data_dir), 1, 1, "CAP014",
                      f"{path.name} is a temporary file left by an interrupted cap write: delete it "
                      "(the next cap write removes it; `cap init`'s .gitignore keeps it out of git)")


# ------------------------------------------------------------------ reference data


def check_theme_names_unique(ctx: Context) -> Iterator[Problem]:
    """Theme ids and aliases name one theme each (any case: `--theme` ignores case)."""
    if not ctx.themes_loaded:
        return
    source = ctx.sources.themes
    seen: dict[str, tuple[str, int]] = {}
    for i, theme in enumerate(source.record.themes):
        names = [(("themes", i, "id"), theme.id)] + [
            (("themes", i, "aliases", j), alias) for j, alias in enumerate(theme.aliases)
        ]
        for loc, name in names:
            if name.lower() in seen:
                owner, line = seen[name.lower()]
                yield problem(source, loc, "CAP204", f"theme name `{name}` is already used by theme `{owner}` (line {line})")
            else:
                seen[name.lower()] = (theme.id, source.doc.position(loc)[0])


def check_theme_numbers_unique(ctx: Context) -> Iterator[Problem]:
    """Each theme has its own number: refs start with it."""
    if not ctx.themes_loaded:
        return
    source = ctx.sources.themes
    seen: dict[int, str] = {}
    for i, theme in enumerate(source.record.themes):
        if theme.number in seen:
            yield problem(source, ("themes", i, "number"), "CAP205", f"theme number {theme.number} is already used by theme `{seen[theme.number]}`")
        else:
            seen[theme.number] = theme.id


def check_scr_ids_unique(ctx: Context) -> Iterator[Problem]:
    """Each case is declared once in scrs.yaml (any case: `--scr` ignores case)."""
    if ctx.sources.scrs is None or ctx.sources.scrs.record is None:
        return
    source = ctx.sources.scrs
    seen: dict[str, int] = {}
    for i, scr in enumerate(source.record.scrs):
        if scr.id.lower() in seen:
            yield problem(source, ("scrs", i, "id"), "CAP206", f"SCR `{scr.id}` is declared twice (first at line {seen[scr.id.lower()]})")
        else:
            seen[scr.id.lower()] = source.doc.position(("scrs", i, "id"))[0]


def check_scrs_cited(ctx: Context) -> Iterator[Problem]:
    """An SCR no action cites is probably a typo or a leftover: a warning."""
    if ctx.sources.scrs is None or ctx.sources.scrs.record is None:
        return
    cited: set[str] = set()
    for _source, scrs in ctx.cited("scrs"):  # actions that failed the model still cite their SCRs
        if isinstance(scrs, list):
            cited.update(s.lower() for s in scrs if isinstance(s, str))
    for i, scr in enumerate(ctx.sources.scrs.record.scrs):
        if scr.id.lower() not in cited:
            yield problem(ctx.sources.scrs, ("scrs", i, "id"), "CAP207", f"SCR `{scr.id}` is declared but no action cites it")


# ------------------------------------------------------------------ actions against the reference data


def check_refs_unique(ctx: Context) -> Iterator[Problem]:
    """No two actions share a ref."""
    seen: dict[str, str] = {}
    for source, action in ctx.actions():
        if action.ref in seen:
            yield problem(source, ("ref",), "CAP201", f"ref {action.ref!r} is already used by {seen[action.ref]}")
        else:
            seen[action.ref] = source.shown


def check_action_themes_declared(ctx: Context) -> Iterator[Problem]:
    """An action's theme is a theme id from themes.yaml (an alias is named as such)."""
    if not ctx.themes_loaded:
        return
    themes = ctx.plan.themes
    ids = {t.id for t in themes}
    names = {n.lower(): t.id for t in themes for n in (t.id, *t.aliases)}
    for source, theme in ctx.cited("theme"):
        if not isinstance(theme, str) or theme in ids:
            continue
        if theme.lower() in names:
            hint = f"write the theme's id: theme: {names[theme.lower()]}"
        else:
            close = difflib.get_close_matches(theme, sorted(ids), n=1)
            hint = f"did you mean `{close[0]}`?" if close else f"declared: {', '.join(t.id for t in themes)}"
        yield problem(source, ("theme",), "CAP202", f"unknown theme `{theme}` ({hint})")


def check_action_scrs_declared(ctx: Context) -> Iterator[Problem]:
    """Every SCR an action cites is declared in scrs.yaml."""
    if not ctx.scrs_loaded:
        return
    declared = {s.id for s in ctx.plan.scrs}
    listing = ", ".join(s.id for s in ctx.plan.scrs) or f"none: there is no {SCRS_FILE}"
    for source, scrs in ctx.cited("scrs"):
        if not isinstance(scrs, list):
            continue
        for i, scr in enumerate(scrs):
            if isinstance(scr, str) and scr not in declared:
                yield problem(source, ("scrs", i), "CAP203", f"SCR `{scr}` is not declared in {SCRS_FILE} (declared: {listing})")


def check_ref_matches_theme(ctx: Context) -> Iterator[Problem]:
    """A ref starts with its theme's number (4.10 is in theme 4).

    A warning, not an error: nothing breaks, and a board that moves an action to another
    theme may rightly keep its ref, which minutes and papers already quote.
    """
    if not ctx.themes_loaded:
        return
    numbers = {t.id: t.number for t in ctx.plan.themes}
    for source, action in ctx.actions():
        number = numbers.get(action.theme)
        prefix = action.ref.split(".")[0]
        if number is not None and prefix != str(number):
            yield problem(
                source, ("ref",), "CAP208",
                f"ref {action.ref} starts with {prefix} but theme `{action.theme}` is number {number}",
            )


# ------------------------------------------------------------------ within an action


def _dated(action: Action) -> Iterator[tuple[tuple, dt.date, str]]:
    """Every date that records something that happened: (loc of the date, date, what)."""
    for i, entry in enumerate(action.progress):
        yield ("progress", i, "date"), entry.date, "progress entry"
    for i, revision in enumerate(action.target_history):
        yield ("target_history", i, "date"), revision.date, "target revision"
    if action.signed_off is not None:
        yield ("signed_off", "date"), action.signed_off.date, "sign-off"
    for name in ("opened", "completed", "withdrawn"):
        if getattr(action, name) is not None:
            yield (name,), getattr(action, name), f"`{name}`"
    for i, entry in enumerate(action.impact):
        yield ("impact", i, "date"), entry.date, "impact entry"


def check_dates_in_order(ctx: Context) -> Iterator[Problem]:
    """Progress entries and target revisions are oldest first (the last is the latest)."""
    for source, action in ctx.actions():
        for field, entries in (("progress", action.progress), ("target_history", action.target_history)):
            for i in range(1, len(entries)):
                if entries[i].date < entries[i - 1].date:
                    yield problem(
                        source, (field, i, "date"), "CAP209",
                        f"`{field}` is not in date order: {entries[i].date} comes after {entries[i - 1].date} "
                        f"(oldest first; the last entry is read as the latest)",
                    )


def check_dates_not_in_future(ctx: Context) -> Iterator[Problem]:
    """Nothing is recorded as having happened after the as-of date."""
    for source, action in ctx.actions():
        told: set[dt.date] = set()
        for loc, date, what in _dated(action):
            # The dates of an action's life repeat a progress entry's date: one problem a date.
            if date > ctx.as_of and not (loc[0] in ("opened", "completed", "withdrawn") and date in told):
                told.add(date)
                yield problem(source, loc, "CAP210", f"{what} dated {date} is in the future (as of {ctx.as_of})")


def check_dates_not_too_early(ctx: Context) -> Iterator[Problem]:
    """No date before the earliest a plan can hold (cap/dates.py: EARLIEST), which the
    write commands refuse: a warning, for a typo such as 01/01/0001 made by hand."""
    from cap.dates import too_early

    for source, action in ctx.actions():
        dates: list[tuple[tuple, Any]] = [(("target_date",), action.target_date), (("review_date",), action.review_date),
                                          (("impact_review",), action.impact_review)]
        dates += [(loc, day) for loc, day, _what in _dated(action)]
        for i, revision in enumerate(action.target_history):
            dates += [(("target_history", i, "from"), revision.from_), (("target_history", i, "to"), revision.to)]
        for loc, day in dates:
            why = too_early(day)
            if why:
                yield problem(source, loc, "CAP215", f"`{_where(loc)}`: {why} (a typo?)")


def check_closed_signed_off(ctx: Context) -> Iterator[Problem]:
    """A `closed` action was signed off: it says by whom and when."""
    for source, action in ctx.actions():
        if action.status == "closed" and action.signed_off is None:
            yield problem(
                source, ("status",), "CAP211",
                "a closed action needs `signed_off` (date and by); or is it `complete`, awaiting sign-off?",
            )


def check_withdrawn_has_reason(ctx: Context) -> Iterator[Problem]:
    """A `withdrawn` action says why."""
    for source, action in ctx.actions():
        if action.status == "withdrawn" and action.withdrawn_reason is None:
            yield problem(source, ("status",), "CAP212", "a withdrawn action needs `withdrawn_reason`")


def check_target_history(ctx: Context) -> Iterator[Problem]:
    """Target revisions chain: each `from` is the previous `to`; the last `to` is the target date."""
    for source, action in ctx.actions():
        history = action.target_history
        for i in range(1, len(history)):
            if history[i].from_ != history[i - 1].to:
                yield problem(
                    source, ("target_history", i, "from"), "CAP213",
                    f"target revision moves from {history[i].from_} but the revision before moved to {history[i - 1].to}",
                )
        if history and history[-1].to != action.target_date:
            yield problem(
                source, ("target_date",), "CAP213",
                f"target_date is {action.target_date} but the last target revision moved it to {history[-1].to} "
                f"(change a target date with `cap retarget`)",
            )


# ------------------------------------------------------------------ reviews, recommendations, life dates (issue 14)


def _recommendations(ctx: Context) -> dict[str, tuple[str, Any]]:
    """Each recommendation id -> (its case's id, the recommendation)."""
    if ctx.sources.scrs is None or ctx.sources.scrs.record is None:
        return {}
    return {r.id: (scr.id, r) for scr in ctx.sources.scrs.record.scrs for r in scr.recommendations}


def check_recommendations(ctx: Context) -> Iterator[Problem]:
    """A recommendation's id is its case's id, a hyphen and a number (`Q-3`), used once;
    a response other than accepted gives its reason."""
    if ctx.sources.scrs is None or ctx.sources.scrs.record is None:
        return
    source = ctx.sources.scrs
    seen: set[str] = set()
    for i, scr in enumerate(source.record.scrs):
        for j, rec in enumerate(scr.recommendations):
            loc = ("scrs", i, "recommendations", j)
            if not re.fullmatch(rf"{re.escape(scr.id)}-[0-9]+", rec.id):
                yield problem(source, (*loc, "id"), "CAP216",
                              f"recommendation id `{rec.id}` should be the case's id, a hyphen and a number "
                              f"(`{scr.id}-1`, `{scr.id}-2`, ...)")
            elif rec.id in seen:
                yield problem(source, (*loc, "id"), "CAP216", f"recommendation `{rec.id}` is declared twice")
            seen.add(rec.id)
            if rec.response != "accepted" and rec.reason is None:
                yield problem(source, (*loc, "response"), "CAP217",
                              f"recommendation `{rec.id}` is {rec.response}: give the `reason`")


def check_action_recommendations(ctx: Context) -> Iterator[Problem]:
    """Each recommendation an action answers is declared, and belongs to a case it cites."""
    if not ctx.scrs_loaded:
        return
    known = _recommendations(ctx)
    for source, action in ctx.actions():
        cited = {s.lower() for s in action.scrs}
        for i, rec_id in enumerate(action.recommendations):
            if rec_id not in known:
                listing = ", ".join(known) or f"none: no case in {SCRS_FILE} has recommendations"
                yield problem(source, ("recommendations", i), "CAP218",
                              f"recommendation `{rec_id}` is not declared in {SCRS_FILE} (declared: {listing})")
            elif not action.all_scrs and known[rec_id][0].lower() not in cited:
                yield problem(source, ("recommendations", i), "CAP218",
                              f"recommendation `{rec_id}` is of case {known[rec_id][0]}, which the action does not cite "
                              f"(add {known[rec_id][0]} to its `scrs`)")


def check_accepted_answered(ctx: Context) -> Iterator[Problem]:
    """An accepted recommendation has an action answering it (a withdrawn one does not count)."""
    if ctx.sources.scrs is None or ctx.sources.scrs.record is None:
        return
    answered = {r for _s, a in ctx.actions() if a.status != "withdrawn" for r in a.recommendations}
    for i, scr in enumerate(ctx.sources.scrs.record.scrs):
        for j, rec in enumerate(scr.recommendations):
            if rec.response in ("accepted", "partially-accepted") and rec.id not in answered:
                yield problem(ctx.sources.scrs, ("scrs", i, "recommendations", j, "id"), "CAP219",
                              f"recommendation `{rec.id}` is {rec.response} but no action answers it "
                              f"(an action's `recommendations: [{rec.id}]`; withdrawn actions do not count)")


def check_life_dates(ctx: Context) -> Iterator[Problem]:
    """An action's life in order: opened <= completed <= signed off; withdrawn on or after
    opened; an impact review after the sign-off."""
    for source, action in ctx.actions():
        signed = action.signed_off.date if action.signed_off else None
        pairs = (
            ("opened", action.opened, "completed", action.completed, ("completed",)),
            ("completed", action.completed, "signed off", signed, ("signed_off", "date")),
            ("opened", action.opened, "signed off", signed, ("signed_off", "date")),
            ("opened", action.opened, "withdrawn", action.withdrawn, ("withdrawn",)),
            ("signed off", signed, "the impact review", action.impact_review, ("impact_review",)),
        )
        for first, a, second, b, loc in pairs:
            if a is not None and b is not None and b < a:
                yield problem(source, loc, "CAP220", f"{second} {b} is before {first} {a}: an action's dates run "
                              "opened, completed, signed off (and withdrawn after opened)")
        if action.impact_review is not None and action.no_impact_review is not None:
            yield problem(source, ("no_impact_review",), "CAP220",
                          "an action has an `impact_review` date or a `no_impact_review` reason, not both")


def check_closed_outcome(ctx: Context) -> Iterator[Problem]:
    """Under --strict: a closed action says what success looked like (`outcome`) or how we know (`evidence`)."""
    if not ctx.strict:
        return
    for source, action in ctx.actions():
        if action.status == "closed" and action.outcome is None and not action.evidence:
            yield problem(source, ("status",), "CAP221",
                          "a closed action has no `outcome` and no `evidence`: how does the board know it worked? "
                          f"(cap evidence {action.ref} \"...\" or cap outcome {action.ref} \"...\")")


# ------------------------------------------------------------------ all of them


Check = Callable[[Context], Iterable[Problem]]


def check_round_files(ctx: Context) -> Iterator[Problem]:
    """The update rounds' records, data/rounds/*.yaml (cap/rounds/record.py)."""
    from cap.rounds.record import check_rounds

    yield from check_rounds(ctx.data_dir, {a.ref for a in ctx.plan.actions})

#: Every check `cap validate` runs, in this order (the report is then sorted by place).
CHECKS: tuple[Check, ...] = (
    check_actions_folder,
    check_stray_files,
    check_leftover_temp_files,
    check_theme_names_unique,
    check_theme_numbers_unique,
    check_scr_ids_unique,
    check_scrs_cited,
    check_refs_unique,
    check_action_themes_declared,
    check_action_scrs_declared,
    check_ref_matches_theme,
    check_dates_in_order,
    check_dates_not_in_future,
    check_dates_not_too_early,
    check_closed_signed_off,
    check_withdrawn_has_reason,
    check_target_history,
    check_recommendations,
    check_action_recommendations,
    check_accepted_answered,
    check_life_dates,
    check_closed_outcome,
    check_canonical_format,
    check_personal_data,
    check_round_files,
    check_agencies_file,
    check_leads_name_agencies,
)


#: The checks that look at one action alone (no other file, no date): every write asks them.
ACTION_CHECKS: tuple[Check, ...] = (
    check_dates_in_order, check_closed_signed_off, check_withdrawn_has_reason, check_life_dates,
)


def action_errors(action: Action) -> list[str]:
    """The errors `cap validate` would report within this one action (their messages)."""
    source = SourceFile(Path(f"{action.ref}.yaml"), f"{action.ref}.yaml", record=action)
    context = Context(Path("."), dt.date.max, Plan([], [], []), Sources(actions=[source]))
    return [p.message for check in ACTION_CHECKS for p in check(context) if p.is_error]


@dataclass
class Report:
    """What `cap validate` found: the problems, in file and line order, and how much it read."""

    problems: list[Problem]
    actions_checked: int
    strict: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors (under `strict`, warnings were already made errors)."""
        return not self.errors

    def summary(self) -> str:
        """`22 actions checked, 0 errors, 0 warnings`."""
        n, e, w = self.actions_checked, len(self.errors), len(self.warnings)
        return (
            f"{n} action{'' if n == 1 else 's'} checked, "
            f"{e} error{'' if e == 1 else 's'}, {w} warning{'' if w == 1 else 's'}"
        )


def validate(
    data_dir: Path, as_of: dt.date, strict: bool = False, ignore: Iterable[str] = (), checks: Iterable[Check] = CHECKS
) -> Report:
    """Load the data folder and run every check; `strict` makes each warning an error.

    `ignore` drops warnings with those codes (errors cannot be ignored: the plan would not load).
    """
    checks = tuple(checks)
    streamed = {check_canonical_format, check_personal_data}
    if streamed <= set(checks):  # as each file loads: its bytes and nodes need not be kept
        plan, problems, sources = load_sources(data_dir, keep=False, visit=file_checks)
        checks = tuple(c for c in checks if c not in streamed)
    else:
        plan, problems, sources = load_sources(data_dir)
    context = Context(data_dir, as_of, plan, sources, strict)
    for check in checks:
        problems.extend(check(context))
    if sources.cache is not None:
        sources.cache.save()  # with the verdicts the checks added
    skip = set(ignore) & WARNINGS
    problems = [p for p in problems if p.code not in skip]
    if strict:
        problems = [dataclasses.replace(p, severity="error") for p in problems]
    problems.sort(key=_place)
    # At most MAX_PER_FILE problems a file, then a count of the rest (CAP016): the checks
    # across files add to what loading found.
    problems = [kept for _path, group in itertools.groupby(problems, key=lambda p: p.path)
                for kept in bounded(list(group))]
    return Report(problems, len(sources.actions), strict)


def _place(p: Problem) -> tuple:
    """File order with 4.9 before 4.10, then line, column, code."""
    parts = tuple(int(s) if s.isdigit() else s for s in re.split(r"(\d+)", p.path))
    return parts, p.line, p.col, p.code
