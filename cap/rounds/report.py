"""What `cap round collect` prints: per file the agency and each row, then the total.

    >>> out, err, code = collect_lines(outcome, data_dir, dry_run=True)   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from cap.dates import format_uk
from cap.rounds.collect import Collection, FileResult
from cap.text import plural


def file_lines(result: FileResult, dry_run: bool) -> list[str]:
    if result.agency is None or result.form is None:
        return []
    head = f"{result.shown}: {result.agency.name}, round {result.round.id}" if result.round else result.shown
    if result.already is not None and result.returned is None:
        if result.round is None:
            return [f"{result.shown}: " + "; ".join(n.message for n in result.notes)]
        return [f"{head}: collected already on {format_uk(result.already.collected, full_year=True)}: nothing added"]
    lines = [f"{head}, reported {format_uk(result.reported, full_year=True)}"]
    width = max((len(r.ref) for r in result.rows), default=3)
    for row in result.rows:
        lines.append(f"  {row.ref:<{width}}  " + "; ".join(row.lines))
    if result.missing:
        lines.append(f"  not in the form (rows deleted): {', '.join(result.missing)}")
    lines += [f"  note: {_where(n)}{n.message}" for n in result.notes]
    return lines


def _where(issue) -> str:
    return issue.where()


def totals(outcome: Collection, files: list[FileResult]) -> str:
    rows = [r for f in files if f.returned is not None for r in f.rows]
    entries = sum(1 for r in rows for line in r.lines if line.startswith("progress entry of"))
    complete = sum(1 for r in rows for line in r.lines if "-> complete" in line)
    asks = sum(1 for r in rows for line in r.lines if line.startswith("asks for a new target date"))
    refused = sum(1 for r in rows if r.kind == "refused")
    blank = sum(1 for r in rows if r.kind == "blank")
    returns = sum(1 for f in files if f.returned is not None)
    parts = [plural(entries, "progress entry", "progress entries"), f"{complete} complete",
             plural(asks, "new target date") + " asked for", plural(refused, "row") + " refused",
             f"{blank} blank"]
    return f"{plural(returns, 'return')}: " + ", ".join(parts)


def round_line(outcome: Collection) -> list[str]:
    lines = []
    for round_id in sorted({f.round.id for f in outcome.files if f.round is not None}):
        record = outcome.rounds[round_id]
        returned = sum(1 for a in record.agencies if a.returns)
        lines.append(f"round {round_id}: {returned} of {plural(len(record.agencies), 'agency', 'agencies')} "
                     "returned (cap round status)")
    return lines


def collect_lines(outcome: Collection, data_dir: Path, *, dry_run: bool, skip_bad: bool = False
                  ) -> tuple[list[str], list[str], int]:
    """(lines for stdout, lines for stderr, exit status)."""
    out: list[str] = []
    err: list[str] = []
    for result in outcome.files:
        if result.ok:
            out += file_lines(result, dry_run)
        else:
            err += [f"cap: error: {issue.text()}" for issue in result.errors]
    err += [f"cap: error: {line}" for line in outcome.problems]
    bad = [f for f in outcome.files if not f.ok]
    good = [f for f in outcome.files if f.ok]
    new = [f for f in good if f.returned is not None]
    if outcome.problems or (bad and not skip_bad):
        what = plural(len(bad), "file") + (" has" if len(bad) == 1 else " have") + " errors" if bad else "a write was refused"
        hint = " (fix them, or give --skip-bad to write the good ones)" if bad and not outcome.problems else ""
        err.append(f"cap: error: {what}: nothing was written{hint}")
        return out, err, 1
    if not new:
        out.append("nothing new: every file was collected already" if good else "nothing collected")
        return out, err, 1 if bad else 0
    if dry_run:
        out.append(f"dry run, nothing written: {totals(outcome, new)}")
    else:
        out.append(f"collected {totals(outcome, new)}")
        out += round_line(outcome)
    if bad:
        err.append(f"cap: error: skipped, with errors: {', '.join(f.shown for f in bad)}")
        return out, err, 1
    return out, err, 0
