"""The partnership's agencies (`data/agencies.yaml`): names, aliases, contacts, and which
agency an action's `lead` names.

The file is optional. Without it every lead text stands for itself; with it, a lead text
that is an agency's id, name or one of its aliases (any case, spaces as one) names that
agency, so `Health`, `NHS Kernow` and `CCG` can all mean one agency with one contact.

    >>> health = Agency(id="health", name="Health", aliases=["NHS Kernow", "CCG"])
    >>> match_lead("nhs  kernow", [health]).id
    'health'
    >>> match_lead("Police", [health]) is None
    True

`agency_for_action` gives the leads of an action as `Lead` values, an agency where the
file names one and the lead text itself where it does not, so every open action can be
grouped (`group_by_lead`). Nothing here knows Typer; nothing here asks for today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, ClassVar, Iterable

from pydantic import Field, StringConstraints

from cap.models import Action, Id, Text, _no_items, _Record
from cap.problems import Problem

AGENCIES_FILE = "agencies.yaml"

#: An email address as a draft's `To:` can carry it: one address, no name, no comma,
#: no angle brackets or quotes, no spaces.
Email = Annotated[
    str, StringConstraints(strict=True, max_length=254, pattern=r"^[^@\s<>,;:\"()\[\]]+@[^@\s<>,;:\"()\[\]]+\.[^@\s<>,;:\"()\[\]]+$")
]


class Contact(_Record):
    """Someone at an agency to send the round's form to: any of a name, a role, an email."""

    name: Text | None = None
    role: Text | None = None
    email: Email | None = None


class Agency(_Record):
    """One agency of the partnership."""

    id: Id
    name: Text  # as papers show it
    aliases: list[Text] = Field(default_factory=_no_items)  # other texts that mean it in `lead`
    contacts: list[Contact] = Field(default_factory=_no_items)

    def names(self) -> tuple[str, ...]:
        """Its id, name and aliases: every text that names it in a lead."""
        return (self.id, self.name, *self.aliases)

    @property
    def emails(self) -> list[str]:
        """Its contacts' email addresses, in file order, each once."""
        return list(dict.fromkeys(c.email for c in self.contacts if c.email))


class AgenciesFile(_Record):
    """`data/agencies.yaml`."""

    _always: ClassVar[frozenset[str]] = frozenset({"agencies"})

    agencies: list[Agency]


# ------------------------------------------------------------------ matching


def fold(text: str) -> str:
    """A name as matching compares it: any case, runs of spaces as one, ends trimmed."""
    return " ".join(text.split()).casefold()


def name_index(agencies: Iterable[Agency]) -> dict[str, Agency]:
    """Every folded id, name and alias -> its agency (the first agency wins a clash;
    `cap validate` reports the clash)."""
    index: dict[str, Agency] = {}
    for agency in agencies:
        for name in agency.names():
            index.setdefault(fold(name), agency)
    return index


def match_lead(lead_text: str, agencies: Iterable[Agency]) -> Agency | None:
    """The agency a lead text names: its id, name or an alias, whole (any case, spaces as
    one); None when no agency of the file is named so."""
    return name_index(agencies).get(fold(lead_text))


def nearest_names(text: str, names: Iterable[str], n: int = 3) -> list[str]:
    """The names nearest to a mistyped `text`, best first, at most `n` (any case): those it
    begins or that begin with it, then the close spellings (cap.nearest: `helth` -> `Health`).

        >>> nearest_names("helth", ["Health", "Housing", "NSCB"])
        ['Health']
    """
    from cap.nearest import nearest

    names = list(dict.fromkeys(names))
    want = fold(text)
    if not want:
        return []
    prefixed = [name for name in names if fold(name).startswith(want) or want.startswith(fold(name))]
    return list(dict.fromkeys(prefixed + nearest(want, names, n=n)))[:n]


@dataclass(frozen=True)
class Lead:
    """Who leads an action: an agency of agencies.yaml, or a lead text that names none
    (then `agency` is None and `name` is the text as the action writes it)."""

    name: str
    agency: Agency | None = None

    @property
    def key(self) -> str:
        """What a group is keyed on: the agency's id, or the lead text."""
        return self.agency.id if self.agency is not None else self.name

    @property
    def emails(self) -> list[str]:
        return self.agency.emails if self.agency is not None else []

    def __hash__(self) -> int:
        return hash((self.agency is not None, self.key))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lead) and (self.agency is not None, self.key) == (other.agency is not None, other.key)


def agency_for_action(action: Action, agencies: Iterable[Agency]) -> list[Lead]:
    """The leads of an action, in its `lead` order, each once: the agency a lead text
    names, or the text itself where no agency is named (two texts naming one agency give
    it once)."""
    index = name_index(agencies)
    found: dict[Lead, None] = {}
    for text in action.lead:
        agency = index.get(fold(text))
        found.setdefault(Lead(agency.name, agency) if agency is not None else Lead(text), None)
    return list(found)


def group_by_lead(actions: Iterable[Action], agencies: Iterable[Agency]) -> dict[Lead, list[Action]]:
    """The actions led by each lead: the agencies of the file in file order (those leading
    none left out), then the lead texts that name no agency, by name (any case). An action
    with two leads is in both groups; each group keeps the actions' order."""
    agencies = list(agencies)
    groups: dict[Lead, list[Action]] = {}
    for action in actions:
        for lead in agency_for_action(action, agencies):
            groups.setdefault(lead, []).append(action)
    order = {a.id: n for n, a in enumerate(agencies)}
    return dict(sorted(groups.items(), key=lambda kv: _lead_order(kv[0], order)))


def _lead_order(lead: Lead, order: dict[str, int]) -> tuple:
    if lead.agency is not None:
        return (0, order.get(lead.agency.id, 0), "")
    return (1, 0, lead.name.casefold(), lead.name)


def unmatched_leads(actions: Iterable[Action], agencies: Iterable[Agency]) -> list[str]:
    """The lead texts of the actions that name no agency of the file, each once, by name."""
    index = name_index(agencies)
    texts = {t for a in actions for t in a.lead if fold(t) not in index}
    return sorted(texts, key=lambda t: (t.casefold(), t))


# ------------------------------------------------------------------ reading and writing


def agencies_path(data_dir: Path) -> Path:
    return data_dir / AGENCIES_FILE


def load_agencies_source(data_dir: Path):
    """The file as a `cap.loader.SourceFile` (bytes, document, record) with its problems;
    (None, []) when the plan has no agencies.yaml."""
    from cap.loader import read_source, validate_document

    path = agencies_path(data_dir)
    if not (path.exists() or path.is_symlink()):
        return None, []
    source, problems = read_source(path, data_dir)
    if source.doc is not None:
        source.record, found = validate_document(source.doc, AgenciesFile, source.shown)
        problems = sorted(problems + found, key=lambda p: (p.line, p.col)) if problems else found
    return source, problems


def load_agencies(data_dir: Path) -> tuple[list[Agency] | None, list[Problem]]:
    """The agencies of `data/agencies.yaml`, with the file's problems (path:line);
    None when the plan has no such file (or it did not load: see the problems)."""
    source, problems = load_agencies_source(data_dir)
    if source is None or source.record is None:
        return None, problems
    return source.record.agencies, problems


#: The comment heading an agencies.yaml cap makes (kept by every rewrite).
HEADER = """\
# The partnership's agencies: who leads actions, and whom to ask for their updates.
# Optional. Each agency has an id, the name papers show, the aliases that mean it in an
# action's `lead` (say `Health`, `NHS Kernow`, `CCG`), and contacts (name, role, email).
# With agencies listed, `cap validate` warns about a lead that names none of them.
# See docs/data-format.md.
"""

#: The comment `cap init` heads an empty agencies.yaml with: HEADER and an example.
EMPTY_HEADER = HEADER + """\
# An example:
#
# agencies:
# - id: health
#   name: Health
#   aliases:
#   - NHS Kernow
#   contacts:
#   - role: Designated nurse for safeguarding
#     email: safeguarding@example.nhs.uk
"""


def agencies_text(agencies: Iterable[Agency], header: str = "") -> str:
    """The one canonical text of the file (checked to read back as written), after `header`."""
    from cap.store import checked_text

    return checked_text(AgenciesFile(agencies=list(agencies)), header)


def save_agencies(data_dir: Path, agencies: Iterable[Agency], header: str | None = None) -> None:
    """Write the file atomically (the caller holds the plan lock); `header` defaults to the
    existing file's leading comment."""
    from cap.store import atomic_write
    from cap.yamlio import header_comment

    path = agencies_path(data_dir)
    if header is None:
        try:
            header = header_comment(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            header = ""
    atomic_write(path, agencies_text(agencies, header))


_NOT_ID = re.compile(r"[^a-z0-9]+")


def new_agency_id(name: str, taken: Iterable[str]) -> str:
    """An id for a new agency named `name`: its words in lower case joined by hyphens,
    made unique against `taken` (any case) with -2, -3...

        >>> new_agency_id("Children's Services", {"health"})
        'children-s-services'
    """
    base = _NOT_ID.sub("-", name.casefold()).strip("-")[:40].strip("-") or "agency"
    used = {t.casefold() for t in taken}
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def agencies_from_leads(lead_texts: Iterable[str], existing: Iterable[Agency] = ()) -> list[Agency]:
    """New agencies, one per lead text no existing agency names (first spelling kept,
    texts differing only in case or spacing made one), with no contacts."""
    existing = list(existing)
    index = name_index(existing)
    taken = {a.id for a in existing}
    added: list[Agency] = []
    for text in lead_texts:
        if fold(text) in index:
            continue
        agency = Agency(id=new_agency_id(text, taken), name=" ".join(text.split()))
        taken.add(agency.id)
        index[fold(text)] = agency
        added.append(agency)
    return added


__all__ = [
    "AGENCIES_FILE", "AgenciesFile", "Agency", "Contact", "Lead", "agencies_from_leads", "agencies_path",
    "agencies_text", "agency_for_action", "fold", "group_by_lead", "load_agencies", "load_agencies_source",
    "match_lead", "name_index", "nearest_names", "new_agency_id", "save_agencies", "unmatched_leads",
]
