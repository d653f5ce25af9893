"""Safe YAML reading with positions, and the canonical writer."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from cap.yamlio import YamlFault, dump, parse


def fault(text: str) -> YamlFault:
    with pytest.raises(YamlFault) as info:
        parse(text)
    return info.value


def test_positions_point_at_values_and_keys():
    doc = parse("a: 1\nprogress:\n- date: 2017-01-01\n  text: hi\n")
    assert doc.position(("progress", 0, "text")) == (4, 9)
    assert doc.position(("progress", 0, "text"), key=True) == (4, 3)
    assert doc.position(("progress", 5)) == (3, 1)  # deepest existing node
    assert doc.source_text(("a",)) == "1"


def test_duplicate_keys_are_refused_with_both_lines():
    f = fault("a: 1\nb: 2\na: 3\n")
    assert (f.code, f.line, f.col) == ("CAP006", 3, 1)
    assert "first at line 1" in f.message


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    f = fault(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert f.code == "CAP007" and "!!python/object/apply:os.system" in f.message
    assert not marker.exists()
    assert fault("a: !custom 1\n").code == "CAP007"
    assert fault("a: !!binary aGk=\n").code == "CAP007"


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    start = time.process_time()
    assert fault("\n".join(lines) + "\n").code == "CAP008"
    assert time.process_time() - start < 5  # a generous bound: expansion would take forever


def test_merge_keys_are_refused():
    assert fault("a: &x {b: 1}\nc:\n  <<: {d: 2}\n").code in {"CAP008"}


def test_syntax_error_has_line_and_column():
    f = fault("a: [1, 2\nb: 3\n")
    assert f.code == "CAP003" and f.line == 2


def test_impossible_date_is_located():
    f = fault("x: 1\nd: 2017-02-31\n")
    assert (f.code, f.line, f.col) == ("CAP103", 2, 4)


@pytest.mark.parametrize(
    "text",
    [
        "yes", "no", "null", "on", "4.10", "1e3", "2017-01-01", "- leading dash", "* star", "# hash",
        "key: value", "trailing space ", " leading space", "multi\nline\n", "emoji 🎉 and ਪੰਜਾਬੀ",
        "quote ' and \" both", "x" * 200, "word " * 30 + "end", "a\n\n  indented\n", "tab\there",
        "", "~", "!important", "&anchor", "%percent", "@at", "`tick", "line\r\nwindows",
    ],
)
def test_dump_reads_back_exactly(text):
    data = {"text": text, "d": dt.date(2017, 1, 31), "n": [text]}
    assert parse(dump(data)).data == data


def test_dump_is_stable():
    data = {"ref": "4.10", "text": "word " * 30, "list": ["a", "b"]}
    once = dump(data)
    assert dump(parse(once).data) == once
    assert once.startswith("ref: '4.10'\n")


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "a: " + "{b: " * 100_000 + "c" + "}" * 100_000 + "\n",
        "- " * 200_000 + "x\n",
        "? " * 100_000 + "x\n",
        "- &a " * 50_000 + "x\n",
        "".join(" " * i + "- \n" for i in range(0, 1_400, 2)),
    ],
    ids=["flow-seq", "flow-map", "compact-seq", "complex-keys", "anchored", "indented"],
)
def test_hostile_nesting_is_refused_not_a_crash(text):
    """libyaml composes recursively in C: without the depth guard these crash the process."""
    f = fault(text)
    assert f.code in {"CAP003", "CAP008"}


def test_tags_must_fit_their_node():
    assert fault("a: !!str {b: 1}\n").code == "CAP007"
    assert fault("a: !!seq {b: 1}\n").code == "CAP007"
    assert fault("a: !!map [1]\n").code == "CAP007"
    assert fault("a: !!set {b}\n").code == "CAP007"
    assert parse("a: !!str 4.10\n").data == {"a": "4.10"}


def test_scalars_of_the_core_schema():
    doc = parse("i: 0x1F\nf: 1.5\nb: yes\nn: ~\nd: 2017-01-31\nt: 2017-01-31 10:00:00\n")
    assert doc.data == {"i": 31, "f": 1.5, "b": True, "n": None, "d": dt.date(2017, 1, 31),
                        "t": dt.datetime(2017, 1, 31, 10, 0)}
