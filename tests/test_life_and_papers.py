"""The dates of an action's life as the write commands record them, the fall-back to git,
impact after closure, the sign-off pack and the agency packs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from cap.lifedates import life_dates
from cap.loader import load_plan
from tests.conftest import DATA, Cap
from tests.gitrepo import GitRepo, git_env  # noqa: F401 - the autouse fixture
from tests.reviewsfixture import AS_OF, write_plan
from tests.test_cli_show import run_cap


def load(data, ref):
    return yaml.safe_load((data / "actions" / f"{ref}.yaml").read_text())


# ------------------------------------------------------------------ the write commands record the dates


def test_add_records_opened_default_today_and_given(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("add", "-t", "curiosity", "-a", "New.", "--lead", "NSCB", "--target-date", "2017-09-01").exit_code == 0
    assert load(data_copy, "1.5")["opened"] == fixed_today
    result = cap("add", "-t", "curiosity", "-a", "Old.", "--lead", "NSCB", "--target-date", "2017-09-01",
                 "--date", "01/03/17")
    assert result.exit_code == 0 and load(data_copy, "1.6")["opened"] == dt.date(2017, 3, 1)
    late = cap("add", "-t", "curiosity", "-a", "X.", "--lead", "NSCB", "--target-date", "2017-09-01", "--date", "2017-07-02")
    assert late.exit_code == 1 and "after today" in late.output


def test_add_with_recommendations(tmp_path, fixed_today):
    data = write_plan(tmp_path / "data")
    cap = Cap(data)
    ok = cap("add", "-t", "curiosity", "-a", "Sample audit.", "--lead", "NSCB", "--target-date", "2017-09-01",
             "--scr", "A", "--recommendation", "A-3", "--date", "2017-06-01")
    assert ok.exit_code == 0, ok.output
    assert load(data, "1.4")["recommendations"] == ["A-3"]
    wrong = cap("add", "-t", "curiosity", "-a", "X.", "--lead", "NSCB", "--target-date", "2017-09-01",
                "--scr", "C", "--recommendation", "A-3", "--date", "2017-06-01")
    assert wrong.exit_code == 1 and "give --scr A too" in wrong.output
    unknown = cap("add", "-t", "curiosity", "-a", "X.", "--lead", "NSCB", "--target-date", "2017-09-01",
                  "--recommendation", "Z-1", "--date", "2017-06-01")
    assert unknown.exit_code == 2 and "unknown recommendation 'Z-1'" in unknown.output


def test_progress_complete_records_completed_and_reopen_clears_it(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("progress", "4.4", "Evaluated.", "--status", "complete", "--date", "2017-06-20").exit_code == 0
    assert load(data_copy, "4.4")["completed"] == dt.date(2017, 6, 20)
    assert cap("reopen", "4.4", "--reason", "Not yet.").exit_code == 0
    assert "completed" not in load(data_copy, "4.4")
    assert cap("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0


def test_withdraw_records_the_date(data_copy, fixed_today):
    cap = Cap(data_copy)
    assert cap("withdraw", "1.1", "--reason", "Superseded.", "--date", "2017-05-01").exit_code == 0
    assert load(data_copy, "1.1")["withdrawn"] == dt.date(2017, 5, 1)
    early = cap("withdraw", "1.2", "--reason", "X.", "--date", "2017-01-01")
    assert early.exit_code == 1 and "it was opened on 2017-01-31" in early.output


def test_close_sets_the_impact_review_and_warns_without_outcome(data_copy, fixed_today):
    cap = Cap(data_copy)
    result = cap("close", "2.4", "--by", "SCR Review Group", "--date", "2017-02-28")
    assert result.exit_code == 0
    assert "impact review 2018-02-28" in result.stdout
    assert "warning: 2.4 has no outcome and no evidence" in result.output
    assert load(data_copy, "2.4")["impact_review"] == dt.date(2018, 2, 28)


def test_close_with_outcome_evidence_and_review_options(data_copy, fixed_today):
    cap = Cap(data_copy)
    result = cap("close", "2.4", "--by", "RG", "--evidence", "Minutes.", "--outcome", "Group meets.",
                 "--impact-review", "2018-01-15")
    assert result.exit_code == 0 and "warning" not in result.output
    got = load(data_copy, "2.4")
    assert (got["impact_review"], got["evidence"], got["outcome"]) == (dt.date(2018, 1, 15), ["Minutes."], "Group meets.")
    assert cap("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0


def test_close_without_impact_review(data_copy, fixed_today):
    cap = Cap(data_copy)
    refused = cap("close", "2.4", "--by", "RG", "--no-impact-review", "x", "--impact-review", "2018-01-01")
    assert refused.exit_code == 2 and "not both" in refused.output
    result = cap("close", "2.4", "--by", "RG", "--no-impact-review", "A one-off.", "--evidence", "Minutes.")
    assert result.exit_code == 0 and "no impact review (A one-off.)" in result.stdout
    got = load(data_copy, "2.4")
    assert "impact_review" not in got and got["no_impact_review"] == "A one-off."
    reopened = Cap(data_copy)("reopen", "2.4", "--reason", "x")
    assert reopened.exit_code == 0 and "no_impact_review" not in load(data_copy, "2.4")


def test_impact_log(data_copy, fixed_today):
    cap = Cap(data_copy)
    refused = cap("impact", "4.4", "Better.")
    assert refused.exit_code == 1 and "it is in-progress" in refused.output
    cap("close", "2.4", "--by", "RG", "--evidence", "Minutes.")
    assert cap("impact", "2.4", "Audit: in use.", "--date", "2017-06-01", "--author", "QA").exit_code == 0
    assert cap("impact", "2.4", "Earlier look.", "--date", "2017-03-01").exit_code == 0
    got = load(data_copy, "2.4")
    assert [e["text"] for e in got["impact"]] == ["Earlier look.", "Audit: in use."]   # date order
    assert got["impact"][1]["author"] == "QA"
    assert [e["text"] for e in got["progress"]][-1] == "Signed off by RG; closed."    # not in the progress log
    assert cap("validate", "--strict", "--as-of", "2017-07-01").exit_code == 0


@pytest.mark.slow
def test_impact_as_a_real_process(data_copy):
    assert run_cap("--data", str(data_copy), "close", "2.4", "--by", "RG", "--date", "2017-03-01").returncode == 0
    done = run_cap("--data", str(data_copy), "impact", "2.4", "In use.", "--date", "2017-06-01")
    assert done.returncode == 0 and "2.4: impact entry of 2017-06-01 added" in done.stdout


# ------------------------------------------------------------------ the fall-back to git


@pytest.fixture
def repo(tmp_path):
    """1.1 open and 1.2 already complete in January, neither with the new dates; 1.1 made
    complete in March (a commit of 10/03/2017); 1.3 added in April with its `opened`."""
    r = GitRepo(tmp_path / "plan")
    write_plan(r.data, [])
    (r.data / "scrs.yaml").write_text("scrs:\n- id: A\n  title: Case A\n", encoding="utf-8")
    from cap.models import Action

    def action(ref, status, **more):
        return Action(ref=ref, theme="curiosity", scrs=["A"], action="Do.", lead=["NSCB"],
                      target_date=dt.date(2017, 6, 1), status=status, **more)
    r.save(action("1.1", "open"))
    r.save(action("1.2", "complete"))
    r.commit("January plan", "2017-01-31")
    r.save(action("1.1", "complete"))
    r.commit("1.1 done", "2017-03-10")
    r.save(action("1.3", "open", opened=dt.date(2017, 4, 1)))
    r.commit("1.3 added", "2017-04-05")
    return r


def test_dates_fall_back_to_git(repo):
    plan, _ = load_plan(repo.data)
    lives = life_dates(plan.actions, repo.data)
    one, two, three = lives.of("1.1"), lives.of("1.2"), lives.of("1.3")
    assert (one.opened.date, one.opened.source) == (dt.date(2017, 1, 31), "git")
    assert (one.completed.date, one.completed.source) == (dt.date(2017, 3, 10), "git")
    assert (two.completed.date, two.completed.source) == (None, "undated")   # complete in its first commit
    assert (three.opened.date, three.opened.source, three.completed) == (dt.date(2017, 4, 1), "file", None)
    assert lives.count("git") == 3 and lives.count("undated") == 1
    assert lives.note() == ("Dates of each action's life: 2 actions have dates from git history (3 dates the files "
                            "lack); 1 action could not be dated (1.2; 1 date missing) and is left out of the "
                            "counts by period that need it.")


def test_every_paper_says_how_many_dates_came_from_git(repo):
    cap = Cap(repo.data)
    annual = json.loads(cap("report", "--kind", "annual", "--year", "2016-17", "-f", "json", "--as-of", "2017-07-01").stdout)
    assert (annual["dates_from_git"], annual["undated"]) == (3, 1)
    # opened: 1.1 and 1.2 by their January commit (1.3 opened in April 2017, the next year)
    assert annual["figures"]["opened"] == 2 and annual["figures"]["completed"] == 1
    # 1.2's completion cannot be dated: its state at the end is not known, and it is left out
    assert (annual["figures"]["awaiting_at_end"], annual["figures"]["active_at_end"]) == (1, 0)
    stats = cap("stats", "--year", "2016-17", "--as-of", "2017-07-01").stdout
    assert "2 actions have dates from git history (3 dates the files lack)" in " ".join(stats.split())
    signoff = cap("report", "--kind", "signoff", "--as-of", "2017-07-01").stdout
    assert "from git history" in signoff
    reviews = cap("reviews", "--as-of", "2017-07-01").stdout
    assert "from git history" in " ".join(reviews.split())


def test_without_git_the_missing_dates_are_undated(tmp_path):
    data = tmp_path / "data"
    write_plan(data)
    (data / "actions" / "1.1.yaml").write_text(
        (data / "actions" / "1.1.yaml").read_text().replace("opened: 2017-03-01\n", ""))
    plan, _ = load_plan(data)
    lives = life_dates(plan.actions, data)
    assert lives.of("1.1").opened.source == "undated" and lives.git_problem
    assert lives.count("undated") == 1


# ------------------------------------------------------------------ the sign-off pack


def test_signoff_pack(tmp_path):
    data = write_plan(tmp_path / "data")
    cap = Cap(data)
    md = cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat()).stdout
    assert "## Awaiting sign-off: 1" in md and "### 1.1 (NSCB)" in md
    assert "| Target history | 01/05/2017: 01/06/2017 -> 01/09/2017: Trainer ill. |" in md
    assert "01/03/2017: Begun.<br>01/05/2017: Retargeted.<br>15/08/2017: Done." in md
    assert md.count("Decision: signed off / not signed off") == 1
    assert "## Signed off since 01/04/2018: 0" in md      # 90 days before 30/06/2018
    since = json.loads(cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "--since", "2017-01-01",
                           "-f", "json").stdout)
    assert since["awaiting_sign_off"] == ["1.1"]
    assert since["signed_off_since"] == [{"ref": "1.2", "date": "2017-11-01", "by": "SCR Review Group"}]
    html = cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-f", "html").stdout
    assert '<p class="text decision">Decision:' in html
    csv = cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-f", "csv").stdout
    assert "Progress log" in csv
    # --since is the plan paper's "what changed" (tests/test_report_since.py) or the sign-off pack's; not annual
    assert cap("report", "--kind", "annual", "--year", "2016-17", "--since", "2017-01-01").exit_code == 2


def test_signoff_pack_escapes_agency_text(tmp_path):
    data = write_plan(tmp_path / "data")
    p = data / "actions" / "1.1.yaml"
    p.write_text(p.read_text().replace("action: Train staff.", "action: =HYPERLINK(\"x\") <script>"))
    cap = Cap(data)
    assert "&lt;script&gt;" in cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-f", "html").stdout
    assert "'=HYPERLINK" in cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-f", "csv").stdout


# ------------------------------------------------------------------ agency packs


def test_agency_packs(tmp_path):
    data = write_plan(tmp_path / "data")
    p = data / "actions" / "4.2.yaml"
    p.write_text(p.read_text().replace("- Education", "- 'CON: Education/Schools?'"))
    out = tmp_path / "packs" / "new"
    result = Cap(data)("report", "--kind", "agency", "--each", "-o", str(out), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    # Health: 1.3 overdue; CON...: 4.2 has no progress (stale); NSCB: nothing overdue, stale or recently done
    names = sorted(f.name for f in out.iterdir())
    assert names == ["con-education-schools.html", "health.html"]
    assert "skipped NSCB" in result.output
    assert "2 packs written, 1 agency skipped" in result.output
    assert "4.2" in (out / "con-education-schools.html").read_text()
    md = Cap(data)("report", "--kind", "agency", "--each", "-o", str(out), "-f", "md", "--as-of", "2017-11-30")
    assert "nscb.md: NSCB, 1 action\n" in md.output   # 1.2 signed off in November (1.1 done in August: too long ago)


def test_agency_pack_options_refused(tmp_path):
    data = write_plan(tmp_path / "data")
    cap = Cap(data)
    assert cap("report", "--kind", "agency", "--each").exit_code == 2
    assert cap("report", "--each", "-o", str(tmp_path / "x")).exit_code == 2
    assert cap("report", "--kind", "agency", "--each", "--lead", "NSCB", "-o", str(tmp_path / "x")).exit_code == 2


def test_pack_names_are_the_one_slug():
    from cap.reports.packs import agency_packs
    from cap.slugs import unique_slugs
    plan, _ = load_plan(DATA)
    packs = agency_packs(plan, dt.date(2017, 7, 1))
    assert {p.agency: p.file_stem for p in packs} == unique_slugs(p.agency for p in packs)
    assert "childrens-services" in {p.file_stem for p in packs}


def test_norfolk_packs_as_a_real_process(tmp_path):
    out = tmp_path / "packs"
    result = run_cap("--data", str(DATA), "report", "--kind", "agency", "--each", "-o", str(out), "--as-of", "2017-07-01")
    assert result.returncode == 0, result.stderr
    assert (out / "nscb.html").is_file() and "packs written" in result.stderr


def test_changes_name_an_impact_entry_and_recommendations():
    from cap.changes import FieldEdited, diff_actions
    from cap.models import ImpactEntry
    from tests.reviewsfixture import actions

    before = actions()[1]
    after = before.model_copy(update={"impact": [ImpactEntry(date=dt.date(2018, 11, 5), text="In use.")],
                                      "recommendations": ["A-1", "A-3"]})
    changes = diff_actions(before, after)
    assert [(c.field, c.after) for c in changes if isinstance(c, FieldEdited)] == [
        ("recommendations", "A-1, A-3"), ("impact", "2018-11-05: In use.")]


def test_show_and_list_carry_the_new_fields(tmp_path):
    data = write_plan(tmp_path / "data")
    cap = Cap(data)
    shown = cap("show", "4.3", "--as-of", AS_OF.isoformat()).stdout
    assert "opened 2016-06-01, completed 2016-09-01" in shown and "Impact review  2017-10-01" in shown
    assert "Audit shows it in use." in shown.split("Impact\n")[-1]
    rec = json.loads(cap("show", "1.1", "--format", "json").stdout)
    assert (rec["recommendations"], rec["opened"], rec["completed"]) == (["A-1"], "2017-03-01", "2017-08-15")
    listed = cap("list", "--format", "csv", "--as-of", AS_OF.isoformat()).stdout
    assert "2017-10-20: Audit shows it in use. (QA)" in listed


def test_the_merge_driver_takes_impact_entries_from_both_sides():
    from cap.merge import merge_actions
    from cap.models import ImpactEntry
    from tests.reviewsfixture import actions

    base = actions()[5]
    ours = base.model_copy(update={"impact": [*base.impact, ImpactEntry(date=dt.date(2018, 1, 5), text="Ours.")]})
    theirs = base.model_copy(update={"impact": [*base.impact, ImpactEntry(date=dt.date(2017, 12, 5), text="Theirs.")]})
    merged, _, conflicts = merge_actions(base, ours, theirs)
    assert not conflicts
    assert [e.text for e in merged.impact] == ["Audit shows it in use.", "Theirs.", "Ours."]


def test_complete_before_opened_is_refused(data_copy, fixed_today):
    result = Cap(data_copy)("progress", "4.4", "Done.", "--status", "complete", "--date", "2017-01-30")
    assert result.exit_code == 1 and "it was opened on 2017-01-31" in result.output


def test_git_dates_a_withdrawal_and_forgets_a_completion_undone(repo):
    one = repo.action("1.1")
    repo.save(one.model_copy(update={"status": "in-progress"}))
    repo.commit("1.1 reopened", "2017-05-01")
    repo.save(one.model_copy(update={"status": "withdrawn", "withdrawn_reason": "Superseded."}))
    repo.commit("1.1 withdrawn", "2017-06-01")
    plan, _ = load_plan(repo.data)
    life = life_dates(plan.actions, repo.data).of("1.1")
    assert (life.opened.date, life.completed, life.withdrawn) == (
        dt.date(2017, 1, 31), None, life.withdrawn)
    assert (life.withdrawn.date, life.withdrawn.source) == (dt.date(2017, 6, 1), "git")


def test_every_write_asks_the_life_dates_check():
    """The backstop behind each command's own refusal: a write adding a disorder is refused."""
    from cap.checks import action_errors
    from tests.reviewsfixture import actions

    one = actions()[0]
    assert action_errors(one) == []
    late = one.model_copy(update={"opened": dt.date(2017, 9, 1)})
    assert any("is before opened 2017-09-01" in m for m in action_errors(late))


def test_agency_packs_take_the_selection_filters(tmp_path):
    data = write_plan(tmp_path / "data")
    out = tmp_path / "packs"
    result = Cap(data)("report", "--kind", "agency", "--each", "-o", str(out), "--theme", "accountability",
                       "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert sorted(f.name for f in out.iterdir()) == ["education.html"]   # Health's 1.3 is in theme 1
    assert "theme: Ownership and accountability" in (out / "education.html").read_text()


def test_the_papers_as_a_workbook_and_a_word_paper(tmp_path):
    import openpyxl
    from docx import Document

    data = write_plan(tmp_path / "data")
    cap = Cap(data)
    book = tmp_path / "annual.xlsx"
    assert cap("report", "--kind", "annual", "--year", "2017-18", "--as-of", AS_OF.isoformat(), "-o", str(book)).exit_code == 0
    ws = openpyxl.load_workbook(book).active
    cells = {(r[0].value): [c.value for c in r[1:3]] for r in ws.iter_rows() if r[0].value}
    assert cells["Actions opened"][0] == "2" and cells["Annual statistics, 01/04/2017 to 31/03/2018."]
    assert cells["Health"][0] == 2                     # counts are numbers in the by-lead table
    paper = tmp_path / "signoff.docx"
    assert cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-o", str(paper)).exit_code == 0
    text = "\n".join(p.text for p in Document(str(paper)).paragraphs)
    assert "Awaiting sign-off: 1" in text and "Decision: signed off / not signed off" in text
    # the same report gives the same bytes
    again = tmp_path / "again.docx"
    cap("report", "--kind", "signoff", "--as-of", AS_OF.isoformat(), "-o", str(again))
    assert again.read_bytes() == paper.read_bytes()


def test_the_note_counts_actions_not_dates():
    """22 actions each missing a date or two: the note says 22 actions (and how many dates), never 23."""
    from cap.lifedates import Dated, Life, Lives

    undated = Dated(None, "undated")
    lives = Lives({f"1.{n}": Life(f"1.{n}", undated, undated if n == 1 else None, None) for n in range(1, 23)})
    note = lives.note()
    assert "22 actions could not be dated (1.1, 1.2," in note and "23 dates missing" in note
    assert note.count("1.1,") == 1 and "are left out" in note
