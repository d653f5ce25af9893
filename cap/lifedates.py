"""The dates of each action's life, for the statistics: from the file, else from git.

An action records when it was opened, completed and withdrawn (`opened`, `completed`,
`withdrawn`; the write commands set them). A file written before those fields existed
lacks them: its dates then come from git history, as `cap history` reads it (the commit
that added the file; the commit that changed its status to complete, closed or
withdrawn), and where git cannot tell (no repository, a file already complete in its
first commit, a change not yet committed) the date is undated. Every report says how
many of its dates came from git and how many could not be found at all.

    >>> lives = life_dates(plan.actions, data_dir)        # doctest: +SKIP
    >>> lives.of("2.4").completed
    Dated(date=datetime.date(2017, 1, 31), source='file')
    >>> lives.note()
    'Dates of each action's life: all from the data files.'

A completion is needed for a complete or closed action (a closed one without a
`completed` date falls back to git, then to nothing: its sign-off is a separate figure).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from cap.models import Action
from cap.text import plural

FILE, GIT, UNDATED = "file", "git", "undated"


@dataclass(frozen=True)
class Dated:
    """A date of an action's life and where it came from: `file`, `git` or `undated` (date None)."""

    date: dt.date | None
    source: str


@dataclass(frozen=True)
class Life:
    """When an action was opened, completed and withdrawn (None: not applicable)."""

    ref: str
    opened: Dated
    completed: Dated | None
    withdrawn: Dated | None

    def dates(self) -> Iterable[Dated]:
        return (d for d in (self.opened, self.completed, self.withdrawn) if d is not None)


@dataclass
class Lives:
    """Every action's life, and how many of its dates came from git or could not be found."""

    lives: dict[str, Life] = field(default_factory=dict)
    #: Why git could not be read at all, if it could not (no repository, no git program).
    git_problem: str | None = None

    def of(self, ref: str) -> Life:
        return self.lives[ref]

    def count(self, source: str, refs: Iterable[str] | None = None) -> int:
        chosen = self.lives.values() if refs is None else (self.lives[r] for r in refs if r in self.lives)
        return sum(1 for life in chosen for d in life.dates() if d.source == source)

    def undated_refs(self, refs: Iterable[str] | None = None) -> list[str]:
        chosen = self.lives.values() if refs is None else (self.lives[r] for r in refs if r in self.lives)
        return [life.ref for life in chosen if any(d.source == UNDATED for d in life.dates())]

    def refs_with(self, source: str, refs: Iterable[str] | None = None) -> list[str]:
        """The actions with at least one date from `source`, in the lives' order."""
        chosen = self.lives.values() if refs is None else (self.lives[r] for r in refs if r in self.lives)
        return [life.ref for life in chosen if any(d.source == source for d in life.dates())]

    def note(self, refs: Iterable[str] | None = None) -> str:
        """One sentence for the foot of every paper that counts by these dates. It counts
        actions (an action missing two dates is one action), and says how many dates."""
        refs = None if refs is None else list(refs)
        git, undated = self.count(GIT, refs), self.count(UNDATED, refs)
        if not git and not undated:
            return "Dates of each action's life: all from the data files."
        parts = []
        if git:
            n = len(self.refs_with(GIT, refs))
            parts.append(f"{plural(n, 'action')} {'has' if n == 1 else 'have'} dates from git history "
                         f"({plural(git, 'date')} the files lack)")
        if undated:
            which = self.undated_refs(refs)
            n = len(which)
            parts.append(f"{plural(n, 'action')} could not be dated ({', '.join(which)}; {plural(undated, 'date')} "
                         f"missing) and {'is' if n == 1 else 'are'} left out of the counts by period that need "
                         f"{'it' if undated == 1 else 'them'}")
        return "Dates of each action's life: " + "; ".join(parts) + "."


def _needs(action: Action) -> tuple[bool, bool, bool]:
    """Which of opened, completed, withdrawn the action should have a date for."""
    done = action.status in ("complete", "closed") or action.completed is not None
    return True, done, action.status == "withdrawn" or action.withdrawn is not None


def life_dates(actions: Iterable[Action], data_dir: Path | None = None, *, use_git: bool = True) -> Lives:
    """Each action's life: its recorded dates, the missing ones from git when `use_git`."""
    actions = list(actions)
    out = Lives()
    missing = []
    for action in actions:
        need = _needs(action)
        have = (action.opened, action.completed, action.withdrawn)
        if any(n and h is None for n, h in zip(need, have)):
            missing.append(action)
    found: dict[str, tuple[dt.date | None, dt.date | None, dt.date | None]] = {}
    if missing and use_git and data_dir is not None:
        found, out.git_problem = _from_git(data_dir, [a.ref for a in missing])
    for action in actions:
        need = _needs(action)
        git = found.get(action.ref, (None, None, None))
        dated = []
        for wanted, recorded, from_git in zip(need, (action.opened, action.completed, action.withdrawn), git):
            if not wanted:
                dated.append(None)
            elif recorded is not None:
                dated.append(Dated(recorded, FILE))
            elif from_git is not None:
                dated.append(Dated(from_git, GIT))
            else:
                dated.append(Dated(None, UNDATED))
        out.lives[action.ref] = Life(action.ref, *dated)
    return out


_STATUS = None  # compiled on first use


def _status_of(raw: bytes | None) -> str | None:
    """The `status:` of an action file's text, without parsing the rest (None: absent)."""
    import re

    global _STATUS
    if raw is None:
        return None
    if _STATUS is None:
        _STATUS = re.compile(rb"^status:[ \t]*['\"]?([a-z-]+)", re.MULTILINE)
    m = _STATUS.search(raw)
    return m.group(1).decode("ascii") if m else "unreadable"


def _from_git(data_dir: Path, refs: list[str]) -> tuple[dict, str | None]:
    """(ref -> (opened, completed, withdrawn) as git tells them, or None each), and why
    git could not be read, if it could not.

    One `git log` lists the commits that touched the action files (oldest first); one
    `git cat-file --batch` reads each wanted file at each of those commits, of which only
    the status line is read. Opened: the first commit holding the file. Completed: the
    last change of status from open or in-progress to complete or closed. Withdrawn: the
    last change to withdrawn. A change back to open or in-progress undoes both."""
    import re

    from cap.gitio import GitError, Repo
    from cap.loader import ACTIONS_DIR

    try:
        repo = Repo.of(data_dir)
        if repo.head() is None:
            return {}, None
        folder = repo.path(ACTIONS_DIR)
        log = repo.git("-c", "core.quotepath=off", "log", "--reverse", "--format=@@@ %H %aI", "--name-only",
                       "HEAD", "--", folder).decode("utf-8", errors="replace")
    except GitError as exc:
        return {}, str(exc)
    wanted = set(refs)
    name = re.compile(rf"^{re.escape(folder)}/([1-9][0-9]*\.[1-9][0-9]*)\.yaml\Z")
    touched: dict[str, list[tuple[str, dt.date]]] = {}
    sha, day = "", None
    for line in log.splitlines():
        if line.startswith("@@@ "):
            _, sha, when = line.split(" ", 2)
            day = dt.datetime.fromisoformat(when.strip()).date()
            continue
        m = name.match(line.strip())
        if m and m.group(1) in wanted:
            touched.setdefault(m.group(1), []).append((sha, day))
    names = [f"{c}:{folder}/{ref}.yaml" for ref, commits in touched.items() for c, _ in commits]
    try:
        contents = dict(zip(names, repo.blobs(names)))
    except GitError as exc:
        return {}, str(exc)
    out: dict[str, tuple] = {}
    for ref, commits in touched.items():
        opened = completed = withdrawn = None
        status = None
        for c, when in commits:
            raw = contents.get(f"{c}:{folder}/{ref}.yaml")
            after = _status_of(raw)
            if after is None or after == "unreadable":  # removed, or not readable here: nothing learnt
                continue
            if status is None:
                opened = opened or when
            elif after != status:
                if after in ("complete", "closed") and status not in ("complete", "closed"):
                    completed = when
                elif after == "withdrawn":
                    withdrawn = when
                elif after in ("open", "in-progress"):
                    completed = withdrawn = None  # reopened: a later change dates it again
            status = after
        out[ref] = (opened, completed, withdrawn)
    return out, None


__all__ = ["Dated", "FILE", "GIT", "Life", "Lives", "UNDATED", "life_dates"]
