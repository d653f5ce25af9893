"""The canonical writer's own node builder gives byte for byte what PyYAML's representer gives.

`cap validate` emits every file to check its format; `yamlio._node` builds the node tree
the libyaml emitter is given instead of PyYAML's pure-Python representer. These tests hold
the two to the same bytes over hostile texts and every shape a record takes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cap.yamlio import _emit, _emit_raw, _emit_reference, dump

# Texts that stress the emitter: YAML indicators, quotes, breaks of every kind, spaces at
# the edges, control characters, non-BMP characters, long words that cannot fold.
_PIECES = st.sampled_from(
    [" ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x00", "\x07", "\x1b", "\ufeff",
     "#", ": ", "- ", "? ", "'", '"', "\\", "|", ">", "&a", "*a", "!", "%", "@", "`", "{", "}", "[", "]", ",",
     "yes", "no", "null", "~", "true", "1.5", "0x1F", "2017-02-30", "2017-01-01", ".inf", "<<", "=", "---",
     "...", "é", "漢字", "😀", "\u200b", "x" * 90, "word " * 20, "a-long-unbroken-" * 8]
)
_TEXTS = st.one_of(
    st.text(max_size=120),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join),
)
_KEYS = st.one_of(st.sampled_from(["ref", "text", "date", "from", "to", "progress", "x" * 70]), _TEXTS)
_SCALARS = st.one_of(
    _TEXTS, st.booleans(), st.integers(), st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)
_RECORDS = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=6)


def _outcome(emit, data, quoted):
    try:
        return emit(data, quoted)
    except Exception as exc:  # noqa: BLE001 - both must refuse alike (a lone surrogate, say)
        return type(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_RECORDS, st.data())
@example({"text": " leading space, and long enough to be folded by the emitter at its width limit"}, None)
@example({"text": "ends in blank lines\n\n"}, None)
@example({"text": "line\u2028separator"}, None)
@example({"text": "y" * 60, "t": "z" * 61, "x" * 60: ["a b " * 15]}, None)
def test_the_node_builder_emits_what_the_representer_emits(data, draw):
    texts = sorted({v for v in _all_texts(data)})
    quoted_choices = [frozenset(), True]
    if texts and draw is not None:
        quoted_choices.append(frozenset(draw.draw(st.lists(st.sampled_from(texts), max_size=3))))
    for quoted in quoted_choices:
        assert _outcome(_emit_raw, data, quoted) == _outcome(_emit_reference, data, quoted)


def _all_texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _all_texts(k)
            yield from _all_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _all_texts(v)


def test_values_it_does_not_build_go_the_representers_way():
    data = {"ratio": 1.5, "when": dt.datetime(2017, 1, 2, 3, 4, 5), "nan": float("nan")}
    assert _emit_raw(data) == _emit_reference(data)
    assert dump({"ref": "4.4", "ratio": 2.25}) == "ref: '4.4'\nratio: 2.25\n"


@pytest.mark.parametrize("bad", ["\ud800 lone surrogate"])
def test_what_cannot_be_written_is_refused_the_same_way(bad):
    assert _outcome(_emit_raw, {"text": bad}, frozenset()) == _outcome(_emit_reference, {"text": bad}, frozenset())


# ------------------------------------------------------------------ the cheap depth look before parsing


def _nested_block(depth: int, indent: int = 2) -> str:
    return "".join(" " * (indent * i) + f"k{i}:\n" for i in range(depth)) + " " * (indent * depth) + "x: 1\n"


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100 + "]" * 100 + "\n",
        "a:\n" + "- " * 100 + "x\n",
        _nested_block(101),  # 200 spaces deep
        _nested_block(70, indent=3),
    ],
)
def test_a_text_nested_too_deep_is_refused_before_libyaml_composes_it(text):
    from cap.yamlio import YamlFault, parse

    with pytest.raises(YamlFault) as info:
        parse(text)
    assert info.value.code == "CAP003" and "nested more than 64 deep" in info.value.message


def test_a_text_nested_within_the_limit_is_read():
    from cap.yamlio import parse

    data = parse(_nested_block(60)).data
    for i in range(60):
        data = data[f"k{i}"]
    assert data == {"x": 1}
