"""`cap validate`'s checks of `data/agencies.yaml` (cap/agencies.py), when the plan has one.

- the file loads (its problems with file:line, as every data file's) and is canonical (CAP214);
- an id, name or alias names one agency only (CAP230, an error: a lead would be ambiguous);
- every lead of every action names an agency of the file (CAP231, a warning, with the
  nearest names). An empty list (`agencies: []`, as `cap init` writes it) asks nothing
  yet: the check starts with the first agency listed.

The contacts are the partnership's own staff (a role, a work email): the personal-data
check, which is about children and families, does not read this file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from cap.agencies import Agency, fold, load_agencies_source, name_index
from cap.problems import Problem

if TYPE_CHECKING:
    from cap.checks import Context
    from cap.loader import SourceFile


def _agencies_source(ctx: Context) -> tuple[SourceFile | None, list[Problem]]:
    """The file as loaded, once per validation (both checks ask)."""
    cached = ctx.__dict__.get("_agencies_source")
    if cached is None:
        cached = ctx.__dict__["_agencies_source"] = load_agencies_source(ctx.data_dir)
    return cached


def check_agencies_file(ctx: Context) -> Iterator[Problem]:
    """agencies.yaml loads, is in the canonical format, and names each agency once."""
    from cap.checks import problem
    from cap.filechecks import canonical_format_of

    source, problems = _agencies_source(ctx)
    if source is None:
        return
    yield from problems
    if source.record is None:
        return
    yield from canonical_format_of(source)
    seen: dict[str, tuple[str, int]] = {}
    for i, agency in enumerate(source.record.agencies):
        places = [(("agencies", i, "id"), agency.id), (("agencies", i, "name"), agency.name)]
        places += [(("agencies", i, "aliases", j), alias) for j, alias in enumerate(agency.aliases)]
        for loc, name in places:
            owner = seen.get(fold(name))
            if owner is None:
                seen[fold(name)] = (agency.id, source.doc.position(loc)[0])
            elif owner[0] != agency.id:  # (an agency naming itself twice is harmless)
                yield problem(source, loc, "CAP230",
                              f"`{name}` already names agency `{owner[0]}` (line {owner[1]}): "
                              "a lead must name one agency only")


def check_leads_name_agencies(ctx: Context) -> Iterator[Problem]:
    """With agencies listed, every lead names one of them (id, name or alias, any case)."""
    from cap.checks import problem

    source, _problems = _agencies_source(ctx)
    if source is None or source.record is None or not source.record.agencies:
        return
    agencies = source.record.agencies
    index = name_index(agencies)
    for action_source, action in ctx.actions():
        for j, text in enumerate(action.lead):
            if fold(text) in index:
                continue
            near = nearest_agencies(text, agencies)
            hint = (f"did you mean: {', '.join(near)}?" if near
                    else "add it to data/agencies.yaml, as an agency or as another agency's alias")
            yield problem(action_source, ("lead", j), "CAP231",
                          f"lead {text!r} names no agency of data/agencies.yaml; {hint}")


def nearest_agencies(text: str, agencies: list[Agency], n: int = 3) -> list[str]:
    """The names of the agencies nearest to `text` (by their id, name or aliases), best first."""
    from cap.agencies import nearest_names

    named: dict[str, str] = {}
    for agency in agencies:
        for name in agency.names():
            named.setdefault(name, agency.name)
    return list(dict.fromkeys(named[name] for name in nearest_names(text, list(named), n=n * 2)))[:n]
