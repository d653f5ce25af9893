"""Texts whose whitespace a table cell would lose, carried exactly (issue 21).

`cap import` trims every cell (a tracker's stray spaces mean nothing), so a text cap
holds with whitespace at its edges - `\\t=1+1`, `  Started.\\t`, a line ending in spaces -
would come back from `cap report --format csv` trimmed. So the CSV gets one more column,
`Exact texts`, when (and only when) some action listed holds such a text: a JSON object
of the row's texts that need it, by where they are in the action (`action`, `lead.0`,
`progress.2.text`, `progress.2.author`, `signed_off.by`, `withdrawn_reason`,
`target_history.0.reason`, `no_impact_review`, `source_ref`; a progress entry counted
as it stands in the row's Progress cell). `cap import` puts each one back where the
cell's trimmed text is the same text (words and line breaks): a cell edited since is
taken as it is, and said so in a note.

    >>> exact_texts({"action": "\\t=1+1", "withdrawn_reason": "Superseded."})
    '{"action": "\\\\t=1+1"}'
"""

from __future__ import annotations

import json
import re

NAME = "Exact texts"
_LOOSE = re.compile(r"^\s|\s$|[ \t]\n|\n[ \t]|\t|  |\r|\n\n|[^\S \n]")


def needs_exact(text: str | None) -> bool:
    """Whether a cell could lose some of `text`'s whitespace."""
    return bool(text) and _LOOSE.search(text) is not None


def exact_texts(texts: dict[str, str | None]) -> str:
    """The cell: JSON of the texts that need it (empty when none does)."""
    kept = {where: text for where, text in texts.items() if needs_exact(text)}
    return json.dumps(kept, ensure_ascii=True) if kept else ""


def _words(text: str) -> list[list[str]]:
    return [line.split() for line in text.split("\n") if line.strip()]


def restore(action, cell: str) -> list[str]:
    """Put back the exact texts of the cell into `action` (where the trimmed text there
    is the same); the notes for those that are not (the cell edited since)."""
    try:
        texts = json.loads(cell)
    except ValueError:
        return [f"{action.ref}: the {NAME} cell is not what cap report wrote: ignored"]
    if not isinstance(texts, dict):
        return [f"{action.ref}: the {NAME} cell is not what cap report wrote: ignored"]
    notes = []
    for where, text in texts.items():
        if not isinstance(text, str) or not isinstance(where, str):
            continue
        *path, last = where.split(".")
        target = action
        try:
            for step in path:
                target = target[int(step)] if step.isdigit() else getattr(target, step)
            current = target[int(last)] if last.isdigit() else getattr(target, last)
        except (AttributeError, IndexError, TypeError, ValueError):
            current = None
        if not isinstance(current, str) or _words(current) != _words(text):
            notes.append(f"{action.ref}: {where} differs from the {NAME} cell (edited since?): the cell is taken")
            continue
        if last.isdigit():
            target[int(last)] = text
        else:
            setattr(target, last, text)
    return notes


def row_texts(row, entries) -> dict[str, str | None]:
    """The texts of a report row (cap.reports.model.Row) a CSV row carries, by where
    they are in the action; `entries` the progress entries its Progress cell holds."""
    texts: dict[str, str | None] = {"action": row.action}
    texts.update({f"lead.{i}": name for i, name in enumerate(row.lead)})
    for i, entry in enumerate(entries):
        texts[f"progress.{i}.text"] = entry.text
        texts[f"progress.{i}.author"] = entry.author
    texts["signed_off.by"] = row.signed_off.by if row.signed_off else None
    texts["withdrawn_reason"] = row.withdrawn_reason
    texts.update({f"target_history.{i}.reason": r.reason for i, r in enumerate(row.target_history)})
    texts["no_impact_review"] = row.no_impact_review
    texts["source_ref"] = row.source_ref
    return texts
