"""The load cache: keyed on content, so it can never serve stale data; it only saves time."""

from __future__ import annotations

import os
import shutil

import pytest

from cap.cache import LoadCache, cache_folder
from cap.loader import load_plan
from tests.conftest import DATA, Cap, action_yaml, write_files


@pytest.fixture
def plan_dir(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def cache_files() -> list:
    folder = cache_folder({**os.environ, "CAP_NO_CACHE": ""})
    return sorted(folder.glob("*.cache")) if folder.exists() else []


def test_warm_results_equal_cold_and_uncached(plan_dir, monkeypatch):
    cold = Cap(plan_dir)("list", "--format", "json", "--as-of", "2017-07-01").stdout
    assert len(cache_files()) == 1
    warm = Cap(plan_dir)("list", "--format", "json", "--as-of", "2017-07-01").stdout
    monkeypatch.setenv("CAP_NO_CACHE", "1")
    uncached = Cap(plan_dir)("list", "--format", "json", "--as-of", "2017-07-01").stdout
    assert cold == warm == uncached
    assert load_plan(plan_dir)[0].actions == [a for a in load_plan(plan_dir)[0].actions]


def test_a_changed_file_is_read_again_even_with_the_same_size_and_time(plan_dir):
    path = plan_dir / "actions" / "4.4.yaml"
    Cap(plan_dir)("list")
    info = path.stat()
    text = path.read_text()
    path.write_text(text.replace("status: in-progress", "status: in-progress".replace("in-", "IN-")))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    result = Cap(plan_dir)("list")
    assert result.exit_code == 1
    assert "data/actions/4.4.yaml" in result.stderr and "unknown status 'IN-progress'" in result.stderr


def test_a_renamed_file_is_checked_against_its_new_name(plan_dir):
    Cap(plan_dir)("list")
    (plan_dir / "actions" / "4.4.yaml").rename(plan_dir / "actions" / "4.12.yaml")
    result = Cap(plan_dir)("list")
    assert result.exit_code == 1
    assert "CAP106 ref '4.4' does not match the file name '4.12.yaml'" in result.stderr


def test_problems_found_from_the_cache_keep_their_lines(plan_dir):
    write_files(plan_dir.parent, {"data/actions/1.5.yaml": action_yaml("1.5", theme="curiosty", scrs="[D]",
                                                                       action="'Email jo@example.org'")})
    first = Cap(plan_dir)("validate", "--as-of", "2017-07-01")
    second = Cap(plan_dir)("validate", "--as-of", "2017-07-01")
    assert first.exit_code == second.exit_code == 1
    assert first.stdout == second.stdout
    assert "data/actions/1.5.yaml:2:8: error: CAP202" in second.stdout
    assert "data/actions/1.5.yaml:5:16: warning: CAP305" in second.stdout


def test_a_corrupt_cache_is_ignored_and_rebuilt(plan_dir):
    expected = Cap(plan_dir)("list", "--format", "json").stdout
    (cache,) = cache_files()
    cache.write_bytes(b"\x00garbage")
    assert Cap(plan_dir)("list", "--format", "json").stdout == expected
    assert cache.read_bytes() != b"\x00garbage"


def test_an_unwritable_cache_folder_costs_nothing_but_time(plan_dir, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("CAP_CACHE_DIR", str(blocker / "cap"))
    result = Cap(plan_dir)("list")
    assert result.exit_code == 0 and result.stderr == ""


def test_the_cache_lives_outside_the_data(plan_dir):
    before = sorted(p.name for p in plan_dir.rglob("*"))
    Cap(plan_dir)("validate", "--as-of", "2017-07-01")
    assert sorted(p.name for p in plan_dir.rglob("*")) == before
    assert cache_files() and all(plan_dir not in f.parents for f in cache_files())


def test_no_cache_when_turned_off(plan_dir, monkeypatch):
    monkeypatch.setenv("CAP_NO_CACHE", "1")
    Cap(plan_dir)("list")
    assert cache_files() == []


def test_entries_are_keyed_on_name_and_bytes(tmp_path):
    cache = LoadCache(tmp_path / "c.cache", b"salt")
    cache.entry("4.4.yaml", b"x").remember("record", b"{}")
    cache.save()
    again = LoadCache(tmp_path / "c.cache", b"salt")
    assert again.entry("4.4.yaml", b"x").get("record") == b"{}"
    assert again.entry("4.4.yaml", b"y").get("record") is None
    assert again.entry("4.5.yaml", b"x").get("record") is None
    assert LoadCache(tmp_path / "c.cache", b"other salt").entry("4.4.yaml", b"x").get("record") is None


def test_the_salt_follows_the_code_not_file_times(tmp_path):
    """A fresh install on a CI runner gives cap's modules new times: a kept cache must still fit."""
    from cap import cache as cache_module

    module = cache_module.Path(cache_module.__file__)
    before = cache_module._salt()
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
        assert cache_module._salt() == before
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_the_cache_folder_is_named_by_cap_cache_dir(plan_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("CAP_CACHE_DIR", str(tmp_path / "kept-by-ci"))
    Cap(plan_dir)("validate", "--as-of", "2017-07-01")
    assert [p.suffix for p in (tmp_path / "kept-by-ci").iterdir()] == [".cache"]


@pytest.mark.slow
def test_a_cache_another_cap_is_writing_costs_only_time(plan_dir):
    import sqlite3

    expected = Cap(plan_dir)("list", "--format", "json").stdout
    (cache,) = cache_files()
    (plan_dir / "actions" / "4.4.yaml").write_text(
        (plan_dir / "actions" / "4.4.yaml").read_text().replace("status: in-progress", "status: open")
    )
    inode = cache.stat().st_ino
    other = sqlite3.connect(cache, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another cap, mid-write
    try:
        result = Cap(plan_dir)("list", "--format", "json")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout != expected and '"status": "open"' in result.stdout
    assert cache.stat().st_ino == inode  # the other cap's cache was left alone, not deleted


def test_entries_of_files_since_changed_or_removed_are_dropped(plan_dir):
    import sqlite3

    def rows() -> int:
        (cache,) = cache_files()
        with sqlite3.connect(cache) as db:
            return db.execute("SELECT count(*) FROM entries").fetchone()[0]

    Cap(plan_dir)("list")
    assert rows() == 22
    path = plan_dir / "actions" / "4.4.yaml"
    path.write_text(path.read_text().replace("status: in-progress", "status: done"))  # now has a problem
    assert Cap(plan_dir)("list").exit_code == 1
    assert rows() == 21  # its old entry is gone; a file with a problem is never stored
    (plan_dir / "actions" / "4.3.yaml").unlink()
    Cap(plan_dir)("list")
    assert rows() == 20


@pytest.mark.slow
def test_the_salt_covers_every_module_loading_and_checking_import():
    """A module that decides what a file loads as must be in the salt, or a changed cap
    could serve an entry made by the old one (cap.problems and cap.text only word messages)."""
    import subprocess
    import sys

    from cap.cache import _SEMANTIC_MODULES

    code = "import sys, cap.loader, cap.checks, cap.store; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    ours = {name.split(".", 1)[1] + ".py" for name in loaded if name.startswith("cap.") and name.count(".") == 1}
    assert ours - set(_SEMANTIC_MODULES) <= {"problems.py", "text.py"}


def test_a_warm_load_asks_the_database_a_batch_at_a_time(plan_dir, monkeypatch):
    """One query for each batch of files' entries (cap/loader.py: `_read_ahead`), none a
    file; an empty cache (a CI runner's first run) is not asked at all."""
    import sqlite3

    from cap import loader

    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    monkeypatch.setattr(loader, "_AHEAD", 5)  # the real plan's 22 files: five batches
    cold, _ = load_plan(plan_dir)
    assert not [s for s in statements if s.startswith("SELECT key, value") or s.startswith("SELECT value")]
    statements.clear()
    warm, _ = load_plan(plan_dir)
    looks = [s for s in statements if s.startswith("SELECT")]
    assert len([s for s in looks if "WHERE key IN" in s]) == 5
    assert not [s for s in looks if "WHERE key = " in s]
    assert warm.actions == cold.actions and len(warm.actions) == 22


def _dates_in(record) -> list:
    """Every date a record holds, itself or in the records inside it."""
    import datetime as dt

    from pydantic import BaseModel

    found = []
    for value in record.__dict__.values():
        for item in value if isinstance(value, list) else [value]:
            if type(item) is dt.date:
                found.append(item)
            elif isinstance(item, BaseModel):
                found += _dates_in(item)
    return found


@pytest.mark.parametrize("run", ["cold", "warm"])
def test_a_loaded_plan_holds_each_date_once_from_the_cache_too(plan_dir, run):
    # The canonical reader shares one object per date; records from the cache's JSON had
    # one of their own for each date (at 50,000 actions 7 MB more than reading the files).
    if run == "warm":
        load_plan(plan_dir)  # fills the cache
    dates = [d for action in load_plan(plan_dir)[0].actions for d in _dates_in(action)]
    assert len(dates) > 2 * len(set(dates))  # the real plan repeats its dates
    assert len({id(d) for d in dates}) == len(set(dates))
