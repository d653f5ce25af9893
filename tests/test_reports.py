"""The report core (BRAG, staleness, the Report value) and each renderer, without the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cap.loader import load_plan
from cap.models import Action, Plan, ProgressEntry, TargetRevision, Theme
from cap.query import Filters, brag, is_stale
from cap.reports import ReportError, build_report, format_for_path, normalise_format, render
from cap.reports import csv as csv_format
from cap.templating import escape as html_escape
from cap.reports.markdown import escape as md_escape
from tests.conftest import DATA

D = dt.date


@pytest.fixture(scope="module")
def plan() -> Plan:
    plan, problems = load_plan(DATA)
    assert not problems
    return plan


def make(ref="1.1", target: D | str = D(2017, 6, 1), status="in-progress", progress=(), history=(), **kw) -> Action:
    return Action(
        ref=ref, theme=kw.pop("theme", "curiosity"), scrs=kw.pop("scrs", ["A"]), action=kw.pop("action", "Do it."),
        lead=kw.pop("lead", ["NSCB"]), target_date=target, status=status,
        progress=[ProgressEntry(date=d, text=t) for d, t in progress],
        target_history=list(history), **kw,
    )


THEMES = [Theme(id="curiosity", number=1, title="Professional curiosity"),
          Theme(id="accountability", number=4, title="Ownership and accountability: management grip")]


# ------------------------------------------------------------------ BRAG


@pytest.mark.parametrize("status,target,as_of,expected", [
    ("closed", D(2017, 1, 1), D(2018, 1, 1), "Blue"),
    ("complete", D(2017, 1, 1), D(2018, 1, 1), "Blue"),          # past its date but delivered
    ("in-progress", D(2017, 6, 1), D(2017, 6, 2), "Red"),        # the day after the target
    ("open", D(2017, 6, 1), D(2017, 6, 1), "Amber"),             # the target day itself
    ("in-progress", D(2017, 6, 1), D(2017, 5, 2), "Amber"),      # 30 days ahead
    ("in-progress", D(2017, 6, 1), D(2017, 5, 1), "Green"),      # 31 days ahead
    ("in-progress", "ongoing", D(2030, 1, 1), "Green"),
    ("withdrawn", D(2017, 1, 1), D(2018, 1, 1), None),
])
def test_brag_rules(status, target, as_of, expected):
    assert brag(make(status=status, target=target), as_of) == expected


def test_amber_window_is_a_parameter():
    action = make(target=D(2017, 6, 1))
    assert brag(action, D(2017, 5, 1), amber_days=31) == "Amber"
    assert brag(action, D(2017, 5, 30), amber_days=0) == "Green"


def test_a_revised_target_is_amber_but_red_wins():
    revised = make(target=D(2017, 12, 1), history=[TargetRevision(
        date=D(2017, 5, 1), from_=D(2017, 6, 1), to=D(2017, 12, 1), reason="Waiting for the audit.")])
    assert brag(revised, D(2017, 7, 1)) == "Amber"
    assert brag(revised, D(2018, 1, 1)) == "Red"


def test_stale_means_no_entry_on_or_after_the_date():
    action = make(progress=[(D(2017, 1, 31), "Started.")])
    assert is_stale(action, D(2017, 2, 1))
    assert not is_stale(action, D(2017, 1, 31))
    assert is_stale(make(), D(2000, 1, 1))                                   # no progress at all
    assert not is_stale(make(status="complete"), D(2030, 1, 1))              # nothing left to report


# ------------------------------------------------------------------ the Report value, real data


def test_headline_on_the_real_data(plan):
    report = build_report(plan, Filters(), D(2026, 11, 26))
    assert report.summary.headline == "20 of 22 actions overdue as of 26/11/2026"
    assert report.summary.total == 22 and report.plan_total == 22


def test_summary_counts_on_the_real_data(plan):
    s = build_report(plan, Filters(), D(2017, 7, 1)).summary
    assert [(t.theme.id, t.total, t.overdue) for t in s.by_theme] == [
        ("curiosity", 4, 3), ("information-sharing", 4, 1), ("collaboration", 3, 1), ("accountability", 11, 6)]
    assert s.status_totals == (0, 21, 1, 0, 0)
    assert dict(s.brag_counts) == {"Blue": 1, "Red": 11, "Amber": 2, "Green": 8}
    assert [r.ref for r in s.due_soon] == ["3.3", "4.1"]
    by_lead = {c.lead: c.refs for c in s.overdue_by_lead}
    assert by_lead["NSCB"] == ("2.2", "4.9", "4.11") and by_lead["Health"] == ("2.2",)   # 2.2 counts for both
    assert s.overdue_by_lead[0].lead == "NSCB"                                                # most first
    assert len(s.stale) == 21                      # every open action's only entry is from January 2017


def test_stale_since_defaults_to_90_days_before_the_as_of_date(plan):
    assert build_report(plan, Filters(), D(2017, 7, 1)).stale_since == D(2017, 4, 2)
    assert build_report(plan, Filters(), D(2017, 3, 1)).summary.stale == ()
    assert len(build_report(plan, Filters(), D(2017, 3, 1), stale_since=D(2017, 2, 1)).summary.stale) == 21


def test_rows_in_theme_order_with_source_labels(plan):
    report = build_report(plan, Filters(), D(2017, 7, 1))
    assert [s.theme.title for s in report.sections] == [t.title for t in plan.themes]
    assert [r.ref for r in report.sections[-1].rows][-3:] == ["4.9", "4.10", "4.11"]
    rows = {r.ref: r for r in report.rows}
    assert rows["2.2"].lead_label == "Health/NSCB"
    assert (rows["1.1"].scr_ref, rows["1.2"].scr_ref, rows["4.1"].scr_ref) == ("D, L", "All", "M (and All)")
    assert rows["1.1"].notes == ("30 days overdue", "no progress since 31/01/2017")
    assert rows["4.7"].brag == "Red" and rows["2.4"].brag == "Blue" and rows["4.2"].brag == "Green"


def test_exception_report_lists_overdue_slipped_and_stale_only(plan):
    report = build_report(plan, Filters(), D(2017, 7, 1), kind="exceptions", stale_since=D(2017, 1, 1))
    assert [r.ref for r in report.rows] == ["1.1", "1.2", "1.3", "2.2", "3.1", "4.3", "4.4", "4.5", "4.7", "4.9", "4.11"]
    assert report.summary.total == 22                      # the summary still covers the whole selection
    everything = build_report(plan, Filters(), D(2017, 7, 1), kind="exceptions")
    assert len(everything.rows) == 21                      # stale since April: all but the complete 2.4


def test_exceptions_include_a_slipped_action_that_is_not_yet_due():
    slipped = make("1.1", target=D(2018, 1, 1), progress=[(D(2017, 6, 1), "On it.")], history=[TargetRevision(
        date=D(2017, 5, 1), from_=D(2017, 6, 1), to=D(2018, 1, 1), reason="Audit moved.")])
    fine = make("1.2", target=D(2018, 1, 1), progress=[(D(2017, 6, 1), "On it.")])
    report = build_report(Plan(THEMES, [], [slipped, fine]), Filters(), D(2017, 7, 1), kind="exceptions")
    assert [r.ref for r in report.rows] == ["1.1"]
    assert report.rows[0].notes == ("target put back from 01/06/2017 (Audit moved.)",)


def test_agency_report(plan):
    report = build_report(plan, Filters(lead="health"), D(2017, 3, 1), kind="agency")
    assert [r.ref for r in report.rows] == ["2.1", "2.2"]
    assert report.kind_label == "Agency report: actions led by health" and report.selection == ()
    with pytest.raises(ReportError, match="needs --lead"):
        build_report(plan, Filters(), D(2017, 3, 1), kind="agency")


def test_unknown_kind(plan):
    with pytest.raises(ReportError, match="unknown report kind 'board'"):
        build_report(plan, Filters(), D(2017, 3, 1), kind="board")


def test_filters_are_those_of_cap_list(plan):
    report = build_report(plan, Filters(theme="curiosity", overdue=True), D(2017, 7, 1))
    assert [r.ref for r in report.rows] == ["1.1", "1.2", "1.3"]
    assert report.selection == ("theme: Professional curiosity", "overdue")


def test_full_keeps_the_whole_log_latest_only_otherwise():
    action = make(progress=[(D(2017, 1, 1), "First."), (D(2017, 2, 1), "Second.")])
    short = build_report(Plan(THEMES, [], [action]), Filters(), D(2017, 3, 1))
    full = build_report(Plan(THEMES, [], [action]), Filters(), D(2017, 3, 1), full=True)
    assert [e.text for e in short.rows[0].progress] == ["Second."]
    assert [e.text for e in full.rows[0].progress] == ["First.", "Second."]


def test_withdrawn_actions_are_listed_apart_without_a_rating():
    gone = make("1.2", status="withdrawn", withdrawn_reason="Superseded by 4.2.")
    report = build_report(Plan(THEMES, [], [make("1.1"), gone]), Filters(), D(2017, 3, 1))
    assert [r.ref for s in report.sections for r in s.rows] == ["1.1"]
    assert [r.ref for r in report.withdrawn] == ["1.2"] and report.withdrawn[0].brag is None
    assert report.summary.withdrawn == 1
    md = render(report, "md")
    assert "## Withdrawn actions" in md and "Superseded by 4.2." in md
    assert "Superseded by 4.2." in render(report, "html")
    assert json.loads(render(report, "json"))["withdrawn"][0]["brag"] is None


def test_an_empty_selection_still_explains_the_key():
    report = build_report(Plan(THEMES, [], [make()]), Filters(statuses=["closed"]), D(2017, 3, 1))
    for fmt in ("md", "html"):
        text = render(report, fmt)
        assert "0 of 0 actions overdue" in text and "No actions are selected." in text
        assert "On track." in text


# ------------------------------------------------------------------ formats


def test_format_names_and_extensions():
    assert normalise_format("markdown") == "md" and normalise_format("HTM") == "html"
    assert format_for_path("board.html") == "html" and format_for_path("x/plan.CSV") == "csv"
    with pytest.raises(ReportError, match="cannot tell the format"):
        format_for_path("plan.txt")
    with pytest.raises(ReportError, match="unknown format 'xml'"):
        normalise_format("xml")


def test_csv_contract_reads_back(plan):
    text = render(build_report(plan, Filters(), D(2017, 7, 1)), "csv")
    assert text.startswith("\ufeffTheme,Ref,SCR Ref,Action,Lead agency,Target date,Status,BRAG,Progress date,Progress,"
                           "Signed off,Withdrawn reason,Target history,Progress authors,Opened,Completed,Withdrawn on,"
                           "Impact review\n")
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == list(csv_format.COLUMNS)
    assert [r["Ref"] for r in rows] == [a.ref for a in plan.actions]
    by_ref = {r["Ref"]: r for r in rows}
    for action in plan.actions:
        row = by_ref[action.ref]
        assert row["Action"] == action.action
        assert row["Lead agency"].split("/") == action.lead
        assert row["SCR Ref"] == action.scr_label()
        assert row["Theme"] == plan.theme(action.theme).title
        assert row["Progress"] == action.progress[-1].text
        assert row["Progress date"] == action.progress[-1].date.isoformat()
        assert row["Signed off"] == row["Withdrawn reason"] == row["Target history"] == row["Progress authors"] == ""
    assert by_ref["4.2"]["Target date"] == "ongoing" and by_ref["1.1"]["Target date"] == "2017-06-01"
    assert by_ref["1.1"]["BRAG"] == "Red" and by_ref["2.4"]["Status"] == "complete"


def test_csv_full_log_one_entry_a_line():
    action = make(progress=[(D(2017, 1, 1), "First, \"quoted\".")])
    action.progress.append(ProgressEntry(date=D(2017, 2, 1), text="Second.", author="MEO"))
    gone = make("1.2", status="withdrawn", progress=())
    report = build_report(Plan(THEMES, [], [action, gone]), Filters(), D(2017, 3, 1), full=True)
    rows = list(csv.reader(io.StringIO(render(report, "csv").removeprefix("\ufeff"))))
    # the author has its own column, by the entry's place in the log: never mixed into the text
    assert rows[1][8:14] == ["2017-02-01", '2017-01-01: First, "quoted".\n2017-02-01: Second.', "", "", "", "2: MEO"]
    assert rows[2][7:14] == ["", "", "", "", "", "", ""]           # withdrawn: no BRAG, no progress


def test_json_holds_the_same_content(plan):
    report = build_report(plan, Filters(), D(2017, 7, 1))
    data = json.loads(render(report, "json"))
    assert data["summary"]["headline"] == "11 of 22 actions overdue as of 01/07/2017"
    assert data["as_of"] == "2017-07-01" and data["stale_since"] == "2017-04-02"
    assert [a["ref"] for t in data["themes"] for a in t["actions"]] == [r.ref for r in report.rows]
    first = data["themes"][0]["actions"][0]
    assert first["scr_ref"] == "D, L" and first["target_date"] == "2017-06-01" and first["brag"] == "Red"
    assert [k["rating"] for k in data["brag_key"]] == ["Blue", "Red", "Amber", "Green", None]


def test_markdown_tables(plan):
    md = render(build_report(plan, Filters(), D(2017, 7, 1)), "md")
    assert md.count("| Ref | SCR Ref | Action | Lead agency | Target date | Progress | Status | BRAG |") == 4
    assert "| 2.2 | M, O | Address, locally" in md and "| Health/NSCB | 01/05/2017 |" in md
    assert "\\[now CPIs\\]" not in md                       # brackets alone are not a link: left as written
    for line in md.splitlines():
        if line.startswith("| "):
            assert line.endswith(" |")


def test_html_is_self_contained(plan):
    page = render(build_report(plan, Filters(), D(2017, 7, 1)), "html")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page
    assert "<svg" in page and "size: A4 landscape" in page
    assert '<span class="brag brag-red">Red</span>' in page    # colour and its name


HOSTILE = '<script>alert(1)</script> & "quotes" | *stars* _under_ `tick` [link](http://x) <img src=x onerror=alert(2)>'


def test_user_text_is_escaped_in_every_format():
    action = make(action=HOSTILE, lead=["<b>Lead</b>"], progress=[(D(2017, 1, 1), HOSTILE)])
    themes = [Theme(id="curiosity", number=1, title="<i>Curiosity</i>")]
    report = build_report(Plan(themes, [], [action]), Filters(search="<script>"), D(2017, 3, 1), title="<h1>T</h1>")
    page = render(report, "html")
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;h1&gt;T&lt;/h1&gt;" in page
    md = render(report, "md")
    assert not re.search(r"(?<!\\)<(?!br>)", md)          # every < of user text is escaped
    assert "[link](" not in md and '"quotes" \\| \\*stars\\* \\_under\\_ \\`tick\\`' in md
    assert "\\<script>alert(1)\\</script>" in md
    assert json.loads(render(report, "json"))["themes"][0]["actions"][0]["action"] == HOSTILE
    rows = list(csv.reader(io.StringIO(render(report, "csv").removeprefix("\ufeff"))))
    assert rows[1][3] == HOSTILE


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_markdown_escape_shows_text_as_written(text):
    from cap.text import visible

    escaped = md_escape(text)
    assert "<" not in re.sub(r"\\<|<br>", "", escaped)
    assert "|" not in escaped.replace("\\|", "")
    unescaped = re.sub(r"\\([\\`*_<|~&\]])", r"\1", escaped)
    assert unescaped == "<br>".join(line.strip() for line in visible(text).strip().splitlines())


@given(st.text(max_size=60))
def test_html_escape_round_trips(text):
    import html

    from cap.text import visible

    escaped = html_escape(text)
    assert not set("<>\"'") & set(escaped)  # inert in text and in any attribute
    assert not re.search(r"&(?!amp;|lt;|gt;|#39;|#34;)", escaped)  # every & starts one of the five escapes
    assert html.unescape(escaped) == visible(text)  # control characters shown as escapes (issue 11)


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.booleans())
def test_format_uk_is_strftime_spelt_out(day, full_year):
    from cap.dates import format_uk

    assert format_uk(day, full_year=full_year) == day.strftime("%d/%m/%Y" if full_year else "%d/%m/%y")


@given(st.text(max_size=60))
def test_templates_escape_every_printed_value(text):
    import html

    from cap.templating import environment
    from cap.text import visible

    out = environment().from_string('<p title="{{ x }}">{{ x }}</p>').render(x=text)
    inner = out[len('<p title="'):-len("</p>")]
    assert "<" not in inner and '"' not in inner.replace('">', "", 1)
    assert out == f'<p title="{html_escape(text)}">{html_escape(text)}</p>'
    assert html.unescape(html_escape(text)) == visible(text)


def test_renderers_are_pure(plan):
    report = build_report(plan, Filters(), D(2017, 7, 1))
    again = build_report(load_plan(DATA)[0], Filters(), D(2017, 7, 1))
    for fmt in ("md", "html", "csv", "json"):
        assert render(report, fmt) == render(again, fmt)


def test_stamp_only_when_asked(plan):
    stamped = build_report(plan, Filters(), D(2017, 7, 1), stamp=D(2017, 7, 3))
    assert "Produced on 03/07/2017." in render(stamped, "md")
    assert "Produced on 03/07/2017." in render(stamped, "html")
    assert json.loads(render(stamped, "json"))["produced_on"] == "2017-07-03"
    assert "Produced on" not in render(build_report(plan, Filters(), D(2017, 7, 1)), "md")


# ------------------------------------------------------------------ streaming


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "json"])
def test_a_streamed_report_is_the_rendered_one(plan, fmt, monkeypatch):
    """`stream` gives the very text `render` gives; html in many pieces (a large report is
    written as it is made, never held whole), the whole-plan table's rows among them."""
    from cap import templating
    from cap.reports import stream

    monkeypatch.setattr(templating, "STREAM_CHUNK", 256)
    report = build_report(plan, Filters(), D(2017, 7, 1), full=True)
    pieces = list(stream(report, fmt))
    assert "".join(pieces) == render(report, fmt)
    if fmt == "html":
        assert len(pieces) > len(report.rows) // 2
        assert max(map(len, pieces)) < 256 + 8_000  # no piece holds a whole table
    with pytest.raises(ReportError):
        stream(report, "xlsx")


@pytest.mark.posix
def test_write_output_takes_text_in_pieces(tmp_path):
    from cap.store import write_output

    target = tmp_path / "r.html"
    write_output(target, iter(["<p>", "caf\u00e9", "</p>\n"]))
    assert target.read_bytes() == "<p>caf\u00e9</p>\n".encode()
    fifo = tmp_path / "pipe"
    import os
    import threading

    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, iter(["a", "\u00e9", "b"]))
    reader.join(10)
    assert got == ["a\u00e9b".encode()]


class _SiteLinks:
    """What a row asks of the site builder: where an action's and an agency's pages are."""

    def action_href(self, ref: str) -> str:
        return f"actions/{ref}.html"

    def lead_href(self, lead: str) -> str:
        return f"agencies/{lead}.html"


def test_a_report_s_ref_lists_are_what_ref_link_writes_for_each_ref():
    """Without a site, `refs` and `lead_table` join a list of refs at once rather than call
    `ref_link` for each (thousands of calls in a large plan's lead tables): the same HTML,
    escaping included."""
    from types import SimpleNamespace

    from cap.reports.model import LeadCount
    from cap.templating import environment

    macros = environment().get_template("macros.html").make_module({})
    refs = ("4.4", "<1&2>", "x'y\x1b")
    each = ", ".join(str(macros.ref_link(ref, None)) for ref in refs)
    assert str(macros.refs([SimpleNamespace(ref=ref) for ref in refs], None)) == each
    table = str(macros.lead_table([LeadCount("A & B", refs)], "overdue", None, "caption"))
    assert f'<td class="n">3</td><td>{each}</td></tr>' in table
    assert "&lt;1&amp;2&gt;" in each and "\\x1b" in each


@pytest.mark.parametrize("site", [None, _SiteLinks()], ids=["report", "site"])
def test_the_action_row_writes_out_the_shared_pieces_as_they_are(plan, site):
    """`action_row` spells out ref_link, status and badge rather than calling them (a macro
    call per cell is most of a 10,000-row report's time): its cells must stay theirs."""
    from cap.reports.model import target_text
    from cap.templating import environment

    macros = environment().get_template("macros.html").make_module({"target_text": target_text})
    report = build_report(plan, Filters(), D(2017, 7, 1), full=True)
    assert {row.brag for row in report.rows} >= {"Red", "Green", "Blue"}
    for row in report.rows:
        html = str(macros.action_row(row, site))
        assert f'<td class="ref nowrap">{macros.ref_link(row.ref, site)}' in html
        assert f"<td>{macros.status(row)}</td><td>{macros.badge(row.brag)}" in html


def test_progress_shows_the_agencys_words_and_cap_entries_go_to_the_notes():
    """A retarget, a reopening and a sign-off are entries cap writes itself: the paper's
    Progress column keeps the agency's latest words, the notes say what cap recorded."""
    from cap.updates import add_progress, close, reopen, retarget

    action = make("1.1", target=D(2017, 6, 1), progress=[(D(2017, 3, 1), "Audit half done.")])
    action = retarget(action, D(2017, 9, 1), "Auditor ill.", today=D(2017, 5, 1))
    report = build_report(Plan(THEMES, [], [action]), Filters(), D(2017, 7, 1))
    row = report.rows[0]
    assert [e.text for e in action.progress][-1].startswith("Target date revised")
    assert row.latest.text == "Audit half done." and [e.text for e in row.progress] == ["Audit half done."]
    assert "target put back from 01/06/2017 (Auditor ill.)" in row.notes
    for fmt in ("md", "html", "xlsx", "docx"):
        out = render(report, fmt)
        if isinstance(out, str):
            assert "Audit half done." in out and "01/03/2017" in out and "Target date revised" not in out, fmt
    done = add_progress(action, "Audit done.", today=D(2017, 6, 1), status="complete")
    closed = close(done, "Review Group", today=D(2017, 6, 2))
    again = reopen(closed, "Audit missed a team.", today=D(2017, 6, 3))
    row = build_report(Plan(THEMES, [], [again]), Filters(), D(2017, 7, 1)).rows[0]
    assert row.latest.text == "Audit done." and "reopened 03/06/2017: Audit missed a team." in row.notes
    row = build_report(Plan(THEMES, [], [closed]), Filters(), D(2017, 7, 1)).rows[0]
    assert row.latest.text == "Audit done." and "signed off 02/06/2017 by Review Group" in row.notes
    full = build_report(Plan(THEMES, [], [again]), Filters(), D(2017, 7, 1), full=True).rows[0]
    assert len(full.progress) == len(again.progress)  # --full: the whole log, cap's entries included


def test_cap_entry_kinds_follow_what_the_changes_write():
    from cap.updates import cap_entry_kind, close, retarget, withdraw

    action = make("1.1", progress=[(D(2017, 3, 1), "Target date revised soon, we hope.")])
    assert cap_entry_kind(action.progress[0]) is None
    moved = retarget(action, "ongoing", "Why\nnot.", today=D(2017, 5, 1))
    assert cap_entry_kind(moved.progress[-1]) == "retarget"
    gone = withdraw(action, "Superseded.", today=D(2017, 5, 1))
    assert cap_entry_kind(gone.progress[-1]) == "withdrawn"
    done = make("1.2", status="complete")
    assert cap_entry_kind(close(done, "Board", today=D(2017, 5, 1)).progress[-1]) == "signoff"
