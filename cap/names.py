"""The names a plan knows, for shell completion: refs, themes (ids and aliases), cases,
statuses and lead agencies. Pure reads: nothing printed, nothing written, and a data
folder that does not load gives what can be read (or nothing), never an exception.

    >>> [n for n, _ in statuses("in")]
    ['in-progress']
"""

from __future__ import annotations

from pathlib import Path

from cap.models import STATUSES


def _matching(pairs, incomplete: str) -> list[tuple[str, str]]:
    """(name, help) pairs whose name starts with `incomplete` (any case), each name once."""
    wanted = incomplete.lower()
    seen: set[str] = set()
    out = []
    for name, help_text in pairs:
        if name.lower().startswith(wanted) and name not in seen and name.isprintable():
            seen.add(name)
            out.append((name, help_text))
    return out


def refs(data_dir: Path, incomplete: str = "") -> list[tuple[str, str]]:
    """The refs of the action files (from their names: nothing is parsed), in ref order."""
    from cap.loader import action_files
    from cap.models import natural_key

    names = sorted((p.stem for p in action_files(data_dir)), key=natural_key)
    return _matching(((n, "") for n in names), incomplete)


def themes(data_dir: Path, incomplete: str = "") -> list[tuple[str, str]]:
    """Theme ids and aliases, each with the theme's title."""
    from cap.loader import load_reference

    found, _scrs, _problems = load_reference(data_dir)
    return _matching(((n, t.title) for t in found for n in (t.id, *t.aliases)), incomplete)


def cases(data_dir: Path, incomplete: str = "") -> list[tuple[str, str]]:
    """The case ids of scrs.yaml, each with its title."""
    from cap.loader import load_reference

    _themes, found, _problems = load_reference(data_dir)
    return _matching(((s.id, s.title or "") for s in found), incomplete)


def statuses(incomplete: str = "", allowed: tuple[str, ...] = STATUSES) -> list[tuple[str, str]]:
    return _matching(((s, "") for s in allowed), incomplete)


def leads(data_dir: Path, incomplete: str = "") -> list[tuple[str, str]]:
    """Every lead agency: the agencies of data/agencies.yaml (their names, then ids and
    aliases, each with the name it stands for), then the leads named in the plan (files
    that do not load are skipped)."""
    from cap.agencies import load_agencies
    from cap.loader import load_plan

    agencies, _problems = load_agencies(data_dir)
    pairs = [(a.name, "") for a in agencies or []]
    pairs += [(n, a.name) for a in agencies or [] for n in (a.id, *a.aliases)]
    plan, _problems = load_plan(data_dir)
    pairs += [(n, "") for n in sorted({x for a in plan.actions for x in a.lead}, key=str.casefold)]
    seen: set[str] = set()
    once = [(n, h) for n, h in pairs if not (n.casefold() in seen or seen.add(n.casefold()))]  # NSCB, not also nscb
    return _matching(once, incomplete)
