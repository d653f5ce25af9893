"""Finding the data folder and loading it: files -> models, with problems as values.

    >>> plan, problems = load_plan(Path("data"))          # doctest: +SKIP
    >>> [p.text() for p in problems]                     # doctest: +SKIP
    ['data/actions/4.4.yaml:3:9: error: CAP104 unknown status `done` ...']

Nothing here raises for bad user data: every file that cannot be read, parsed or
validated becomes a `Problem` and is left out of the plan. The whole-plan loaders
(`load_sources`, `load_plan`, `load_action_file`, `load_reference`) report every problem
of a file at once: its impossible dates and duplicate keys (collected while parsing) and
what the model refuses besides.
"""

from __future__ import annotations

import datetime as dt

import contextlib
import functools
import gc
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TypeVar

from pydantic import BaseModel, ValidationError

from cap.models import Action, Plan, Scr, ScrsFile, Theme, ThemesFile
from cap.modelproblems import kind_of, validation_problems
from cap.problems import Problem, bounded
from cap.safetext import raw_texts
from cap.cache import LoadCache
from cap.yamlio import CanonicalDocument, Document, LazyDocument, YamlFault, parse

MAX_FILE_BYTES = 1_000_000
ACTIONS_DIR = "actions"
THEMES_FILE = "themes.yaml"
SCRS_FILE = "scrs.yaml"
ENV_VAR = "CAP_DATA"

M = TypeVar("M", bound=BaseModel)


class DataDirNotFound(Exception):
    """No data folder: the message says where the tool looked."""


def find_data_dir(explicit: Path | None, env: Mapping[str, str], cwd: Path) -> Path:
    """`--data DIR`, else `$CAP_DATA`, else the nearest `data/` with themes.yaml upward."""
    if explicit is not None:
        return _must_be_data_dir(explicit, "--data")
    if env.get(ENV_VAR):
        return _must_be_data_dir(Path(env[ENV_VAR]), f"${ENV_VAR}")
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / THEMES_FILE).is_file():
            return folder / "data"
    raise DataDirNotFound(
        f"no data folder found: looked for data/{THEMES_FILE} in {cwd} and every folder above it "
        f"(use --data DIR or set {ENV_VAR})"
    )


def _must_be_data_dir(path: Path, given_by: str) -> Path:
    if not (path / THEMES_FILE).is_file():
        raise DataDirNotFound(f"{path} (from {given_by}) is not a data folder: it has no {THEMES_FILE}")
    return path


def display_path(path: Path, data_dir: Path) -> str:
    """A path as a person would type it: relative to the data folder's parent."""
    try:
        return path.relative_to(data_dir.parent).as_posix()
    except ValueError:
        return path.as_posix()


def action_files(data_dir: Path) -> list[Path]:
    """The action files, `data/actions/*.yaml`, in name order."""
    folder = data_dir / ACTIONS_DIR
    if not folder.is_dir():
        return []
    # By name as paths compare (case-blind where the system is), without comparing paths.
    return sorted((p for p in folder.iterdir() if _is_action_name(p)), key=lambda p: os.path.normcase(p.name))


def _is_action_name(path: Path) -> bool:
    return path.suffix == ".yaml" and not path.name.startswith(".")


def stray_files(data_dir: Path) -> list[Path]:
    """What else is in `data/actions/` (hidden files aside): never loaded, worth a warning."""
    folder = data_dir / ACTIONS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if not _is_action_name(p) and not p.name.startswith("."))


@dataclass
class SourceFile:
    """One data file as loaded: where it is, its bytes, its parsed document, its record.

    `raw` and `doc` are None when the file could not be read or parsed; `record` (an
    Action, ThemesFile or ScrsFile) is None when it did not validate.
    """

    path: Path
    shown: str
    raw: bytes | None = None
    doc: Document | None = None
    record: Any = None
    #: What the load cache knows of this file's exact bytes (None: read without a cache).
    entry: Any = None


@dataclass
class Sources:
    """Every data file `load_sources` looked at, for checks that need positions or bytes."""

    themes: SourceFile | None = None
    scrs: SourceFile | None = None
    actions: list[SourceFile] = field(default_factory=list)
    #: The load cache used (its entries gain the verdicts of the slow checks).
    cache: Any = None


def links_outside(path: Path, data_dir: Path) -> bool:
    """True when `path` (through a symlink, itself or a folder) leads out of the data folder."""
    try:
        if not path.is_symlink() and _folder_inside(str(path.parent), str(data_dir)):
            return False  # the common case, one lstat: a plain file in a folder that stays inside
        return not path.resolve().is_relative_to(data_dir.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


@functools.lru_cache(maxsize=64)
def _folder_inside(folder: str, data_dir: str) -> bool:
    """Whether a folder, links resolved, is inside the data folder (asked once per folder)."""
    try:
        return Path(folder).resolve().is_relative_to(Path(data_dir).resolve())
    except (OSError, RuntimeError):
        return False


def read_source(
    path: Path, data_dir: Path, *, parse: bool = True, shown: str | None = None
) -> tuple[SourceFile, list[Problem]]:
    """Read and parse one data file; a symlink leading out of the data folder is refused.

    With `parse=False` only the bytes are read (the caller may know them already);
    `shown` is `display_path(path, data_dir)` when the caller has it.
    """
    source = SourceFile(path, display_path(path, data_dir) if shown is None else shown)
    if links_outside(path, data_dir):
        return source, [_problem(source.shown, "CAP010", "is a link leading outside the data folder; refused, not read")]
    source.raw, problems = _read_bytes(path, source.shown)
    if source.raw is None or not parse:
        return source, problems
    source.doc, problems = parse_bytes(source.raw, source.shown, collect=True)
    return source, problems


def not_a_file(path: Path) -> str | None:
    """What a path is when it is there but is no regular file (`a pipe (FIFO)`, `a device`,
    `a folder`, `a socket`), so a message can say so; None for a file or nothing at all."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return None
    return _kind_of(mode)


def _kind_of(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover - no other kinds on POSIX


def read_limited(read: Callable[[int], bytes], size: int) -> bytes:
    """An open file's bytes, at most `MAX_FILE_BYTES + 1` of them (one more than the limit
    says it is too large), through its `read`; `size` is what `stat` said it holds.

    Asking for the limit at once would have Python set aside a megabyte for every file
    read (a tenth of loading a large plan): the file's own size and one byte more are
    asked for, and the rest only if it grew since it was looked at.
    """
    raw = read(min(size, MAX_FILE_BYTES) + 1)
    while 0 < len(raw) <= MAX_FILE_BYTES and len(raw) > size:  # it grew: read on, to the limit
        more = read(MAX_FILE_BYTES + 1 - len(raw))
        if not more:
            break
        raw += more
    return raw


def _read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """A regular file's bytes, never more than the limit (a FIFO or device is not read)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, [_problem(shown, "CAP009", f"cannot read: it is {_kind_of(info.st_mode)}, not a file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [_problem(shown, "CAP001", f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        with path.open("rb", buffering=0) as handle:
            return read_limited(handle.read, info.st_size), []
    except OSError as exc:
        return None, [_problem(shown, "CAP009", f"cannot read file: {exc.strerror or exc}")]


def read_document(path: Path, shown: str) -> tuple[Document | None, list[Problem]]:
    """Read and parse one file, refusing what is too large, not UTF-8 or not safe YAML."""
    raw, problems = _read_bytes(path, shown)
    if raw is None:
        return None, problems
    return parse_bytes(raw, shown)


def parse_bytes(raw: bytes, shown: str, *, collect: bool = False) -> tuple[Document | None, list[Problem]]:
    """Parse a file's bytes (from disk or from git) into a mapping document, or problems.

    With `collect`, faults in single values (an impossible date, a duplicate key) do not
    stop the parse: the document comes back with one problem per fault (it is also
    marked, `doc.faults`, so `validate_document` never makes a record of it).
    """
    size = getattr(raw, "size", len(raw))  # a blob from git refused by its size (gitio.TooLarge)
    if size > MAX_FILE_BYTES:
        return None, [_problem(shown, "CAP001", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [_problem(shown, "CAP002", f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, col)]
    try:
        doc = parse(text, collect=collect)
    except YamlFault as fault:
        return None, [_problem(shown, fault.code, fault.message, fault.line, fault.col)]
    faults = [_problem(shown, f.code, f.message, f.line, f.col) for f in doc.faults] if doc.faults else []
    if doc.data is None:
        return None, [_problem(shown, "CAP004", "file is empty")]
    if not isinstance(doc.data, dict):
        return None, [*faults, _problem(shown, "CAP005", f"expected a mapping of keys, found a {kind_of(doc.data)}")]
    if doc.texts == "unknown":  # a canonical text's are known (cap.canonical)
        doc.texts = raw_texts(raw)
    return doc, faults


def _problem(shown: str, code: str, message: str, line: int = 1, col: int = 1) -> Problem:
    return Problem(shown, line, col, "error", code, message)


def validate_document(doc: Document, model: type[M], shown: str) -> tuple[M | None, list[Problem]]:
    """Validate a parsed document against a model; map each error to its line.

    A document with faults (`parse(..., collect=True)`) never gives a record: its faults
    are its problems (`parse_bytes` made them), and an error the model adds at a faulty
    value (`2017-02-30` is no date) is not reported twice.
    """
    refused = _text_problems(doc, shown)
    try:
        record = model.model_validate(doc.data)
    except ValidationError as exc:
        found = validation_problems(exc, doc, shown, model)
        return None, (_in_file_order(found + refused) if refused else found)
    if refused:
        return None, refused
    return (None if doc.faults else record), []


def _text_problems(doc: Document, shown: str) -> list[Problem]:
    """A control character in any text, a line break in a one-line field (cap/safetext.py)."""
    from cap.safetext import is_one_line, text_problems

    problems = []
    for loc, what in text_problems(doc.data, texts=doc.texts):
        code = "CAP013" if "line break" in what and is_one_line(loc) else "CAP012"
        line, col = doc.position(loc)
        where = ".".join(str(step) for step in loc)
        problems.append(_problem(shown, code, f"`{where}` {what}: remove it", line, col))
    return problems


def load_action_file(path: Path, data_dir: Path) -> tuple[Action | None, list[Problem]]:
    """Load one action file; its `ref` must be a string equal to the file name."""
    source, problems = load_action_source(path, data_dir)
    return source.record, problems


def load_action_source(
    path: Path, data_dir: Path, cache: LoadCache | None = None, ahead: tuple[bytes, bytes] | None = None
) -> tuple[SourceFile, list[Problem]]:
    """`load_action_file`, keeping the bytes and the document for checks.

    With a `cache`, a file whose exact bytes loaded cleanly before is not parsed again:
    its record comes from the cache and its document is parsed only if asked for.
    `ahead`: the file's bytes and cache key, read and looked up with its batch
    (`load_sources`: `_read_ahead`); without it the file is read here.
    """
    shown = _shown_action(path, data_dir)
    raw, key = ahead if ahead is not None else (None, None)
    if raw is not None:  # the common case, read with its batch
        source, problems = SourceFile(path, shown, raw), []
    else:
        source, problems = read_source(path, data_dir, parse=cache is None, shown=shown)
    if cache is not None and source.raw is not None:
        source.entry = cache.entry(path.name, source.raw, key)
        known = source.entry.get("record")
        if known is not None:
            source.record = Action.model_validate_json(known)
            source.doc = _LazyRawDocument(source.raw)
            return source, []
        source.doc, problems = parse_bytes(source.raw, source.shown, collect=True)
    if source.doc is None:
        return source, bounded(problems)
    source.record, found = action_from_document(source.doc, path.stem, source.shown)
    if source.entry is not None and source.record is not None and not problems and not found:
        source.entry.remember("record", source.record.model_dump_json(by_alias=True).encode())
        if not isinstance(source.doc, CanonicalDocument):  # (one holds no node tree)
            source.doc = _LazyRawDocument(source.raw)  # the node tree is not kept
    return source, bounded(_in_file_order(problems + found) if problems else found)


def _read_plain_file(path: Path, data_dir: Path) -> bytes | None:
    """The bytes of a plain file (no link) of a folder inside the data folder, not over
    the size limit: what `read_source` would read, with fewer system calls. None for
    anything else (a link, a FIFO, an error, a large file): `read_source` decides then."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        if not _folder_inside(os.path.dirname(path), str(data_dir)):
            return None
        descriptor = os.open(path, _READ_ONLY)  # (no file object: a fifth of the time a file)
        try:
            raw = read_limited(functools.partial(os.read, descriptor), info.st_size)
        finally:
            os.close(descriptor)
    except OSError:
        return None
    return raw if len(raw) <= MAX_FILE_BYTES else None


#: How `_read_plain_file` opens a file: for reading, in binary on Windows, not inherited.
_READ_ONLY = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class _LazyRawDocument(LazyDocument):
    """A `LazyDocument` of a file's bytes, decoded only if it is asked for."""

    def __init__(self, raw: bytes):  # noqa: D107
        self._raw = raw
        self._parsed = None

    def _document(self) -> Document:
        if self._parsed is None:
            self._parsed = parse_bytes(self._raw, "", collect=True)[0] or Document(None, None)
        return self._parsed


def _shown_action(path: Path, data_dir: Path) -> str:
    """`display_path` of an action file, its folder's part worked out once (and asked by
    the folder's text: a `Path` for each file and its hash cost more than the rest)."""
    folder, name = os.path.split(path)
    return _shown_folder(folder, os.fspath(data_dir)) + "/" + name


@functools.lru_cache(maxsize=16)
def _shown_folder(folder: str, data_dir: str) -> str:
    return display_path(Path(folder), Path(data_dir))


def action_from_document(doc: Document, stem: str, shown: str) -> tuple[Action | None, list[Problem]]:
    """Validate a parsed action file whose name (without `.yaml`) is `stem`."""
    action, problems = validate_document(doc, Action, shown)
    if action is not None:
        if action.ref == stem:
            return action, problems
        ref = action.ref
    else:  # the file failed: still say its ref is wrong, unless the ref has a problem already
        ref = doc.data.get("ref") if isinstance(doc.data, dict) else None
        if not isinstance(ref, str) or ref == stem:
            return None, problems
    line, col = doc.position(("ref",))
    taken = {(p.line, p.col) for p in problems} | {(f.line, f.col) for f in doc.faults}
    if (line, col) not in taken:
        problems.append(
            _problem(shown, "CAP106", f"ref {ref!r} does not match the file name '{stem}.yaml'", line, col)
        )
    return None, problems


def load_reference(data_dir: Path) -> tuple[list[Theme], list[Scr], list[Problem]]:
    """`themes.yaml` and `scrs.yaml` (an absent scrs.yaml is an empty list)."""
    themes_source, scrs_source, problems = _load_reference_sources(data_dir)
    themes = themes_source.record.themes if themes_source.record else []
    scrs = scrs_source.record.scrs if scrs_source and scrs_source.record else []
    return themes, scrs, problems


def _load_reference_sources(data_dir: Path) -> tuple[SourceFile, SourceFile | None, list[Problem]]:
    themes, problems = _load_model_source(data_dir / THEMES_FILE, data_dir, ThemesFile)
    scrs = None
    path = data_dir / SCRS_FILE
    if path.exists() or path.is_symlink():
        scrs, found = _load_model_source(path, data_dir, ScrsFile)
        problems += found
    return themes, scrs, problems


def _load_model_source(path: Path, data_dir: Path, model: type[BaseModel]) -> tuple[SourceFile, list[Problem]]:
    source, problems = read_source(path, data_dir)
    if source.doc is not None:
        source.record, found = validate_document(source.doc, model, source.shown)
        problems = _in_file_order(problems + found) if problems else found
    return source, bounded(problems)


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    """One file's problems by line and column (faults found while parsing come first otherwise)."""
    return sorted(problems, key=lambda p: (p.line, p.col))


def load_plan(data_dir: Path) -> tuple[Plan, list[Problem]]:
    """Load the whole plan. Files with problems are reported and left out."""
    plan, problems, _sources = load_sources(data_dir, keep=None)
    return plan, problems


def load_sources(
    data_dir: Path,
    *,
    keep: bool | None = True,
    cache: bool = True,
    visit: Callable[[SourceFile], list[Problem]] | None = None,
) -> tuple[Plan, list[Problem], Sources]:
    """`load_plan`, also returning every file's bytes and document (for `cap validate`).

    `visit`, if given, is called with each file as soon as it has loaded (its bytes and
    document still at hand); the problems it returns are reported with the file's own.
    With `keep=False` each action file's bytes and node tree are dropped once it has
    been loaded and visited, so a large plan is never held twice in memory: a file that
    loaded keeps a document that reads the file again if asked (to place a problem), a
    file that failed keeps what was read of it. With `keep=None` only the records are
    kept (`sources.actions` stays empty: `load_plan`). With `cache` (unless `CAP_NO_CACHE` is
    set) unchanged files come from the load cache (cap/cache.py), which is saved before
    returning.
    """
    load_cache = LoadCache.for_data_dir(data_dir, os.environ) if cache else None
    with _no_gc():
        themes, scrs, problems = _load_reference_sources(data_dir)
        if visit is not None:
            for source in (themes, scrs):
                if source is not None and source.doc is not None:
                    problems += visit(source)
        sources = Sources(themes=themes, scrs=scrs, cache=load_cache)
        records = []
        for path, ahead in _read_ahead(action_files(data_dir), data_dir, load_cache):
            source, found = load_action_source(path, data_dir, load_cache, ahead)
            if visit is not None and source.doc is not None:
                found = bounded(found + visit(source))
            if found:
                problems += found
            if source.record is not None:
                # (the canonical reader shares dates already; the cache's JSON and libyaml do not)
                _share_field_sets(source.record, dates=not isinstance(source.doc, CanonicalDocument))
            if keep is None:
                if source.record is not None:
                    records.append(source.record)
                continue
            if not keep:
                source.raw = source.entry = None
                if source.record is not None:
                    source.doc = _RereadDocument(path, source.shown)
            sources.actions.append(source)
    plan = Plan(
        themes=themes.record.themes if themes.record else [],
        scrs=scrs.record.scrs if scrs and scrs.record else [],
        actions=records if keep is None else [s.record for s in sources.actions if s.record is not None],
    )
    if load_cache is not None:
        load_cache.save(prune=True)
    return plan, problems, sources


def _read_ahead(
    paths: list[Path], data_dir: Path, cache: LoadCache | None
) -> Iterator[tuple[Path, tuple[bytes, bytes] | None]]:
    """Each action file with its bytes and cache key, read and looked up a batch at a time
    (one query for the batch's entries, not one a file); None for a file to read on its
    own (no cache, or not a plain file)."""
    if cache is None:
        for path in paths:
            yield path, None
        return
    for start in range(0, len(paths), _AHEAD):
        batch = paths[start : start + _AHEAD]
        raws = [_read_plain_file(path, data_dir) for path in batch]
        keys = iter(cache.look_ahead([(path.name, raw) for path, raw in zip(batch, raws) if raw is not None]))
        for path, raw in zip(batch, raws):
            yield path, (None if raw is None else (raw, next(keys)))


#: How many files are read and looked up together (their bytes are held meanwhile).
_AHEAD = 256

#: One set of field names per distinct combination, shared by the records of a plan.
_FIELD_SETS: dict[frozenset, set] = {}
#: One object per date, shared by the records that came from the load cache or libyaml.
_DATES: dict[dt.date, dt.date] = {}


def _share_field_sets(record: BaseModel, dates: bool = False) -> None:
    """Let a loaded record and the records inside it share their sets of set-field names
    (and, with `dates`, their dates).

    pydantic gives every model instance its own `model_fields_set`, about a fifth of a
    loaded plan's memory (728 bytes for an action's, 216 for each progress entry's); a
    plan has only a few distinct ones. Nothing in cap reads them (no `exclude_unset`),
    and pydantic copies them before changing a copy (`model_copy`). A record read from
    the cache's JSON has a date object of its own for each date, where the canonical
    reader shares them (cap/canonical.py): `dates` shares them too, so that the cache
    never costs more memory than reading the files.
    """
    names = record.__pydantic_fields_set__
    shared = _FIELD_SETS.setdefault(frozenset(names), names)
    if shared is not names:
        object.__setattr__(record, "__pydantic_fields_set__", shared)
    values = record.__dict__
    date_fields, record_fields = _fields_of(type(record))
    if dates:
        for name in date_fields:
            value = values[name]
            if type(value) is dt.date:
                values[name] = _DATES.setdefault(value, value)
    for name in record_fields:
        value = values[name]
        if type(value) is list:
            for item in value:
                if isinstance(item, BaseModel):
                    _share_field_sets(item, dates)
        elif isinstance(value, BaseModel):
            _share_field_sets(value, dates)


def _holds(annotation: Any, kind: type) -> bool:
    """Whether a field's annotation is `kind` or a union, list or alias holding it."""
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, kind):
        return True
    return any(_holds(arg, kind) for arg in get_args(annotation))


@functools.cache
def _fields_of(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The fields of a model that can hold a date itself (not a list of them), and those
    that can hold records (a record, a list of them, or None)."""
    from typing import get_origin

    fields = model.model_fields.items()
    dates = tuple(n for n, i in fields if get_origin(i.annotation) is not list and _holds(i.annotation, dt.date))
    records = tuple(n for n, i in fields if _holds(i.annotation, BaseModel))
    return dates, records


class _RereadDocument(LazyDocument):
    """The document of a file that loaded, read again only if asked for (to place a
    problem found later): nothing of the file is held meanwhile."""

    def __init__(self, path: Path, shown: str):  # noqa: D107
        self._path, self._shown = path, shown
        self._parsed = None

    def _document(self) -> Document:
        if self._parsed is None:
            raw, _ = _read_bytes(self._path, self._shown)
            doc = parse_bytes(raw, self._shown, collect=True)[0] if raw is not None else None
            self._parsed = doc if doc is not None else Document(None, None)
        return self._parsed


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Loading allocates many objects and frees few: the cyclic garbage collector's
    repeated walks over the growing heap cost a quarter of the load time, for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what was loaded stays: later collections need not walk it again
        if was_enabled:
            gc.enable()


def action_path(data_dir: Path, ref: str) -> Path:
    return data_dir / ACTIONS_DIR / f"{ref}.yaml"
