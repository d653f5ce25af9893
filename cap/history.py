"""The plan at any revision, what changed between two, and one action's history.

Files read from git (through cap.gitio) go through the same parser and models as files
on disk; a file that does not load at some revision is a `Problem` (path written
`abc1234:data/actions/4.4.yaml`), not a fault.

    >>> repo = Repo.of(Path("data"))                                   # doctest: +SKIP
    >>> since = repo.resolve("2017-03-01")    # a revision, or a date  # doctest: +SKIP
    >>> changes = compare(snapshot(repo, since), working_tree(Path("data")))  # doctest: +SKIP

`plan_changes` is `cap changes`; `action_history` is `cap history` (the vocabulary of
changes itself is cap.changes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cap.changes import ActionChanges, Change, Changes, diff_actions
from cap.gitio import Commit, Point, Repo
from cap.loader import (
    ACTIONS_DIR,
    THEMES_FILE,
    action_files,
    action_from_document,
    action_path,
    load_action_file,
    load_reference,
    not_a_file,
    parse_bytes,
    validate_document,
)
from cap.models import Action, Theme, ThemesFile, natural_key
from cap.problems import Problem
from cap.refs import REF_PATTERN


# ====================================================================== snapshots


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


def snapshot(repo: Repo, point: Point) -> Snapshot:
    """The plan at a commit (the working tree is `working_tree(data_dir)`)."""
    commit = point.commit
    assert commit is not None
    actions_dir = repo.path(ACTIONS_DIR)
    themes_path = repo.path(THEMES_FILE)
    entries = repo.tree(commit.sha, themes_path, actions_dir)
    contents = repo.blobs([oid for oid, _ in entries])
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


# ====================================================================== changes between two plans


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
        end_snapshot = snapshot(repo, repo.resolve(until, end_of_day=True, tz=tz))
    changes = compare(snapshot(repo, start), end_snapshot)
    from cap.rounds.changes import changed_rounds

    end_sha = None if until is None else end_snapshot.point.commit.sha
    changes.rounds = changed_rounds(repo, start.commit.sha if start.commit else None, end_sha, data_dir)
    return changes


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
    """No commit ever touched the action's file, and it is not in the working tree: a
    mistake in the command (`exit_code` 2), unless something not a file is in its place (1)."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def action_history(data_dir: Path, ref: str, *, include_working_tree: bool = True) -> ActionHistory:
    """Each commit that touched `data/actions/<ref>.yaml`, oldest first, and what it changed.

    All commits reachable from HEAD that touched the file are listed (git's default
    history simplification). A merge is listed only for what it changed itself: a
    change present against every parent (what the merged branches did is shown at
    their own commits). A commit where the file does not load is a step with problems;
    the next readable version is compared with the last readable one.
    """
    repo = Repo.of(data_dir)
    if not REF_PATTERN.match(ref):
        raise UnknownRef(f"unknown ref {ref!r}: a ref is two numbers, like 4.10")
    path = repo.path(ACTIONS_DIR, f"{ref}.yaml")
    commits: list[Commit] = []
    if repo.head() is not None:
        commits = repo.log("--date-order", "--reverse", "HEAD", "--", path)
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
        kind = not_a_file(on_disk)
        if kind:
            raise UnknownRef(f"{path} is {kind}, not a file, and no commit touched it", 1)
        from cap.loader import action_files
        from cap.nearest import unknown

        refs = [p.stem for p in action_files(data_dir)]
        raise UnknownRef(unknown("ref", ref, refs, detail=f"no commit touched {path} and there is no such file"))
    return ActionHistory(ref, path, steps)
