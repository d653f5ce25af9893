"""Nothing of the user's is overwritten through -o (issue 21): no paper into the data
folder or through a link into it, and a cut-off run's temporary file is swept."""

from __future__ import annotations

import os

import pytest

from cap.outputs import OutputRefused, check_output, refusal, stale_temps, write_paper
from tests.conftest import Cap, action_yaml, write_files


@pytest.fixture
def cap_copy(data_copy):
    return Cap(data_copy)


def test_report_refuses_a_file_in_the_data_folder(cap_copy, data_copy):
    before = (data_copy / "actions" / "1.1.yaml").read_bytes()
    result = cap_copy("report", "--format", "md", "-o", str(data_copy / "actions" / "1.1.yaml"))
    assert result.exit_code == 2
    assert "data folder" in result.output and len(result.output.strip().splitlines()) == 1
    assert (data_copy / "actions" / "1.1.yaml").read_bytes() == before


def test_report_refuses_a_new_file_in_the_data_folder(cap_copy, data_copy):
    result = cap_copy("report", "-o", str(data_copy / "actions" / "9.9.yaml"))
    assert result.exit_code == 2
    assert not (data_copy / "actions" / "9.9.yaml").exists()


@pytest.mark.posix
def test_report_does_not_write_through_a_link_into_the_data_folder(cap_copy, data_copy, tmp_path):
    before = (data_copy / "actions" / "1.1.yaml").read_bytes()
    link = tmp_path / "link.md"
    link.symlink_to(data_copy / "actions" / "1.1.yaml")
    result = cap_copy("report", "-o", str(link))
    assert result.exit_code == 2, result.output
    assert "through a link" in result.output
    assert (data_copy / "actions" / "1.1.yaml").read_bytes() == before
    assert link.is_symlink()


@pytest.mark.posix
def test_a_dangling_link_into_the_data_folder_is_refused(cap_copy, data_copy, tmp_path):
    link = tmp_path / "new.md"
    link.symlink_to(data_copy / "actions" / "7.7.yaml")
    result = cap_copy("report", "-o", str(link))
    assert result.exit_code == 2
    assert not (data_copy / "actions" / "7.7.yaml").exists()


@pytest.mark.posix
def test_a_folder_linked_to_the_data_folder_is_refused(cap_copy, data_copy, tmp_path):
    (tmp_path / "papers").symlink_to(data_copy)
    result = cap_copy("report", "-o", str(tmp_path / "papers" / "plan.md"))
    assert result.exit_code == 2
    assert not (data_copy / "plan.md").exists()


def test_agency_packs_refuse_the_data_folder(cap_copy, data_copy):
    result = cap_copy("report", "--kind", "agency", "--each", "-o", str(data_copy / "packs"))
    assert result.exit_code == 2
    assert not (data_copy / "packs").exists()


def test_annual_report_refuses_the_data_folder(cap_copy, data_copy):
    result = cap_copy("report", "--kind", "annual", "--year", "2016-17", "-o", str(data_copy / "themes.yaml"))
    assert result.exit_code == 2
    assert (data_copy / "themes.yaml").read_text(encoding="utf-8").startswith(("themes", "#"))


def test_a_report_outside_the_data_folder_is_written(cap_copy, tmp_path):
    result = cap_copy("report", "--as-of", "2017-07-01", "-o", str(tmp_path / "plan.md"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.md").read_text(encoding="utf-8").startswith("#")


def test_a_killed_reports_temporary_file_is_swept_by_the_next_run(cap_copy, tmp_path):
    stale = tmp_path / ".plan.html.0a1b2c3d.tmp"
    stale.write_bytes(b"x" * 1000)
    other = tmp_path / ".other.html.0a1b2c3d.tmp"  # another target's: not ours to remove
    other.write_bytes(b"y")
    result = cap_copy("report", "--as-of", "2017-07-01", "-o", str(tmp_path / "plan.html"))
    assert result.exit_code == 0, result.output
    assert not stale.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == [other.name]


@pytest.mark.posix
def test_a_link_at_a_temporary_name_is_not_swept_nor_followed(tmp_path, data_copy):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    (tmp_path / ".plan.md.0a1b2c3d.tmp").symlink_to(victim)
    assert stale_temps(tmp_path / "plan.md") == []
    write_paper(tmp_path / "plan.md", "# plan\n", data_copy)
    assert victim.read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "plan.md").read_text(encoding="utf-8") == "# plan\n"


def test_write_paper_is_the_one_rule(tmp_path, data_copy):
    with pytest.raises(OutputRefused):
        write_paper(data_copy / "x.md", "text", data_copy)
    with pytest.raises(OutputRefused):
        write_paper(data_copy / "actions" / "1.1.yaml", "text", data_copy)
    # The same folder by another spelling.
    with pytest.raises(OutputRefused):
        write_paper(data_copy / ".." / "data" / "actions" / "x.md", "text", data_copy)
    assert refusal(tmp_path / "plan.md", data_copy) is None


def test_a_folder_of_papers_may_not_hold_the_data_folder(tmp_path, data_copy):
    with pytest.raises(OutputRefused, match="holds the data folder"):
        check_output(tmp_path, data_copy, folder=True)
    with pytest.raises(OutputRefused, match="in the data folder"):
        check_output(data_copy, data_copy, folder=True)
    check_output(tmp_path / "public", data_copy, folder=True)


def test_a_device_is_still_written_in_place(tmp_path, data_copy):
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    write_paper(tmp_path.__class__("/dev/null"), "text", data_copy)


# ------------------------------------------------------------------ cap site


@pytest.fixture
def site_data(small_data, monkeypatch):
    """The small plan, outside any git repository (no trends: quick)."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(small_data.parent.parent))
    return small_data


def site(data, out, *args):
    return Cap(data)("site", "-o", str(out), "--as-of", "2017-03-01", *args)


def test_site_keeps_a_file_of_the_users_in_its_folders(site_data, tmp_path):
    out = tmp_path / "public"
    (out / "themes").mkdir(parents=True)
    (out / "themes" / "notes.html").write_text("my notes", encoding="utf-8")
    assert site(site_data, out).exit_code == 0
    assert site(site_data, out).exit_code == 0
    assert (out / "themes" / "notes.html").read_text(encoding="utf-8") == "my notes"
    assert "actions/1.1.html" in (out / ".cap-site-files").read_text(encoding="utf-8").splitlines()


def test_site_removes_only_the_pages_its_manifest_names(site_data, tmp_path):
    out = tmp_path / "public"
    assert site(site_data, out).exit_code == 0
    write_files(site_data, {"actions/1.2.yaml": action_yaml("1.2")})
    assert site(site_data, out).exit_code == 0
    assert (out / "actions" / "1.2.html").is_file()
    (site_data / "actions" / "1.2.yaml").unlink()
    assert site(site_data, out).exit_code == 0
    assert not (out / "actions" / "1.2.html").exists()
    assert (out / "actions" / "1.1.html").is_file()


def test_an_edited_manifest_cannot_point_the_site_at_other_files(site_data, tmp_path):
    out = tmp_path / "public"
    assert site(site_data, out).exit_code == 0
    victim = tmp_path / "victim.html"
    victim.write_text("mine", encoding="utf-8")
    (out / "CNAME").write_text("x", encoding="utf-8")
    with open(out / ".cap-site-files", "a", encoding="utf-8") as manifest:
        manifest.write("../victim.html\nCNAME\n/etc/passwd\nactions/../../victim.html\n")
    assert site(site_data, out).exit_code == 0
    assert victim.read_text(encoding="utf-8") == "mine" and (out / "CNAME").exists()


@pytest.mark.posix
def test_site_does_not_write_through_a_linked_subfolder(site_data, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("a.html", "b.html", "A.html"):
        (elsewhere / name).write_text("theirs", encoding="utf-8")
    out = tmp_path / "public"
    out.mkdir()
    (out / "cases").symlink_to(elsewhere, target_is_directory=True)
    result = site(site_data, out)
    assert result.exit_code == 1
    assert "is a link" in result.output and len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in elsewhere.iterdir()) == ["A.html", "a.html", "b.html"]
    assert all(p.read_text(encoding="utf-8") == "theirs" for p in elsewhere.iterdir())


@pytest.mark.posix
def test_site_does_not_follow_a_link_at_a_temporary_name(site_data, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("keep me", encoding="utf-8")
    out = tmp_path / "public"
    out.mkdir()
    for name in (".index.html.tmp", ".index.html.0a1b2c3d.tmp"):
        (out / name).symlink_to(outside)
    assert site(site_data, out).exit_code == 0
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert (out / "index.html").read_text(encoding="utf-8").startswith("<!")


@pytest.mark.posix
def test_site_refuses_a_link_where_a_page_goes(site_data, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("keep me", encoding="utf-8")
    out = tmp_path / "public"
    out.mkdir()
    (out / "index.html").symlink_to(outside)
    result = site(site_data, out)
    assert result.exit_code == 1 and "link" in result.output
    assert outside.read_text(encoding="utf-8") == "keep me" and (out / "index.html").is_symlink()


@pytest.mark.parametrize("where", ["data", "data/actions", "data/new", "root", "above"])
def test_site_refuses_the_data_folder_and_the_repository_root(site_data, where):
    root = site_data.parent
    out = {"data": site_data, "data/actions": site_data / "actions", "data/new": site_data / "new",
           "root": root, "above": root.parent}[where]
    before = sorted(str(p) for p in root.rglob("*"))
    result = site(site_data, out)
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(str(p) for p in root.rglob("*")) == before


def test_site_refuses_a_git_repository_root(site_data, tmp_path):
    out = tmp_path / "other-repo"
    (out / ".git").mkdir(parents=True)
    result = site(site_data, out)
    assert result.exit_code == 2 and "git repository" in result.output
    assert sorted(p.name for p in out.iterdir()) == [".git"]


def test_site_on_a_full_disk_leaves_no_temporary_file(site_data, tmp_path, monkeypatch):
    import errno

    import cap.store

    out = tmp_path / "public"
    assert site(site_data, out).exit_code == 0
    write_files(site_data, {"actions/1.2.yaml": action_yaml("1.2")})  # every page changes
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(cap.store.os, "fsync", fsync)
    result = site(site_data, out)
    assert result.exit_code == 1 and "No space left" in result.output
    assert calls["n"] > 3
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []


# ------------------------------------------------------------------ every shape of -o path


def _snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.posix
def test_no_shape_of_output_path_writes_into_the_data_folder(tmp_path, data_copy):
    """Paths made of the parts people and attackers use: the data folder's own names,
    `..`, `.`, links to the data folder, to a data file and to nowhere yet."""
    import itertools

    work = tmp_path / "work"
    work.mkdir()
    (work / "to-data").symlink_to(data_copy)
    (work / "to-actions").symlink_to(data_copy / "actions")
    (work / "to-file.md").symlink_to(data_copy / "actions" / "1.1.yaml")
    (work / "to-new.md").symlink_to(data_copy / "actions" / "8.8.yaml")
    (work / "to-up").symlink_to(tmp_path)
    before = _snapshot(data_copy)
    parts = ["to-data", "to-actions", "to-up", "..", ".", "data", "actions"]
    leaves = ["1.1.yaml", "themes.yaml", "x.md", "to-file.md", "to-new.md"]
    tried = written = 0
    for depth in (0, 1, 2):
        for middle in itertools.product(parts, repeat=depth):
            for leaf in leaves:
                path = work.joinpath(*middle, leaf)
                tried += 1
                try:
                    write_paper(path, "# not a plan file\n", data_copy)
                    written += 1
                except (OutputRefused, OSError):
                    pass
                assert _snapshot(data_copy) == before, path
    assert tried > 250 and written > 20  # many were written (outside), none into the data folder


def test_report_on_a_full_disk_leaves_no_temporary_file(cap_copy, tmp_path, monkeypatch):
    import errno

    import cap.store

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cap.store.os, "fsync", full)
    result = cap_copy("report", "--as-of", "2017-07-01", "-o", str(tmp_path / "plan.html"))
    assert result.exit_code == 1 and "No space left" in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == []
