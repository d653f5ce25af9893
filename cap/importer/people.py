"""A lead cell that names people as well as agencies -> the agencies as leads, the people as owner.

    >>> split_lead_cell("Michael Lozano, Patient Safety Lead, Norfolk and Suffolk NHS Foundation Trust", [])
    (['Norfolk and Suffolk NHS Foundation Trust'], 'Michael Lozano, Patient Safety Lead')

The cell is cut at `/`, `,`, `;` and line breaks. With data/agencies.yaml, a part that
names an agency (cap.agencies.match_lead: id, name or alias) is a lead, under the
agency's name. Without it (or for a part it does not name), a part with an
organisation's word (`NHS`, `Trust`, `Council`, `Police` ...) or an acronym (`NSCB`) is
an agency. Only when some part is a person's name (two to four capitalised words, none
an organisation's word) or a role (`Patient Safety Lead`, `Head of Service`) beside an
agency are the people taken out of the leads: they become the owner, as written. Any
other cell keeps every part as a lead (`Chair / DCS`, `NBT - X / UBHT - Y`).
"""

from __future__ import annotations

import re

_PARTS = re.compile(r"\s*[/,;\n]\s*")
ORGANISATION_WORDS = {
    "nhs", "trust", "council", "police", "constabulary", "service", "services", "board", "partnership", "ccg",
    "icb", "foundation", "authority", "department", "hospital", "hospitals", "school", "schools", "probation",
    "ambulance", "health", "healthcare", "care", "children's", "childrens", "social", "team", "unit", "hub",
    "mash", "agency", "agencies", "commissioning", "group", "crc", "cafcass", "nspcc", "barnardo's", "college",
    "university", "academy", "practice", "surgery", "gp", "gps", "education", "housing", "safeguarding",
    "partnerships", "directorate", "office", "ministry", "prison", "hmpps", "nps", "cps", "lscb", "lsab",
    "scp", "csp", "help", "county", "city", "borough", "district", "mental", "community",
}
ROLE_WORDS = {
    "lead", "manager", "head", "director", "officer", "nurse", "doctor", "chair", "designated", "named",
    "coordinator", "co-ordinator", "adviser", "advisor", "consultant", "superintendent", "inspector",
    "sergeant", "principal", "deputy", "assistant", "senior", "business", "administrator", "practitioner",
    "specialist", "commissioner", "secretary", "executive", "ceo", "dcs", "das",
}


def _words(part: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'\u2019.-]*", part)


def is_organisation(part: str) -> bool:
    words = _words(part)
    if any(w.lower().strip(".") in ORGANISATION_WORDS for w in words):
        return True
    return len(words) == 1 and words[0].isupper() and len(words[0]) >= 2 and words[0].lower() not in ROLE_WORDS


def is_role(part: str) -> bool:
    return any(w.lower() in ROLE_WORDS for w in _words(part)) and not is_organisation(part)


def is_person(part: str) -> bool:
    """Two to four capitalised words (`Michael Lozano`, `Dr Jane Smith`), none an organisation's or a role's."""
    words = part.split()
    if not 2 <= len(words) <= 4 or not all(re.fullmatch(r"[A-Z][a-z'\u2019-]+\.?|[A-Z]\.?", w) for w in words):
        return False
    return not is_organisation(part) and not is_role(part)


def split_lead_cell(text: str, agencies) -> tuple[list[str], str | None]:
    """(the leads, the owner the cell names or None); see the module's docstring."""
    parts = [p.strip() for p in _PARTS.split(text) if p.strip()]
    if not parts:
        return [], None
    named: dict[int, str] = {}
    if agencies:
        from cap.agencies import match_lead

        for i, part in enumerate(parts):
            agency = match_lead(part, agencies)
            if agency is not None:
                named[i] = agency.name
    organisations = {i for i, part in enumerate(parts) if i in named or is_organisation(part)}
    people = [i for i, part in enumerate(parts) if i not in organisations and (is_person(part) or is_role(part))]
    if not organisations or not any(is_person(parts[i]) for i in people) and not named:
        return parts, None
    if not people:
        return parts, None
    leads = [named.get(i, parts[i]) for i in range(len(parts)) if i not in people]
    return list(dict.fromkeys(leads)), ", ".join(parts[i] for i in people)
