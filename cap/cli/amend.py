"""Adding to an action after the fact: `cap evidence` and `cap outcome` (any status,
closed actions included), so that neither needs a hand edit."""

from __future__ import annotations

from typing import Annotated

import typer

from cap.cli.common import app, complete_ref
from cap.cli.write import _update


@app.command("evidence", short_help="Add an item of evidence to an action, closed ones included.")
def evidence_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The evidence: what shows it was done (quote it).")],
) -> None:
    """Add an item of evidence that an action was done, to an action of any status:
    evidence often arrives after the sign-off. The same item twice is refused.

    \b
    Examples:
      cap evidence 2.4 "Minutes of the advisory group, 12/07/17, item 4."
    """
    from cap.updates import add_evidence

    _update(ref, lambda a: add_evidence(a, text),
            lambda before, after: f"{after.ref}: evidence added ({len(after.evidence)} in all)")


@app.command("outcome", short_help="Set an action's outcome: what success looks like.")
def outcome_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="The action's ref.", autocompletion=complete_ref)],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="What success looks (or looked) like (quote it).")],
) -> None:
    """Set an action's outcome (what success looks like), replacing any it had, for an
    action of any status, closed ones included.

    \b
    Examples:
      cap outcome 2.4 "Early years settings use the checklist in every referral."
    """
    from cap.updates import set_outcome

    _update(ref, lambda a: set_outcome(a, text),
            lambda before, after: f"{after.ref}: outcome {'replaced' if before.outcome else 'set'}")
