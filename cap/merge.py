"""The merge driver: two versions of one action file and their ancestor -> one.

`merge_texts(base, ours, theirs)` is the core of `cap merge-driver`: progress is the
union of both sides (append-only), every other field is merged three-way, and what
cannot be merged is a conflict line plus git-style markers. `git_setup` installs the
driver in a repository (`.gitattributes` and the repository's git config).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cap.changes import entry_key, removed_from
from cap.dates import format_iso
from cap.gitio import GitError, Repo, first_line, git_process, run_git
from cap.loader import ACTIONS_DIR, action_from_document, parse_bytes
from cap.models import Action, ProgressEntry


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
        if name in ("progress", "impact"):  # logs: both sides' entries
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
    impact, impact_conflicts = merge_progress(base.impact if base else [], ours.impact, theirs.impact, "impact entry")
    conflicts += impact_conflicts
    take_ours["impact"] = impact if impact is not None else list(ours.impact)
    take_theirs["impact"] = impact if impact is not None else list(theirs.impact)
    return Action.model_construct(**take_ours), Action.model_construct(**take_theirs), conflicts


def merge_progress(
    base: list[ProgressEntry], ours: list[ProgressEntry], theirs: list[ProgressEntry], what: str = "progress entry"
) -> tuple[list[ProgressEntry] | None, list[str]]:
    """The union of two logs, progress or impact (None and the conflicts if an entry was removed)."""
    if [entry_key(e) for e in ours] == [entry_key(e) for e in theirs]:
        return list(ours), []
    conflicts = []
    for side, entries in (("ours", ours), ("theirs", theirs)):
        for gone in removed_from(base, entries):
            conflicts.append(
                f"{what} of {gone.date.isoformat()} ({_brief(gone.text)}) was removed or changed on "
                f"{side}; {what.split()[0]} is append-only"
            )
    if conflicts:
        return None, conflicts
    merged = list(ours)
    seen = Counter(entry_key(e) for e in ours)
    for entry in removed_from(theirs, base):  # theirs' new entries, in their order
        k = entry_key(entry)
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
    proc = git_process(
        ["merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs)],
        Path(ours).parent,
    )
    if proc.returncode < 0 or proc.returncode > 127:
        raise GitError(f"git merge-file failed: {first_line(proc.stderr)}")
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
        current = git_process(["config", "--local", "--get", key], repo.top)
        if current.returncode == 0 and current.stdout.decode("utf-8").rstrip("\n") == value:
            done.append(f"git config {key} already set")
            continue
        run_git(["config", "--local", key, value], repo.top)
        done.append(f"git config {key} = {value}")
    return done
