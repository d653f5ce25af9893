"""Memory of `cap site` and `cap history` bounded by the plan's size, not the history's
(issue 21): the history streams, and a blob's size is asked before it is read."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from tests.conftest import MINIMAL_SCRS, MINIMAL_THEMES, Cap, action_yaml
from tests.gitrepo import GitRepo, git_env  # noqa: F401


def small_history(root, commits: int) -> GitRepo:
    r = GitRepo(root)
    r.write("data/themes.yaml", MINIMAL_THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    for ref in ("1.1", "1.2", "1.3"):
        r.write(f"data/actions/{ref}.yaml", action_yaml(ref))
    r.commit("plan", "2017-01-02")
    start = dt.date(2017, 1, 3)
    for n in range(commits):
        day = start + dt.timedelta(days=n)
        ref = ("1.1", "1.2", "1.3")[n % 3]
        entries = "".join(f"\n- date: {start + dt.timedelta(days=k)}\n  text: Update {k}." for k in range(n + 1))
        r.write(f"data/actions/{ref}.yaml", action_yaml(ref, status="in-progress", progress=entries))
        r.commit(f"update {n}", day.isoformat())
    return r


@pytest.mark.slow
def test_the_site_keeps_parsed_versions_bounded_by_the_plan(tmp_path, monkeypatch):
    """Counted: 60 versions of 3 actions stream through a cache of the plan's size."""
    from cap.site import walk

    r = small_history(tmp_path / "plan", 60)
    most = {"kept": 0, "parsed": 0}
    real = walk._Blobs.action

    def spy(self, oid, path, short):
        found = real(self, oid, path, short)
        most["kept"] = max(most["kept"], len(self.parsed))
        return found

    import cap.history

    parsed = cap.history.action_from_bytes

    def counting(*args):
        most["parsed"] += 1
        return parsed(*args)

    monkeypatch.setattr(walk._Blobs, "action", spy)
    monkeypatch.setattr(walk, "action_from_bytes", counting)
    timeline = walk.read_timeline(r.data, dt.date(2017, 4, 30))
    assert timeline.available and len(timeline.histories["1.1"]) >= 20
    assert most["parsed"] >= 60  # every version was read ...
    assert most["kept"] <= 64    # ... but never more than a plan's worth held at once


def test_a_blob_over_the_limit_is_refused_by_its_size_unread(tmp_path):
    from cap import gitio

    r = GitRepo(tmp_path / "plan")
    r.write("data/themes.yaml", MINIMAL_THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml())
    (r.data / "actions" / "1.2.yaml").write_bytes(b"# " + b"x" * 3_000_000 + b"\n")
    r.commit("plan", "2017-01-02")
    repo = gitio.Repo.of(r.data)
    big, small = repo.blobs(["HEAD:data/actions/1.2.yaml", "HEAD:data/actions/1.1.yaml"])
    assert isinstance(big, gitio.TooLarge) and big.size == 3_000_003 and big == b""
    assert small.startswith(b"ref:")
    with repo.reader() as read:
        assert isinstance(read("HEAD:data/actions/1.2.yaml"), gitio.TooLarge)
        assert read("HEAD:data/actions/1.1.yaml").startswith(b"ref:")
        assert read("HEAD:data/nothing.yaml") is None
    (r.data / "actions" / "1.2.yaml").unlink()
    r.commit("gone", "2017-01-03")
    result = Cap(r.data)("history", "1.2")
    assert "CAP001 file is 3,000,003 bytes" in result.output
    out = tmp_path / "public"
    site = Cap(r.data)("site", "-o", str(out), "--as-of", "2017-02-01")
    assert site.exit_code == 0, site.output


@pytest.mark.slow
@pytest.mark.posix
def test_a_large_blob_in_history_costs_no_memory(tmp_path):
    """Peak memory of `cap history` and `cap site` as processes, with a 60 MB file once
    committed: the same as without it (it was read whole before being refused)."""
    r = GitRepo(tmp_path / "plan")
    r.write("data/themes.yaml", MINIMAL_THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml())
    r.commit("plan", "2017-01-02")
    (r.data / "actions" / "1.1.yaml").write_bytes(b"# " + os.urandom(30_000_000).hex().encode() + b"\n")
    r.commit("a mistake", "2017-01-03")
    r.write("data/actions/1.1.yaml", action_yaml())
    r.commit("put right", "2017-01-04")
    # A small launcher runs cap as its child and reports the child's peak (a process's own
    # peak on Linux includes the image it was forked from: here, pytest's).
    launcher = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-c', 'from cap.cli.main import main; main()', *sys.argv[1:]],"
        " capture_output=True, text=True)\n"
        "sys.stdout.write(done.stdout + done.stderr)\n"
        "print('peak', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(done.returncode)\n"
    )
    for args in (["history", "1.1"], ["site", "-o", str(tmp_path / "public"), "--as-of", "2017-02-01"]):
        done = subprocess.run([sys.executable, "-c", launcher, "--data", str(r.data), *args],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-800:]
        peak_kb = int(done.stdout.rsplit("peak", 1)[1].split()[0])
        assert peak_kb < 100_000, f"{args[0]}: {peak_kb:,} KB"  # reading the blob would add 60,000+ KB
        assert "CAP001 file is 60,000,003 bytes" in done.stdout or args[0] == "site"
