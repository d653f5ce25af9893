"""The plan's history in git: `cap changes`, `cap history`, `cap merge-driver` and `cap git-setup`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from cap.cli.common import app, check_ref, fail, say, print_view, terminal_width, data_dir, complete_ref


GIT_FORMATS = ("table", "md", "json")
GitFormat = Annotated[str, typer.Option("--format", "-f", help="table, md (Markdown) or json.")]


def git_fail(exc) -> NoReturn:
    """A GitError as one line: 2 for an unknown revision, 1 for the rest."""
    fail(str(exc), exc.exit_code)


@app.command("changes", short_help='What changed in the plan between two points.')
def changes_command(
    since: Annotated[
        str, typer.Option("--since", metavar="REV|DATE", help="A revision, or a date: the plan as it stood at the start of that day.")
    ] = "HEAD",
    until: Annotated[
        Optional[str],
        typer.Option("--until", metavar="REV|DATE", help="A revision, or a date (the end of that day); default: the working tree."),
    ] = None,
    format: GitFormat = "table",
) -> None:
    """What changed in the plan between two points: per action, grouped by theme.

    Actions added and removed, progress entries, status changes, target-date revisions,
    closures and withdrawals, and edits to the action text, lead or SCRs as word diffs.
    Old versions are read from git; nothing is checked out.

    \b
    Examples:
      cap changes                                  # uncommitted changes
      cap changes --since 2017-03-01               # since the last board meeting
      cap changes --since main --until HEAD --format md > comment.md
    """
    from cap import historyview as view
    from cap.gitio import GitError
    from cap.history import plan_changes
    from cap.render import to_json

    if format not in GIT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(GIT_FORMATS)}", 2)
    folder = data_dir()
    try:
        changes = plan_changes(folder, since, until)
    except GitError as exc:
        git_fail(exc)
    for problem in changes.problems:
        say(problem.text(), err=True)
    if format == "json":
        typer.echo(to_json(view.changes_record(changes)), nl=False)
    elif format == "md":
        typer.echo(view.changes_markdown(changes), nl=False)
    else:
        print_view(view.changes_table(changes))


@app.command("history", short_help='The life of one action, commit by commit.')
def history_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref, for example 4.10.", autocompletion=complete_ref)],
    format: GitFormat = "table",
) -> None:
    """The life of one action: each commit that changed it (date, author, subject) and what
    changed, oldest first; uncommitted changes last.

    \b
    Examples:
      cap history 4.4
      cap history 4.10 --format md
    """
    from cap import historyview as view
    from cap.gitio import GitError
    from cap.history import UnknownRef, action_history
    from cap.render import to_json

    if format not in GIT_FORMATS:
        fail(f"unknown format {format!r}; choose from {', '.join(GIT_FORMATS)}", 2)
    check_ref(ref)
    folder = data_dir()
    try:
        history = action_history(folder, ref)
    except GitError as exc:
        git_fail(exc)
    except UnknownRef as exc:
        fail(str(exc), exc.exit_code)
    if format == "json":
        typer.echo(to_json(view.history_record(history)), nl=False)
    elif format == "md":
        typer.echo(view.history_markdown(history), nl=False)
    else:
        print_view(view.history_table(history, terminal_width()))


@app.command("merge-driver", short_help='Merge two versions of an action file (git runs this).')
def merge_driver_command(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="%O: the common ancestor's version.")],
    ours: Annotated[Path, typer.Argument(metavar="OURS", help="%A: our version; the result is written here.")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="%B: their version.")],
) -> None:
    """Merge two versions of one action file (git runs this; see `cap git-setup`).

    Progress entries from both sides, in date order (an entry on both sides once);
    every other field three-way. Writes the result to OURS in the canonical format and
    exits 0; on a real conflict (a field changed differently on both sides, or a progress
    entry removed) leaves conflict markers around just those fields, says which, exits 1.

    \b
    Examples:
      git config merge.cap.driver "cap merge-driver %O %A %B"
      echo 'data/actions/*.yaml merge=cap' >> .gitattributes
    """
    from cap.gitio import GitError
    from cap.merge import line_merge, merge_texts
    from cap.store import write_output

    for path in (base, ours, theirs):
        if not path.is_file():
            fail(f"merge-driver: no such file {path}", 2)
    stem = ours.stem if ours.suffix == ".yaml" else None
    result = merge_texts(base.read_bytes(), ours.read_bytes(), theirs.read_bytes(), stem)
    what = f"action {result.ref}" if result.ref else "an action file"
    if result.text is None:
        try:
            write_output(ours, line_merge(base, ours, theirs))
            left = "git's line-by-line merge with conflict markers is in the file"
        except GitError as exc:
            left = f"the file is left as our version ({exc})"
        for conflict in result.conflicts:
            say(f"cap: merge conflict in {what}: {conflict}", err=True)
        say(f"cap: {what} not merged: {left}; resolve it, then run `cap validate`", err=True)
        raise typer.Exit(1)
    write_output(ours, result.text)
    if result.conflicts:
        for conflict in result.conflicts:
            say(f"cap: merge conflict in {what}: {conflict}", err=True)
        say(f"cap: {what}: the rest is merged; conflict markers mark what to resolve", err=True)
        raise typer.Exit(1)


@app.command("git-setup", short_help='Install the merge driver in this repository.')
def git_setup_command() -> None:
    """Install the merge driver in this repository (safe to run again).

    Adds `data/actions/*.yaml merge=cap` to the .gitattributes at the top of the
    repository (commit it), and sets merge.cap.driver in this clone's git config (each
    clone runs this once) to this cap program.

    \b
    Examples:
      cap git-setup && git add .gitattributes && git commit -m "cap merge driver"
    """
    import shlex

    from cap.gitio import GitError
    from cap.merge import git_setup

    beside = Path(sys.executable).parent / ("cap.exe" if os.name == "nt" else "cap")
    command = shlex.quote(str(beside)) if beside.is_file() else f"{shlex.quote(sys.executable)} -m cap"
    try:
        done = git_setup(data_dir(), command)
    except GitError as exc:
        git_fail(exc)
    for line in done:
        say(line)
