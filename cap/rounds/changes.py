"""What changed in the rounds' records between two points, for `cap changes`.

    >>> round_lines(None, record)                     # doctest: +SKIP
    ['round 2017-07 started: 9 agencies asked about 21 actions, return by 14/07/2017']
"""

from __future__ import annotations

from pathlib import Path

from cap.dates import format_uk
from cap.rounds.record import ROUNDS_DIR, Round, round_files
from cap.text import plural


def round_lines(old: Round | None, new: Round | None) -> list[str]:
    """Plain lines: a round started or removed, each return collected, each retarget asked for."""
    if new is None:
        return [f"round {old.id} removed"] if old is not None else []
    lines = []
    if old is None:
        asked = {a.ref for agency in new.agencies for a in agency.asked}
        lines.append(f"round {new.id} started: {plural(len(new.agencies), 'agency', 'agencies')} asked about "
                     f"{plural(len(asked), 'action')}, return by {format_uk(new.due, full_year=True)}")
    before = {a.agency: a for a in (old.agencies if old else [])}
    for agency in new.agencies:
        was = before.get(agency.agency)
        for ret in agency.returns[len(was.returns) if was else 0:]:
            lines.append(f"round {new.id}: {agency.name} returned on {format_uk(ret.date, full_year=True)} "
                         f"({len(ret.answered)} answered, {len(ret.blank)} blank, {len(ret.refused)} refused)")
        for req in agency.requests[len(was.requests) if was else 0:]:
            lines.append(f"round {new.id}: {agency.name} asks to move {req.ref}'s target to "
                         f"{format_uk(req.to, full_year=True)}: {req.reason}")
    return lines


def _load(raw: bytes | None, shown: str) -> Round | None:
    from cap.loader import parse_bytes, validate_document

    if raw is None:
        return None
    doc, problems = parse_bytes(raw, shown)
    if doc is None or problems:
        return None
    record, _ = validate_document(doc, Round, shown)
    return record


def rounds_at(repo, sha: str | None, data_dir: Path) -> dict[str, Round]:
    """The round records at a commit (None: the files on disk now)."""
    if sha is None:
        from cap.rounds.record import load_round_file

        out = {}
        for path in round_files(data_dir):
            record, _ = load_round_file(path, data_dir)
            if record is not None:
                out[path.stem] = record
        return out
    entries = [(oid, path) for oid, path in repo.tree(sha, repo.path(ROUNDS_DIR)) if path.endswith(".yaml")]
    contents = repo.blobs([oid for oid, _ in entries])
    out = {}
    for (_oid, path), raw in zip(entries, contents):
        record = _load(raw, path)
        if record is not None:
            out[path.rsplit("/", 1)[-1][: -len(".yaml")]] = record
    return out


def changed_rounds(repo, since_sha: str | None, until_sha: str | None, data_dir: Path) -> list[str]:
    old = rounds_at(repo, since_sha, data_dir) if since_sha is not None else {}
    new = rounds_at(repo, until_sha, data_dir)
    lines: list[str] = []
    for key in sorted(set(old) | set(new)):
        lines += round_lines(old.get(key), new.get(key))
    return lines
