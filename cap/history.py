"""The plan's history from git, and merging two versions of one action.

Reading: the plan at any revision is read with git plumbing in a subprocess
(`rev-parse`, `ls-tree`, `cat-file --batch`, `log`, `rev-list`): nothing is checked out,
the working tree and the index are never written (`GIT_OPTIONAL_LOCKS=0`). Files read
from git go through the same parser and models as files on disk; a file that does not
load at some revision is a `Problem` (path written `abc1234:data/actions/4.4.yaml`), not
a fault.

    >>> repo = Repo.of(Path("data"))                                   # doctest: +SKIP
    >>> since = repo.resolve("2017-03-01")    # a revision, or a date  # doctest: +SKIP
    >>> changes = compare(repo.snapshot(since), working_tree(Path("data")))  # doctest: +SKIP

Comparing: `diff_actions(old, new)` says what happened to one action in the plan's own
vocabulary (progress added, status, target revised, closed, withdrawn, texts edited as
word diffs); `Changes` gathers that for the whole plan, by theme in ref order.

Merging: `merge_texts(base, ours, theirs)` is the merge driver's core: progress is the
union of both sides (append-only), every other field is merged three-way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Sequence

from cap.dates import DateError, format_iso, parse_date, shift
from cap.loader import (
    ACTIONS_DIR,
    THEMES_FILE,
    action_files,
    action_from_document,
    action_path,
    load_action_file,
    load_reference,
    parse_bytes,
    validate_document,
)
from cap.models import Action, ProgressEntry, SignOff, TargetRevision, Theme, ThemesFile
from cap.problems import Problem
from cap.query import natural_key

# ====================================================================== git plumbing


class GitError(Exception):
    """git could not answer: the message is one clear line. `exit_code` for the CLI."""

    exit_code: ClassVar[int] = 1


class GitNotFound(GitError):
    """No `git` program on PATH."""


class NotARepository(GitError):
    """The data folder is not inside a git working tree."""


class UnknownRevision(GitError):
    """A --since/--until that is neither a revision nor a date (a usage mistake)."""

    exit_code = 2


class NoCommitBefore(GitError):
    """A date before the first commit on the current branch."""


#: Every git call: English messages, no optional locks (never rewrite the index),
#: no signatures or rename-following from a user's configuration leaking into output.
_GIT_ENV = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
_GIT_CONFIG = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "core.quotePath=false")
#: Fields of one commit in `git log -z` output, separated by \x1f.
_LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%aI%x1f%cI%x1f%s"
_REF = re.compile(r"^[1-9][0-9]*\.[1-9][0-9]*$")


def git_program() -> str:
    """The git executable on PATH, or GitNotFound."""
    found = shutil.which("git")
    if found is None:
        raise GitNotFound("git is not installed (no `git` on PATH); this command reads the plan's history from git")
    return found


def run_git(args: Sequence[str], cwd: Path, input: bytes | None = None) -> bytes:
    """Run one git command; its stdout, or GitError carrying git's first error line."""
    proc = _run(args, cwd, input)
    if proc.returncode != 0:
        command = next((a for a in args if not a.startswith("-")), "")
        raise GitError(f"git {command} failed: {_first_line(proc.stderr)}")
    return proc.stdout


def _run(args: Sequence[str], cwd: Path, input: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **_GIT_ENV}
    try:
        return subprocess.run(
            [git_program(), *_GIT_CONFIG, *args], cwd=cwd, input=input, capture_output=True, env=env
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def _first_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = lines[0] if lines else "no message"
    return text.removeprefix("fatal: ").removeprefix("error: ")


@dataclass(frozen=True)
class Commit:
    """One commit: who wrote it and when (author), when it landed (committer), its subject."""

    sha: str
    parents: tuple[str, ...]
    author: str
    authored: dt.datetime
    committed: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]

    def label(self) -> str:
        """`abc1234 (2017-02-15, "Progress on 4.4")`."""
        return f'{self.short} ({self.committed.date().isoformat()}, "{self.subject}")'

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.sha,
            "short": self.short,
            "author": self.author,
            "date": self.authored.isoformat(),
            "committed": self.committed.isoformat(),
            "subject": self.subject,
        }


def _parse_log(out: bytes) -> list[Commit]:
    commits = []
    for record in out.split(b"\0"):
        record = record.strip(b"\n")
        if not record:
            continue
        sha, parents, author, authored, committed, subject = record.decode("utf-8", "replace").split("\x1f", 5)
        commits.append(
            Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                authored=dt.datetime.fromisoformat(authored),
                committed=dt.datetime.fromisoformat(committed),
                subject=subject,
            )
        )
    return commits


@dataclass(frozen=True)
class Point:
    """One end of a comparison: a commit, or the working tree (commit None)."""

    commit: Commit | None
    spec: str | None = None  # what the person typed (a revision or a date)

    def label(self) -> str:
        return self.commit.label() if self.commit else "the working tree"

    def as_dict(self) -> dict[str, Any]:
        data = self.commit.as_dict() if self.commit else {"commit": None, "working_tree": True}
        return {"spec": self.spec, **data}


@dataclass(frozen=True)
class Repo:
    """The git working tree holding a data folder; `data_rel` is its path from the top."""

    top: Path
    data_rel: str  # posix; '' when the data folder is the top of the repository

    @classmethod
    def of(cls, data_dir: Path) -> "Repo":
        """The repository of `data_dir`, or NotARepository / GitNotFound."""
        proc = _run(["rev-parse", "--show-toplevel"], Path(data_dir))
        if proc.returncode != 0:
            message = _first_line(proc.stderr)
            if "not a git repository" in message:
                raise NotARepository(
                    f"{data_dir} is not inside a git repository (this command reads the plan's history from git)"
                )
            raise GitError(f"git cannot use {data_dir}: {message}")
        top = Path(proc.stdout.decode("utf-8").strip())
        try:
            rel = Path(data_dir).resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            raise GitError(f"cannot place {data_dir} inside the repository at {top}") from None
        return cls(top=top, data_rel="" if rel == "." else rel)

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        return run_git(["--literal-pathspecs", *args], self.top, input)

    def path(self, *parts: str) -> str:
        """A path inside the data folder, from the top of the repository."""
        return "/".join(p for p in (self.data_rel, *parts) if p)

    # ------------------------------------------------------------ revisions

    def head(self) -> Commit | None:
        """The current commit, or None in a repository with no commits yet."""
        proc = _run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], self.top)
        return self.commit(proc.stdout.decode().strip()) if proc.returncode == 0 else None

    def commit(self, sha: str) -> Commit:
        return _parse_log(self.git("log", "-1", "-z", f"--format={_LOG_FORMAT}", sha, "--"))[0]

    def resolve(self, spec: str, *, end_of_day: bool = False, tz: dt.tzinfo | None = None) -> Point:
        """A revision (sha, branch, tag, HEAD~2 ...), else a date, else UnknownRevision.

        A date means the plan as it stood at the start of that day (with `end_of_day`,
        at its end): the last commit on the current branch, following first parents,
        whose committer date is before that moment, in `tz` (default: local time).
        """
        text = spec.strip()
        if self.head() is None:
            raise NoCommitBefore("the repository has no commits yet")
        if text and not text.startswith("-"):
            proc = _run(["rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"], self.top)
            if proc.returncode == 0:
                return Point(self.commit(proc.stdout.decode().strip()), spec)
        try:
            day = parse_date(text)
        except DateError:
            raise UnknownRevision(f"unknown revision {spec!r}: not a commit, branch or tag here, nor a date") from None
        if end_of_day:
            day = shift(day, 1)
        return Point(self.commit_before(day, tz), spec)

    def commit_before(self, day: dt.date, tz: dt.tzinfo | None = None) -> Commit:
        """The last first-parent commit of HEAD committed before `day` began (in `tz`)."""
        start = dt.datetime.combine(day, dt.time.min)
        try:
            start = start.replace(tzinfo=tz) if tz is not None else start.astimezone()
            # --before is inclusive: one second earlier makes it "strictly before midnight".
            limit = int(start.timestamp()) - 1
        except (ValueError, OverflowError):  # the first days of the calendar
            limit = -1
        if self.head() is None:
            raise NoCommitBefore("the repository has no commits yet")
        sha = ""
        if limit >= 0:  # git keeps no commit from before 1970
            out = self.git("rev-list", "--first-parent", "--max-count=1", f"--before=@{limit}", "HEAD", "--")
            sha = out.decode().strip()
        if not sha:
            first = self.git("rev-list", "--first-parent", "--max-parents=0", "HEAD", "--").decode().split()
            oldest = self.commit(first[-1]) if first else None
            hint = f" (the first is {oldest.label()})" if oldest else ""
            raise NoCommitBefore(f"no commit on the current branch before {day.isoformat()}{hint}")
        return self.commit(sha)

    # ------------------------------------------------------------ reading files

    def blobs(self, names: Sequence[str]) -> list[bytes | None]:
        """The contents of objects named `oid` or `rev:path` (None: missing, or not a file)."""
        if not names:
            return []
        out = self.git("cat-file", "--batch", input=("\n".join(names) + "\n").encode("utf-8"))
        results: list[bytes | None] = []
        pos = 0
        for _name in names:
            nl = out.index(b"\n", pos)
            header, pos = out[pos:nl], nl + 1
            if header.endswith((b" missing", b" ambiguous")):
                results.append(None)
                continue
            _oid, kind, size = header.split(b" ")
            body = out[pos: pos + int(size)]
            pos += int(size) + 1
            results.append(body if kind == b"blob" else None)
        return results

    def snapshot(self, point: Point) -> "Snapshot":
        """The plan at a commit (the working tree is `working_tree(data_dir)`)."""
        commit = point.commit
        assert commit is not None
        actions_dir = self.path(ACTIONS_DIR)
        themes_path = self.path(THEMES_FILE)
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", commit.sha, "--", themes_path, actions_dir)
        entries: list[tuple[str, str]] = []  # (oid, path)
        for item in listing.split(b"\0"):
            if not item:
                continue
            meta, path = item.split(b"\t", 1)
            _mode, kind, oid = meta.decode().split(" ")
            if kind == "blob":
                entries.append((oid, path.decode("utf-8", "replace")))
        contents = self.blobs([oid for oid, _ in entries])
        snap = Snapshot(point=point)
        for (_oid, path), raw in zip(entries, contents):
            shown = f"{commit.short}:{path}"
            if path == themes_path:
                snap.themes, found = _themes_from_bytes(raw or b"", shown)
                snap.problems += found
                continue
            folder, _, name = path.rpartition("/")
            if folder != actions_dir or not name.endswith(".yaml") or name.startswith("."):
                continue
            stem = name[: -len(".yaml")]
            action, found = action_from_bytes(raw or b"", stem, shown)
            snap.add(stem, action, found)
        return snap


def _themes_from_bytes(raw: bytes, shown: str) -> tuple[list[Theme], list[Problem]]:
    doc, problems = parse_bytes(raw, shown)
    if doc is None:
        return [], problems
    parsed, problems = validate_document(doc, ThemesFile, shown)
    return (parsed.themes if parsed else []), problems


def action_from_bytes(raw: bytes, stem: str, shown: str) -> tuple[Action | None, list[Problem]]:
    """An action file's bytes (from git, or a merge driver's temp file) -> Action or problems."""
    doc, problems = parse_bytes(raw, shown)
    if doc is None:
        return None, problems
    return action_from_document(doc, stem, shown)


# ====================================================================== snapshots


@dataclass
class Snapshot:
    """The plan at one point: themes and actions by ref; refs whose file did not load."""

    point: Point
    themes: list[Theme] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def add(self, stem: str, action: Action | None, problems: list[Problem]) -> None:
        self.problems += problems
        if action is None:
            self.broken.add(stem)
        else:
            self.actions[stem] = action


def working_tree(data_dir: Path) -> Snapshot:
    """The plan as the files on disk are now (committed or not)."""
    themes, _scrs, problems = load_reference(data_dir)
    snap = Snapshot(point=Point(None), themes=themes, problems=list(problems))
    for path in action_files(data_dir):
        action, found = load_action_file(path, data_dir)
        snap.add(path.stem, action, found)
    return snap


# ====================================================================== the vocabulary of changes

Segment = tuple[str, str]  # ("=" | "-" | "+", words)


def word_diff(before: str, after: str) -> tuple[Segment, ...]:
    """A word-level diff: runs of kept ("="), removed ("-") and added ("+") words."""
    return _token_diff(before.split(), after.split(), " ")


def item_diff(before: Sequence[str], after: Sequence[str]) -> tuple[Segment, ...]:
    """A list's diff, item by item (items of a run joined with `, `)."""
    return _token_diff(list(before), list(after), ", ")


def _token_diff(a: list[str], b: list[str], sep: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", sep.join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", sep.join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", sep.join(b[j1:j2])))
    return tuple(out)


def _entry_dict(entry: ProgressEntry) -> dict[str, Any]:
    return {"date": entry.date.isoformat(), "author": entry.author, "text": entry.text}


class Change:
    """One thing that happened to an action. `kind` names it in JSON."""

    kind: ClassVar[str]

    def as_dict(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True, eq=True)
class ActionAdded(Change):
    action: Action
    kind: ClassVar[str] = "added"

    def as_dict(self) -> dict[str, Any]:
        a = self.action
        return {
            "kind": self.kind, "action": a.action, "lead": list(a.lead), "scrs": a.scr_label(),
            "target_date": format_iso(a.target_date), "status": a.status,
            "progress": [_entry_dict(e) for e in a.progress],
        }


@dataclass(frozen=True, eq=True)
class ActionRemoved(Change):
    action: Action
    kind: ClassVar[str] = "removed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "action": self.action.action, "status": self.action.status}


@dataclass(frozen=True, eq=True)
class ProgressAdded(Change):
    entry: ProgressEntry
    kind: ClassVar[str] = "progress"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **_entry_dict(self.entry)}


@dataclass(frozen=True, eq=True)
class ProgressRemoved(Change):
    """Progress is append-only: a removed entry is worth a reviewer's attention."""

    entry: ProgressEntry
    kind: ClassVar[str] = "progress-removed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **_entry_dict(self.entry)}


@dataclass(frozen=True, eq=True)
class ProgressEdited(Change):
    """An entry replaced by another of the same date: shown as a word diff."""

    before: ProgressEntry
    after: ProgressEntry
    kind: ClassVar[str] = "progress-edited"

    @property
    def diff(self) -> tuple[Segment, ...]:
        return word_diff(self.before.text, self.after.text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "date": self.after.date.isoformat(),
            "author_before": self.before.author, "author": self.after.author,
            "before": self.before.text, "after": self.after.text, "diff": [list(s) for s in self.diff],
        }


@dataclass(frozen=True, eq=True)
class StatusChanged(Change):
    before: str
    after: str
    kind: ClassVar[str] = "status"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "to": self.after}


@dataclass(frozen=True, eq=True)
class TargetRevised(Change):
    """A new target date; `date` and `reason` come from target_history (None if unrecorded)."""

    before: dt.date | str
    after: dt.date | str
    reason: str | None
    date: dt.date | None
    kind: ClassVar[str] = "target"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "from": format_iso(self.before), "to": format_iso(self.after),
            "reason": self.reason, "date": self.date.isoformat() if self.date else None,
        }


@dataclass(frozen=True, eq=True)
class Closed(Change):
    """Signed off by the board: status now `closed`."""

    before: str
    signed_off: SignOff
    kind: ClassVar[str] = "closed"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "date": self.signed_off.date.isoformat(), "by": self.signed_off.by}


@dataclass(frozen=True, eq=True)
class Withdrawn(Change):
    before: str
    reason: str | None
    kind: ClassVar[str] = "withdrawn"

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "from": self.before, "reason": self.reason}


@dataclass(frozen=True, eq=True)
class FieldEdited(Change):
    """A field edited (action, lead, SCRs, owner ...): a word diff, or for a list
    (lead, SCRs, evidence) a diff of its items."""

    field: str
    before: str
    after: str
    before_items: tuple[str, ...] | None = None
    after_items: tuple[str, ...] | None = None
    kind: ClassVar[str] = "edited"

    @property
    def separator(self) -> str:
        """What joins the parts of a diff segment: `, ` between items, ` ` between words."""
        return ", " if self.before_items is not None else " "

    @property
    def diff(self) -> tuple[Segment, ...]:
        if self.before_items is not None and self.after_items is not None:
            return item_diff(self.before_items, self.after_items)
        return word_diff(self.before, self.after)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "field": self.field, "from": self.before, "to": self.after,
            "diff": [list(s) for s in self.diff],
        }


def _revision_text(rev: TargetRevision) -> str:
    return f"{rev.date.isoformat()}: {format_iso(rev.from_)} -> {format_iso(rev.to)} ({rev.reason})"


#: Fields shown as edits, in this order: how each is written, and its items (lists only).
_EDITED_FIELDS: tuple[tuple[str, Any, Any], ...] = (
    ("action", lambda a: a.action, None),
    ("lead", lambda a: ", ".join(a.lead), lambda a: tuple(a.lead)),
    ("scrs", lambda a: a.scr_label(), lambda a: (*a.scrs, *(["All"] if a.all_scrs else []))),
    ("theme", lambda a: a.theme, None),
    ("owner", lambda a: a.owner or "", None),
    ("outcome", lambda a: a.outcome or "", None),
    ("review_date", lambda a: a.review_date.isoformat() if a.review_date else "", None),
    ("evidence", lambda a: "; ".join(a.evidence), lambda a: tuple(a.evidence)),
)


def _removed_from(old: list, new: list) -> list:
    """Items of `old` not in `new`, counting repeats (a multiset difference, in old's order)."""
    left = Counter(_key(x) for x in new)
    out = []
    for item in old:
        k = _key(item)
        if left[k]:
            left[k] -= 1
        else:
            out.append(item)
    return out


def _key(item: Any) -> Any:
    if isinstance(item, ProgressEntry):
        return (item.date, item.author, item.text)
    if isinstance(item, TargetRevision):
        return (item.date, item.from_, item.to, item.reason)
    return item


def diff_actions(old: Action | None, new: Action | None) -> list[Change]:
    """What happened to one action between two versions (either may be absent)."""
    if old is None and new is None:
        return []
    if old is None:
        return [ActionAdded(new)]
    if new is None:
        return [ActionRemoved(old)]
    changes: list[Change] = []

    # progress entries: added, removed, or edited (removed + added on the same date)
    added = _removed_from(new.progress, old.progress)
    removed = _removed_from(old.progress, new.progress)
    edits: list[Change] = []
    for gone in list(removed):
        twin = next((e for e in added if e.date == gone.date), None)
        if twin is not None:
            added.remove(twin)
            removed.remove(gone)
            edits.append(ProgressEdited(gone, twin))
    changes += [ProgressAdded(e) for e in added]
    changes += edits
    changes += [ProgressRemoved(e) for e in removed]

    # status, with closures and withdrawals named as such
    closure = withdrawal = False
    if old.status != new.status:
        if new.status == "closed" and new.signed_off is not None:
            changes.append(Closed(old.status, new.signed_off))
            closure = True
        elif new.status == "withdrawn":
            changes.append(Withdrawn(old.status, new.withdrawn_reason))
            withdrawal = True
        else:
            changes.append(StatusChanged(old.status, new.status))

    # target date: recorded revisions, or a bare change of the date
    revisions = _removed_from(new.target_history, old.target_history)
    changes += [TargetRevised(r.from_, r.to, r.reason, r.date) for r in revisions]
    if old.target_date != new.target_date and not any(r.to == new.target_date for r in revisions):
        changes.append(TargetRevised(old.target_date, new.target_date, None, None))
    dropped = _removed_from(old.target_history, new.target_history)
    if dropped:
        changes.append(FieldEdited("target_history", "; ".join(_revision_text(r) for r in dropped), ""))

    # texts, lists and the remaining fields, as word diffs
    for name, show, items in _EDITED_FIELDS:
        before, after = show(old), show(new)
        if before != after:
            if items is None:
                changes.append(FieldEdited(name, before, after))
            else:
                changes.append(FieldEdited(name, before, after, items(old), items(new)))
    if old.signed_off != new.signed_off and not closure:
        show_sign = lambda s: f"{s.date.isoformat()} by {s.by}" if s else ""  # noqa: E731
        changes.append(FieldEdited("signed_off", show_sign(old.signed_off), show_sign(new.signed_off)))
    if old.withdrawn_reason != new.withdrawn_reason and not withdrawal:
        changes.append(FieldEdited("withdrawn_reason", old.withdrawn_reason or "", new.withdrawn_reason or ""))
    return changes


# ====================================================================== changes between two plans


@dataclass
class ActionChanges:
    """Everything that happened to one action between two points."""

    ref: str
    theme: str
    before: Action | None
    after: Action | None
    changes: list[Change]

    @property
    def state(self) -> str:
        """`added`, `removed` or `changed`."""
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass
class ThemeGroup:
    id: str
    theme: Theme | None
    actions: list[ActionChanges]

    @property
    def title(self) -> str:
        return f"{self.theme.number}. {self.theme.title}" if self.theme else self.id


@dataclass
class Changes:
    """The difference between the plan at two points, per action, in natural ref order."""

    since: Point
    until: Point
    actions: list[ActionChanges]
    themes: list[Theme]
    problems: list[Problem]

    def by_theme(self) -> list[ThemeGroup]:
        """Groups in theme-number order (themes no longer defined come last, by id)."""
        known = {t.id: t for t in self.themes}
        groups: dict[str, ThemeGroup] = {}
        for item in self.actions:
            groups.setdefault(item.theme, ThemeGroup(item.theme, known.get(item.theme), [])).actions.append(item)
        return sorted(
            groups.values(), key=lambda g: (g.theme is None, g.theme.number if g.theme else 0, g.id)
        )

    def summary(self) -> dict[str, int]:
        """Counts: actions added/removed/changed, and each kind of change."""
        counts = Counter(item.state for item in self.actions)
        kinds = Counter(c.kind for item in self.actions for c in item.changes)
        return {
            "added": counts["added"],
            "removed": counts["removed"],
            "changed": counts["changed"],
            "progress": kinds["progress"],
            "status": kinds["status"],
            "target": kinds["target"],
            "closed": kinds["closed"],
            "withdrawn": kinds["withdrawn"],
            "edited": kinds["edited"] + kinds["progress-edited"],
            "progress_removed": kinds["progress-removed"],
        }


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """The changes from `old` to `new`. An action whose file did not load on either side
    is left out of the comparison; its problems are in `Changes.problems`."""
    items: list[ActionChanges] = []
    for ref in sorted(set(old.actions) | set(new.actions) | old.broken | new.broken, key=natural_key):
        if ref in old.broken or ref in new.broken:
            continue
        before, after = old.actions.get(ref), new.actions.get(ref)
        found = diff_actions(before, after)
        if found:
            theme = (after or before).theme  # type: ignore[union-attr]
            items.append(ActionChanges(ref, theme, before, after, found))
    themes = list(new.themes) + [t for t in old.themes if t.id not in {n.id for n in new.themes}]
    return Changes(old.point, new.point, items, themes, old.problems + new.problems)


def plan_changes(data_dir: Path, since: str, until: str | None = None, *, tz: dt.tzinfo | None = None) -> Changes:
    """`cap changes`: the plan at `since` (a revision or a date) against `until`
    (default: the working tree). Raises GitError subclasses for git's refusals."""
    repo = Repo.of(data_dir)
    start = repo.resolve(since, tz=tz)
    if until is None:
        end_snapshot = working_tree(data_dir)
    else:
        end_snapshot = repo.snapshot(repo.resolve(until, end_of_day=True, tz=tz))
    return compare(repo.snapshot(start), end_snapshot)


# ====================================================================== one action's history


@dataclass
class Step:
    """One commit that changed an action (commit None: uncommitted, in the working tree)."""

    commit: Commit | None
    changes: list[Change]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ActionHistory:
    ref: str
    path: str  # from the top of the repository
    steps: list[Step]


class UnknownRef(LookupError):
    """No commit ever touched the action's file, and it is not in the working tree."""


def action_history(data_dir: Path, ref: str, *, include_working_tree: bool = True) -> ActionHistory:
    """Each commit that touched `data/actions/<ref>.yaml`, oldest first, and what it changed.

    All commits reachable from HEAD that touched the file are listed (git's default
    history simplification). A merge is listed only for what it changed itself: a
    change present against every parent (what the merged branches did is shown at
    their own commits). A commit where the file does not load is a step with problems;
    the next readable version is compared with the last readable one.
    """
    repo = Repo.of(data_dir)
    if not _REF.match(ref):
        raise UnknownRef(f"unknown ref {ref!r}: a ref is two numbers, like 4.10")
    path = repo.path(ACTIONS_DIR, f"{ref}.yaml")
    commits: list[Commit] = []
    if repo.head() is not None:
        out = repo.git("log", "--date-order", "--reverse", "-z", f"--format={_LOG_FORMAT}", "HEAD", "--", path)
        commits = _parse_log(out)
    names = sorted({f"{sha}:{path}" for c in commits for sha in (c.sha, *c.parents)})
    if repo.head() is not None:
        names.append(f"HEAD:{path}")
    contents = dict(zip(names, repo.blobs(names)))
    parsed: dict[bytes, tuple[Action | None, list[Problem]]] = {}

    def version(sha: str) -> tuple[bool, Action | None, list[Problem]]:
        """(present, action or None if it did not load, problems)"""
        raw = contents.get(f"{sha}:{path}")
        if raw is None:
            return False, None, []
        if raw not in parsed:
            parsed[raw] = action_from_bytes(raw, ref, f"{sha[:7]}:{path}")
        action, problems = parsed[raw]
        return True, action, problems

    steps: list[Step] = []
    last_good: Action | None = None
    for commit in commits:
        present, after, problems = version(commit.sha)
        if present and after is None:
            steps.append(Step(commit, [], problems))
            continue
        befores: list[Action | None] = []
        for parent in commit.parents or ("",):
            p_present, p_action, _ = version(parent) if parent else (False, None, [])
            befores.append(last_good if (p_present and p_action is None) else p_action)
        per_parent = [diff_actions(before, after) for before in befores]
        found = [c for c in per_parent[0] if all(c in other for other in per_parent[1:])]
        if found or len(commit.parents) <= 1:
            steps.append(Step(commit, found))
        last_good = after

    on_disk = action_path(data_dir, ref)
    if include_working_tree:
        head_raw = contents.get(f"HEAD:{path}")
        disk_raw = on_disk.read_bytes() if on_disk.is_file() else None
        if disk_raw != head_raw:
            if disk_raw is None:
                steps.append(Step(None, diff_actions(last_good, None)))
            else:
                now, problems = load_action_file(on_disk, data_dir)
                steps.append(Step(None, diff_actions(last_good, now) if now else [], problems))
    if not steps and not on_disk.is_file():
        raise UnknownRef(f"unknown ref {ref!r}: no commit touched {path} and there is no such file")
    return ActionHistory(ref, path, steps)


# ====================================================================== the merge driver


@dataclass
class MergeResult:
    """The merged text (canonical, or with conflict markers) and the conflicts, one line each."""

    text: str | None
    conflicts: list[str]
    ref: str | None = None

    @property
    def clean(self) -> bool:
        return not self.conflicts


MARKER = 7  # git's conflict marker size


def merge_actions(base: Action | None, ours: Action, theirs: Action) -> tuple[Action, Action, list[str]]:
    """Merge two versions of one action against their common ancestor.

    Progress: ours as it is, with theirs' new entries inserted in date order (after any
    entry of the same date); an entry on both sides once. Progress is append-only, so a
    base entry missing on one side (removed or edited) is a conflict, unless both sides
    made the same change. Every other field: changed on one side only -> that side's
    value; changed differently on both sides -> a conflict.

    Returns (merged with ours' value for each conflicting field, the same with theirs',
    conflicts); without conflicts the two are equal.
    """
    conflicts: list[str] = []
    take_ours: dict[str, Any] = {}
    take_theirs: dict[str, Any] = {}
    for name in Action.model_fields:
        if name == "progress":
            continue
        b = getattr(base, name) if base is not None else None
        o, t = getattr(ours, name), getattr(theirs, name)
        if o == t or t == b:
            value_o = value_t = o
        elif o == b:
            value_o = value_t = t
        else:
            value_o, value_t = o, t
            conflicts.append(
                f"`{name}` changed on both sides (ours: {_brief(o)}; theirs: {_brief(t)})"
                if base is not None
                else f"`{name}` differs between the two added files (ours: {_brief(o)}; theirs: {_brief(t)})"
            )
        take_ours[name], take_theirs[name] = value_o, value_t

    progress, progress_conflicts = merge_progress(base.progress if base else [], ours.progress, theirs.progress)
    conflicts += progress_conflicts
    take_ours["progress"] = progress if progress is not None else list(ours.progress)
    take_theirs["progress"] = progress if progress is not None else list(theirs.progress)
    return Action.model_construct(**take_ours), Action.model_construct(**take_theirs), conflicts


def merge_progress(
    base: list[ProgressEntry], ours: list[ProgressEntry], theirs: list[ProgressEntry]
) -> tuple[list[ProgressEntry] | None, list[str]]:
    """The union of two progress logs (None and the conflicts if an entry was removed)."""
    if [_key(e) for e in ours] == [_key(e) for e in theirs]:
        return list(ours), []
    conflicts = []
    for side, entries in (("ours", ours), ("theirs", theirs)):
        for gone in _removed_from(base, entries):
            conflicts.append(
                f"progress entry of {gone.date.isoformat()} ({_brief(gone.text)}) was removed or changed on "
                f"{side}; progress is append-only"
            )
    if conflicts:
        return None, conflicts
    merged = list(ours)
    seen = Counter(_key(e) for e in ours)
    for entry in _removed_from(theirs, base):  # theirs' new entries, in their order
        k = _key(entry)
        if seen[k]:  # the same entry was added on both sides: keep it once
            seen[k] -= 1
            continue
        at = max((i + 1 for i, e in enumerate(merged) if e.date <= entry.date), default=0)
        merged.insert(at, entry)
    return merged, []


def _brief(value: Any, width: int = 60) -> str:
    """A field's value in one short line, for a conflict message."""
    import json

    if value is None or value == []:
        text = "none"
    elif isinstance(value, list):
        text = ", ".join(_brief(v, width) for v in value)
    elif hasattr(value, "to_data"):
        text = json.dumps(value.to_data(), default=format_iso, ensure_ascii=False)
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def merge_texts(base: bytes | None, ours: bytes, theirs: bytes, stem: str | None = None) -> MergeResult:
    """The merge driver's core: three versions of one action file -> MergeResult.

    An empty or absent base (the file was added on both sides) merges as "no ancestor".
    A version that does not load gives `text` None and the problem as the conflict: the
    caller leaves a line-level merge for a person to resolve.
    """
    from cap.store import canonical_text, checked_text
    from cap.yamlio import header_comment

    loaded: dict[str, Action | None] = {}
    conflicts: list[str] = []
    for side, raw in (("ours", ours), ("theirs", theirs), ("base", base)):
        if side == "base" and not (raw or b"").strip():
            loaded[side] = None
            continue
        doc, problems = parse_bytes(raw or b"", side)
        action = None
        if doc is not None:
            name = stem or (str(doc.data.get("ref")) if isinstance(doc.data.get("ref"), str) else "")
            action, problems = action_from_document(doc, name, side)
        if action is None:
            conflicts += [f"cannot read {side}'s version: {p.text()}" for p in problems]
        loaded[side] = action
    if conflicts:
        return MergeResult(None, conflicts, stem)
    ours_action, theirs_action = loaded["ours"], loaded["theirs"]
    assert ours_action is not None and theirs_action is not None
    header = header_comment(ours.decode("utf-8-sig", errors="replace"))  # ours' top comment block is kept
    merged_o, merged_t, conflicts = merge_actions(loaded["base"], ours_action, theirs_action)
    if conflicts:
        return MergeResult(
            _with_markers(canonical_text(merged_o, header), canonical_text(merged_t, header)), conflicts, ours_action.ref
        )
    try:
        text = checked_text(Action.model_validate(merged_o.model_dump(by_alias=True)), header)
    except Exception as exc:  # a combination of fields that does not validate
        return MergeResult(
            _with_markers(canonical_text(ours_action, header), canonical_text(theirs_action, header)),
            [f"the merged action does not validate: {exc}"],
            ours_action.ref,
        )
    return MergeResult(text, [], ours_action.ref)


def _with_markers(ours: str, theirs: str) -> str:
    """One text with git-style conflict markers around each region that differs."""
    a, b = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
        else:
            out += ["<" * MARKER + " ours\n", *a[i1:i2], "=" * MARKER + "\n", *b[j1:j2], ">" * MARKER + " theirs\n"]
    return "".join(out)


def line_merge(base: Path, ours: Path, theirs: Path) -> str:
    """git's own line-level merge of three files, with conflict markers (for files cap cannot read)."""
    proc = _run(
        ["merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)],
        Path(ours).parent,
    )
    if proc.returncode < 0 or proc.returncode > 127:
        raise GitError(f"git merge-file failed: {_first_line(proc.stderr)}")
    return proc.stdout.decode("utf-8", "replace")


# ====================================================================== git-setup


DRIVER_NAME = "cap"
DRIVER_DESCRIPTION = "cap: merge action files (progress from both sides, other fields three-way)"


def attributes_line(repo: Repo) -> str:
    """`data/actions/*.yaml merge=cap`, the path from the top of the repository."""
    folder = repo.path(ACTIONS_DIR)
    escaped = re.sub(r"([*?\[\]\\])", r"\\\1", folder)
    pattern = f"{escaped}/*.yaml"
    if any(c.isspace() or c == '"' for c in pattern):
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{pattern} merge={DRIVER_NAME}"


def git_setup(data_dir: Path, command: str) -> list[str]:
    """Install the merge driver in the repository of `data_dir`; idempotent.

    Appends the `.gitattributes` line at the top of the repository (if missing) and sets
    `merge.cap.driver` (and `merge.cap.name`) in the repository's own git config.
    Returns what was done, one line each.
    """
    from cap.store import atomic_write

    repo = Repo.of(data_dir)
    done: list[str] = []
    line = attributes_line(repo)
    attributes = repo.top / ".gitattributes"
    existing = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if any(" ".join(ln.split()) == line for ln in existing.splitlines()):
        done.append(f".gitattributes already has: {line}")
    else:
        prefix = existing if (not existing or existing.endswith("\n")) else existing + "\n"
        atomic_write(attributes, prefix + line + "\n")
        done.append(f".gitattributes: added {line}")
    driver = f"{command} merge-driver %O %A %B"
    for key, value in ((f"merge.{DRIVER_NAME}.name", DRIVER_DESCRIPTION), (f"merge.{DRIVER_NAME}.driver", driver)):
        current = _run(["config", "--local", "--get", key], repo.top)
        if current.returncode == 0 and current.stdout.decode("utf-8").rstrip("\n") == value:
            done.append(f"git config {key} already set")
            continue
        run_git(["config", "--local", key, value], repo.top)
        done.append(f"git config {key} = {value}")
    return done
