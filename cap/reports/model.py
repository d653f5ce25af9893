"""The Report value: what a board paper says, built once, rendered in any format.

`build_report` is a pure function of the plan, the filters, the as-of date and the report
options; every renderer (`markdown`, `html`, `csv`, `json`, and `cap stats`) only lays
out what it holds. Ratings and words shared by every format (BRAG, the key, the notes
under a status, the headline) are decided here, never in a renderer.

    >>> report = build_report(plan, Filters(), dt.date(2026, 11, 26))   # doctest: +SKIP
    >>> report.summary.headline
    '20 of 22 actions overdue as of 26/11/2026'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

from cap.text import plural
from cap.dates import format_iso, format_uk, shift
from cap.models import ACTIVE_STATUSES, STATUSES, Plan, ProgressEntry, SignOff, TargetRevision, natural_key
from cap.reports.paper import Paper
from cap.updates import agency_entries, cap_entry_kind
from cap.query import (
    AMBER_DAYS, BRAG, Filters, brag, days_overdue, is_due_within, is_slipped, is_stale, select,
)

#: What `--kind` can ask for.
KINDS = ("plan", "exceptions", "agency", "signoff", "annual")
#: How far back `--stale-since` looks by default.
STALE_DAYS = 90
DEFAULT_TITLE = "Serious Case Review composite action plan"


class ReportError(ValueError):
    """Report options that do not make sense together; the message is one clear line."""


@dataclass(frozen=True, slots=True)
class Row:
    """One action as a report shows it, with its state as of the report's date."""

    ref: str
    theme: str
    scr_ref: str  # as the source writes it: `D, L`, `All`, `M (and All)`
    scrs: tuple[str, ...]
    all_scrs: bool
    action: str
    lead: tuple[str, ...]
    target_date: dt.date | str
    original_target: dt.date | str
    status: str
    brag: str | None
    days_overdue: int | None
    slipped: bool
    stale: bool
    due_soon: bool
    #: The progress the report shows: the latest entry an agency reported (never one cap
    #: wrote for a change: a target revised, a sign-off...), or the whole log with --full.
    progress: tuple[ProgressEntry, ...]
    #: The latest entry an agency reported (the Progress column of every paper).
    latest: ProgressEntry | None
    signed_off: SignOff | None
    withdrawn_reason: str | None
    #: Short phrases under the status: overdue days, revised target, no recent progress.
    notes: tuple[str, ...]
    #: Every revision of the target date, oldest first (the CSV carries them for `cap import`).
    target_history: tuple[TargetRevision, ...] = ()
    #: The rating the board's own tracker gave (imported), shown beside cap's BRAG.
    rating: str | None = None
    #: The ref the board's own tracker used, when cap numbered the action itself.
    source_ref: str | None = None
    # The dates of an action's life and impact after closure (issue 14).
    opened: dt.date | None = None
    completed: dt.date | None = None
    withdrawn: dt.date | None = None
    owner: str | None = None
    outcome: str | None = None
    evidence: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    impact_review: dt.date | None = None
    no_impact_review: str | None = None
    impact: tuple = ()
    #: The whole progress log, whatever the report shows (the sign-off pack shows it all).
    log: tuple[ProgressEntry, ...] = ()

    @property
    def lead_label(self) -> str:
        """The lead agencies as the source writes them: `Health/NSCB`."""
        return "/".join(self.lead)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_exception(self) -> bool:
        """What the exception report shows: active and overdue, slipped or stale."""
        return self.is_active and (self.days_overdue is not None or self.slipped or self.stale)


@dataclass(frozen=True)
class ThemeInfo:
    id: str
    number: int
    title: str

    @property
    def heading(self) -> str:
        """`4. Ownership and accountability`; a group of the exception report (number 0): its title."""
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class ThemeCount:
    """One line of the status-by-theme table."""

    theme: ThemeInfo
    counts: tuple[int, ...]  # in STATUSES order
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class LeadCount:
    """Overdue (or stale) actions of one lead agency (an action with two leads counts for each)."""

    lead: str
    refs: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.refs)


@dataclass(frozen=True)
class Summary:
    """The counts at the top of every report, over every action the filters select."""

    as_of: dt.date
    total: int
    by_theme: tuple[ThemeCount, ...]
    brag_counts: tuple[tuple[str, int], ...]  # (rating, count) in BRAG order
    overdue: tuple[Row, ...]
    overdue_by_lead: tuple[LeadCount, ...]
    due_soon: tuple[Row, ...]
    slipped: tuple[Row, ...]
    stale: tuple[Row, ...]
    stale_by_lead: tuple[LeadCount, ...]

    @property
    def status_totals(self) -> tuple[int, ...]:
        return tuple(sum(t.counts[i] for t in self.by_theme) for i in range(len(STATUSES)))

    @property
    def withdrawn(self) -> int:
        return self.status_totals[STATUSES.index("withdrawn")]

    @property
    def headline(self) -> str:
        """`20 of 22 actions overdue as of 26/11/2026`."""
        noun = "action" if self.total == 1 else "actions"
        return f"{len(self.overdue)} of {self.total} {noun} overdue as of {format_uk(self.as_of, full_year=True)}"


@dataclass(frozen=True)
class Section:
    """A theme's heading and the rows under it."""

    theme: ThemeInfo
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class RoundBlock:
    """The latest update round, for the papers (cap/rounds/status.py `round_block`): its
    return rate and the new target dates agencies asked for, awaiting the board."""

    id: str
    due: dt.date
    #: `9 of 11 agencies returned; 2 late: Education, Housing`.
    headline: str
    #: (ref, agency, asked for, reason), one per retarget awaiting a decision.
    retargets: tuple[tuple[str, str, dt.date | str, str], ...] = ()

    @property
    def title(self) -> str:
        return f"Update round {self.id} (return by {format_uk(self.due, full_year=True)})"

    def retarget_lines(self) -> list[str]:
        return [f"{ref}: {agency} asks for {format_uk(to, full_year=True)}: {reason}"
                for ref, agency, to, reason in self.retargets]


@dataclass(frozen=True)
class Report:
    title: str
    kind: str
    as_of: dt.date
    amber_days: int
    stale_since: dt.date
    full: bool
    #: The filters in words, one phrase each (empty: the whole plan).
    selection: tuple[str, ...]
    themes: tuple[ThemeInfo, ...]
    summary: Summary
    #: The rows the report lists (after --kind), in natural ref order, withdrawn included.
    rows: tuple[Row, ...]
    plan_total: int
    lead: str | None = None
    #: The day the report was produced, only when asked for (`--stamp`).
    stamp: dt.date | None = None
    key: tuple[tuple[str, str], ...] = field(default=())
    #: A paper that is not the plan's table (sign-off pack, annual statistics): see cap/reports/paper.py.
    paper: "Paper | None" = None
    #: Headed blocks the paper carries after its summary, each a Block of cap/reports/paper.py
    #: that every format lays out: what changed since the last meeting (`--since`,
    #: cap/reports/since.py), and any other a command adds with dataclasses.replace.
    blocks: tuple = ()
    #: The latest update round's return rate and retargets awaiting a decision (issue 23).
    round: RoundBlock | None = None

    @property
    def as_of_text(self) -> str:
        return format_uk(self.as_of, full_year=True)

    @property
    def footer_text(self) -> str:
        """What a printed page's footer says the paper is: its title and as-of date, or
        for the annual statistics the period they cover (never the day it was made)."""
        if self.paper is not None and self.paper.kind == "annual":
            return f"{self.title}: {self.paper.description.rstrip('.')}"
        return f"{self.title}, as of {self.as_of_text}"

    @property
    def stale_since_text(self) -> str:
        return format_uk(self.stale_since, full_year=True)

    @property
    def due_until_text(self) -> str:
        return format_uk(shift(self.as_of, self.amber_days), full_year=True)

    @property
    def kind_label(self) -> str:
        """What the paper is, in one line: for the exception report, how many actions are
        in each of its groups."""
        if self.kind == "exceptions":
            overdue, put_back, stale = (len(rows) for _g, _t, rows in self.exception_groups)
            return (f"Exception report: {overdue} overdue, {put_back} put back (target date revised, not "
                    f"overdue), {stale} stale (no progress since {self.stale_since_text})")
        if self.kind == "agency":
            return f"Agency report: actions led by {self.lead}"
        return "Composite action plan"

    @cached_property
    def exception_groups(self) -> tuple[tuple[str, str, tuple[Row, ...]], ...]:
        """The exception report's groups (id, heading, rows), each action in the first that
        applies: overdue; target date put back; no progress since the stale date."""
        active = [r for r in self.rows if r.is_active]
        overdue = tuple(r for r in active if r.days_overdue is not None)
        put_back = tuple(r for r in active if r.days_overdue is None and r.slipped)
        stale = tuple(r for r in active if r.days_overdue is None and not r.slipped and r.stale)
        return (("overdue", "Overdue", overdue), ("put-back", "Target date put back", put_back),
                ("stale", f"No progress since {self.stale_since_text}", stale))

    @property
    def sections(self) -> tuple[Section, ...]:
        """What the paper lists, in order: a section per theme (below); for the exception
        report, its groups (overdue, put back, stale), an empty group left out."""
        if self.kind == "exceptions":
            return tuple(Section(ThemeInfo(key, 0, f"{title} ({len(rows)})"), rows)
                         for key, title, rows in self.exception_groups if rows)
        return self.theme_sections

    @property
    def theme_sections(self) -> tuple[Section, ...]:
        """A section per theme in theme order, for the rows not withdrawn; empty themes left out."""
        out = []
        for theme in self.themes:
            rows = tuple(r for r in self.rows if r.theme == theme.id and r.status != "withdrawn")
            if rows:
                out.append(Section(theme, rows))
        return tuple(out)

    @property
    def withdrawn(self) -> tuple[Row, ...]:
        """Withdrawn actions carry no rating and are listed apart."""
        return tuple(r for r in self.rows if r.status == "withdrawn")

    @cached_property
    def has_ratings(self) -> bool:
        """Whether any row listed has a rating from the board's own tracker."""
        return any(r.rating for r in self.rows)

    @cached_property
    def has_source_refs(self) -> bool:
        return any(r.source_ref for r in self.rows)

    @cached_property
    def exact_texts(self) -> dict[str, str]:
        """Each row's Exact texts cell, by ref, for the rows that need one: texts whose
        edge whitespace a trimmed cell would lose (cap/importer/exact.py)."""
        from cap.importer.exact import exact_texts, row_texts

        cells = {}
        for row in self.rows:
            entries = row.progress if self.full else ((row.latest,) if row.latest else ())
            cell = exact_texts(row_texts(row, entries))
            if cell:
                cells[row.ref] = cell
        return cells

    def theme(self, theme_id: str) -> ThemeInfo:
        return next((t for t in self.themes if t.id == theme_id), ThemeInfo(theme_id, 0, theme_id))


def brag_key(amber_days: int) -> tuple[tuple[str, str], ...]:
    """The BRAG key every report explains, in BRAG order."""
    window = "1 day" if amber_days == 1 else f"{amber_days} days"
    return (
        ("Blue", "Closed, or complete and awaiting sign-off."),
        ("Red", "Overdue: open or in progress and past its target date."),
        ("Amber", f"Due within {window}, or its target date has been put back."),
        ("Green", "On track."),
    )


WITHDRAWN_NOTE = "Withdrawn actions carry no rating and are listed apart."


def describe(filters: Filters, themes: list | tuple = ()) -> tuple[str, ...]:
    """The filters in words, for the top of a report."""
    words = []
    if filters.theme:
        title = next((t.title for t in themes if t.id == filters.theme), filters.theme)
        words.append(f"theme: {title}")
    if filters.scr:
        words.append(f"case {filters.scr} (and actions for all reviews)")
    if filters.lead_names:
        words.append("lead agency: " + " or ".join(filters.lead_names))
    elif filters.lead:
        words.append(f"lead agency '{filters.lead}'")
    if filters.statuses:
        words.append("status: " + " or ".join(filters.statuses))
    if filters.overdue:
        words.append("overdue")
    if filters.due_within is not None:
        words.append(f"due within {plural(filters.due_within, 'day')}")
    if filters.slipped:
        words.append("target date put back")
    if filters.search:
        words.append(f"containing '{filters.search}'")
    if filters.kind:
        words.append(f"reviews of kind {filters.kind} (and actions for all reviews)")
    if filters.impact_due:
        words.append("impact review due")
    return tuple(words)


def paper_date(value: dt.date | str) -> str:
    """A date as every paper writes it: `dd/mm/yyyy` (`Ongoing` for an ongoing target)."""
    return format_uk(value, full_year=True)


def _notes(action, overdue: int | None, slipped: bool, stale: bool, agency: list[ProgressEntry]) -> list[str]:
    """The short phrases under a row's status, and what cap recorded after the agency's
    latest words (a reopening), which the Progress column does not show."""
    notes = []
    if overdue is not None:
        notes.append("1 day overdue" if overdue == 1 else f"{overdue} days overdue")
    if slipped:
        last = action.target_history[-1] if action.target_history else None
        why = f" ({last.reason})" if last is not None else ""
        notes.append(f"target put back from {paper_date(action.original_target)}{why}")
    if stale:
        latest_any = action.latest_progress
        notes.append(f"no progress since {paper_date(latest_any.date)}" if latest_any else "no progress recorded")
    if action.signed_off:
        notes.append(f"signed off {paper_date(action.signed_off.date)} by {action.signed_off.by}")
    after = agency[-1].date if agency else None
    for entry in action.progress:
        if (after is None or entry.date >= after) and cap_entry_kind(entry) == "reopened":
            notes.append(f"reopened {paper_date(entry.date)}: {entry.text.split(': ', 1)[1]}")
    return notes


def _row(action, as_of: dt.date, amber_days: int, stale_since: dt.date, full: bool) -> Row:
    overdue = days_overdue(action, as_of)
    slipped = is_slipped(action)
    stale = is_stale(action, stale_since)
    agency = agency_entries(action.progress)
    latest = agency[-1] if agency else None
    notes = _notes(action, overdue, slipped, stale, agency)
    return Row(
        ref=action.ref,
        theme=action.theme,
        scr_ref=action.scr_label(),
        scrs=tuple(action.scrs),
        all_scrs=action.all_scrs,
        action=action.action,
        lead=tuple(action.lead),
        target_date=action.target_date,
        original_target=action.original_target,
        status=action.status,
        brag=brag(action, as_of, amber_days),
        days_overdue=overdue,
        slipped=slipped,
        stale=stale,
        due_soon=is_due_within(action, as_of, amber_days),
        progress=tuple(action.progress) if full else ((latest,) if latest else ()),
        latest=latest,
        signed_off=action.signed_off,
        withdrawn_reason=action.withdrawn_reason,
        notes=tuple(notes),
        target_history=tuple(action.target_history),
        rating=action.rating,
        source_ref=action.source_ref,
        opened=action.opened,
        completed=action.completed,
        withdrawn=action.withdrawn,
        owner=action.owner,
        outcome=action.outcome,
        evidence=tuple(action.evidence),
        recommendations=tuple(action.recommendations),
        impact_review=action.impact_review,
        no_impact_review=action.no_impact_review,
        impact=tuple(action.impact),
        log=tuple(action.progress),
    )


def by_lead(rows: list[Row], names: dict[str, str] | None = None) -> tuple[LeadCount, ...]:
    """The rows' refs under each lead agency, most first (an action counts for each of its
    leads); `names` gives the agency a lead text names (data/agencies.yaml), counted once."""
    names = names or {}
    leads: dict[str, list[str]] = {}
    for row in rows:
        for lead in dict.fromkeys(names.get(text, text) for text in row.lead):
            leads.setdefault(lead, []).append(row.ref)
    counts = (LeadCount(lead, tuple(refs)) for lead, refs in leads.items())
    return tuple(sorted(counts, key=lambda c: (-c.count, c.lead.casefold(), c.lead)))


def _summary(rows: list[Row], themes: tuple[ThemeInfo, ...], as_of: dt.date,
             names: dict[str, str] | None = None) -> Summary:
    by_theme = []
    for theme in themes:
        mine = [r for r in rows if r.theme == theme.id]
        if mine:
            counts = tuple(sum(1 for r in mine if r.status == s) for s in STATUSES)
            by_theme.append(ThemeCount(theme, counts, sum(1 for r in mine if r.days_overdue is not None)))
    overdue = [r for r in rows if r.days_overdue is not None]
    stale = [r for r in rows if r.stale]
    due_soon = sorted((r for r in rows if r.due_soon), key=lambda r: (r.target_date, natural_key(r.ref)))
    return Summary(
        as_of=as_of,
        total=len(rows),
        by_theme=tuple(by_theme),
        brag_counts=tuple((b, sum(1 for r in rows if r.brag == b)) for b in BRAG),
        overdue=tuple(overdue),
        overdue_by_lead=by_lead(overdue, names),
        due_soon=tuple(due_soon),
        slipped=tuple(r for r in rows if r.slipped and r.is_active),
        stale=tuple(stale),
        stale_by_lead=by_lead(stale, names),
    )


def _agency_names(plan: Plan, agencies: list | None) -> dict[str, str]:
    """Each lead text of the plan that names an agency of data/agencies.yaml -> its name."""
    if not agencies:
        return {}
    from cap.agencies import match_lead

    found = {text: match_lead(text, agencies) for action in plan.actions for text in action.lead}
    return {text: agency.name for text, agency in found.items() if agency is not None}


def build_report(
    plan: Plan,
    filters: Filters,
    as_of: dt.date,
    *,
    amber_days: int = AMBER_DAYS,
    stale_since: dt.date | None = None,
    kind: str = "plan",
    full: bool = False,
    title: str | None = None,
    stamp: dt.date | None = None,
    lives=None,
    since: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    agencies: list | None = None,
) -> Report:
    """The report of the actions `filters` select, as of `as_of`; with the `agencies` of
    data/agencies.yaml, the counts by lead agency count each agency once, by its name.

    The summary covers every selected action; `kind` narrows the rows listed under it:
    `plan` all of them, `exceptions` the open or in-progress ones that are overdue, have
    a revised target date or no progress since `stale_since` (default: `as_of` minus 90
    days), `agency` one lead agency's actions (`filters.lead` is required); `signoff` the
    sign-off pack (the complete actions whole, then those signed off since `since`, default
    90 days before `as_of`), `annual` the statistics of `period` (from, to): these two are
    a Paper (`report.paper`), dated from `lives` (cap/lifedates.py; default: the files only).
    """
    if kind not in KINDS:
        raise ReportError(f"unknown report kind {kind!r}; choose from {', '.join(KINDS)}")
    if kind == "agency" and not (filters.lead or filters.lead_is):
        raise ReportError("an agency report needs --lead AGENCY")
    if amber_days < 0:
        raise ReportError("the amber window cannot be negative")
    if stale_since is None:
        stale_since = shift(as_of, -STALE_DAYS)
    themes = tuple(ThemeInfo(t.id, t.number, t.title) for t in plan.themes)
    selected = [_row(a, as_of, amber_days, stale_since, full) for a in select(plan.actions, filters, as_of)]
    rows = [r for r in selected if r.is_exception] if kind == "exceptions" else selected
    paper = _paper(plan, filters, as_of, kind, title or DEFAULT_TITLE, lives, since, period)
    return Report(
        title=title or DEFAULT_TITLE,
        kind=kind,
        as_of=as_of,
        amber_days=amber_days,
        stale_since=stale_since,
        full=full,
        # An agency report names its agency in its description; the selection need not repeat it.
        selection=describe(replace(filters, lead=None, lead_names=()) if kind == "agency" else filters, themes),
        themes=themes,
        summary=_summary(selected, themes, as_of, _agency_names(plan, agencies)),
        rows=tuple(rows),
        plan_total=len(plan.actions),
        lead=" or ".join(filters.lead_names) or filters.lead or filters.lead_is,
        stamp=stamp,
        key=brag_key(amber_days),
        paper=paper,
    )


def _paper(plan: Plan, filters: Filters, as_of: dt.date, kind: str, title: str, lives, since, period):
    """The Paper of a sign-off pack or annual statistics (None for the other kinds)."""
    if kind not in ("signoff", "annual"):
        return None
    from cap.lifedates import life_dates
    from cap.reports.annual import PeriodError, annual
    from cap.reports.papers import annual_paper, signoff_paper

    chosen = select(plan.actions, filters, as_of)
    if lives is None:
        lives = life_dates(plan.actions, use_git=False)
    if kind == "signoff":
        return signoff_paper(plan, chosen, lives, as_of, since or shift(as_of, -STALE_DAYS), title)
    if period is None:
        raise ReportError("annual statistics need a period: --year 2017-18, or --from DATE --to DATE")
    try:
        figures = annual(plan, lives, period[0], period[1], chosen)
    except PeriodError as exc:
        raise ReportError(str(exc)) from None
    return annual_paper(figures, lives, [a.ref for a in chosen], title)


def progress_line(entry: ProgressEntry, iso: bool = False) -> str:
    """`31/01/2017: text (author)` (ISO date with `iso`), one progress entry on one line."""
    day = entry.date.isoformat() if iso else paper_date(entry.date)
    return f"{day}: {entry.text}" + (f" ({entry.author})" if entry.author else "")


def target_text(row: Row, iso: bool = False) -> str:
    return format_iso(row.target_date) if iso else paper_date(row.target_date)
