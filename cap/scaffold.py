"""`cap init`: a new, ready data repository for a board starting afresh.

    >>> created = create_repository(Path("norfolk-cap"))   # doctest: +SKIP
    >>> [p.as_posix() for p in created.written][:3]          # doctest: +SKIP
    ['data/themes.yaml', 'data/scrs.yaml', 'README.md']

The templates are Python constants, so they ship inside the installed package. The data
files are written by the canonical writer; every file is written atomically, and an
existing data folder is never touched: the whole command refuses before writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cap.models import Theme, ThemesFile

#: The four themes of the Thematic Learning Framework (Norfolk, 2016), a starting point.
FRAMEWORK_THEMES: tuple[Theme, ...] = (
    Theme(id="curiosity", number=1, title="Professional curiosity", aliases=["professional-curiosity"]),
    Theme(
        id="information-sharing",
        number=2,
        title="Fora for discussion and information-sharing",
        aliases=["fora", "info-sharing"],
    ),
    Theme(
        id="collaboration",
        number=3,
        title="Collaborative working, decision-making and planning",
        aliases=["collaborative-working", "decision-making", "planning"],
    ),
    Theme(
        id="accountability",
        number=4,
        title="Ownership and accountability: management grip",
        aliases=["ownership", "management-grip"],
    ),
)

MERGE_DRIVER_CONFIG = 'git config merge.cap.driver "cap merge-driver %O %A %B"'

GITATTRIBUTES = """\
# The data files keep LF line endings on every computer, Windows too (Git for Windows
# would otherwise check them out with CRLF): they stay in cap's canonical format.
data/**/*.yaml text eol=lf
# Merge action files with cap's merge driver: two people adding progress to the same
# action merge cleanly. Git falls back to its ordinary merge until the driver is set up:
#   git config merge.cap.driver "cap merge-driver %O %A %B"
data/actions/*.yaml merge=cap
"""

GITIGNORE = """\
# cap's temporary files (.4.4.yaml.1a2b3c4d.tmp): a write cut off by a crash can leave
# one beside the file it was replacing. The next cap write removes it; cap validate warns.
.*.tmp
# The papers made from the plan (cap report -o papers/board.html): made again any day
# from the data, so never committed.
papers/
# The round's forms and the email drafts (cap round start): what the agencies send back
# comes into the plan through cap round collect, so the files themselves stay out of git.
returns/
# What cap undo takes back, kept here when the plan was not yet under git.
.cap-undo/
"""

PRE_COMMIT_CONFIG = """\
# Check the plan before every commit: pip install pre-commit && pre-commit install
repos:
- repo: local
  hooks:
  - id: cap-validate
    name: cap validate
    entry: cap validate
    language: system
    pass_filenames: false
    files: ^data/
"""

WORKFLOW = """\
# Check the plan on every push and pull request; problems show on the changed lines.
# Set the repository variable CAP_INSTALL (Settings > Secrets and variables > Actions >
# Variables) to where pip gets cap, for example git+https://github.com/ORG/cap@v0.1.0
name: cap validate

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cap
        env:
          CAP_INSTALL: ${{ vars.CAP_INSTALL }}
        run: |
          if [ -z "$CAP_INSTALL" ]; then
            echo "::error::set the repository variable CAP_INSTALL to where pip gets cap"
            exit 1
          fi
          python -m pip install "$CAP_INSTALL"
      # cap's load cache is keyed on each file's content, and each entry is sealed with the
      # secret CAP_CACHE_KEY (a repository secret): only files changed since it was saved
      # are read in full. Without the secret every file is read (docs/ci.md).
      - name: Keep cap's load cache between runs
        uses: actions/cache@v4
        with:
          path: ${{ runner.temp }}/cap-cache
          key: cap-${{ runner.os }}-${{ vars.CAP_INSTALL }}-${{ hashFiles('data/**') }}
          restore-keys: |
            cap-${{ runner.os }}-${{ vars.CAP_INSTALL }}-
            cap-${{ runner.os }}-
      - name: Validate the plan
        env:
          CAP_CACHE_DIR: ${{ runner.temp }}/cap-cache
          CAP_CACHE_KEY: ${{ secrets.CAP_CACHE_KEY }}
        run: cap validate --format github --strict
"""

PAGES_WORKFLOW = """\
# Publish the plan as a website (cap site) with GitHub Pages on every push to main.
#
# WARNING: the site shows the whole plan: every action, every progress entry and who
# wrote it, and its history. A GitHub Pages site can be read by anyone on the internet,
# even when the repository is private, unless your organisation's plan offers private
# Pages (GitHub Enterprise Cloud: Settings > Pages > Visibility: Private). To keep the
# site to yourselves, delete the `deploy` job below: each run then keeps the built site
# as a downloadable artifact (the "github-pages" artifact of the run) and publishes nothing.
#
# Turn Pages on: Settings > Pages > Source: GitHub Actions. Set the repository variable
# CAP_INSTALL to where pip gets cap, as for cap-validate.yml.
name: cap site

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the whole history: the site's trends are read from it
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cap
        env:
          CAP_INSTALL: ${{ vars.CAP_INSTALL }}
        run: |
          if [ -z "$CAP_INSTALL" ]; then
            echo "::error::set the repository variable CAP_INSTALL to where pip gets cap"
            exit 1
          fi
          python -m pip install "$CAP_INSTALL"
      - name: Build the site
        run: cap site -o public
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

#: The GitLab CI job that does the same (shown in the README; GitLab runs `.gitlab-ci.yml`).
GITLAB_PAGES_JOB = """\
pages:
  image: python:3.12
  variables:
    GIT_DEPTH: "0"  # the whole history: the site's trends are read from it
  script:
    - python -m pip install "$CAP_INSTALL"
    - cap site -o public
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
"""

README = """\
# Our composite action plan

This repository holds the board's Serious Case Review composite action plan as plain
text: one small file per action in `data/actions/`, the learning themes in
`data/themes.yaml` and the cases the plan cites in `data/scrs.yaml`. Cases are letters
(`Case Q`), never names. Git keeps the history: every change is a small, readable diff.

It was made by `cap init`; the `cap` tool reads and updates it.

## First steps

```sh
git init && git add . && git commit -m "Start the composite action plan"
{merge_config}
pip install pre-commit && pre-commit install
```

The second line lets git merge two people's changes to the same action (progress added
by both) cleanly; `cap git-setup` does the same for you. The third checks the plan before
every commit (`.pre-commit-config.yaml`).

## No Python on your computer?

Open this repository in GitHub Codespaces (Code > Codespaces > Create codespace): an
editor in your browser with cap installed, described by `.devcontainer/` (the line in
`.devcontainer/requirements.txt` says where it gets cap). VS Code opens it the same way.

## Bring the current plan in

An Excel workbook imports as it is (a CSV does too); from Word, copy the table into a
plain text file. Then:

```sh
cap import plan.xlsx --progress-date 2017-01-31 --dry-run   # shows what it would create
cap import plan.xlsx --progress-date 2017-01-31
```

A tracker with its own columns (No., Actions, Agency, RAG, Timescale ...) and words
(Red, Amber, Green, Complete, TBC, April 2017 ...) is read as it is: `--dry-run` shows
which column became which field, and `--map "Column=field"` names any other. `--progress-date` is the date of the
paper the narratives come from. Nothing is written if any row cannot be read; the error
names the row.

## Every day

```sh
cap list --overdue                  # what is past its target date
cap list --theme curiosity          # one theme
cap show 1.1                        # everything about one action
cap validate                        # check every file
```

Edit `data/themes.yaml` to change the themes (an action's ref starts with its theme's
number). CI checks the plan on every push (`.github/workflows/cap-validate.yml`: set the
repository variable `CAP_INSTALL` to where pip gets cap).

## The plan as a website

`cap site -o public` writes the plan as a small website: a dashboard, trends over time
from the git history, and a page per action, theme, case and lead agency. Open
`public/index.html` in a browser, or let CI publish it on every push to main.

**Warning: a published site publishes the plan.** Everyone who can open the site reads
every action, every progress entry with its author, and the whole history. A GitHub
Pages or GitLab Pages site is public on the internet unless you restrict it, and on
GitHub that is so even when the repository is private. Before you publish, choose one:

- Keep it private with access control: GitLab Pages with Settings > General >
  Visibility > Pages: "Only Project Members"; GitHub Pages only on GitHub Enterprise
  Cloud, with the site's visibility set to private.
- Do not publish at all: delete the `deploy` job of `.github/workflows/cap-site.yml`;
  each run keeps the built site as an artifact that members download and open from disk.

GitHub: `.github/workflows/cap-site.yml` builds and deploys the site (Settings > Pages >
Source: GitHub Actions). GitLab: add this job to `.gitlab-ci.yml` (and a CI/CD variable
`CAP_INSTALL`, where pip gets cap):

```yaml
{gitlab_pages_job}```
"""


class InitRefused(Exception):
    """The target already holds a data folder (or is not a folder): nothing was written."""


@dataclass
class Created:
    """What `create_repository` wrote and what it left alone (relative to the root)."""

    root: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def themes_text(blank: bool = False) -> str:
    """`data/themes.yaml`: the framework's four themes, or none."""
    from cap.store import canonical_text
    from cap.yamlio import dump

    if blank:
        return dump({"themes": []})
    return canonical_text(ThemesFile(themes=list(FRAMEWORK_THEMES)))


def scrs_text() -> str:
    from cap.yamlio import dump

    return dump({"scrs": []})


def agencies_file_text() -> str:
    """`data/agencies.yaml`: no agency yet, and a comment saying what the file is for."""
    from cap.agencies import EMPTY_HEADER, agencies_text

    return agencies_text([], EMPTY_HEADER)


def repository_files(blank: bool = False) -> dict[str, str]:
    """Every file of a new repository, by path relative to its root."""
    from cap.devcontainer import devcontainer_files, this_install_spec

    return {
        "data/themes.yaml": themes_text(blank),
        "data/scrs.yaml": scrs_text(),
        "data/agencies.yaml": agencies_file_text(),
        "README.md": README.replace("{merge_config}", MERGE_DRIVER_CONFIG).replace("{gitlab_pages_job}", GITLAB_PAGES_JOB),
        ".pre-commit-config.yaml": PRE_COMMIT_CONFIG,
        ".github/workflows/cap-validate.yml": WORKFLOW,
        ".github/workflows/cap-site.yml": PAGES_WORKFLOW,
        ".gitattributes": GITATTRIBUTES,
        ".gitignore": GITIGNORE,
        **devcontainer_files(this_install_spec()),  # the plan in Codespaces / VS Code, cap installed
    }


def create_repository(root: Path, blank: bool = False) -> Created:
    """Write a new repository's files under `root` (made if missing).

    Refuses (InitRefused, nothing written) when `root/data` exists. Other files that
    exist already (a README, a .gitattributes) are left as they are and listed in `kept`.
    """
    from cap.loader import ACTIONS_DIR
    from cap.store import atomic_write, plan_lock

    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InitRefused(f"{root} is a file, not a folder")
    data = root / "data"
    if data.exists() or data.is_symlink():
        raise InitRefused(f"{data} already exists: cap init never overwrites a data folder")
    files = repository_files(blank)
    created = Created(root)
    with plan_lock(data):
        if data.exists():  # made by someone else while we waited for the lock
            raise InitRefused(f"{data} already exists: cap init never overwrites a data folder")
        (data / ACTIONS_DIR).mkdir(parents=True)
        # git keeps no empty folder: without a file in it, a clone of a plan with no actions
        # yet would have no actions/ folder, which `cap validate` reports (CAP015).
        atomic_write(data / ACTIONS_DIR / ".gitkeep", "")
        for rel, text in files.items():
            path = root / rel
            if path.exists():
                created.kept.append(Path(rel))
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, text)
            created.written.append(Path(rel))
    return created
