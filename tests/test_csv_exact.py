"""Whitespace at a text's edges survives `cap report --format csv` then `cap import`
(issue 21): `\\t=1+1` lost its tab, `  Started.\\t` its spaces and tab. The CSV carries
such texts exactly in an `Exact texts` column (cap/importer/exact.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cap.importer.exact import exact_texts, needs_exact, restore
from cap.models import Action, ProgressEntry, SignOff, TargetRevision
from cap.store import canonical_text
from tests.conftest import Cap

SCRS = "scrs:\n- id: D\n  title: Case D\n  kind: scr\n"


def plan(tmp_path: Path, action: Action, name: str = "repo") -> Path:
    assert Cap()("init", str(tmp_path / name)).exit_code == 0
    data = tmp_path / name / "data"
    (data / "scrs.yaml").write_text(SCRS, encoding="utf-8")
    (data / "actions" / f"{action.ref}.yaml").write_text(canonical_text(action), encoding="utf-8")
    return data


def round_trip(tmp_path: Path, data: Path, *full: str, kind: str = "csv") -> Path:
    out = tmp_path / f"plan.{kind}"
    result = Cap(data)("report", "--as-of", "2017-12-01", "--format", kind, *full, "-o", str(out))
    assert result.exit_code == 0, result.output
    again = tmp_path / "again"
    assert Cap()("init", str(again)).exit_code == 0
    result = Cap(again / "data")("import", str(out), "--progress-date", "2017-12-01")
    assert result.exit_code == 0, result.output
    return again / "data"


def action(text="\t=1+1", progress="  Started.\t", **more) -> Action:
    return Action(ref="1.1", theme="curiosity", scrs=["D"], action=text, lead=["NSCB"],
                  target_date=dt.date(2017, 12, 1), status="in-progress", opened=dt.date(2017, 1, 1),
                  progress=[ProgressEntry(date=dt.date(2017, 2, 1), text=progress)], **more)


def test_a_tab_leading_text_comes_back_with_its_tab(tmp_path):
    data = plan(tmp_path, action())
    assert Cap(data)("validate", "--as-of", "2017-12-01", "--strict").exit_code == 0
    for name, full in (("short", []), ("full", ["--full"])):
        (tmp_path / name).mkdir()
        again = round_trip(tmp_path / name, data, *full)
        assert (again / "actions" / "1.1.yaml").read_bytes() == (data / "actions" / "1.1.yaml").read_bytes()
        first, second = (tmp_path / name / "plan.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
        assert first.endswith(",Exact texts") and ",'\t=1+1," in second   # still inert for a spreadsheet


def test_the_workbook_round_trip_keeps_the_edges_too(tmp_path):
    data = plan(tmp_path, action(withdrawn_reason=None))
    for name, full in (("short", []), ("full", ["--full"])):
        (tmp_path / name).mkdir()
        again = round_trip(tmp_path / name, data, *full, kind="xlsx")
        assert (again / "actions" / "1.1.yaml").read_bytes() == (data / "actions" / "1.1.yaml").read_bytes()


def test_a_plan_without_such_texts_gets_no_extra_column(tmp_path):
    data = plan(tmp_path, action(text="Do it.", progress="Started."))
    out = tmp_path / "plan.csv"
    assert Cap(data)("report", "--as-of", "2017-12-01", "--format", "csv", "-o", str(out)).exit_code == 0
    assert "Exact texts" not in out.read_text(encoding="utf-8-sig")


def test_an_edited_cell_is_taken_as_it_is():
    a = action(text="Do it now.")
    notes = restore(a, exact_texts({"action": " Do it. "}))
    assert a.action == "Do it now." and notes == [
        "1.1: action differs from the Exact texts cell (edited since?): the cell is taken"]
    assert restore(a, "not json") == ["1.1: the Exact texts cell is not what cap report wrote: ignored"]


edges = st.sampled_from(["", " ", "  ", "\t", " \t", "\n", "\t=", "'"])
words = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1,
                max_size=12).filter(lambda t: t.strip())
texts = st.builds(lambda a, w, b: a + w + b, edges, words, edges).filter(lambda t: t.strip())


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, progress=texts, reason=texts, by=texts.filter(lambda t: "\n" not in t))
@example(text="\t=1+1", progress="\n0", reason=" moved ", by="\tA ")
def test_every_text_with_any_edges_round_trips_through_csv(tmp_path_factory, text, progress, reason, by):
    tmp_path = tmp_path_factory.mktemp("rt")
    a = action(text=text, progress=progress,
               target_history=[TargetRevision(date=dt.date(2017, 3, 1), from_=dt.date(2017, 6, 1),
                                              to=dt.date(2017, 12, 1), reason=reason)])
    a.progress[0].author = by
    data = plan(tmp_path, a)
    result = Cap(data)("validate", "--as-of", "2017-12-01")
    assert result.exit_code == 0, result.output   # a plan cap accepts
    again = round_trip(tmp_path, data, "--full")
    assert (again / "actions" / "1.1.yaml").read_text(encoding="utf-8") == \
        (data / "actions" / "1.1.yaml").read_text(encoding="utf-8")


def test_needs_exact():
    assert [needs_exact(t) for t in ["a b", "a\nb", " a", "a ", "a  b", "a\tb", "a \nb", None]] == \
        [False, False, True, True, True, True, True, False]
