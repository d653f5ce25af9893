"""The repository the documentation's examples run in: a copy of this one with a short history.

    python tests/docs_repo.py /tmp/cap-docs      # make it, then run a page's examples there

tests/test_docs.py makes one per page (README.md, docs/*.md) and runs the page's `cap ...`
lines in it, in order. Run the commands you document in one made this way, with the
`--as-of` dates the page uses, and paste the real output.

The later commits are examples made for the docs, not the board's. They leave what a
fresh clone shows as of 1 July 2017 unchanged (4.4 stays overdue; 4.10 was not due), so the
README's outputs hold in both. The history, with fixed dates and authors (so `cap changes --since` and `cap history`
give the same answer on any day):

    2017-01-31  Ann Manager  The composite action plan, January 2017   (every tracked file)
    2017-03-02  Ann Manager  March update: 4.4 from the MASH           (a progress entry)
    2017-04-03  Ann Manager  4.10: target date put back                (a retarget)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUTHOR = ("Ann Manager", "ann.manager@example.org")

#: (commit date, subject, the cap command that makes the change) after the first commit.
HISTORY = [
    ("2017-03-02", "March update: 4.4 from the MASH",
     ["progress", "4.4", "MASH triage reviewed: CPI referrals now checked weekly.",
      "--date", "2017-02-27", "--author", "MASH"]),
    ("2017-04-03", "4.10: target date put back",
     ["retarget", "4.10", "01/12/17", "--reason", "Impact evaluation moved to the autumn.",
      "--date", "2017-03-30"]),
]


def cap_executable() -> str:
    """The `cap` of this environment (beside the running Python), else the one on PATH."""
    beside = Path(sys.executable).parent / "cap"
    return str(beside) if beside.exists() else (shutil.which("cap") or "cap")


def git_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """No git settings from the machine or a repository above; the fixed author."""
    env = dict(os.environ if base is None else base)
    for var in list(env):
        if var.startswith("GIT_"):
            del env[var]
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1],
        GIT_COMMITTER_NAME=AUTHOR[0], GIT_COMMITTER_EMAIL=AUTHOR[1],
    )
    env.pop("CAP_DATA", None)
    return env


#: Without git (an unpacked archive), every file but these folders' is copied.
_NOT_COPIED = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis"}


def tracked_files() -> list[str]:
    """This repository's tracked files (as they are in the working tree)."""
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if result.returncode == 0 and result.stdout:
        names = result.stdout.decode("utf-8").split("\0")
    else:  # not a git checkout: everything but caches, builds and environments
        names = [
            str(path.relative_to(ROOT)) for path in ROOT.rglob("*")
            if not _NOT_COPIED.intersection(path.relative_to(ROOT).parts) and not path.name.endswith(".egg-info")
            and not any(part.endswith(".egg-info") for part in path.relative_to(ROOT).parts)
        ]
    return sorted(name for name in names if name and (ROOT / name).is_file())


def make_docs_repo(dest: Path, env: dict[str, str] | None = None) -> Path:
    """Copy the tracked files to dest, `git init`, and commit the short history above."""
    env = git_environment(env)
    dest.mkdir(parents=True, exist_ok=True)
    for name in tracked_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)

    def git(*args: str, date: str | None = None) -> None:
        extra = {"GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00", "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00"} if date else {}
        subprocess.run(["git", *args], cwd=dest, env={**env, **extra}, check=True, capture_output=True)

    git("init", "-q")
    git("symbolic-ref", "HEAD", "refs/heads/main")
    git("config", "user.name", AUTHOR[0])
    git("config", "user.email", AUTHOR[1])
    git("config", "commit.gpgsign", "false")
    git("add", "-A")
    git("commit", "-q", "-m", "The composite action plan, January 2017", date="2017-01-31")
    for date, subject, command in HISTORY:
        subprocess.run([cap_executable(), *command], cwd=dest, env=env, check=True, capture_output=True)
        git("add", "-A")
        git("commit", "-q", "-m", subject, date=date)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/docs_repo.py DEST")
    print(make_docs_repo(Path(sys.argv[1])))
