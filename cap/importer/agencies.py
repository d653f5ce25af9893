"""The agencies an import meets (`cap import --add-agencies`): the leads of the actions it
creates or updates that name no agency of `data/agencies.yaml`, added to the file in the
same all-or-nothing write as the actions (cap/importer/plan.py).

Without `--add-agencies`, and when the file lists agencies, the import says which leads
name none (a note), as `cap validate` would (CAP231).
"""

from __future__ import annotations

from pathlib import Path

from cap.importer.outcome import ImportOutcome
from cap.problems import Problem


def plan_agencies(data_dir: Path, outcome: ImportOutcome, add: bool) -> list[Problem]:
    """With `add`, put the new agencies in `outcome.new_agencies` and agencies.yaml's new
    text in `outcome.writes`; else note the leads that name no agency. Problems (a broken
    agencies.yaml) stop the import."""
    from cap.agencies import HEADER, agencies_from_leads, agencies_path, agencies_text, load_agencies_source
    from cap.problems import errors
    from cap.store import StoreError
    from cap.yamlio import header_comment

    source, problems = load_agencies_source(data_dir)
    if errors(problems):
        return problems
    existing = source.record.agencies if source is not None else []
    actions = [*outcome.created, *(u.action for u in outcome.updated)]
    leads = [text for action in actions for text in action.lead]
    new = agencies_from_leads(leads, existing)
    if not new:
        return []
    if not add:
        if existing:
            names = ", ".join(a.name for a in new)
            outcome.notes.append(f"leads naming no agency of data/agencies.yaml: {names} (--add-agencies adds them)")
        return []
    header = header_comment(source.raw.decode("utf-8-sig")) if source is not None and source.raw else HEADER
    try:
        text = agencies_text([*existing, *new], header)
    except StoreError as exc:  # pragma: no cover - a lead the model took is a valid name
        return [Problem(outcome.source, 1, 1, "error", "CAP804", str(exc))]
    outcome.new_agencies = new
    outcome.writes.insert(0, (agencies_path(data_dir), text))
    return []
