"""cap.canonical: the canonical format written and read in Python, held to libyaml.

Two promises, each over hypothesis-generated records and texts (hostile ones, and ones
shaped like a plan's files, which it must take):

- `write(data)` is None, or byte for byte what the libyaml emitter writes, and that text
  reads back (by libyaml) as exactly `data`: same keys in the same order, same types;
- `read(text)` is None, or exactly what libyaml reads from `text`.

And the point of it: every file of the real plan, and what cap writes, is taken by it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cap import canonical
from cap.plaindata import same
from cap.yamlio import YamlFault, _emit_libyaml, dump, parse, parse_nodes
from tests.test_emit_fast import _RECORDS

ROOT = Path(__file__).resolve().parents[1]

# Texts like an agency's: words, digits, punctuation, the odd accent or quote; lengths
# around the folding limit (60) and the width (80), long unbroken words.
_WORD = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ0123456789", min_size=1, max_size=12),
    st.sampled_from(["MASH", "C39ds", "[now", "CPIs]", "child's", "11:", "e.g.", "#3", "-", "50%", "é", "£5",
                     "O'Neil", "yes", "null", "4.4", "2017-01-31", "'quoted'", '"dq"', "a:b", "—", "x" * 85]),
)
_PLAIN_TEXT = st.lists(_WORD, min_size=1, max_size=40).map(" ".join)
_SHORT = st.one_of(_PLAIN_TEXT.filter(lambda t: len(t) <= 60), st.sampled_from(["", "4.10", "yes", "in-progress"]))
_SCALAR = st.one_of(
    _PLAIN_TEXT, _SHORT, st.dates(min_value=dt.date(1000, 1, 1)), st.booleans(), st.integers(-10**6, 10**30),
    st.none(),
)
_ENTRY = st.dictionaries(st.sampled_from(["date", "text", "author", "from", "to", "reason"]), _SCALAR, min_size=1,
                         max_size=4)
_FIELD = st.one_of(_SCALAR, st.lists(_SHORT, max_size=4), st.lists(_ENTRY, max_size=4),
                   st.lists(_PLAIN_TEXT, max_size=2), _ENTRY, st.just({}))
_PLANLIKE = st.dictionaries(
    st.sampled_from(["ref", "theme", "scrs", "all_scrs", "action", "lead", "target_date", "status", "progress",
                     "impact", "opened", "n", "on", "x_1"]),
    _FIELD, min_size=1, max_size=10,
)
_ANY_RECORD = st.one_of(_PLANLIKE, _RECORDS)

_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _libyaml_read(text: str):
    """What libyaml reads from `text`, or the kind of its refusal."""
    try:
        return repr(parse_nodes(text).data)
    except YamlFault as fault:
        return f"refused {fault.code}"


@pytest.mark.slow
@_SETTINGS
@given(_ANY_RECORD)
@example({"ref": "4.4", "scrs": [], "impact": {}, "lead": ["MASH"], "progress": [{"date": dt.date(2017, 1, 31)}]})
@example({"text": "word " * 15 + "x" * 90 + " tail"})
@example({"k": "-x"})
@example({"k": "a" * 60, "kk": "b" * 61})
def test_write_is_libyamls_text_and_reads_back_as_its_data(data):
    text = canonical.write(data)
    if text is None:
        return
    assert text == _emit_libyaml(data)
    assert _libyaml_read(text) == repr(data)


def _mutated(draw, text: str) -> str:
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from([" ", "  ", "\n", "\n\n", "#", ": ", "'", "''", "- ", "-", ">", "|", "x", "\t",
                                      "&a ", "*a", "!!str ", "{", "[", "...", "---\n", "\r"]))
        if draw(st.booleans()):
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + text[at + len(piece):]
    return text


@st.composite
def _texts(draw) -> str:
    data = draw(_ANY_RECORD)
    text = canonical.write(data) or _emit_libyaml(data)
    return _mutated(draw, text)


#: Texts made of the lines the reader knows (and near misses), in any order and nesting.
_LINES = st.sampled_from(["a: >-", "b:", "- >-", "- a: b", "- c:", "  x", "    y x", "  - d", "b: 'c''d'", "a: x",
                          "- x", "", " ", "a: 2017-02-30", "a: [1]", "a:b", "  a: >-", "-", "a: ''"])
_YAMLISH = st.lists(_LINES, max_size=12).map(lambda lines: "".join(line + "\n" for line in lines))


@pytest.mark.slow
@_SETTINGS
@given(st.one_of(_texts(), _YAMLISH))
@example("ref: '4.4'\nref: '4.5'\n")  # a duplicate key
@example("a:\n  b: 1\n c: 2\n")
@example("a: >-\n  x\n\n  y\n")
@example("d: 2017-02-30\n")
@example("a: b # c\n")
@example("a: 'it''s'\n")
@example("a:\n- - b\n")
@example("a: >-\n")  # a block with no lines, the text's last line
@example("a:\n- >-\n")
def test_read_is_what_libyaml_reads_or_nothing(text):
    data = canonical.read(text)
    if data is None:
        return
    assert _libyaml_read(text) == repr(data)
    assert canonical.write(data) == text


def _plan_files() -> list[Path]:
    return [*sorted((ROOT / "data" / "actions").glob("*.yaml")), ROOT / "data" / "themes.yaml",
            ROOT / "data" / "scrs.yaml"]


@pytest.mark.parametrize("path", _plan_files(), ids=lambda p: p.name)
def test_every_file_of_the_real_plan_is_read_without_libyaml(path):
    text = path.read_text("utf-8")
    data = canonical.read(text)
    assert data is not None
    assert repr(data) == repr(parse_nodes(text).data)


@pytest.mark.slow
@_SETTINGS
@given(_PLANLIKE)
def test_what_cap_writes_is_read_back_without_libyaml_when_written_without_it(data):
    text = dump(data)
    if canonical.write(data) is not None:
        assert canonical.read(text) is not None


def test_a_canonical_document_places_a_value_as_libyaml_does():
    text = (ROOT / "data" / "actions" / "4.4.yaml").read_text("utf-8")
    quick, slow = parse(text), parse_nodes(text)
    assert quick is not slow and type(quick).__name__ == "CanonicalDocument"
    assert quick.faults == [] and quick.texts == "inert"
    for loc in [("status",), ("progress", 0, "text"), ("lead", 0), ("action",)]:
        assert quick.position(loc) == slow.position(loc)
        assert quick.source_text(loc) == slow.source_text(loc)


@pytest.mark.parametrize(
    "text",
    [
        "# yaml-language-server: $schema=x\nref: '4.4'\n",  # a header comment: the body is read
    ],
)
def test_a_header_comment_is_no_obstacle(text):
    assert type(parse(text)).__name__ == "CanonicalDocument"
    assert parse(text).data == {"ref": "4.4"}


def test_a_text_not_in_the_canonical_format_goes_to_libyaml():
    for text in ["ref: \"4.4\"\n", "ref: '4.4'", "a: 1\n\n", "a: [1, 2]\n", "a: !!str x\n", "a: yes\n"]:
        assert canonical.read(text) is None
        assert type(parse(text)).__name__ == "Document"


@pytest.mark.slow
@_SETTINGS
@given(_ANY_RECORD, _ANY_RECORD)
def test_same_is_equality_with_order_and_types(a, b):
    import copy

    assert same(a, copy.deepcopy(a))
    assert same(a, b) == (repr(a) == repr(b))
    swapped = dict(reversed(list(a.items())))
    assert same(a, swapped) == (list(a) == list(swapped) and repr(a) == repr(swapped))


@pytest.mark.slow
@_SETTINGS
@given(st.one_of(_YAMLISH, _texts()))
@example("a: >-\n")
def test_read_never_raises(text):
    """Whatever the text, `read` answers (data or None): it runs on every file cap loads."""
    canonical.read(text)
