"""The plan through time, read from git in a few calls: what the site's trends and history need.

Nothing is checked out and no file is read once per month. Two `git log --raw` calls
list, for every commit that touched `data/actions/`, which files it changed and the
blob ids before and after (git's own diff plumbing); the blobs are read as they are
needed, one at a time, from one long-running `cat-file --batch` (a blob over the loader's
size limit is refused by its size, unread), and the parsed versions kept are bounded by
the plan's size, not the history's. Then:

- `month_ends`: the plan is replayed along the first-parent line, applying each commit's
  changes to a map of path -> blob; at each month end the actions standing that day are
  counted (status, overdue that day, overdue by theme).
- `histories`: each commit's changes to each action, in the vocabulary of `cap history`
  (cap.changes), for every commit reachable from HEAD (a merge only for what it changed
  against every parent, as `cap history` shows it).

A day ends at midnight UTC: a commit counts for a day when git says it was committed
before the next day began, in UTC, so the same repository gives the same numbers on
any machine.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cap.changes import diff_actions
from cap.gitio import Commit, GitError, Repo
from cap.history import Step, action_from_bytes
from cap.loader import ACTIONS_DIR
from cap.models import STATUSES, Action
from cap.problems import Problem
from cap.query import days_overdue

_FORMAT = "@@%H%x1f%P%x1f%an%x1f%aI%x1f%cI%x1f%s"
_ZERO = "0" * 40


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed: its blob in each parent (None: absent) and after (None: deleted)."""

    path: str
    before: tuple[str | None, ...]
    after: str | None


@dataclass(frozen=True)
class Changed:
    commit: Commit
    files: tuple[FileChange, ...]


def _oid(text: str) -> str | None:
    return None if set(text) <= {"0"} else text


def parse_raw_log(out: bytes) -> list[Changed]:
    """`git log -z --raw [-c] --format=@@...` -> each commit and the files it changed."""
    tokens = out.decode("utf-8", "replace").split("\0")
    result: list[Changed] = []
    commit: Commit | None = None
    files: list[FileChange] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        i += 1
        if token.startswith("@@"):
            if commit is not None:
                result.append(Changed(commit, tuple(files)))
            sha, parents, author, authored, committed, subject = token[2:].split("\x1f", 5)
            commit = Commit(sha, tuple(parents.split()), author, dt.datetime.fromisoformat(authored),
                            dt.datetime.fromisoformat(committed), subject)
            files = []
        elif token.startswith(":"):
            colons = len(token) - len(token.lstrip(":"))
            fields = token[colons:].split(" ")
            oids = fields[colons + 1: 2 * colons + 2]
            path = tokens[i]
            i += 1
            files.append(FileChange(path, tuple(_oid(o) for o in oids[:-1]), _oid(oids[-1])))
    if commit is not None:
        result.append(Changed(commit, tuple(files)))
    return result


def utc_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.timezone.utc).date()


@dataclass(frozen=True)
class MonthEnd:
    """The plan at the end of one month (the last month ends on the as-of date)."""

    day: dt.date
    commit: Commit | None  # the last commit that day; None before the plan's first commit
    counts: tuple[int, ...]  # in STATUSES order
    overdue: int
    overdue_by_theme: dict[str, int]  # theme id -> overdue actions of that theme (themes with none left out)

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, status: str) -> int:
        return self.counts[STATUSES.index(status)]

    def overdue_in(self, theme: str) -> int:
        return self.overdue_by_theme.get(theme, 0)


@dataclass
class Timeline:
    """What git says about the plan: month ends, revisions by month, each action's history."""

    available: bool
    reason: str = ""  # why there is no history, in one sentence
    first: Commit | None = None
    months: list[MonthEnd] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)  # theme ids seen in any month, first seen first
    revisions: list[tuple[dt.date, int]] = field(default_factory=list)  # (first day of month, count)
    revisions_before: int = 0  # revisions dated before the first month (an imported plan's past)
    histories: dict[str, list[Step]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    commits: int = 0
    shallow: bool = False  # a shallow clone: the history starts at its cut, not at the first commit


#: The most month ends the trends show (100 years): an as-of date far past the plan's
#: history (`--as-of 9999-12-31`) would otherwise make a page of 95,000 months.
MAX_TREND_MONTHS = 1200


class TrendsTooLong(ValueError):
    """The as-of date is too far past the plan's first commit for the trends; one line."""


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of each month from `first`'s month to `last`'s, the final one being `last`."""
    days = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        days.append(min(end, last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


class _Blobs:
    """Blobs read as they are needed (cap.gitio.BlobReader: one at a time, a blob over the
    loader's size limit refused by its size, unread) and parsed; the parsed ones kept in a
    cache bounded by the plan's size (`most`), not the history's: the history streams."""

    def __init__(self, read: Callable[[str], bytes | None], most: int):
        self.read = read
        self.most = max(most, 64)
        self.parsed: OrderedDict[tuple[str, str], tuple[Action | None, list[Problem]]] = OrderedDict()

    def action(self, oid: str | None, path: str, short: str) -> tuple[bool, Action | None, list[Problem]]:
        """(present, action or None if it did not load, problems)."""
        if oid is None:
            return False, None, []
        stem = path.rpartition("/")[2][: -len(".yaml")]
        key = (oid, stem)
        found = self.parsed.get(key)
        if found is None:
            raw = self.read(oid)
            found = self.parsed[key] = action_from_bytes(b"" if raw is None else raw, stem, f"{short}:{path}")
            if len(self.parsed) > self.most:
                self.parsed.popitem(last=False)
        else:
            self.parsed.move_to_end(key)
        action, problems = found
        return True, action, problems


def _is_action(path: str, folder: str) -> bool:
    parent, _, name = path.rpartition("/")
    return parent == folder and name.endswith(".yaml") and not name.startswith(".")


def read_timeline(data_dir: Path, as_of: dt.date) -> Timeline:
    """The plan's history up to the end of `as_of` (UTC); a Timeline saying why when there is none."""
    try:
        repo = Repo.of(data_dir)
        head = repo.head()
    except GitError as exc:
        return Timeline(False, f"The plan's history cannot be read from git: {exc}.")
    if head is None:
        return Timeline(False, "The repository has no commits yet, so the plan has no history.")
    folder = repo.path(ACTIONS_DIR)
    common = ["-z", "--raw", "--no-renames", "--no-abbrev", f"--format={_FORMAT}"]
    line = parse_raw_log(repo.git("log", "--first-parent", "--diff-merges=first-parent", "--reverse",
                                  *common, "HEAD", "--", folder))
    every = parse_raw_log(repo.git("log", "--date-order", "--reverse", "-c", *common, "HEAD", "--", folder))
    shallow = repo.git("rev-parse", "--is-shallow-repository").strip() == b"true"
    timeline = Timeline(True, commits=len(every), shallow=shallow)
    # The parsed versions kept at once: a few times the files of the plan at its largest
    # (the month-end replay needs every action standing; the histories, each one's last).
    standing: set[str] = set()
    largest = 0
    for changed in line:
        for f in changed.files:
            (standing.discard if f.after is None else standing.add)(f.path)
        largest = max(largest, len(standing))
    with repo.reader() as read:
        blobs = _Blobs(read, 3 * largest + 16)
        timeline.histories = _histories(every, blobs, folder)
        _replay(timeline, line, blobs, folder, as_of)
    return timeline


def _histories(every: list[Changed], blobs: _Blobs, folder: str) -> dict[str, list[Step]]:
    """Each action's steps, oldest first, as `cap history` would list them."""
    out: dict[str, list[Step]] = {}
    last_good: dict[str, Action | None] = {}
    for changed in every:
        commit = changed.commit
        for f in changed.files:
            if not _is_action(f.path, folder):
                continue
            ref = f.path.rpartition("/")[2][: -len(".yaml")]
            present, after, problems = blobs.action(f.after, f.path, commit.short)
            steps = out.setdefault(ref, [])
            if present and after is None:
                steps.append(Step(commit, [], problems))
                continue
            befores = []
            for oid in f.before or (None,):
                p_present, p_action, _ = blobs.action(oid, f.path, commit.short)
                befores.append(last_good.get(ref) if (p_present and p_action is None) else p_action)
            per_parent = [diff_actions(before, after) for before in befores]
            found = [c for c in per_parent[0] if all(c in other for other in per_parent[1:])]
            if found or len(commit.parents) <= 1:
                steps.append(Step(commit, found))
            last_good[ref] = after
    return {ref: steps for ref, steps in out.items() if steps}


def _replay(timeline: Timeline, line: list[Changed], blobs: _Blobs, folder: str, as_of: dt.date) -> None:
    """Month-end counts along the first-parent line, and target revisions by month."""
    if not line:
        timeline.available = False
        timeline.reason = "No commit has changed the plan's actions yet, so the plan has no history."
        return
    timeline.first = line[0].commit
    first_day = utc_day(timeline.first.committed)
    if first_day > as_of:
        timeline.available = False
        timeline.reason = (f"The plan's first commit is dated {first_day.isoformat()}, after the as-of date "
                           f"{as_of.isoformat()}, so there is no history to show yet.")
        return
    months = (as_of.year - first_day.year) * 12 + as_of.month - first_day.month + 1
    if months > MAX_TREND_MONTHS:
        raise TrendsTooLong(f"--as-of {as_of.isoformat()} is {months:,} months after the plan's first commit "
                            f"({first_day.isoformat()}): the trends cover at most {MAX_TREND_MONTHS:,} months "
                            "(give an as-of date nearer the plan's history)")
    days = month_ends(first_day, as_of)
    # The commit standing at the end of a day is the newest on the line committed before the
    # next day began (as `git rev-list --first-parent --before` picks it).
    order = sorted(range(len(line)), key=lambda i: line[i].commit.committed)
    state: dict[str, str] = {}
    applied = -1      # the line's commits 0..applied are in `state`
    newest = -1       # the newest commit (by position on the line) committed so far
    pointer = 0
    themes_seen: dict[str, None] = {}
    revisions: set[tuple[str, dt.date, str, str]] = set()
    for day in days:
        cutoff = (dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, dt.timezone.utc)
                  if day < dt.date.max else dt.datetime.max.replace(tzinfo=dt.timezone.utc))  # the calendar's end
        while pointer < len(order) and line[order[pointer]].commit.committed < cutoff:
            newest = max(newest, order[pointer])
            pointer += 1
        while applied < newest:
            applied += 1
            for f in line[applied].files:
                if _is_action(f.path, folder):
                    if f.after is None:
                        state.pop(f.path, None)
                    else:
                        state[f.path] = f.after
        counts = Counter()
        overdue_by_theme: Counter = Counter()
        for path, oid in state.items():
            _present, action, problems = blobs.action(oid, path, oid[:7])
            if action is None:
                continue
            themes_seen.setdefault(action.theme)
            counts[action.status] += 1
            if days_overdue(action, day) is not None:
                overdue_by_theme[action.theme] += 1
            for rev in action.target_history:
                revisions.add((action.ref, rev.date, str(rev.from_), str(rev.to)))
        timeline.months.append(MonthEnd(
            day=day,
            commit=line[newest].commit if newest >= 0 else None,
            counts=tuple(counts[s] for s in STATUSES),
            overdue=sum(overdue_by_theme.values()),
            overdue_by_theme=dict(overdue_by_theme),
        ))
    timeline.themes = list(themes_seen)
    by_month = Counter(dt.date(d.year, d.month, 1) for _ref, d, _f, _t in revisions if d <= as_of)
    timeline.revisions_before = sum(1 for _ref, d, _f, _t in revisions if d < dt.date(days[0].year, days[0].month, 1))
    timeline.revisions = [(dt.date(d.year, d.month, 1), by_month[dt.date(d.year, d.month, 1)]) for d in days]
