"""Property: any action survives a save and a load unchanged, whatever its texts hold.

load(save(x)) == x over generated actions whose texts are built from what breaks naive
YAML: quotes, colons, `#`, a leading `-` or `*`, yes/no/null/on, 4.10, line breaks of
every kind, emoji, non-Latin scripts, leading and trailing spaces, tabs, control characters.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import pytest

from cap.loader import load_action_file
from cap.models import STATUSES, Action, ProgressEntry, SignOff, TargetRevision
from cap.safetext import control_problem
from cap.store import StoreError, canonical_text, save_action
from cap.updates import add_progress
from cap.yamlio import dump, parse

HOSTILE = [
    "'", '"', "''", ":", ": ", "key: value", "#", " # ", "- ", "-", "* ", "*", "? ", "&a", "!tag", "%", "@", "`",
    "|", ">", "[", "]", "{", "}", ",", "yes", "no", "Yes", "NO", "null", "Null", "~", "on", "off", "true",
    "4.10", "4.1", "1e3", "0x1F", "0o17", ".inf", "2017-01-31", "12:30", "---", "...",
    "\n", "\n\n", "\r", "\r\n", "\t", " ", "   ", "\u00a0", "\x85", "\u2028", "\u2029", "\ufeff", "\x07", "\x00",
    "🎉", "👩‍👧", "ਪੰਜਾਬੀ", "日本語", "Ελληνικά", "العربية", "é", "word", "Word words", "a" * 30, "C39ds [CPIs]",
]

fragments = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
any_texts = (
    st.lists(fragments, min_size=1, max_size=25)
    .map("".join)
    .filter(lambda t: any(not c.isspace() for c in t))  # a Text has something to read
)
#: What cap writes: no control character (cap/safetext.py); no line break in a name.
texts = any_texts.filter(lambda t: control_problem(t) is None)
names = texts.filter(lambda t: control_problem(t, one_line=True) is None)
ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,8}\Z")
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
targets = st.one_of(dates, st.just("ongoing"))
refs = st.builds(lambda a, b: f"{a}.{b}", st.integers(1, 12), st.integers(1, 120))

entries = st.builds(ProgressEntry, date=dates, text=texts, author=st.none() | names)
revisions = st.builds(
    lambda date, from_, to, reason: TargetRevision(date=date, from_=from_, to=to, reason=reason),
    dates, targets, targets, texts,
)
actions = st.builds(
    Action,
    ref=refs,
    theme=ids,
    scrs=st.lists(ids, max_size=3),
    all_scrs=st.booleans(),
    action=texts,
    lead=st.lists(names, min_size=1, max_size=3),
    target_date=targets,
    status=st.sampled_from(STATUSES),
    owner=st.none() | names,
    outcome=st.none() | texts,
    review_date=st.none() | dates,
    evidence=st.lists(texts, max_size=2),
    withdrawn_reason=st.none() | texts,
    signed_off=st.none() | st.builds(SignOff, date=dates, by=names),
    target_history=st.lists(revisions, max_size=2),
    progress=st.lists(entries, max_size=4),
)

#: CAP_HYPOTHESIS_EXAMPLES=5000 for a longer hunt than the 300 a normal run tries.
SETTINGS = settings(max_examples=int(os.environ.get("CAP_HYPOTHESIS_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(actions)
@example(Action(ref="4.10", theme="t", action=" leading space, and long enough to be folded by the writer " * 2,
                lead=["x"], target_date="ongoing", status="open"))
@example(Action(ref="1.1", theme="t", action="line\u2028separator", lead=["x"], outcome="para\u2029graph",
                target_date=dt.date(2017, 1, 1), status="open"))
def test_load_of_save_is_the_same_action(action):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        path = data / "actions" / f"{action.ref}.yaml"
        path.parent.mkdir(parents=True)
        save_action(path, action)
        loaded, problems = load_action_file(path, data)
        assert problems == []
        assert loaded == action
        text = path.read_text(encoding="utf-8")
        assert canonical_text(loaded) == text  # loading and saving an unchanged file: the same bytes


@pytest.mark.slow
@SETTINGS
@given(actions, texts)
@example(  # a last text ending in blank lines: PyYAML closed the file with `...`
    Action(ref="1.1", theme="t", action="a", lead=["l"], target_date="ongoing", status="open",
           progress=[ProgressEntry(date=dt.date(2000, 1, 1), text="'\n\n")]),
    "'",
)
def test_a_progress_entry_only_adds_lines(action, text):
    """Appending an entry (dated after the others) never rewrites a line already written."""
    last = max([e.date for e in action.progress], default=dt.date(2000, 1, 1))
    after = add_progress(action, text, today=dt.date(2031, 1, 1), date=max(last, dt.date(2030, 12, 31)))
    before_text, after_text = canonical_text(action), canonical_text(after)
    assert after_text.startswith(before_text)  # the first entry too: `progress:` is added, not changed


@pytest.mark.slow
@SETTINGS
@given(any_texts)
@example("next line\x85here")
@example("\x1b[2J")
def test_the_writer_keeps_every_text_exactly_even_one_cap_refuses(text):
    """The YAML writer itself never garbles a text, control characters included."""
    data = {"action": text, "lead": [text], "progress": [{"date": dt.date(2017, 1, 1), "text": text}]}
    assert parse(dump(data)).data == data


@pytest.mark.slow
@SETTINGS
@given(any_texts.filter(lambda t: control_problem(t) is not None), st.sampled_from(["action", "outcome", "lead", "evidence"]))
def test_a_text_holding_a_control_character_is_never_written(text, field):
    action = Action(ref="1.1", theme="t", action="a", lead=["l"], target_date="ongoing", status="open")
    action = action.model_copy(update={field: [text] if field in ("lead", "evidence") else text})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "1.1.yaml"
        try:
            save_action(path, action)
        except StoreError as exc:
            message = str(exc)
            assert "control character" in message or "line break" in message
            assert control_problem(message, one_line=True) is None  # shown escaped, never raw
        else:
            raise AssertionError("written")
        assert not path.exists() and os.listdir(folder) == []


def test_one_date_object_used_twice_is_written_twice_not_aliased():
    day = dt.date(2017, 6, 1)
    text = dump({"signed_off": {"date": day}, "progress": [{"date": day}]})
    assert "&" not in text and "*" not in text
    assert parse(text).data == {"signed_off": {"date": day}, "progress": [{"date": day}]}


def _mutations(data: dict) -> list[dict]:
    """Near misses of a record's data: each differs from it in one way `same` notices."""
    import copy

    found = [dict(reversed(list(data.items()))), {k: v for k, v in list(data.items())[1:]}, {**data, "extra": 1}]
    for key, value in data.items():
        changed = copy.deepcopy(data)
        if isinstance(value, str):
            changed[key] = value + "x"
        elif isinstance(value, dt.date):
            changed[key] = value.isoformat()  # the same day as a text
        elif isinstance(value, bool):
            changed[key] = int(value)  # True == 1, but not the same data
        elif isinstance(value, list) and value:
            changed[key] = value[:-1]
            if isinstance(value[-1], dict):
                inner = copy.deepcopy(value)
                inner[-1] = dict(reversed(list(inner[-1].items())))
                found.append({**data, key: inner})
        found.append(changed)
    return found


@pytest.mark.slow
@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 100))
@given(actions, actions)
def test_written_as_is_the_same_data_as_to_data_without_making_it(action, other):
    # `cap validate` settles the format check with written_as (cap/filechecks.py: file_checks).
    from cap.plaindata import same

    data = action.to_data()
    assert action.written_as(data)
    for candidate in [other.to_data(), *_mutations(data)]:
        assert action.written_as(candidate) == same(data, candidate), candidate
