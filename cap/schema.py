"""JSON Schemas of the data files, generated from the pydantic models, for editors.

    >>> json_schema("action")["properties"]["status"]["enum"]
    ['open', 'in-progress', 'complete', 'closed', 'withdrawn']

An editor with a YAML language server (VS Code's YAML extension, Neovim, JetBrains)
uses them for completion, hover help and red squiggles while typing. The schema can
say less than `cap validate` (cross-file rules, date order, personal data): it is the
first line of defence, not the gate.
"""

from __future__ import annotations

from typing import Any

from cap.agencies import AgenciesFile
from cap.models import Action, ScrsFile, ThemesFile

DRAFT = "https://json-schema.org/draft/2020-12/schema"

KINDS: dict[str, tuple[type, str]] = {
    "action": (Action, "A cap action file: data/actions/<ref>.yaml"),
    "themes": (ThemesFile, "The cap themes file: data/themes.yaml"),
    "scrs": (ScrsFile, "The cap SCRs file: data/scrs.yaml"),
    "agencies": (AgenciesFile, "The cap agencies file (optional): data/agencies.yaml"),
}


def _round_kind() -> tuple[type, str]:
    from cap.rounds.record import Round

    return Round, "A cap update round's file: data/rounds/<round id>.yaml"

#: Hover help for an action's keys (the README's table of keys).
ACTION_HELP: dict[str, str] = {
    "ref": "Text equal to the file name, quoted: '4.10' (an unquoted 4.10 is the number 4.1).",
    "theme": "A theme id from themes.yaml; the ref starts with the theme's number.",
    "scrs": "The cases the action cites (ids from scrs.yaml), possibly none.",
    "all_scrs": "true when the action also applies to all reviews.",
    "action": "The action, word for word.",
    "lead": "The lead agencies, a list.",
    "target_date": "An ISO date (2017-06-01), or `ongoing`.",
    "status": "open, in-progress, complete (awaiting sign-off), closed (signed off), withdrawn.",
    "owner": "The responsible officer (a role, not a child's or family's details).",
    "outcome": "What success looks like.",
    "review_date": "When an ongoing action is next reviewed (ISO date).",
    "evidence": "A list of evidence.",
    "source_ref": "The action's ref in the board's own tracker it was imported from, when cap numbered it.",
    "rating": "The rating the board's own tracker gave it (imported); cap's BRAG is computed, never stored.",
    "withdrawn_reason": "Why a withdrawn action was withdrawn.",
    "signed_off": "For a closed action: `date` and `by`.",
    "target_history": "Revisions of the target date: date, from, to, reason (the first `from` is the original).",
    "progress": "The log, oldest first: each entry a date, a text and an optional author.",
}


def json_schema(kind: str = "action") -> dict[str, Any]:
    """The JSON Schema of one kind of data file: `action`, `themes`, `scrs`, `agencies` or `round`."""
    model, title = _round_kind() if kind == "round" else KINDS[kind]
    schema = model.model_json_schema(by_alias=True)
    schema["title"] = title
    if model is Action:
        for key, text in ACTION_HELP.items():
            schema["properties"][key]["description"] = text
    return {"$schema": DRAFT, **schema}
