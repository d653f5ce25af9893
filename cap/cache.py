"""A load cache that can never serve stale data: entries are keyed on each file's content.

Loading 10,000 action files means parsing 10,000 YAML documents; most of them have not
changed since the last command. The cache remembers, for each file's exact bytes (and
name), the validated record and the verdicts of the slow content-only checks (canonical
format, personal data), so an unchanged file is read, hashed and looked up instead.

- The key is a BLAKE2b digest of the file's name and bytes: any change to a file, however
  small, misses the cache. A file that loaded with a problem is never stored.
- The whole cache is dropped when cap, pydantic or PyYAML changes (the salt), or when it
  cannot be read: it is rebuilt, never trusted.
- It lives outside the data and the repository, in the user's cache folder
  (`$CAP_CACHE_DIR`, else `$XDG_CACHE_HOME/cap`, else `~/.cache/cap`; on Windows
  `%LOCALAPPDATA%\\cap`), one file per data folder. `CAP_NO_CACHE=1` turns it off.
- A cache that cannot be written is skipped silently: it only ever saves time.

    >>> cache = LoadCache.for_data_dir(Path("data"), os.environ)      # doctest: +SKIP
    >>> entry = cache.entry("4.4", raw)                                # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

#: Bump when the meaning of an entry changes.
FORMAT = 1
#: The modules whose code decides what a file loads as, or what a check says of it.
_SEMANTIC_MODULES = ("models.py", "yamlio.py", "loader.py", "checks.py", "store.py", "cache.py", "safetext.py")


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


def _salt() -> bytes:
    """What the entries depend on besides the files: versions and cap's own code."""
    import pydantic
    import yaml

    import cap

    here = Path(__file__).parent
    stamps = []
    for name in _SEMANTIC_MODULES:
        with contextlib.suppress(OSError):
            info = (here / name).stat()
            stamps.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    text = "|".join([str(FORMAT), cap.__version__, pydantic.VERSION, yaml.__version__, *stamps])
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class LoadCache:
    """Entries for one data folder: {key: {"record": JSON bytes, <verdict>: value, ...}}."""

    def __init__(self, path: Path, salt: bytes = b""):
        self.path = path
        self.salt = salt
        self._old: dict[bytes, dict[str, Any]] = self._read(path, salt)
        self._new: dict[bytes, dict[str, Any]] = {}
        self._dirty = False

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
        name = hashlib.blake2b(where.encode(), digest_size=12).hexdigest()
        return cls(folder / f"{name}.cache", _salt())

    @staticmethod
    def _read(path: Path, salt: bytes) -> dict[bytes, dict[str, Any]]:
        try:
            with open(path, "rb") as handle:
                stored = marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != salt or not isinstance(stored[1], dict):
            return {}
        return stored[1]

    @staticmethod
    def key(name: str, raw: bytes) -> bytes:
        digest = hashlib.blake2b(raw, digest_size=20, person=b"cap-file")
        digest.update(b"\0" + name.encode("utf-8", "surrogateescape"))
        return digest.digest()

    def entry(self, name: str, raw: bytes) -> "Entry":
        """The entry for a file's name and bytes (empty when the cache has none)."""
        key = self.key(name, raw)
        found = self._new.get(key)
        if found is None:
            found = self._old.get(key)
            if found is not None:
                self._new[key] = found
        return Entry(self, key, found)

    def _store(self, key: bytes, values: dict[str, Any]) -> None:
        self._new[key] = values
        self._dirty = True

    def save(self, *, prune: bool = False) -> None:
        """Write the cache if anything was added. With `prune`, keep only the entries used
        in this run (after loading the whole plan: files since removed are forgotten)."""
        if prune and len(self._new) != len(self._old):
            self._dirty = True
        if not self._dirty:
            return
        entries = self._new if prune else {**self._old, **self._new}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    marshal.dump((self.salt, entries), handle)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        self._old, self._dirty = dict(entries), False


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
