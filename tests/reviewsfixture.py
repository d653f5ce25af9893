"""A small plan with known dates for the reviews, life dates and annual statistics tests.

The year 2017-18 (1 April 2017 to 31 March 2018), as of 30 June 2018. Every figure the
tests expect is worked out by hand in tests/test_annual.py from the dates below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cap.models import Action, ImpactEntry, ProgressEntry, ScrsFile, SignOff, TargetRevision, ThemesFile
from cap.store import canonical_text

AS_OF = dt.date(2018, 6, 30)
D = dt.date.fromisoformat

THEMES = {"themes": [
    {"id": "curiosity", "number": 1, "title": "Professional curiosity"},
    {"id": "accountability", "number": 4, "title": "Ownership and accountability"},
]}

SCRS = {"scrs": [
    {"id": "A", "title": "Case A", "kind": "scr", "published": D("2017-05-10"), "url": "https://example.org/a.pdf",
     "recommendations": [
         {"id": "A-1", "text": "Train staff.", "response": "accepted"},
         {"id": "A-2", "text": "Buy a new system.", "response": "not-accepted", "reason": "Out of scope."},
         {"id": "A-3", "text": "Audit every case.", "response": "partially-accepted", "reason": "Cost: a sample."},
     ]},
    {"id": "B", "title": "Case B", "kind": "sar", "published": D("2016-01-15"),
     "recommendations": [{"id": "B-1", "text": "Review the protocol.", "response": "accepted"}]},
    {"id": "C", "title": "Case C", "kind": "dhr"},
]}


def entry(day: str, text: str) -> ProgressEntry:
    return ProgressEntry(date=D(day), text=text)


def actions() -> list[Action]:
    return [
        Action(ref="1.1", theme="curiosity", scrs=["A"], recommendations=["A-1"], action="Train staff.",
               lead=["NSCB"], target_date=D("2017-09-01"), status="complete", opened=D("2017-03-01"),
               completed=D("2017-08-15"),
               target_history=[TargetRevision(date=D("2017-05-01"), from_=D("2017-06-01"), to=D("2017-09-01"),
                                              reason="Trainer ill.")],
               progress=[entry("2017-03-01", "Begun."), entry("2017-05-01", "Retargeted."),
                         entry("2017-08-15", "Done.")]),
        Action(ref="1.2", theme="curiosity", scrs=["A"], recommendations=["A-3"], action="Audit a sample.",
               lead=["NSCB", "Health"], target_date=D("2017-12-01"), status="closed", opened=D("2017-06-01"),
               completed=D("2017-10-01"), outcome="Audit reported.",
               signed_off=SignOff(date=D("2017-11-01"), by="SCR Review Group"), impact_review=D("2018-11-01"),
               progress=[entry("2017-06-01", "Begun."), entry("2017-10-01", "Complete."),
                         entry("2017-11-01", "Signed off by SCR Review Group; closed.")]),
        Action(ref="1.3", theme="curiosity", scrs=["B"], recommendations=["B-1"], action="Review the protocol.",
               lead=["Health"], target_date=D("2018-06-01"), status="in-progress", opened=D("2017-07-01"),
               target_history=[
                   TargetRevision(date=D("2017-07-20"), from_=D("2017-08-01"), to=D("2017-10-01"), reason="Later."),
                   TargetRevision(date=D("2018-05-01"), from_=D("2017-10-01"), to=D("2018-06-01"), reason="Later."),
               ],
               progress=[entry("2017-07-01", "Begun."), entry("2017-07-20", "Retargeted."),
                         entry("2018-05-01", "Retargeted again.")]),
        Action(ref="4.1", theme="accountability", scrs=["A"], all_scrs=True, action="A forum.", lead=["NSCB"],
               target_date="ongoing", status="withdrawn", opened=D("2016-12-01"), withdrawn=D("2018-02-01"),
               withdrawn_reason="Superseded.",
               progress=[entry("2016-12-01", "Begun."), entry("2018-02-01", "Withdrawn: Superseded.")]),
        Action(ref="4.2", theme="accountability", scrs=["C"], action="Dhr follow-up.", lead=["Education"],
               target_date=D("2018-09-01"), status="open", opened=D("2018-04-15")),
        Action(ref="4.3", theme="accountability", scrs=["B"], action="Old work.", lead=["NSCB"],
               target_date=D("2016-12-01"), status="closed", opened=D("2016-06-01"), completed=D("2016-09-01"),
               outcome="Done.", signed_off=SignOff(date=D("2016-10-01"), by="SCR Review Group"),
               impact_review=D("2017-10-01"),
               progress=[entry("2016-09-01", "Complete."), entry("2016-10-01", "Signed off.")],
               impact=[ImpactEntry(date=D("2017-10-20"), text="Audit shows it in use.", author="QA")]),
    ]


def write_plan(data: Path, plan_actions: list[Action] | None = None) -> Path:
    """The fixture plan as canonical files under `data`."""
    (data / "actions").mkdir(parents=True, exist_ok=True)
    (data / "themes.yaml").write_text(canonical_text(ThemesFile.model_validate(THEMES)), encoding="utf-8")
    (data / "scrs.yaml").write_text(canonical_text(ScrsFile.model_validate(SCRS)), encoding="utf-8")
    for action in actions() if plan_actions is None else plan_actions:
        (data / "actions" / f"{action.ref}.yaml").write_text(canonical_text(action), encoding="utf-8")
    return data
