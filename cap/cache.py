"""A load cache that can never serve stale data: entries are keyed on each file's content.

Loading 10,000 action files means parsing 10,000 YAML documents; most of them have not
changed since the last command. The cache remembers, for each file's exact bytes (and
name), the validated record and the verdicts of the slow content-only checks (canonical
format, personal data), so an unchanged file is read, hashed and looked up instead.

- The key is a BLAKE2b digest of the file's name and bytes: any change to a file, however
  small, misses the cache. A file that loaded with a problem is never stored.
- The whole cache is dropped when cap, pydantic or PyYAML changes, or the content of cap's
  loading and checking modules (the salt; not their file times, so a fresh install on a
  CI runner keeps a restored cache), or when it is not a database: it is rebuilt, never
  trusted. Keyed on content, it is safe to carry between CI runs (docs/ci.md).
- It lives outside the data and the repository, in the user's cache folder
  (`$CAP_CACHE_DIR`, else `$XDG_CACHE_HOME/cap`, else `~/.cache/cap`; on Windows
  `%LOCALAPPDATA%\\cap`), one SQLite file per data folder. Entries are looked up one by
  one as files are read and written in batches, so the cache is never all in memory.
  `CAP_NO_CACHE=1` turns it off.
- A cache that cannot be written (or that another cap is writing) is skipped silently:
  it only ever saves time.
- No content of the cache file can vouch for a file: each entry is sealed with a MAC
  (keyed BLAKE2b, 256 bits) of its key and value under a secret that is not in the cache
  folder: `$CAP_CACHE_KEY` (a CI secret), else a per-user key file (`cache_key_file`,
  32 random bytes made on first use with mode 0600, in the user's configuration folder).
  An entry whose seal does not match - forged, copied from another file's key, or made
  under another secret - is a miss: the file is read from its bytes. Without a usable
  secret there is no cache at all.

    >>> cache = LoadCache.for_data_dir(Path("data"), os.environ)      # doctest: +SKIP
    >>> entry = cache.entry("4.4", raw)                                # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import marshal
import os
import secrets
import stat
from pathlib import Path
from typing import Any, Callable, Mapping

#: Bump when the meaning of an entry changes.
FORMAT = 3
#: The modules whose code decides what a file loads as, or what a check says of it.
_SEMANTIC_MODULES = ("models.py", "yamlio.py", "canonical.py", "loader.py", "modelproblems.py", "checks.py",
                     "filechecks.py", "store.py", "cache.py", "safetext.py", "personaldata.py", "plaindata.py", "refs.py",
                     "lineends.py", "agencies.py", "checks_agencies.py")


def cache_folder(env: Mapping[str, str]) -> Path | None:
    """The folder for cache files, or None when caching is turned off."""
    if env.get("CAP_NO_CACHE"):
        return None
    if env.get("CAP_CACHE_DIR"):
        return Path(env["CAP_CACHE_DIR"])
    if os.name == "nt" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "cap"
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "cap"
    return Path.home() / ".cache" / "cap"


#: The length of an entry's seal (a keyed BLAKE2b digest).
_SEAL = 32


def cache_key_file(env: Mapping[str, str]) -> Path:
    """Where the per-user secret lives: `$CAP_CACHE_KEY_FILE`, else the user's
    configuration folder (`%APPDATA%\\cap`, `$XDG_CONFIG_HOME/cap`, `~/.config/cap`), never
    the cache folder, which CI carries between runs."""
    if env.get("CAP_CACHE_KEY_FILE"):
        return Path(env["CAP_CACHE_KEY_FILE"])
    if os.name == "nt" and env.get("APPDATA"):
        return Path(env["APPDATA"]) / "cap" / "cache.key"
    if env.get("XDG_CONFIG_HOME"):
        return Path(env["XDG_CONFIG_HOME"]) / "cap" / "cache.key"
    return Path.home() / ".config" / "cap" / "cache.key"


def cache_secret(env: Mapping[str, str]) -> bytes | None:
    """The secret that seals the cache's entries, or None (then no cache is used).

    `$CAP_CACHE_KEY` if set (any text; in CI a repository secret, so that a cache carried
    between runs is used only by runs that hold it); else the key file, made on first use
    (mode 0600). A key file that others may write, or that is not the user's, is not used.
    """
    if env.get("CAP_CACHE_KEY"):
        return hashlib.blake2b(env["CAP_CACHE_KEY"].encode("utf-8", "surrogateescape"), digest_size=32,
                               person=b"cap-cache-key").digest()
    path = cache_key_file(env)
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32))
            os.fsync(fd)
        finally:
            os.close(fd)
    except FileExistsError:
        pass  # another cap made it first: use theirs
    except OSError:
        return None
    try:
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if os.name == "posix" and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
            return None  # another user's, or writable by others: not a secret of ours
        key = os.read(fd, 64)
    finally:
        os.close(fd)
    return key if len(key) >= 16 else None


def _salt() -> bytes:
    """What the entries depend on besides the files: versions and cap's own code."""
    import pydantic
    import yaml

    import cap

    here = Path(__file__).parent
    text = "|".join([str(FORMAT), cap.__version__, pydantic.VERSION, yaml.__version__])
    digest = hashlib.blake2b(text.encode(), digest_size=16)
    for name in _SEMANTIC_MODULES:  # their content, not their times: a fresh install on a
        with contextlib.suppress(OSError):  # CI runner has new times and the same code
            digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.digest()


#: Entries written together (a few hundred kilobytes at most).
_BATCH = 256


class LoadCache:
    """Entries for one data folder, {key: {"record": JSON bytes, <verdict>: value, ...}},
    in an SQLite file: each is looked up as its file is read, never all held at once."""

    def __init__(self, path: Path, salt: bytes = b"", secret: bytes | None = None):
        self.path = path
        self.salt = salt
        #: The secret that seals each entry: given, else the user's (`cache_secret`), else
        #: a fresh random one (this process believes only what it wrote itself).
        self.secret = secret or cache_secret(os.environ) or secrets.token_bytes(32)
        self._db: Any = None
        self._writing = False
        self._pending: dict[bytes, dict[str, Any]] = {}
        self._used: set[bytes] = set()
        self._failed = False
        self._empty = False  # (an empty cache has nothing to look up: a miss, each time)
        self._ahead: dict[bytes, bytes | None] = {}  # entries fetched by `look_ahead`

    @classmethod
    def for_data_dir(cls, data_dir: Path, env: Mapping[str, str]) -> "LoadCache | None":
        """The cache of one data folder, or None when caching is turned off."""
        folder = cache_folder(env)
        if folder is None:
            return None
        try:
            where = str(Path(data_dir).resolve())
        except OSError:
            return None
        secret = cache_secret(env)
        if secret is None:
            return None
        name = hashlib.blake2b(where.encode(), digest_size=12).hexdigest()
        return cls(folder / f"{name}.cache", _salt(), secret)

    def _connection(self) -> Any:
        """The open database (opened on first use), or None when there is no cache this time."""
        if self._db is None and not self._failed:
            self._open()
            self._failed = self._db is None
        return self._db

    def _open(self) -> None:
        """Open the file (made if absent); one that is not ours, or of another salt, starts over."""
        import sqlite3

        for attempt in range(2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=2, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA synchronous=OFF")  # a cache: a torn write is detected and rebuilt
                db.execute("CREATE TABLE IF NOT EXISTS meta (salt BLOB NOT NULL)")
                # A rowid table: an entry (a record of about a kilobyte) fits in its leaf page,
                # where WITHOUT ROWID would spill most of them to overflow pages.
                db.execute("CREATE TABLE IF NOT EXISTS entries (key BLOB PRIMARY KEY, value BLOB NOT NULL)")
                row = db.execute("SELECT salt FROM meta").fetchone()
                if row is None or row[0] != self.salt:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("DELETE FROM entries")
                    db.execute("DELETE FROM meta")
                    db.execute("INSERT INTO meta VALUES (?)", (self.salt,))
                    db.execute("COMMIT")
                # An empty cache (a CI runner's first run) is not asked for each file.
                self._empty = db.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None
                self._db = db
                return
            except (OSError, sqlite3.Error) as exc:
                with contextlib.suppress(Exception):
                    db.close()  # noqa: F821 - bound when connect succeeded
                # Not a database at all (damaged, or some other file): rebuilt, never trusted.
                # Locked by another cap, or a disk error: left alone, no cache this time.
                damaged = isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)
                if attempt == 0 and damaged and self.path.is_file():
                    with contextlib.suppress(OSError):
                        self.path.unlink()
                        continue
                return  # it only ever saves time

    @staticmethod
    def key(name: str, raw: bytes) -> bytes:
        digest = hashlib.blake2b(raw, digest_size=20, person=b"cap-file")
        digest.update(b"\0" + name.encode("utf-8", "surrogateescape"))
        return digest.digest()

    def entry(self, name: str, raw: bytes, key: bytes | None = None) -> "Entry":
        """The entry for a file's name and bytes (empty when the cache has none); `key`
        is `key(name, raw)` when the caller has it (from `look_ahead`)."""
        if len(self._pending) >= _BATCH:  # the files before this one are done with
            self._flush()
        if key is None:
            key = self.key(name, raw)
        found = self._lookup(key)
        if found is not None:
            self._used.add(key)  # the entries this run has (pruning keeps only these)
        return Entry(self, key, found)

    def look_ahead(self, files: list[tuple[str, bytes]]) -> list[bytes]:
        """The keys of a batch of files (at most `_BATCH`), their entries fetched in one
        query: `entry` then finds them without asking the database a file at a time."""
        keys = [self.key(name, raw) for name, raw in files]
        self._ahead = {}
        if keys and self._connection() is not None and not self._empty:
            marks = ",".join("?" * len(keys))
            try:
                rows = self._db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", keys).fetchall()
            except Exception:  # noqa: BLE001 - then each file is asked on its own
                return keys
            self._ahead = dict.fromkeys(keys)  # None: known not to be there
            self._ahead.update(rows)
        return keys

    def _lookup(self, key: bytes) -> dict[str, Any] | None:
        if self._connection() is None or self._empty:
            return None
        try:
            if key in self._ahead:
                value = self._ahead.pop(key)
                if value is None:
                    return None
            else:
                row = self._db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
                if row is None:
                    return None
                value = row[0]
            payload = self._opened(key, value)
            if payload is None:
                return None  # forged, moved from another key, or sealed under another secret
            values = marshal.loads(payload)
        except Exception:  # noqa: BLE001 - a damaged row is a miss
            return None
        return values if isinstance(values, dict) else None

    def _seal(self, key: bytes, payload: bytes) -> bytes:
        """The entry's value as stored: its seal, then the payload."""
        mac = hashlib.blake2b(key + payload, key=self.secret, digest_size=_SEAL, person=b"cap-entry")
        return mac.digest() + payload

    def _opened(self, key: bytes, value: bytes) -> bytes | None:
        """The payload of a stored value whose seal matches this key and secret, else None."""
        if not isinstance(value, bytes) or len(value) < _SEAL:
            return None
        seal, payload = value[:_SEAL], value[_SEAL:]
        mac = hashlib.blake2b(key + payload, key=self.secret, digest_size=_SEAL, person=b"cap-entry")
        return payload if hmac.compare_digest(seal, mac.digest()) else None

    def _store(self, key: bytes, values: dict[str, Any]) -> None:
        self._pending[key] = values
        self._used.add(key)

    def _flush(self) -> None:
        """Write the entries that changed (a batch of at most `_BATCH` files' entries, so
        none piles up in memory)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        if self._connection() is None:
            return
        try:
            if not self._writing:
                self._db.execute("BEGIN IMMEDIATE")
                self._writing = True
            self._db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?, ?)",
                [(key, self._seal(key, marshal.dumps(values))) for key, values in pending.items()],
            )
        except Exception:  # noqa: BLE001 - locked by another cap, disk full, ...: no cache
            self._give_up()

    def save(self, *, prune: bool = False) -> None:
        """Commit what was added. With `prune`, keep only the entries used in this run
        (after loading the whole plan: files since removed, or changed, are forgotten)."""
        self._flush()
        if self._db is None:
            return
        try:
            if prune and not self._writing:
                (count,) = self._db.execute("SELECT count(*) FROM entries").fetchone()
                prune = count > len(self._used)
            if prune:
                if not self._writing:
                    self._db.execute("BEGIN IMMEDIATE")
                    self._writing = True
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key BLOB PRIMARY KEY) WITHOUT ROWID")
                self._db.execute("DELETE FROM used")
                self._db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in self._used))
                self._db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
            if self._writing:
                self._db.execute("COMMIT")
                self._writing = False
        except Exception:  # noqa: BLE001
            self._give_up()
        self.close()

    def close(self) -> None:
        """Let the file go (a later lookup or write opens it again)."""
        if self._db is not None:
            with contextlib.suppress(Exception):
                if self._writing:
                    self._db.execute("ROLLBACK")
                self._db.close()
        self._db, self._writing = None, False

    def _give_up(self) -> None:
        self.close()
        self._failed = True


class Entry:
    """What the cache knows of one file's exact content."""

    def __init__(self, cache: LoadCache, key: bytes, values: dict[str, Any] | None):
        self._cache = cache
        self._key = key
        self.values: dict[str, Any] = dict(values) if values else {}

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def remember(self, name: str, value: Any) -> None:
        """Keep a value (marshal-able: bytes, str, numbers, bools, lists, tuples, dicts)."""
        if self.values.get(name) != value:
            self.values[name] = value
            self._cache._store(self._key, dict(self.values))

    def verdict(self, name: str, compute: Callable[[], Any]) -> Any:
        """A content-only check's answer for this file: cached, or computed and kept."""
        if name in self.values:
            return self.values[name]
        value = compute()
        self.remember(name, value)
        return value
