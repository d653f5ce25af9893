"""Nothing of the user's is overwritten through -o (issue 21): no paper into the data
folder or through a link into it, and a cut-off run's temporary file is swept."""

from __future__ import annotations

import os

import pytest

from cap.outputs import OutputRefused, check_output, refusal, stale_temps, write_paper
from tests.conftest import Cap


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


def test_report_does_not_write_through_a_link_into_the_data_folder(cap_copy, data_copy, tmp_path):
    before = (data_copy / "actions" / "1.1.yaml").read_bytes()
    link = tmp_path / "link.md"
    link.symlink_to(data_copy / "actions" / "1.1.yaml")
    result = cap_copy("report", "-o", str(link))
    assert result.exit_code == 2, result.output
    assert "through a link" in result.output
    assert (data_copy / "actions" / "1.1.yaml").read_bytes() == before
    assert link.is_symlink()


def test_a_dangling_link_into_the_data_folder_is_refused(cap_copy, data_copy, tmp_path):
    link = tmp_path / "new.md"
    link.symlink_to(data_copy / "actions" / "7.7.yaml")
    result = cap_copy("report", "-o", str(link))
    assert result.exit_code == 2
    assert not (data_copy / "actions" / "7.7.yaml").exists()


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
