"""The text rule's look at a file's bytes (cap.safetext.raw_texts) never hides a find.

Loading skips the walk over a file's texts when its bytes show that no text can hold a
control character or a line break; these tests hold the answer with that verdict to the
answer without it, over hostile texts written every way YAML can write them.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest

from cap.loader import parse_bytes
from cap.safetext import raw_texts, text_problems
from cap.yamlio import CanonicalDocument, dump

#: Characters that matter to the rule or to YAML's quoting and folding.
_HOSTILE = st.sampled_from(list("\x00\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x80\x85\x9b\x9d\x9f\xa0\u2028\u2029\ufeff"
                                "\\\"'|>#:-? \u00e9\U0001f600"))
_TEXT = st.text(st.one_of(_HOSTILE, st.characters(codec="utf-8", exclude_categories=("Cs",))), max_size=40)
_ONE_LINE = st.text(st.one_of(_HOSTILE, st.sampled_from(list("abc XYZ"))), max_size=12)


def _record(texts: list[str], names: list[str]) -> dict:
    return {
        "ref": "1.1",
        "action": texts[0] if texts else "x",
        "lead": names or ["NSCB"],
        "owner": names[0] if names else None,
        "progress": [{"date": "2017-01-01", "text": t, "author": n} for t, n in zip(texts, names)],
        "signed_off": {"by": names[-1], "date": "2017-02-01"} if names else None,
    }


def _same_answer(raw: bytes) -> None:
    doc, _problems = parse_bytes(raw, "x.yaml", collect=True)
    if doc is None:
        return
    verdict = raw_texts(raw)
    # A text cap.canonical read has its own verdict, sharper than the bytes' ("inert":
    # it takes no text with a control character or a line break); any other, the bytes'.
    assert doc.texts == ("inert" if isinstance(doc, CanonicalDocument) else verdict)
    for known in {verdict, doc.texts}:
        assert text_problems(doc.data, texts=known) == text_problems(doc.data), (raw, known)


_STYLES = st.sampled_from([None, '"', "'", "|", ">"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, max_size=4), names=st.lists(_ONE_LINE, max_size=4), style=_STYLES,
       width=st.sampled_from([20, 80, 10_000]), allow_unicode=st.booleans(), line_break=st.sampled_from([None, "\r\n", "\r"]))
def test_the_look_at_the_bytes_never_hides_a_find(texts, names, style, width, allow_unicode, line_break):
    data = _record(texts, names)
    try:
        written = yaml.dump(data, Dumper=yaml.SafeDumper, default_style=style, width=width, allow_unicode=allow_unicode,
                            line_break=line_break, sort_keys=False)
    except yaml.YAMLError:
        return
    _same_answer(written.encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_TEXT, max_size=4), names=st.lists(_ONE_LINE, max_size=4))
def test_the_canonical_writer_s_files_agree(texts, names):
    data = {k: v for k, v in _record(texts, names).items() if v is not None}
    _same_answer(dump(data).encode("utf-8"))


def test_hand_written_files():
    cases = {
        b"ref: '1.1'\nowner: Eve\n": "inert",
        b'ref: "1.1"\nowner: "Eve\\e[2J"\n': "unknown",  # an escape
        b'owner: "a\\nb"\n': "unknown",
        b"owner: |\n  a\n  b\n": "breaks",  # a block scalar keeps its line breaks
        b"owner: >\n  a\n\n  b\n": "breaks",
        b"owner: a\n\n  b\n": "breaks",  # an empty line in a plain scalar is a newline
        b"owner: 'a\n  \n  b'\n": "breaks",
        b"owner: a\r\n  b\r\n": "unknown",  # CRLF: a carriage return byte
        b"owner: a\xc2\x85b\n": "unknown",  # NEL, a C1 control and a YAML line break
        b"owner: a\xe2\x80\xa8b\n": "unknown",  # U+2028
        b"owner: a\xc2\xa0b\n": "inert",  # a no-break space is text
        b"action: caf\xc3\xa9\nowner: x\n": "inert",
    }
    for raw, verdict in cases.items():
        assert raw_texts(raw) == verdict, raw
        _same_answer(raw)
    doc, _ = parse_bytes(b"owner: a\n\n  b\n", "x.yaml")
    assert text_problems(doc.data, texts=doc.texts) == [(("owner",), "holds a line break at character 2 (it is a one-line field)")]
