"""Real git repositories in tmp_path for the history and merge tests: fixed dates and authors.

    repo = GitRepo(tmp_path / "plan", data=DATA)     # the real plan, committed nowhere yet
    repo.commit("January plan", "2017-01-31")
    repo.add_progress("4.4", "2017-03-01", "Audit done.", "MEO")
    repo.commit("March update", "2017-03-02", author=POLICE)
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cap.loader import action_path, load_action_file
from cap.models import Action, ProgressEntry
from cap.store import canonical_text

MANAGER = ("Ann Manager", "ann.manager@example.org")
POLICE = ("Pat Police", "pat.police@example.org")
HEALTH = ("Hal Health", "hal.health@example.org")

_GIT_VARS = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL",
    "GIT_COMMITTER_DATE", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT",
)


@pytest.fixture(autouse=True)
def git_env(monkeypatch, tmp_path):
    """No git settings from the machine: no global/system config, no repo above tmp_path."""
    for var in _GIT_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def iso(day: str, time: str = "12:00:00") -> str:
    """`2017-03-02` -> `2017-03-02T12:00:00+00:00` (commits at noon UTC unless told)."""
    return f"{day}T{time}+00:00"


class GitRepo:
    """A working tree with a `data/` folder (or `data_rel`), committed with fixed dates."""

    def __init__(self, root: Path, data: Path | None = None, data_rel: str = "data"):
        self.root = root
        self.data = root / data_rel
        root.mkdir(parents=True, exist_ok=True)
        if data is not None:
            shutil.copytree(data, self.data)
        self.git("init", "-q")
        self.git("symbolic-ref", "HEAD", "refs/heads/main")
        self.git("config", "user.name", MANAGER[0])
        self.git("config", "user.email", MANAGER[1])
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, date: str | None = None, author: tuple[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        if date:
            env.update(GIT_AUTHOR_DATE=iso(date) if "T" not in date else date)
            env.update(GIT_COMMITTER_DATE=env["GIT_AUTHOR_DATE"])
        if author:
            env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
            env.update(GIT_COMMITTER_NAME=author[0], GIT_COMMITTER_EMAIL=author[1])
        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result

    def commit(self, message: str, date: str, author: tuple[str, str] = MANAGER) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, date=date, author=author)
        return self.sha("HEAD")

    def sha(self, rev: str) -> str:
        return self.git("rev-parse", rev).stdout.strip()

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)

    def merge(self, name: str, date: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.git("merge", "--no-edit", "--no-ff", name, date=date, author=MANAGER, check=check)

    # ------------------------------------------------ editing actions the way the tool writes them

    def action(self, ref: str) -> Action:
        action, problems = load_action_file(action_path(self.data, ref), self.data)
        assert action is not None, [p.text() for p in problems]
        return action

    def save(self, action: Action) -> None:
        path = action_path(self.data, action.ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(canonical_text(action), encoding="utf-8")

    def update(self, ref: str, **fields) -> Action:
        action = Action.model_validate({**self.action(ref).model_dump(by_alias=True), **fields})
        self.save(action)
        return action

    def add_progress(self, ref: str, date: str, text: str, author: str | None = None) -> None:
        action = self.action(ref)
        action.progress.append(ProgressEntry(date=dt.date.fromisoformat(date), text=text, author=author))
        self.save(action)

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()


def without_git_path(tmp_path: Path) -> str:
    """A PATH with no git on it (but a shell), for 'git is not installed'."""
    folder = tmp_path / "bin-without-git"
    folder.mkdir(exist_ok=True)
    return str(folder)


def plan_with_history(root: Path, data: Path) -> tuple[GitRepo, dict[str, str]]:
    """The real January plan, then a February and a March commit with every kind of change,
    and one uncommitted progress entry (1.2). Returns the repo and the commits by name."""
    from cap.models import SignOff, TargetRevision

    r = GitRepo(root, data=data)
    shas = {"january": r.commit("January 2017 plan", "2017-01-31")}

    r.add_progress("1.1", "2017-02-14", "Workshop planned for April.", "MEO")
    shas["february"] = r.commit("February update", "2017-02-15")

    r.add_progress("4.4", "2017-03-08", "CPI audit complete: 40 cases sampled.", "Pat Police")
    r.update("4.4", status="complete")
    rev = TargetRevision(date=dt.date(2017, 3, 9), from_=dt.date(2017, 6, 1), to=dt.date(2017, 9, 1),
                         reason="Workshop moved to the autumn programme.")
    r.update("1.1", target_date=dt.date(2017, 9, 1), target_history=[rev.model_dump(by_alias=True)])
    r.update("2.4", status="closed", signed_off=SignOff(date=dt.date(2017, 3, 7), by="SCR review group").to_data())
    r.update("3.1", status="withdrawn", withdrawn_reason="Superseded by the new MASH protocol.")
    text = r.action("4.1").action
    r.update("4.1", action=text.replace("incorporates sufficient focus", "gives real focus"),
             lead=["NSCB", "Workforce Development Group"], scrs=["M", "Q"])
    new = r.action("4.10").model_copy(update={"ref": "4.12", "action": "Audit the audit of audits.", "progress": []})
    r.save(new)
    r.remove("data/actions/4.11.yaml")
    shas["march"] = r.commit("March update", "2017-03-10", author=POLICE)

    r.add_progress("1.2", "2017-03-20", "Uncommitted note.", "MEO")
    return r, shas
