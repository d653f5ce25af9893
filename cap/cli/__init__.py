"""The `cap` command line: parse options, call one core function, render, pick the exit code.

One module per family of commands, registered on the one Typer app in this order (the
order `cap --help` lists them): read (list, show), write (progress, add, retarget, close,
withdraw, reopen, fmt), amend (evidence, outcome), undo (undo), check (validate, schema), report (report, stats), reviews, agencies (agencies), site (site), git (changes,
history, merge-driver, git-setup), setup (init, import). `common` holds the shared
options and plumbing; `main` is the console script.
"""

from __future__ import annotations

import sys  # noqa: F401 - tests patch cli.sys.stdout

from cap.cli import read, write, amend, undo, check, report, reviews, agencies, site, git, setup, rounds  # noqa: F401, I001 - registers the commands, in help order
from cap.cli.common import app, print_list
from cap.cli.main import main


__all__ = ["app", "main", "print_list"]
