"""The record types of a plan, validated by pydantic v2 (strict, unknown keys forbidden).

One `Action` per file in `data/actions/`; `Theme` and `Scr` are the reference data in
`data/themes.yaml` and `data/scrs.yaml`.

    >>> Action(ref="4.10", theme="accountability", action="...", lead=["NSCB"],
    ...        target_date="ongoing", status="in-progress").is_open
    True
    >>> natural_key("4.10") > natural_key("4.9")
    True
"""

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cap.plaindata import same
from cap.refs import REF_PATTERN_PYDANTIC

Status = Literal["open", "in-progress", "complete", "closed", "withdrawn"]
STATUSES: tuple[str, ...] = ("open", "in-progress", "complete", "closed", "withdrawn")
#: Statuses of an action still being worked on: only these can be overdue.
ACTIVE_STATUSES: tuple[str, ...] = ("open", "in-progress")

Text = Annotated[str, StringConstraints(strict=True, min_length=1, pattern=r"\S")]
Ref = Annotated[str, StringConstraints(strict=True, pattern=REF_PATTERN_PYDANTIC)]
Id = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Target = dt.date | Literal["ongoing"]
#: A board's own rating of an action, as its tracker gave it (cap's BRAG is computed, never stored).
Rating = Literal["Blue", "Red", "Amber", "Green"]
RATINGS: tuple[str, ...] = ("Blue", "Red", "Amber", "Green")


def _no_items() -> list:
    """The default of a list field (as `default_factory=list`, which pydantic inspects
    more slowly: the signature of a builtin is parsed from its text)."""
    return []


def natural_key(ref: str) -> tuple:
    """The sort key of refs and ids: `4.9` before `4.10`; theme 1 before theme 4."""
    # Each part a (kind, value) pair, so that any two keys compare (numbers first): a file
    # named `1.1 copy.yaml` sorts among the refs instead of breaking the sort.
    return tuple((0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in ref.split("."))


class _Record(BaseModel):
    # defer_build (pydantic's documented setting): a model's validator is built the first
    # time it validates, not when cap.models is imported. `cap show` validates one action
    # and the two reference files, whose schemas hold the nested records; the records it
    # never validates on their own (a progress entry, a theme...) are never built alone.
    # (No `from __future__ import annotations` in this module either: pydantic then reads
    # each annotation as an object rather than evaluating it from a string.)
    model_config = ConfigDict(extra="forbid", strict=True, frozen=False, defer_build=True)

    #: Keys written even when empty, so every file shows the same skeleton.
    _always: ClassVar[frozenset[str]] = frozenset()

    def to_data(self) -> dict[str, Any]:
        """The record as plain data in field order, for the canonical YAML writer.

        Optional keys that are unset (None, or an empty list) are left out.
        """
        out: dict[str, Any] = {}
        values = self.__dict__
        for name, key, always in _written_fields(type(self)):
            value = values[name]
            if value is None:
                continue
            if type(value) is list:
                if value or always:
                    out[key] = [v.to_data() if isinstance(v, _Record) else v for v in value]
            elif isinstance(value, _Record):
                out[key] = value.to_data()
            else:
                out[key] = value
        return out

    def written_as(self, data: Any) -> bool:
        """Whether `data` is exactly this record's `to_data()` (`plaindata.same`: the same
        keys in the same order, values of the same types), asked without making it.

        `cap validate` asks it of every file the canonical reader read: a yes settles the
        format check, and the data read stands in for the record's in the other checks.
        """
        if type(data) is not dict:
            return False
        items = iter(data.items())
        values = self.__dict__
        for name, key, always in _written_fields(type(self)):
            value = values[name]
            if value is None or (type(value) is list and not value and not always):
                continue  # not written
            pair = next(items, None)
            if pair is None or pair[0] != key:
                return False
            got = pair[1]
            if type(value) is list:
                if type(got) is not list or len(got) != len(value):
                    return False
                for item, seen in zip(value, got):
                    if not (item.written_as(seen) if isinstance(item, _Record) else same(item, seen)):
                        return False
            elif not (value.written_as(got) if isinstance(value, _Record) else same(value, got)):
                return False
        return next(items, None) is None


@functools.cache
def _written_fields(model: type[_Record]) -> tuple[tuple[str, str, bool], ...]:
    """(field name, key written, written even when empty) for each field, in order."""
    return tuple((name, info.alias or name, name in model._always) for name, info in model.model_fields.items())


class ProgressEntry(_Record):
    """One dated line of an action's progress log."""

    date: dt.date
    text: Text
    author: Text | None = None


class TargetRevision(_Record):
    """A change of target date: the original date is the first revision's `from`."""

    date: dt.date
    from_: Target = Field(alias="from")
    to: Target
    reason: Text

    model_config = ConfigDict(populate_by_name=True)


class SignOff(_Record):
    """Who signed a complete action off, and when (status `closed`)."""

    date: dt.date
    by: Text


# ------------------------------------------------------------------ reviews, recommendations, impact (issue 14)

#: The kinds of review a case can be (`kind` in data/scrs.yaml).
KINDS: tuple[str, ...] = ("scr", "cspr", "rapid-review", "sar", "dhr", "learning-review", "other")
Kind = Literal["scr", "cspr", "rapid-review", "sar", "dhr", "learning-review", "other"]
#: The board's response to a recommendation; `reason` is required for the last two.
RESPONSES: tuple[str, ...] = ("accepted", "partially-accepted", "not-accepted")
Response = Literal["accepted", "partially-accepted", "not-accepted"]


class ImpactEntry(_Record):
    """One dated entry of an action's impact log: what changed after closure, and how we know."""

    date: dt.date
    text: Text
    author: Text | None = None


class Recommendation(_Record):
    """A recommendation of a review, and the board's response to it.

    Its id is the case's id, a hyphen and a number (`Q-3`), so an action names it alone."""

    id: Id
    text: Text
    response: Response
    reason: Text | None = None


class Action(_Record):
    """One action of the plan: `data/actions/<ref>.yaml`."""

    #: `scrs: []` says "no case" on purpose; an empty log is left out, so that the first entry
    #: only adds lines (`progress:` and the entry), like every later one.
    _always: ClassVar[frozenset[str]] = frozenset({"scrs"})

    ref: Ref
    theme: Id
    scrs: list[Id] = Field(default_factory=_no_items)
    all_scrs: bool = False
    recommendations: list[Id] = Field(default_factory=_no_items)  # the review recommendations it answers
    action: Text
    lead: list[Text] = Field(min_length=1)
    target_date: Target
    status: Status
    # The dates of an action's life (issue 14), set by the write commands.
    opened: dt.date | None = None
    completed: dt.date | None = None
    withdrawn: dt.date | None = None
    owner: Text | None = None
    outcome: Text | None = None
    review_date: dt.date | None = None
    evidence: list[Text] = Field(default_factory=_no_items)
    # From another board's tracker (cap import): its own ref for the action, when cap
    # numbered the action itself, and the rating the board gave it (optional, issue 13).
    source_ref: Text | None = None
    rating: Rating | None = None
    withdrawn_reason: Text | None = None
    signed_off: SignOff | None = None
    # Impact after closure (issue 14): when to review it, or why not.
    impact_review: dt.date | None = None
    no_impact_review: Text | None = None
    target_history: list[TargetRevision] = Field(default_factory=_no_items)
    progress: list[ProgressEntry] = Field(default_factory=_no_items)
    impact: list[ImpactEntry] = Field(default_factory=_no_items)

    @property
    def is_open(self) -> bool:
        """Still being worked on (`open` or `in-progress`)."""
        return self.status in ACTIVE_STATUSES

    @property
    def original_target(self) -> dt.date | str:
        """The target date first set, before any revision."""
        return self.target_history[0].from_ if self.target_history else self.target_date

    @property
    def latest_progress(self) -> ProgressEntry | None:
        return self.progress[-1] if self.progress else None

    def scr_label(self) -> str:
        """The SCR Ref as the source writes it: `D, L`, `All`, `M (and All)`."""
        cited = ", ".join(self.scrs)
        if self.all_scrs:
            return f"{cited} (and All)" if cited else "All"
        return cited


class Theme(_Record):
    """A theme of the Thematic Learning Framework; action refs start with its number."""

    id: Id
    number: Annotated[int, Field(ge=1, strict=True)]
    title: Text
    aliases: list[Id] = Field(default_factory=_no_items)


class Scr(_Record):
    """A case the plan cites. Case letters only: never a child's or family's details."""

    id: Id
    title: Text
    # Reviews and their recommendations (issue 14).
    kind: Kind | None = None
    published: dt.date | None = None
    url: Text | None = None
    note: Text | None = None
    recommendations: list[Recommendation] = Field(default_factory=_no_items)


class ThemesFile(_Record):
    """`data/themes.yaml`."""

    _always: ClassVar[frozenset[str]] = frozenset({"themes"})

    themes: list[Theme]


class ScrsFile(_Record):
    """`data/scrs.yaml`."""

    _always: ClassVar[frozenset[str]] = frozenset({"scrs"})

    scrs: list[Scr]


@dataclass
class Plan:
    """The whole plan as loaded: reference data and the actions in natural ref order."""

    themes: list[Theme]
    scrs: list[Scr]
    actions: list[Action]

    def __post_init__(self) -> None:
        self.actions.sort(key=lambda a: natural_key(a.ref))

    def theme(self, theme_id: str) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def action(self, ref: str) -> Action | None:
        return next((a for a in self.actions if a.ref == ref), None)
