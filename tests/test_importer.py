"""The importer's core: reading cells, mapping them, and a property round trip."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cap.importer import prepare_import
from cap.importer.build import parse_lead, parse_progress, parse_scrs, parse_status, slug
from cap.importer.rows import decode, detect_kind
from cap.importer.text import read_text_rows
from cap.models import Action, ProgressEntry, SignOff, TargetRevision
from cap.scaffold import create_repository

D = dt.date(2017, 1, 31)


@pytest.mark.parametrize(
    "text,expected",
    [("All", ([], True)), ("M (and All)", (["M"], True)), ("m (AND all)", (["m"], True)),
     ("K,O,P,Q,R", (list("KOPQR"), False)), (" D , L ", (["D", "L"], False)), ("D, D", (["D"], False)),
     ("Case Q, case R", (["Q", "R"], False)), ("Q, All", (["Q"], True)), ("", ([], False))],
)
def test_parse_scrs(text, expected):
    assert parse_scrs(text) == expected


@pytest.mark.parametrize("text", ["K and O", "K & O", "Q?"])
def test_parse_scrs_refuses_what_is_not_a_case_letter(text):
    with pytest.raises(ValueError, match="is not a case letter"):
        parse_scrs(text)


def test_parse_lead():
    assert parse_lead("Health/NSCB") == ["Health", "NSCB"]
    assert parse_lead(" All partners ") == ["All partners"]
    assert parse_lead("/") == []


@pytest.mark.parametrize("text,status", [("In progress", "in-progress"), ("COMPLETE", "complete"),
                                         ("Completed", "complete"), ("in_progress", "in-progress"),
                                         ("Withdrawn", "withdrawn"), ("Not started", "open")])
def test_parse_status(text, status):
    assert parse_status(text) == status


def test_parse_progress_narrative_and_log():
    assert parse_progress("", D, False) == []
    assert parse_progress("Audit done.", D, False) == [ProgressEntry(date=D, text="Audit done.")]
    log = "2017-01-31: First.\n2017-03-01: Second,\nstill second.\n2017-04-01: Third (NSCB)"
    assert parse_progress(log, dt.date(2017, 4, 1), True) == [
        ProgressEntry(date=D, text="First."),
        ProgressEntry(date=dt.date(2017, 3, 1), text="Second,\nstill second."),
        ProgressEntry(date=dt.date(2017, 4, 1), text="Third (NSCB)"),
    ]
    assert len(parse_progress(log, D, False)) == 3  # no Progress date column: two entries or more


def test_a_narrative_that_starts_with_a_date_keeps_its_words():
    text = "2017-03-01: meeting held."
    assert parse_progress(text, D, False) == [ProgressEntry(date=D, text=text)]
    assert parse_progress(text, D, True) == [ProgressEntry(date=D, text=text)]
    assert parse_progress(text, dt.date(2017, 3, 1), True) == [
        ProgressEntry(date=dt.date(2017, 3, 1), text="meeting held.")]


def test_a_log_with_an_impossible_date_is_refused():
    with pytest.raises(ValueError, match="'2017-02-30' is not a real date"):
        parse_progress("2017-01-31: a\n2017-02-30: b", D, False)


def test_decode_encodings():
    assert decode("Children’s".encode("utf-8-sig"), "f")[0] == "Children’s"
    assert decode("Children’s £5".encode("cp1252"), "f")[0] == "Children’s £5"
    assert decode("\ufeffRef\tAction".encode("utf-16-le"), "f")[0] == "Ref\tAction"
    assert decode(b"a\x0bb\x0cc", "f")[0] == "a b c"  # Word's line and page breaks


@pytest.mark.parametrize("raw,code", [(b"", "CAP802"), (b" \n\t\n", "CAP802"), (b"a\x00b", "CAP801"),
                                      (b"a\x1bb\x01" * 5, "CAP801"), (b"%PDF-1.4", "CAP801"),
                                      (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "CAP801")])
def test_decode_refuses(raw, code):
    text, problems = decode(raw, "f")
    assert text is None and [p.code for p in problems] == [code]


def test_detect_kind():
    assert detect_kind("plan.csv", "a\tb") == "csv"
    assert detect_kind("plan.txt", "a,b") == "text"
    assert detect_kind("plan", "a\tb") == "text"
    assert detect_kind("plan", "a,b") == "csv"
    assert detect_kind("plan.txt", "a,b", "csv") == "csv"


def test_text_rows_split_only_on_tabs_and_line_ends():
    rows = read_text_rows('a\t"b\tc\r\nno tabs\u2028here\rx\ty')
    assert [r.cells for r in rows] == [["a", '"b', "c"], ["no tabs\u2028here"], ["x", "y"]]
    assert [r.tabbed for r in rows] == [True, False, True]


def test_slug():
    assert slug("Ownership and accountability: management grip") == "ownership-and-accountability-management-grip"
    assert slug("!!!") == "theme"


# ------------------------------------------------------------------ property: CSV -> actions


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    root = tmp_path_factory.mktemp("fresh")
    create_repository(root)
    return root / "data"


words = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "S"), exclude_characters="\u2028\u2029"),
    min_size=1,
    max_size=40,
).map(str.strip).filter(bool)
lead_words = words.filter(lambda w: "/" not in w and "," not in w)
#: Texts on several lines; a line may start with spaces, a date or `2: ` (what the CSV uses itself).
line_starts = st.sampled_from(["", " ", "  ", "   ", "2017-01-01: ", "  2017-01-01: ", "2: ", "- "])
lines = st.builds(lambda start, word: (start + word).rstrip(), line_starts, words)
texts = st.one_of(words, st.lists(lines, min_size=2, max_size=3).map("\n".join).map(str.strip).filter(bool))
#: A name (an author, who signed off) is one line (cap/safetext.py).
names = words
days = st.dates(min_value=dt.date(2010, 1, 1), max_value=dt.date(2030, 12, 31))
TODAY = dt.date(2030, 12, 31)  # nothing generated is after it
targets = st.one_of(days, st.just("ongoing"))


@st.composite
def actions(draw):
    theme, number = draw(st.sampled_from([("curiosity", 1), ("accountability", 4)]))
    entries = sorted(draw(st.lists(st.builds(ProgressEntry, date=days, text=texts, author=st.none() | names),
                                   max_size=3)), key=lambda e: e.date)
    status = draw(st.sampled_from(["open", "in-progress", "complete", "closed", "withdrawn"]))
    revisions = sorted(draw(st.lists(st.builds(lambda d, f, t, r: TargetRevision(date=d, from_=f, to=t, reason=r),
                                               days, targets, targets, texts), max_size=2)), key=lambda r: r.date)
    return Action(
        ref=f"{number}.{draw(st.integers(1, 30))}",
        theme=theme,
        scrs=draw(st.lists(st.sampled_from(list("DIJKLMNOPQRS")), unique=True, max_size=4)),
        all_scrs=draw(st.booleans()),
        action=draw(words),
        lead=draw(st.lists(lead_words, min_size=1, max_size=3)),
        target_date=draw(targets),
        status=status,
        withdrawn_reason=draw(texts) if status == "withdrawn" else draw(st.none() | texts),
        signed_off=draw(st.builds(SignOff, date=days, by=names)) if status == "closed" else None,
        target_history=revisions,
        progress=entries,
    )


TITLES = {"curiosity": "Professional curiosity", "accountability": "Ownership and accountability: management grip"}


def _dated_like_a_log(day: dt.date, text: str) -> list[Action]:
    return [Action(ref="1.1", theme="curiosity", action="a", lead=["l"], target_date="ongoing", status="open",
                   progress=[ProgressEntry(date=day, text=text, author="2: x")])]


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(actions(), min_size=1, max_size=5, unique_by=lambda a: a.ref), st.booleans())
@example(_dated_like_a_log(dt.date(2017, 3, 1), "2017-03-01: meeting held.\n  2017-03-02: and after"), False)
@example(_dated_like_a_log(dt.date(2017, 3, 1), "2017-03-01: meeting held.\n  2017-03-02: and after"), True)
def test_report_csv_imports_back_to_the_same_actions(fresh, plan, full):
    """Whatever the report's CSV holds imports back to the same actions, which validate
    (the prepared import has passed `cap validate`'s checks, or it would report problems)."""
    from cap.models import Plan, Theme
    from cap.query import Filters
    from cap.reports import render
    from cap.reports.model import build_report

    themes = [Theme(id="curiosity", number=1, title=TITLES["curiosity"]),
              Theme(id="accountability", number=4, title=TITLES["accountability"])]
    report = build_report(Plan(themes=themes, scrs=[], actions=list(plan)), Filters(), D, full=full)
    text = render(report, "csv")
    outcome, problems = prepare_import(fresh, text.encode("utf-8"), "report.csv", progress_date=D, today=TODAY)
    assert problems == []
    from cap.models import natural_key

    in_order = sorted(plan, key=lambda a: natural_key(a.ref))  # a report lists actions in ref order
    expected = [a if full else a.model_copy(update={"progress": a.progress[-1:]}) for a in in_order]
    assert outcome.created == expected
