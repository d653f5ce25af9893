"""Problems in user data are values: where (path, line, col), how bad, which rule, what.

    >>> Problem("data/actions/4.4.yaml", 3, 9, "error", "CAP104", "unknown status").text()
    'data/actions/4.4.yaml:3:9: error: CAP104 unknown status'
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

from cap.text import visible

Severity = Literal["error", "warning"]

#: Every code the tool can report, with a short name. Codes are stable: never reuse one.
CODES: dict[str, str] = {
    "CAP001": "file-too-large",
    "CAP002": "not-utf8",
    "CAP003": "yaml-syntax",
    "CAP004": "empty-file",
    "CAP005": "not-a-mapping",
    "CAP006": "duplicate-key",
    "CAP007": "forbidden-tag",
    "CAP008": "alias-or-merge",
    "CAP009": "unreadable-file",
    "CAP010": "link-outside-data",
    "CAP011": "stray-file",
    "CAP012": "control-character",
    "CAP013": "line-break-in-one-line-field",
    "CAP014": "leftover-temp-file",
    "CAP015": "no-actions-folder",
    "CAP016": "more-problems",
    "CAP101": "unknown-key",
    "CAP102": "missing-key",
    "CAP103": "invalid-value",
    "CAP104": "unknown-status",
    "CAP105": "ref-not-a-string",
    "CAP106": "ref-not-file-name",
    # across files and within an action: cap/checks.py
    "CAP201": "duplicate-ref",
    "CAP202": "unknown-theme",
    "CAP203": "unknown-scr",
    "CAP204": "duplicate-theme-name",
    "CAP205": "duplicate-theme-number",
    "CAP206": "duplicate-scr",
    "CAP207": "unused-scr",
    "CAP208": "ref-theme-mismatch",
    "CAP209": "dates-out-of-order",
    "CAP210": "dated-in-future",
    "CAP211": "closed-without-sign-off",
    "CAP212": "withdrawn-without-reason",
    "CAP213": "target-history-mismatch",
    "CAP214": "not-canonical",
    "CAP215": "date-before-floor",
    "CAP216": "recommendation-id",
    "CAP217": "response-without-reason",
    "CAP218": "unknown-recommendation",
    "CAP219": "recommendation-unanswered",
    "CAP220": "life-dates-out-of-order",
    "CAP221": "closed-without-outcome",
    # data/agencies.yaml: cap/checks_agencies.py
    "CAP230": "duplicate-agency-name",
    "CAP231": "lead-names-no-agency",
    # personal data: the plan is about cases, never children (cap/filechecks.py)
    "CAP301": "nhs-number",
    "CAP302": "ni-number",
    "CAP303": "postcode",
    "CAP304": "date-of-birth",
    "CAP305": "email-address",
    "CAP306": "phone-number",
    # the update rounds' files, data/rounds/*.yaml (issue 23): cap/rounds/record.py
    "CAP501": "round-id-not-file-name",
    "CAP502": "round-asked-unknown-ref",
    "CAP503": "round-agency-twice",
    "CAP504": "round-due-before-start",
    # cap import (issue 8): problems in the file being imported
    "CAP801": "import-unreadable",
    "CAP802": "import-empty",
    "CAP803": "import-columns",
    "CAP804": "import-invalid-cell",
    "CAP805": "import-unknown-theme",
    "CAP806": "import-duplicate-ref",
    "CAP807": "import-not-a-row",
    "CAP808": "import-progress-older",
}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def text(self) -> str:
        """`path:line:col: severity: CODE message`, the form editors and CI understand.

        For a person's screen: a control character in the path or the message (a file
        name, or text the message quotes) is shown escaped (`\\x1b`); JSON keeps it exact.
        """
        return visible(f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.code} {self.message}")

    def github(self) -> str:
        """A GitHub Actions workflow annotation."""
        message = visible(self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{self.severity} file={visible(self.path)},line={self.line},col={self.col},"
            f"title={self.code}::{message}"
        )

    def as_dict(self) -> dict:
        return asdict(self)


#: The most problems reported for one file; the rest are counted in one more line (CAP016).
#: A file of 50,000 unknown keys is reported in 11 lines, not 50,000.
MAX_PER_FILE = 10


def bounded(problems: list[Problem], most: int = MAX_PER_FILE) -> list[Problem]:
    """One file's problems: all of them when few; else the first `most` in file order, then
    a count of the rest."""
    if len(problems) <= most:
        return problems
    counted = [p for p in problems if p.code == "CAP016"]  # bounded once already: count what it counted
    problems = sorted((p for p in problems if p.code != "CAP016"), key=lambda p: (p.line, p.col))
    if not counted and len(problems) <= most:
        return problems
    rest = problems[most:]
    hidden = len(rest) + sum(int(re.sub(r"\D", "", p.message) or 0) for p in counted)
    first = (rest or counted)[0]
    severity: Severity = "error" if any(p.is_error for p in (*rest, *counted)) else "warning"
    return problems[:most] + [Problem(first.path, first.line, first.col, severity, "CAP016",
                                      f"... and {hidden:,} more problems in this file (fix these first)")]


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def render_json(problems: Iterable[Problem]) -> str:
    import json

    return json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False) + "\n"
