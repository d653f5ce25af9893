"""The load cache cannot vouch for bad data (issue 21): an entry forged in the SQLite file
(copied from a good file, unsealed, or sealed under another secret) is a miss, and the
file is read from its bytes."""

from __future__ import annotations

import marshal
import os
import shutil
import sqlite3
import stat

import pytest

from cap.cache import LoadCache, cache_folder, cache_key_file, cache_secret
from tests.conftest import DATA, Cap


@pytest.fixture
def plan_dir(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


#: The bad file of the issue: a bogus status, an escape sequence and an NHS number.
BAD = ("status: finished\n", "action: \"Ring \\e[2J 943 476 5919 at once.\"\n")


def bad_bytes(good: bytes) -> bytes:
    text = good.decode("utf-8")
    lines = [line for line in text.splitlines(keepends=True)]
    out = []
    skipping = False
    for line in lines:
        if line.startswith("status:"):
            out.append(BAD[0])
        elif line.startswith("action:"):
            out.append(BAD[1])
            skipping = True
        elif skipping and line.startswith(" "):
            continue
        else:
            skipping = False
            out.append(line)
    return "".join(out).encode("utf-8")


def the_cache_file() -> str:
    folder = cache_folder({**os.environ, "CAP_NO_CACHE": ""})
    (found,) = sorted(folder.glob("*.cache"))
    return str(found)


def forge(plan_dir, how: str) -> None:
    """Fill the cache from the good plan, then make 4.4.yaml bad and put, under the bad
    bytes' key, what an attacker who can write the cache file can put there."""
    path = plan_dir / "actions" / "4.4.yaml"
    good = path.read_bytes()
    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").exit_code == 0
    db = sqlite3.connect(the_cache_file())
    good_key = LoadCache.key("4.4.yaml", good)
    (sealed,) = db.execute("SELECT value FROM entries WHERE key = ?", (good_key,)).fetchone()
    bad = bad_bytes(good)
    bad_key = LoadCache.key("4.4.yaml", bad)
    payload = sealed[32:]
    assert marshal.loads(payload)["record"]  # the good file's record, as cap stored it
    value = {
        "copied": sealed,                                              # a good entry, moved
        "unsealed": payload,                                           # the old format
        "other-secret": LoadCache(db_path := the_cache_file(), b"", b"k" * 32)._seal(bad_key, payload),
        "zeros": b"\0" * 32 + payload,
    }[how]
    del db_path
    db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?)", (bad_key, value))
    db.commit()
    db.close()
    path.write_bytes(bad)


@pytest.mark.parametrize("how", ["copied", "unsealed", "other-secret", "zeros"])
def test_a_forged_entry_cannot_make_a_bad_file_pass(plan_dir, how, monkeypatch):
    forge(plan_dir, how)
    result = Cap(plan_dir)("validate", "--as-of", "2017-07-01")
    assert result.exit_code == 1, result.output
    assert "unknown status 'finished'" in result.output
    monkeypatch.setenv("CAP_NO_CACHE", "1")
    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").output == result.output


def test_a_forged_entry_is_not_listed(plan_dir):
    forge(plan_dir, "copied")
    result = Cap(plan_dir)("list", "--format", "json")
    assert result.exit_code == 1
    assert '"4.4"' not in result.stdout  # the bad file is left out, as without a cache


def test_a_good_entry_still_hits(plan_dir, monkeypatch):
    """Warm loading is still served by the cache (no file parsed the second time)."""
    import cap.loader

    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").exit_code == 0
    parsed = []
    real = cap.loader.parse_bytes
    monkeypatch.setattr(cap.loader, "parse_bytes", lambda *a, **k: parsed.append(1) or real(*a, **k))
    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").exit_code == 0
    assert len(parsed) <= 3  # the reference files (themes, cases, agencies) only: no action file


def test_the_secret_is_a_private_file_outside_the_cache_folder(plan_dir):
    Cap(plan_dir)("list")
    key_file = cache_key_file(os.environ)
    folder = cache_folder({**os.environ, "CAP_NO_CACHE": ""})
    assert key_file.is_file() and folder.resolve() not in key_file.resolve().parents
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_bytes()) == 32


def test_a_key_file_others_can_write_is_not_used(tmp_path):
    if os.name != "posix":
        pytest.skip("permission bits")
    key = tmp_path / "cache.key"
    key.write_bytes(b"x" * 32)
    key.chmod(0o666)
    env = {"CAP_CACHE_KEY_FILE": str(key), "CAP_CACHE_DIR": str(tmp_path / "c")}
    assert cache_secret(env) is None
    assert LoadCache.for_data_dir(tmp_path, env) is None  # no secret: no cache
    key.chmod(0o600)
    assert cache_secret(env) == b"x" * 32


@pytest.mark.posix
def test_a_link_at_the_key_files_place_is_not_followed(tmp_path):
    if os.name != "posix":
        pytest.skip("links")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"y" * 32)
    elsewhere.chmod(0o600)
    (tmp_path / "cache.key").symlink_to(elsewhere)
    assert cache_secret({"CAP_CACHE_KEY_FILE": str(tmp_path / "cache.key")}) is None


def test_the_ci_secret_seals_the_entries(plan_dir, monkeypatch):
    """With CAP_CACHE_KEY (a CI secret) a run without the same secret believes nothing."""
    monkeypatch.setenv("CAP_CACHE_KEY", "one secret")
    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").exit_code == 0
    import cap.loader

    parsed = []
    real = cap.loader.parse_bytes
    monkeypatch.setattr(cap.loader, "parse_bytes", lambda *a, **k: parsed.append(1) or real(*a, **k))
    monkeypatch.setenv("CAP_CACHE_KEY", "another secret")
    assert Cap(plan_dir)("validate", "--as-of", "2017-07-01").exit_code == 0
    assert len(parsed) >= 22  # every action read from its bytes
