"""A demonstration plan repository with a history of its own (`cap init --demo DIR`).

The Norfolk plan of January 2017, imported from the published text (shipped beside this
module), then a dated git commit for each month from January to July 2017: progress
from the agencies, target dates put back, actions completed and signed off. Every change
is made by cap's own writes (cap.updates), so the files are as cap writes them; every
commit carries its month's date (GIT_AUTHOR_DATE, GIT_COMMITTER_DATE) and the business
manager's name, so `cap changes --since`, `cap history` and the site's trends have a
history to show, the same on any day.

    >>> made = make_demo(Path("demo"))        # doctest: +SKIP
    >>> made.subjects[:2]
    ['The composite action plan, January 2017', 'February update: 4.4 from the MASH']
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

#: The published plan, as text (a copy of tests/source-norfolk-scr-composite-action-plan-2017-01.txt).
SOURCE = Path(__file__).resolve().parent / "norfolk-scr-composite-action-plan-2017-01.txt"
AUTHOR = ("Ann Manager", "ann.manager@example.org")
REVIEW_GROUP = "SCR Review Group"


class DemoRefused(Exception):
    """The demonstration could not be made; one clear line (nothing is left half made
    beyond what the message names)."""


@dataclass(frozen=True)
class Month:
    """One monthly commit: its date, its subject and the changes (ref, change) it holds."""

    day: dt.date
    subject: str
    changes: tuple[tuple[str, Callable], ...]


def _progress(text: str, day: str, author: str | None = None, status: str | None = None):
    from cap.updates import add_progress

    when = dt.date.fromisoformat(day)
    return lambda a: add_progress(a, text, today=when, date=when, author=author, status=status)


def _retarget(target: str, reason: str, day: str):
    from cap.updates import retarget

    when = dt.date.fromisoformat(day)
    return lambda a: retarget(a, dt.date.fromisoformat(target), reason, today=when, date=when)


def _close(day: str, evidence: str):
    from cap.updates import close

    when = dt.date.fromisoformat(day)
    return lambda a: close(a, REVIEW_GROUP, today=when, date=when, evidence=[evidence])


def months() -> list[Month]:
    """The monthly updates after the January plan, in order."""
    d = dt.date.fromisoformat
    return [
        Month(d("2017-02-28"), "February update: 4.4 from the MASH", (
            ("4.4", _progress("MASH triage reviewed: CPI referrals now checked weekly.", "2017-02-27", "MASH")),
        )),
        Month(d("2017-03-31"), "March update: training for 1.2, 4.10 put back", (
            ("1.2", _progress("Training delivered to 120 staff.", "2017-03-14", "NSCB")),
            ("4.10", _retarget("2017-12-01", "Impact evaluation moved to the autumn.", "2017-03-30")),
        )),
        Month(d("2017-04-28"), "April update: 2.2 protocol published", (
            ("2.2", _progress("Protocol published on the NSCB website.", "2017-04-26", status="complete")),
            ("3.1", _progress("Training needs analysis under way.", "2017-04-20", "Education")),
        )),
        Month(d("2017-05-31"), "May update: 2.2 signed off", (
            ("2.2", _close("2017-05-24", "The protocol on the NSCB website.")),
            ("3.1", _retarget("2017-09-01", "Waiting for the training needs analysis.", "2017-05-24")),
        )),
        Month(d("2017-06-30"), "June update: 4.4 audit presented", (
            ("4.4", _progress("Audit of CPI referrals presented to the board.", "2017-06-28", "MASH")),
            ("1.4", _progress("Awareness sessions planned for September.", "2017-06-15", "DASVB partners")),
        )),
        Month(d("2017-07-31"), "July update: 2.4 signed off, 4.4 put back", (
            ("2.4", _close("2017-07-20", "Minutes of the advisory group's two meetings.")),
            ("4.4", _retarget("2017-09-01", "Awaiting the MASH evaluation.", "2017-07-27")),
        )),
    ]


@dataclass
class Made:
    """What `make_demo` made: the repository and its commits' subjects, oldest first."""

    root: Path
    subjects: list[str] = field(default_factory=list)


def make_demo(root: Path, git: str | None = None) -> Made:
    """Make the demonstration repository in `root` (a new or empty folder): `cap init`'s
    files, the January 2017 plan, and a dated commit per month to July 2017."""
    import shutil

    git = git or shutil.which("git")
    if git is None:
        raise DemoRefused("the demonstration plan is a git repository: install git first (git-scm.com)")
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DemoRefused(f"{root} is not an empty folder: give a new folder for the demonstration plan")
    try:
        return _make(root, git)
    except BaseException:
        # The folder was new or empty: what is in it now is the unfinished demonstration.
        if root.is_dir():
            for child in root.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        raise


def _make(root: Path, git: str) -> Made:
    import shutil

    from cap.importer import import_plan
    from cap.scaffold import create_repository
    from cap.updates import Refusal, update_action

    create_repository(root)
    data = root / "data"
    january = dt.date(2017, 1, 31)
    outcome, problems = import_plan(data, SOURCE, progress_date=january, today=january, add_agencies=True)
    if problems:  # pragma: no cover - the shipped text imports cleanly (tests/test_demo.py)
        raise DemoRefused(f"the January 2017 plan did not import: {problems[0].text()}")
    made = Made(root)
    run = _git_runner(git, root)
    run(["init", "-q"])
    run(["symbolic-ref", "HEAD", "refs/heads/main"])
    _commit(run, january, "The composite action plan, January 2017", made)
    for month in months():
        for ref, change in month.changes:
            written = update_action(data, ref, change)
            if isinstance(written, Refusal):  # pragma: no cover - the story is checked by the tests
                raise DemoRefused(f"{month.subject}: {ref}: {written.message}")
        _commit(run, month.day, month.subject, made)
    from cap.undo import place_of

    # What cap wrote is committed: nothing for `cap undo` to take back here.
    shutil.rmtree(place_of(data).journal, ignore_errors=True)
    return made


def _git_runner(git: str, root: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1], GIT_COMMITTER_NAME=AUTHOR[0],
               GIT_COMMITTER_EMAIL=AUTHOR[1], GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")

    def run(args: list[str], day: dt.date | None = None) -> None:
        extra = {}
        if day is not None:
            stamp = f"{day.isoformat()}T12:00:00+00:00"
            extra = {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        proc = subprocess.run([git, "-c", "commit.gpgsign=false", *args], cwd=root,
                              env={**env, **extra}, capture_output=True)
        if proc.returncode != 0:
            message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DemoRefused(f"git {args[0]} failed in {root}: {message[-1] if message else proc.returncode}")

    return run


def _commit(run, day: dt.date, subject: str, made: Made) -> None:
    run(["add", "-A"])
    run(["commit", "-q", "--no-verify", "-m", subject], day)
    made.subjects.append(subject)


__all__ = ["AUTHOR", "DemoRefused", "Made", "SOURCE", "make_demo", "months"]
