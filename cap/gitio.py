"""git plumbing: run git, parse its log, read trees and blobs at any revision.

Every call goes through `run_git`/`git_process` in a subprocess (`rev-parse`, `ls-tree`,
`cat-file --batch`, `log`, `rev-list`): nothing is checked out, the working tree and the
index are never written (`GIT_OPTIONAL_LOCKS=0`). `Repo` is the working tree holding a
data folder; git's refusals are `GitError` subclasses whose message is one clear line.
Knows nothing of the plan's files beyond their paths (cap.history reads those).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Sequence

from cap.dates import DateError, parse_date, shift


#: The largest blob read from history: the loader's own limit on a data file
#: (cap.loader.MAX_FILE_BYTES); a larger one is refused by its size, unread.
MAX_BLOB_BYTES = 1_000_000


class TooLarge(bytes):
    """A blob not read because it is over the limit: empty bytes carrying its `size`."""

    size: int

    def __new__(cls, size: int) -> "TooLarge":
        made = super().__new__(cls, b"")
        made.size = size
        return made


class GitError(Exception):
    """git could not answer: the message is one clear line. `exit_code` for the CLI."""

    exit_code: ClassVar[int] = 1


class GitNotFound(GitError):
    """No `git` program on PATH."""


class NotARepository(GitError):
    """The data folder is not inside a git working tree."""


class UnknownRevision(GitError):
    """A --since/--until that is neither a revision nor a date (a usage mistake)."""

    exit_code = 2


class NoCommitBefore(GitError):
    """A date before the first commit on the current branch."""


#: Every git call: English messages, no optional locks (never rewrite the index),
#: no signatures or rename-following from a user's configuration leaking into output.
_GIT_ENV = {"LC_ALL": "C", "LANGUAGE": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
_GIT_CONFIG = ("-c", "log.showSignature=false", "-c", "log.follow=false", "-c", "core.quotePath=false")
#: Fields of one commit in `git log -z` output, separated by \x1f.
_LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%aI%x1f%cI%x1f%s"


def git_program() -> str:
    """The git executable on PATH, or GitNotFound."""
    found = shutil.which("git")
    if found is None:
        raise GitNotFound("git is not installed (no `git` on PATH); this command reads the plan's history from git")
    return found


def run_git(args: Sequence[str], cwd: Path, input: bytes | None = None) -> bytes:
    """Run one git command; its stdout, or GitError carrying git's first error line."""
    proc = git_process(args, cwd, input)
    if proc.returncode != 0:
        command = next((a for a in args if not a.startswith("-")), "")
        raise GitError(f"git {command} failed: {first_line(proc.stderr)}")
    return proc.stdout


def git_process(args: Sequence[str], cwd: Path, input: bytes | None = None) -> subprocess.CompletedProcess:
    """Run one git command and return the finished process, whatever its exit code."""
    env = {**os.environ, **_GIT_ENV}
    try:
        return subprocess.run(
            [git_program(), *_GIT_CONFIG, *args], cwd=cwd, input=input, capture_output=True, env=env
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None


def first_line(stderr: bytes) -> str:
    """git's first message line, without its `fatal: `/`error: ` prefix."""
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    text = lines[0] if lines else "no message"
    return text.removeprefix("fatal: ").removeprefix("error: ")


@dataclass(frozen=True)
class Commit:
    """One commit: who wrote it and when (author), when it landed (committer), its subject."""

    sha: str
    parents: tuple[str, ...]
    author: str
    authored: dt.datetime
    committed: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]

    def label(self) -> str:
        """`abc1234 (2017-02-15, "Progress on 4.4")`."""
        return f'{self.short} ({self.committed.date().isoformat()}, "{self.subject}")'

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.sha,
            "short": self.short,
            "author": self.author,
            "date": self.authored.isoformat(),
            "committed": self.committed.isoformat(),
            "subject": self.subject,
        }


def _parse_log(out: bytes) -> list[Commit]:
    commits = []
    for record in out.split(b"\0"):
        record = record.strip(b"\n")
        if not record:
            continue
        sha, parents, author, authored, committed, subject = record.decode("utf-8", "replace").split("\x1f", 5)
        commits.append(
            Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                authored=dt.datetime.fromisoformat(authored),
                committed=dt.datetime.fromisoformat(committed),
                subject=subject,
            )
        )
    return commits


@dataclass(frozen=True)
class Point:
    """One end of a comparison: a commit, or the working tree (commit None)."""

    commit: Commit | None
    spec: str | None = None  # what the person typed (a revision or a date)

    def label(self) -> str:
        return self.commit.label() if self.commit else "the working tree"

    def as_dict(self) -> dict[str, Any]:
        data = self.commit.as_dict() if self.commit else {"commit": None, "working_tree": True}
        return {"spec": self.spec, **data}


@dataclass(frozen=True)
class Repo:
    """The git working tree holding a data folder; `data_rel` is its path from the top."""

    top: Path
    data_rel: str  # posix; '' when the data folder is the top of the repository

    @classmethod
    def of(cls, data_dir: Path) -> "Repo":
        """The repository of `data_dir`, or NotARepository / GitNotFound."""
        proc = git_process(["rev-parse", "--show-toplevel"], Path(data_dir))
        if proc.returncode != 0:
            message = first_line(proc.stderr)
            if "not a git repository" in message:
                raise NotARepository(
                    f"{data_dir} is not inside a git repository (this command reads the plan's history from git)"
                )
            raise GitError(f"git cannot use {data_dir}: {message}")
        top = Path(proc.stdout.decode("utf-8").strip())
        try:
            rel = Path(data_dir).resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            raise GitError(f"cannot place {data_dir} inside the repository at {top}") from None
        return cls(top=top, data_rel="" if rel == "." else rel)

    def git(self, *args: str, input: bytes | None = None) -> bytes:
        return run_git(["--literal-pathspecs", *args], self.top, input)

    def path(self, *parts: str) -> str:
        """A path inside the data folder, from the top of the repository."""
        return "/".join(p for p in (self.data_rel, *parts) if p)

    # ------------------------------------------------------------ revisions

    def head(self) -> Commit | None:
        """The current commit, or None in a repository with no commits yet."""
        proc = git_process(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], self.top)
        return self.commit(proc.stdout.decode().strip()) if proc.returncode == 0 else None

    def commit(self, sha: str) -> Commit:
        return _parse_log(self.git("log", "-1", "-z", f"--format={_LOG_FORMAT}", sha, "--"))[0]

    def resolve(self, spec: str, *, end_of_day: bool = False, tz: dt.tzinfo | None = None) -> Point:
        """A revision (sha, branch, tag, HEAD~2 ...), else a date, else UnknownRevision.

        A date means the plan as it stood at the start of that day (with `end_of_day`,
        at its end): the last commit on the current branch, following first parents,
        whose committer date is before that moment, in `tz` (default: local time).
        """
        text = spec.strip()
        if self.head() is None:
            raise NoCommitBefore("the repository has no commits yet")
        if text and not text.startswith("-"):
            proc = git_process(["rev-parse", "--verify", "--quiet", f"{text}^{{commit}}"], self.top)
            if proc.returncode == 0:
                return Point(self.commit(proc.stdout.decode().strip()), spec)
        try:
            day = parse_date(text)
        except DateError:
            raise UnknownRevision(f"unknown revision {spec!r}: not a commit, branch or tag here, nor a date") from None
        if end_of_day:
            day = shift(day, 1)
        return Point(self.commit_before(day, tz), spec)

    def commit_before(self, day: dt.date, tz: dt.tzinfo | None = None) -> Commit:
        """The last first-parent commit of HEAD committed before `day` began (in `tz`)."""
        start = dt.datetime.combine(day, dt.time.min)
        try:
            start = start.replace(tzinfo=tz) if tz is not None else start.astimezone()
            # --before is inclusive: one second earlier makes it "strictly before midnight".
            limit = int(start.timestamp()) - 1
        except (ValueError, OverflowError):  # the first days of the calendar
            limit = -1
        if self.head() is None:
            raise NoCommitBefore("the repository has no commits yet")
        sha = ""
        if limit >= 0:  # git keeps no commit from before 1970
            out = self.git("rev-list", "--first-parent", "--max-count=1", f"--before=@{limit}", "HEAD", "--")
            sha = out.decode().strip()
        if not sha:
            first = self.git("rev-list", "--first-parent", "--max-parents=0", "HEAD", "--").decode().split()
            oldest = self.commit(first[-1]) if first else None
            hint = f" (the first is {oldest.label()})" if oldest else ""
            raise NoCommitBefore(f"no commit on the current branch before {day.isoformat()}{hint}")
        return self.commit(sha)

    # ------------------------------------------------------------ reading files

    def sizes(self, names: Sequence[str]) -> list[tuple[str, int] | None]:
        """(kind, size) of each object named `oid` or `rev:path`, from `cat-file
        --batch-check` (nothing read); None when it is missing."""
        if not names:
            return []
        out = self.git("cat-file", "--batch-check", input=("\n".join(names) + "\n").encode("utf-8"))
        found: list[tuple[str, int] | None] = []
        for header in out.split(b"\n")[: len(names)]:
            parts = header.split(b" ")
            if len(parts) != 3 or header.endswith((b" missing", b" ambiguous")):
                found.append(None)
            else:
                found.append((parts[1].decode(), int(parts[2])))
        return found

    def blobs(self, names: Sequence[str], limit: int | None = MAX_BLOB_BYTES) -> list[bytes | None]:
        """The contents of objects named `oid` or `rev:path` (None: missing, or not a file).

        A blob over `limit` bytes is never read: its size is asked first (`cat-file
        --batch-check`) and it comes back as `TooLarge(size)`, empty bytes that say how
        large the file is (the loader reports it, CAP001), so a 300 MB file anywhere in
        history costs nothing to refuse.
        """
        if not names:
            return []
        results: list[bytes | None] = [None] * len(names)
        wanted: list[int] = []
        for i, info in enumerate(self.sizes(names)):
            if info is None or info[0] != "blob":
                continue
            if limit is not None and info[1] > limit:
                results[i] = TooLarge(info[1])
            else:
                wanted.append(i)
        if not wanted:
            return results
        out = self.git("cat-file", "--batch", input=("\n".join(names[i] for i in wanted) + "\n").encode("utf-8"))
        pos = 0
        for i in wanted:
            nl = out.index(b"\n", pos)
            header, pos = out[pos:nl], nl + 1
            if header.endswith((b" missing", b" ambiguous")):
                continue
            _oid, kind, size = header.split(b" ")
            body = out[pos: pos + int(size)]
            pos += int(size) + 1
            results[i] = body if kind == b"blob" else None
        return results

    def reader(self, limit: int | None = MAX_BLOB_BYTES) -> "BlobReader":
        """A reader of one blob at a time, on demand (`with repo.reader() as read: read(oid)`)."""
        return BlobReader(self.top, limit)

    def tree(self, sha: str, *paths: str) -> list[tuple[str, str]]:
        """The files (blobs) under `paths` at commit `sha`: (oid, path from the top), in git's order."""
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", sha, "--", *paths)
        entries: list[tuple[str, str]] = []
        for item in listing.split(b"\0"):
            if not item:
                continue
            meta, path = item.split(b"\t", 1)
            _mode, kind, oid = meta.decode().split(" ")
            if kind == "blob":
                entries.append((oid, path.decode("utf-8", "replace")))
        return entries

    def log(self, *args: str) -> list[Commit]:
        """`git log` with `args` (revisions, options, `--` paths), parsed into commits."""
        return _parse_log(self.git("log", "-z", f"--format={_LOG_FORMAT}", *args))


class BlobReader:
    """Blobs read one at a time, as they are needed, from two long-running git processes
    (`cat-file --batch-check` for the size, then `cat-file --batch` only for a blob within
    the limit): memory holds one blob, never the history. A context manager."""

    def __init__(self, top: Path, limit: int | None = MAX_BLOB_BYTES):
        self.top = top
        self.limit = limit
        self._check: subprocess.Popen | None = None
        self._batch: subprocess.Popen | None = None

    def _start(self, option: str) -> subprocess.Popen:
        env = {**os.environ, **_GIT_ENV}
        try:
            return subprocess.Popen([git_program(), *_GIT_CONFIG, "cat-file", option], cwd=self.top, env=env,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None

    @staticmethod
    def _ask(proc: subprocess.Popen, name: str) -> bytes:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(name.encode("utf-8") + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline()
        except OSError as exc:
            raise GitError(f"git cat-file stopped: {exc.strerror or exc}") from None
        if not header:
            raise GitError("git cat-file stopped without an answer")
        return header.rstrip(b"\n")

    def __call__(self, name: str) -> bytes | None:
        """The blob named `name` (an oid or `rev:path`); None when missing or not a file;
        `TooLarge(size)` when over the limit (not read)."""
        if self._check is None:
            self._check = self._start("--batch-check")
        header = self._ask(self._check, name)
        parts = header.split(b" ")
        if len(parts) != 3 or parts[1] != b"blob":
            return None
        size = int(parts[2])
        if self.limit is not None and size > self.limit:
            return TooLarge(size)
        if self._batch is None:
            self._batch = self._start("--batch")
        header = self._ask(self._batch, name)
        parts = header.split(b" ")
        if len(parts) != 3:
            return None
        assert self._batch.stdout is not None
        body = self._batch.stdout.read(int(parts[2]))
        self._batch.stdout.read(1)  # the newline after the contents
        return body if parts[1] == b"blob" else None

    def close(self) -> None:
        for proc in (self._check, self._batch):
            if proc is None:
                continue
            with contextlib.suppress(OSError):
                proc.stdin.close()  # type: ignore[union-attr]
            with contextlib.suppress(Exception):
                proc.wait(timeout=10)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            with contextlib.suppress(OSError):
                proc.stdout.close()  # type: ignore[union-attr]
        self._check = self._batch = None

    def __enter__(self) -> "BlobReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
