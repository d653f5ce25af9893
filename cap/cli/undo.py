"""Taking back cap's last change that is not yet committed: `cap undo`."""

from __future__ import annotations

from typing import Annotated

import typer

from cap.cli.common import app, data_dir, fail, guarded_write, say


@app.command("undo", short_help="Take back cap's last change that is not yet committed.")
def undo_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Change nothing: say what would be taken back.")] = False,
) -> None:
    """Take back the last change cap made to the plan (a progress entry, a status, a
    retarget, a close, a withdrawal, evidence, an outcome, a new action) that is not yet
    committed, and say what it took back. Run it again to take back the one before.

    Nothing committed is touched (git revert takes back a commit), and nothing edited by
    hand since cap wrote it is lost: undo then refuses and says why. Outside git, undo
    takes back any of cap's last 50 changes. A command that writes many files (cap
    import, cap fmt) is taken back whole.

    \b
    Examples:
      cap undo --dry-run
      cap undo
    """
    from cap.undo import undo_last

    folder = data_dir()
    result = guarded_write(lambda: undo_last(folder, dry_run=dry_run), "the action file")
    if not result.done:
        fail(result.message)
    after = (f"{result.shown} removed" if result.removes else
             f"{result.shown} as it was before" if not result.shown.endswith(" files") else
             f"{result.shown} as they were before")
    if dry_run:
        say(f"would take back {result.what} ({after})")
    else:
        say(f"took back {result.what} ({after})")
