"""Reviews and their recommendations as a tracker has them -> data/scrs.yaml.

- `--review ID` (or `--scr ID`) names the review the whole file belongs to (created with
  `--add-reviews`); a section heading that names a review (`SCR Child A (2016)`, `LCSPR
  Family B`, `DHR Adult C`) starts that review's rows (`review_heading`).
- A recommendation or finding, as a column or as a heading row over its actions
  (`SCR Finding 1: Use of IT`, `Recommendation 3`; `recommendation_heading`), becomes a
  recommendation of the review (`Q-3`: the review's id, a hyphen, its number; response
  accepted), and every action under it names it. A recommendation the review already has
  (the same text) is reused. Without a review the text stays in the action's text.

`ReviewBook` holds the reviews known and those the import adds; `merged_scrs` is what
scrs.yaml becomes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cap.models import Recommendation, Scr

#: The words that open a heading naming a review -> its kind (cap.models.KINDS).
REVIEW_WORDS = {
    "scr": "scr", "serious case review": "scr", "lcspr": "cspr", "cspr": "cspr",
    "child safeguarding practice review": "cspr", "local child safeguarding practice review": "cspr",
    "sar": "sar", "safeguarding adult review": "sar", "safeguarding adults review": "sar",
    "dhr": "dhr", "domestic homicide review": "dhr", "rapid review": "rapid-review",
    "learning review": "learning-review", "lessons learned review": "learning-review",
}
_REVIEW = re.compile(r"^(" + "|".join(sorted((re.escape(w) for w in REVIEW_WORDS), key=len, reverse=True))
                     + r")\b[\s:\-\u2013]*(?:into\s+|for\s+|of\s+)?(.+?)\s*(?:\((\d{4})\))?\s*\Z", re.IGNORECASE)
_RECOMMENDATION = re.compile(r"^(?:(?:scr|sar|dhr|cspr|lcspr|review)\s+)?(recommendation|finding|rec|learning point)\b"
                             r"\s*(?:no\.?\s*)?(\d{1,3})?\s*[:.\-\u2013]?\s*(.*?)\s*\Z", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*(?:recommendation\s*|rec\s*|finding\s*)?(\d{1,3})\s*[.:)\-\u2013]\s+(.*\S)\s*\Z",
                       re.IGNORECASE | re.DOTALL)


def review_heading(text: str) -> tuple[str, str, str] | None:
    """(kind, the review's name, its title) of a heading naming a review, or None."""
    m = _REVIEW.match(" ".join(text.split()))
    if m is None or not m.group(2):
        return None
    name = re.split(r"\s*[(:\u2013]|\s+-\s+", m.group(2))[0].strip(" :-")
    if not re.match(r"[A-Z0-9]", name) or len(name) > 60:  # a case's name: `Child A`, `Q`, never `learning`
        return None
    year = re.search(r"\((\d{4})\)", text)
    title = f"{m.group(1)} {name}" + (f" ({year.group(1)})" if year else "")
    return REVIEW_WORDS[m.group(1).lower()], name, title


def recommendation_heading(text: str) -> tuple[int | None, str] | None:
    """(its number, its text) of a heading that is a recommendation or finding, or None."""
    m = _RECOMMENDATION.match(" ".join(text.split()))
    if m is None or (m.group(2) is None and not m.group(3)):
        return None
    return (int(m.group(2)) if m.group(2) else None), (m.group(3) or " ".join(text.split()))


def review_id(name: str) -> str:
    """`Child A` -> `Child-A`: an id cap accepts."""
    return "-".join(re.findall(r"[A-Za-z0-9]+", name)) or "review"


@dataclass
class ReviewBook:
    """The reviews of scrs.yaml and what the import adds to them."""

    scrs: list[Scr]
    add: bool = False
    new: list[Scr] = field(default_factory=list)
    #: review id -> the recommendations the import adds to a review that exists.
    added: dict[str, list[Recommendation]] = field(default_factory=dict)

    def find(self, wanted: str) -> Scr | None:
        key = wanted.casefold()
        for scr in [*self.scrs, *self.new]:
            if key in (scr.id.casefold(), scr.title.casefold()):
                return scr
        return None

    def review(self, name: str, kind: str | None = None, title: str | None = None) -> Scr | None:
        """The review `name` names (an id or a title; `Child A` finds `Child-A`), or a new one
        with `add`; None when it is unknown and may not be added."""
        found = self.find(name) or self.find(review_id(name)) or (self.find(title) if title else None)
        if found is not None or not self.add:
            return found
        ident = review_id(name)
        scr = Scr(id=ident, title=title or name, kind=kind)
        self.new.append(scr)
        return scr

    def recommendations(self, scr: Scr) -> list[Recommendation]:
        return [*scr.recommendations, *self.added.get(scr.id, [])]

    def recommendation(self, scr: Scr, text: str, number: int | None = None) -> Recommendation:
        """The review's recommendation with this text, or a new one (numbered `number` when free)."""
        text = " ".join(text.split()) if "\n" not in text else text.strip()
        m = _NUMBERED.match(text) if number is None else None
        if m:
            number, text = int(m.group(1)), m.group(2).strip()
        held = self.recommendations(scr)
        for rec in held:
            if " ".join(rec.text.split()).casefold() == " ".join(text.split()).casefold():
                return rec
        taken = {rec.id for rec in held}
        if number is None or f"{scr.id}-{number}" in taken:
            used = [int(r.id.rsplit("-", 1)[1]) for r in held if re.fullmatch(rf"{re.escape(scr.id)}-\d+", r.id)]
            number = max(used, default=0) + 1
        rec = Recommendation(id=f"{scr.id}-{number}", text=text, response="accepted")
        if scr in self.new:
            scr.recommendations.append(rec)
        else:
            self.added.setdefault(scr.id, []).append(rec)
        return rec


def merged_scrs(scrs: list[Scr], new: list[Scr], added: dict[str, list[Recommendation]]) -> list[Scr]:
    """scrs.yaml's reviews with the import's: new reviews after, new recommendations after each review's own."""
    out = []
    for scr in scrs:
        if scr.id in added:
            scr = scr.model_copy(update={"recommendations": [*scr.recommendations, *added[scr.id]]})
        out.append(scr)
    return out + list(new)
