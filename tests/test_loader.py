"""Loading: every bad file becomes a located Problem; good files become models."""

from __future__ import annotations

import io

import pytest

from cap.loader import MAX_FILE_BYTES, find_data_dir, load_plan, DataDirNotFound, read_limited
from tests.conftest import action_yaml, write_files


def problems_for(small_data, content) -> list[str]:
    write_files(small_data.parent, {"data/actions/1.2.yaml": content})
    plan, problems = load_plan(small_data)
    assert [a.ref for a in plan.actions] == ["1.1"]  # the bad file is left out, the good one kept
    return [p.text() for p in problems]


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"", "data/actions/1.2.yaml:1:1: error: CAP004 file is empty"),
        (b"- a\n- b\n", "data/actions/1.2.yaml:1:1: error: CAP005 expected a mapping of keys, found a list"),
        (b"ref: '1.2'\naction: caf\xe9\n", "data/actions/1.2.yaml:2:12: error: CAP002 not UTF-8 text (byte 0xe9)"),
        (action_yaml("1.2", lead=None), "data/actions/1.2.yaml:1:1: error: CAP102 missing required key `lead`"),
        (action_yaml("1.2", all_scrs="'no'"), "data/actions/1.2.yaml:4:11: error: CAP103 `all_scrs` must be true or false (found 'no')"),
        (action_yaml("1.2", target_date="soon"), "data/actions/1.2.yaml:7:14: error: CAP103 `target_date` must be a date (2017-06-01) or `ongoing`, not 'soon'"),
        (action_yaml("1.2", progress="\n- date: 2017-01-01\n  txt: hi"), "data/actions/1.2.yaml:11:3: error: CAP101 unknown key `progress.0.txt` (did you mean `text`?)"),
        (action_yaml("1.3"), "data/actions/1.2.yaml:1:6: error: CAP106 ref '1.3' does not match the file name '1.2.yaml'"),
        (action_yaml("1.2", action="'   '"), "data/actions/1.2.yaml:5:9: error: CAP103 `action` must not be blank"),
    ],
)
def test_bad_files_are_located_problems(small_data, content, expected):
    found = problems_for(small_data, content)
    assert any(p.startswith(expected) for p in found), found


def test_oversized_file_is_refused_before_parsing(small_data):
    found = problems_for(small_data, b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    assert found[0].startswith("data/actions/1.2.yaml:1:1: error: CAP001 file is")


@pytest.mark.parametrize("size,told", [(0, 0), (10, 10), (10, 4), (10, 0), (MAX_FILE_BYTES, MAX_FILE_BYTES)])
def test_read_limited_reads_the_whole_file_even_when_it_grew(size, told):
    assert read_limited(io.BytesIO(b"x" * size).read, told) == b"x" * size


@pytest.mark.parametrize("told", [0, 100, MAX_FILE_BYTES])
def test_read_limited_stops_one_byte_past_the_limit(told):
    # A file that grew past the limit after `stat` looked at it reads as one byte too long
    # (so it is refused as too large), never as the whole of what is there.
    assert len(read_limited(io.BytesIO(b"x" * (MAX_FILE_BYTES + 5000)).read, told)) == MAX_FILE_BYTES + 1


def test_read_limited_asks_for_the_size_not_the_limit():
    # Asking for the limit at once sets aside a megabyte for every file (a tenth of a
    # large plan's load): the first read asks for the size `stat` gave, and one byte more.
    asked = []

    class Recording(io.BytesIO):
        def read(self, n=-1):
            asked.append(n)
            return super().read(n)

    assert read_limited(Recording(b"abc").read, 3) == b"abc"
    assert asked == [4]


def test_non_yaml_files_are_not_loaded(small_data):
    write_files(small_data.parent, {"data/actions/notes.txt": "hello", "data/actions/1.1.yaml.bak": "x: ["})
    plan, problems = load_plan(small_data)
    assert problems == [] and len(plan.actions) == 1


def test_find_data_dir_order(tmp_path):
    write_files(tmp_path, {"one/data/themes.yaml": "themes: []\n", "two/themes.yaml": "themes: []\n"})
    cwd = tmp_path / "one" / "sub"
    cwd.mkdir()
    assert find_data_dir(None, {}, cwd) == tmp_path / "one" / "data"
    assert find_data_dir(None, {"CAP_DATA": str(tmp_path / "two")}, cwd) == tmp_path / "two"
    assert find_data_dir(tmp_path / "two", {"CAP_DATA": "nowhere"}, cwd) == tmp_path / "two"
    with pytest.raises(DataDirNotFound):
        find_data_dir(None, {}, tmp_path)
