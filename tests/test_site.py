"""`cap site`: the pages, their links, determinism, and trend numbers worked out by hand.

The browser tests (every page in Chromium, the crawl, the filter box, accessibility)
are in test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cap.site.walk import month_ends, read_timeline
from tests.conftest import DATA, MINIMAL_SCRS, Cap, action_yaml
from tests.gitrepo import GitRepo, git_env, plan_with_history  # noqa: F401
from tests.test_cli_show import run_cap

AS_OF = "2017-05-15"

#: The small repository's trends, worked out by hand from the commits in `history_repo`:
#: (month end, open, in progress, complete, closed, withdrawn, overdue, overdue in theme 1, in theme 4)
EXPECTED = [
    ("2017-01-31", 2, 1, 0, 0, 0, 1, 0, 1),   # 4.1 in progress, past its target of 20 January
    ("2017-02-28", 1, 2, 0, 0, 0, 1, 0, 1),   # 1.2 started; 1.1's target put back to 31 March
    ("2017-03-31", 1, 2, 0, 0, 0, 1, 0, 1),   # 4.1 completed at 01:30 UTC on 1 April: not yet
    ("2017-04-30", 1, 1, 1, 1, 0, 1, 1, 0),   # 1.1 closed; 1.3 added, already past 1 April
    ("2017-05-15", 0, 1, 1, 1, 1, 0, 0, 0),   # 1.3 withdrawn; the June commit comes after the as-of date
]
#: Target revisions by the month of their own date: 1.1's in February, 1.2's in April.
EXPECTED_REVISIONS = [("2017-01", 0), ("2017-02", 1), ("2017-03", 0), ("2017-04", 1), ("2017-05", 0)]

THEMES = """\
themes:
- id: curiosity
  number: 1
  title: Professional curiosity
- id: accountability
  number: 4
  title: 'Ownership & accountability: <grip>'
"""


def revision(date: str, old: str, new: str, reason: str) -> str:
    return f"\n- date: {date}\n  from: {old}\n  to: {new}\n  reason: {reason}"


def history_repo(root: Path) -> GitRepo:
    """Five commits on known days (one late on 31 March in UTC-2, so 1 April in UTC) and one after."""
    r = GitRepo(root)
    r.write("data/themes.yaml", THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml("1.1", target_date="2017-02-10"))
    r.write("data/actions/1.2.yaml", action_yaml("1.2", target_date="2017-06-30", lead="['Health', 'NSCB']"))
    r.write("data/actions/4.1.yaml", action_yaml("4.1", theme="accountability", target_date="2017-01-20",
                                                 status="in-progress", lead="[Children's Services]"))
    r.commit("January plan", "2017-01-15")
    r.write("data/actions/1.2.yaml", action_yaml("1.2", target_date="2017-06-30", lead="['Health', 'NSCB']",
                                                 status="in-progress"))
    r.write("data/actions/1.1.yaml", action_yaml(
        "1.1", target_date="2017-03-31",
        target_history=revision("2017-02-19", "2017-02-10", "2017-03-31", "Waiting for the audit.")))
    r.commit("February update", "2017-02-20")
    r.write("data/actions/4.1.yaml", action_yaml("4.1", theme="accountability", target_date="2017-01-20",
                                                 status="complete", lead="[Children's Services]"))
    r.commit("Late March update", "2017-03-31T23:30:00-02:00")
    r.write("data/actions/1.1.yaml", action_yaml(
        "1.1", target_date="2017-03-31", status="closed",
        signed_off="\n  date: 2017-04-09\n  by: Board",
        target_history=revision("2017-02-19", "2017-02-10", "2017-03-31", "Waiting for the audit.")))
    r.write("data/actions/1.2.yaml", action_yaml(
        "1.2", target_date="2017-07-31", lead="['Health', 'NSCB']", status="in-progress",
        target_history=revision("2017-04-09", "2017-06-30", "2017-07-31", "Staff changes."),
        progress="\n- date: 2017-04-09\n  text: '<script>alert(1)</script> started'\n  author: MEO"))
    r.write("data/actions/1.3.yaml", action_yaml("1.3", target_date="2017-04-01"))
    r.commit("April update", "2017-04-10")
    r.write("data/actions/1.3.yaml", action_yaml("1.3", target_date="2017-04-01", status="withdrawn",
                                                 withdrawn_reason="Duplicate of 1.1."))
    r.commit("May update", "2017-05-02")
    r.write("data/actions/1.2.yaml", action_yaml(
        "1.2", target_date="2017-07-31", lead="['Health', 'NSCB']", status="complete",
        target_history=revision("2017-04-09", "2017-06-30", "2017-07-31", "Staff changes.")))
    r.commit("June update", "2017-06-01")
    return r


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    return history_repo(tmp_path / "plan")


def build(data: Path, out: Path, *args: str, as_of: str = AS_OF):
    result = Cap(data)("site", "-o", str(out), "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return result


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag in ("link", "script") and (attrs.get("href") or attrs.get("src")):
            self.srcs.append(attrs.get("href") or attrs.get("src"))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as cell texts."""
    start = html.index(f"<caption>{caption}</caption>")
    body = html[html.index("<tbody>", start): html.index("</tbody>", start)]
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


# ------------------------------------------------------------------ trends, by hand


def test_month_end_counts_equal_the_hand_computed_ones(repo):
    timeline = read_timeline(repo.data, dt.date.fromisoformat(AS_OF))
    assert timeline.available, timeline.reason
    assert timeline.themes == ["curiosity", "accountability"]
    got = [(m.day.isoformat(), *m.counts, m.overdue, *map(m.overdue_in, timeline.themes)) for m in timeline.months]
    assert got == EXPECTED
    assert [(d.strftime("%Y-%m"), n) for d, n in timeline.revisions] == EXPECTED_REVISIONS


def uk(iso: str) -> str:
    """A month end as the site writes it: dd/mm/yyyy, the one date style of the papers."""
    return "/".join(reversed(iso.split("-")))


def test_trends_page_tables_hold_the_same_numbers(repo, tmp_path):
    build(repo.data, tmp_path / "site")
    html = (tmp_path / "site" / "trends.html").read_text(encoding="utf-8")
    status = table_rows(html, "Actions by status at each month end")
    assert [[r[0], *map(int, r[1:7])] for r in status] == [[uk(e[0]), *e[1:7]] for e in EXPECTED]
    themes = table_rows(html, "Overdue actions by theme at each month end")
    assert [[r[0], int(r[1]), int(r[2])] for r in themes] == [[uk(e[0]), e[7], e[8]] for e in EXPECTED]
    revisions = table_rows(html, "Target dates revised in each month")
    assert [(r[0], int(r[1])) for r in revisions] == [
        (dt.datetime.strptime(m, "%Y-%m").strftime("%B %Y"), n) for m, n in EXPECTED_REVISIONS]
    assert "Ownership &amp; accountability: &lt;grip&gt;" in html       # theme titles escaped in charts too
    assert html.count("<svg") == 3 and "<title id=\"trend-status-title\">" in html


def test_month_ends_run_from_the_first_month_to_the_as_of_date():
    assert month_ends(dt.date(2016, 11, 20), dt.date(2017, 2, 3)) == [
        dt.date(2016, 11, 30), dt.date(2016, 12, 31), dt.date(2017, 1, 31), dt.date(2017, 2, 3)]
    assert month_ends(dt.date(2017, 2, 3), dt.date(2017, 2, 3)) == [dt.date(2017, 2, 3)]


def test_old_versions_are_read_without_touching_the_working_tree_or_index(repo, tmp_path):
    index = repo.root / ".git" / "index"
    assert repo.git("status", "--porcelain").stdout == ""      # (git status may refresh the index)
    before = index.stat().st_mtime_ns
    build(repo.data, tmp_path / "site")
    assert index.stat().st_mtime_ns == before
    assert repo.git("status", "--porcelain").stdout == ""
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "main"


def test_history_reads_git_in_a_fixed_number_of_calls(repo, tmp_path, monkeypatch):
    """Never a call per month or per file: two logs, one cat-file and its size check (and finding the
    repository and HEAD)."""
    from cap import gitio

    calls = []
    real = gitio.git_process

    def spy(args, cwd, input=None):
        calls.append(next(a for a in args if not a.startswith("-")))
        return real(args, cwd, input)

    monkeypatch.setattr(gitio, "git_process", spy)
    started = gitio.BlobReader._start

    def start(self, option):
        calls.append(f"cat-file {option}")
        return started(self, option)

    monkeypatch.setattr(gitio.BlobReader, "_start", start)
    read_timeline(repo.data, dt.date.fromisoformat(AS_OF))
    # The blobs stream from one long-running cat-file (with its size check beside it).
    assert sorted(calls) == sorted(["rev-parse", "rev-parse", "rev-parse", "log", "log", "log",
                                    "cat-file --batch-check", "cat-file --batch"])


# ------------------------------------------------------------------ pages and links


def test_every_page_and_every_link_resolves(repo, tmp_path):
    out = tmp_path / "site"
    build(repo.data, out)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == sorted([
        "index.html", "trends.html", "themes.html", "cases.html", "agencies.html",
        "actions/1.1.html", "actions/1.2.html", "actions/1.3.html", "actions/4.1.html",
        "themes/curiosity.html", "themes/accountability.html", "cases/A.html",
        "agencies/nscb.html", "agencies/health.html", "agencies/childrens-services.html",
    ])
    reached = {"index.html"}
    todo = ["index.html"]
    while todo:
        page = todo.pop()
        links = parse(out / page)
        for href in links.hrefs + links.srcs:
            assert not re.match(r"^[a-z]+:|^/", href), f"{page}: {href} is not a relative link"
            target, _, fragment = href.partition("#")
            resolved = (out / page).parent.joinpath(target).resolve() if target else (out / page).resolve()
            assert resolved.is_file(), f"{page}: broken link {href}"
            if fragment:
                assert fragment in parse(resolved).ids, f"{page}: no #{fragment} in {target}"
            rel = resolved.relative_to(out.resolve()).as_posix()
            if rel.endswith(".html") and rel not in reached:
                reached.add(rel)
                todo.append(rel)
    assert reached == set(pages)


def test_action_page_shows_everything_and_its_history(repo, tmp_path):
    build(repo.data, tmp_path / "site")
    html = (tmp_path / "site" / "actions" / "1.2.html").read_text(encoding="utf-8")
    for text in ("Action 1.2", "Health", "NSCB", "31/07/2017", "Staff changes.", "started", "MEO",
                 "January plan", "February update", "April update", "status", "in-progress",
                 "target date", "Ann Manager"):
        assert text in html, text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; started" in html
    assert "June update" in html           # the history is every commit git holds
    one = (tmp_path / "site" / "actions" / "4.1.html").read_text(encoding="utf-8")
    assert 'href="../agencies/childrens-services.html"' in one and 'href="../themes/accountability.html"' in one


def test_group_pages_list_their_actions(repo, tmp_path):
    build(repo.data, tmp_path / "site")
    site = tmp_path / "site"
    health = (site / "agencies" / "health.html").read_text(encoding="utf-8")
    assert 'href="../actions/1.2.html"' in health and "actions/1.1.html" not in health
    theme = (site / "themes" / "curiosity.html").read_text(encoding="utf-8")
    assert all(f'href="../actions/{ref}.html"' in theme for ref in ("1.1", "1.2", "1.3"))
    assert "Withdrawn actions" in theme and "Duplicate of 1.1." in theme
    case = (site / "cases" / "A.html").read_text(encoding="utf-8")
    assert "Case A" in case and case.count('href="../actions/') >= 4


def test_home_page_has_the_dashboard_and_a_filter_that_needs_no_script_to_read(repo, tmp_path):
    build(repo.data, tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "1 of 4 actions overdue as of 15/05/2017" not in html   # 1.3 is withdrawn, 1.2 not yet due
    assert "0 of 4 actions overdue as of 15/05/2017." in html
    assert '<form class="find" id="find-form" role="search" hidden>' in html   # shown only by the script
    assert html.count('<tr><td class="nowrap"><a href="actions/') == 4
    assert '<script src="find.js"></script>' in html


def test_every_page_has_the_policy_the_stylesheet_and_no_inline_script_or_style(repo, tmp_path):
    from cap.site import CSP

    out = tmp_path / "site"
    build(repo.data, out)
    assert "default-src 'none'" in CSP and "http" not in CSP
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html, page
        assert html.count('rel="stylesheet"') == 1 and "<style" not in html and " style=" not in html
        assert re.findall(r"<script[^>]*>", html) in ([], ['<script src="find.js">']), page
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in html
    assert "@media print" in (out / "site.css").read_text() and "A4" in (out / "site.css").read_text()


def test_same_state_gives_the_same_bytes_and_the_date_only_with_stamp(repo, tmp_path, fixed_today):
    first, second, stamped = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    build(repo.data, first)
    build(repo.data, second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    assert not any("Built on" in (first / f).read_text() for f in files)
    build(repo.data, stamped, "--stamp")
    assert f"Built on {fixed_today.strftime('%d/%m/%Y')}." in (stamped / "index.html").read_text()


def test_pages_of_removed_things_are_removed_and_other_files_kept(repo, tmp_path):
    out = tmp_path / "site"
    (out / "actions").mkdir(parents=True)
    (out / "actions" / "9.9.html").write_text("old")  # not written by cap: kept
    (out / "CNAME").write_text("plan.example.org")
    build(repo.data, out)
    assert (out / "actions" / "1.2.html").is_file()
    (repo.data / "actions" / "1.2.yaml").unlink()
    build(repo.data, out)
    assert not (out / "actions" / "1.2.html").exists()  # cap's page of a thing now gone
    assert (out / "actions" / "9.9.html").read_text() == "old" and (out / "CNAME").read_text() == "plan.example.org"


def test_agency_names_become_distinct_file_names():
    from cap.site.build import slug

    assert slug("Children's Services") == "childrens-services"  # as the agency packs name it
    assert slug("NSCB Monitoring and Evaluation Officer (MEO)") == "nscb-monitoring-and-evaluation-officer-meo"
    assert slug("!!!") == "agency"


# ------------------------------------------------------------------ no history


def test_a_folder_outside_git_gets_a_site_that_says_so(small_data, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(small_data.parent.parent))
    out = tmp_path / "site"
    result = build(small_data, out, as_of="2017-03-01")
    assert "without trends" in result.stderr
    trends = (out / "trends.html").read_text(encoding="utf-8")
    assert "not inside a git repository" in trends and "<svg" not in trends
    assert "not inside a git repository" in (out / "actions" / "1.1.html").read_text(encoding="utf-8")


def test_a_repository_with_no_commits_gets_a_site_that_says_so(tmp_path):
    r = GitRepo(tmp_path / "plan")
    r.write("data/themes.yaml", THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml())
    build(r.data, tmp_path / "site")
    assert "no commits yet" in (tmp_path / "site" / "trends.html").read_text(encoding="utf-8")


def test_an_as_of_date_before_the_first_commit(repo, tmp_path):
    build(repo.data, tmp_path / "site", as_of="2016-12-01")
    assert "after the as-of date" in (tmp_path / "site" / "trends.html").read_text(encoding="utf-8")


def test_the_real_plan_with_history(tmp_path):
    r, _shas = plan_with_history(tmp_path / "plan", DATA)
    out = tmp_path / "site"
    build(r.data, out, as_of="2017-03-31")
    html = (out / "trends.html").read_text(encoding="utf-8")
    assert [row[0] for row in table_rows(html, "Actions by status at each month end")] == [
        "31/01/2017", "28/02/2017", "31/03/2017"]
    assert "Audit the audit of audits." in (out / "actions" / "4.12.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------ the command


def test_output_that_is_a_file_is_a_clear_error(small_data, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    result = Cap(small_data)("site", "-o", str(target), "--as-of", "2017-03-01")
    assert result.exit_code == 1 and "is a file, not a folder" in result.stderr


@pytest.mark.slow
def test_installed_cap_builds_the_same_site_whatever_the_hash_seed(repo, tmp_path, monkeypatch):
    for seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        done = run_cap("--data", str(repo.data), "site", "-o", str(tmp_path / seed), "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        assert "wrote 15 pages" in done.stderr and (tmp_path / seed / "index.html").is_file()
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*") if p.is_file())
    assert len(files) == 18  # 15 pages, the stylesheet, the script and the manifest
    assert all((tmp_path / "1" / f).read_bytes() == (tmp_path / "2" / f).read_bytes() for f in files)


def test_templates_are_package_data():
    import tomllib

    from cap import templating

    config = tomllib.loads((DATA.parent / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["cap"]
    folder = Path(templating.__file__).parent / "templates"
    shipped = {p.relative_to(folder.parent).as_posix() for p in folder.rglob("*") if p.is_file()}
    import fnmatch

    assert shipped and all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in shipped), shipped


@pytest.mark.slow
def test_the_benchmark_history_loads_at_every_commit_and_builds(tmp_path):
    """bench/run.py's generated history (small here): valid files, the commits asked for, a site."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("cap_bench_run_site", DATA.parent / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    made = bench.generate_history(tmp_path / "repo", actions=40, commits=30, years=2)
    assert made["actions"] == 40 and made["commits"] == 30
    data = tmp_path / "repo" / "data"
    timeline = read_timeline(data, bench.AS_OF)
    assert timeline.available and timeline.commits == 30 and len(timeline.months) == 25
    assert timeline.months[-1].total == 40 and not timeline.problems
    assert sum(len(steps) for steps in timeline.histories.values()) >= 40 + 29
    validated = Cap(data)("validate")
    assert validated.exit_code == 0, validated.output
    build(data, tmp_path / "site", as_of=bench.AS_OF.isoformat())


def test_trends_follow_main_and_a_branch_counts_when_merged(tmp_path):
    r = GitRepo(tmp_path / "plan")
    r.write("data/themes.yaml", THEMES)
    r.write("data/scrs.yaml", MINIMAL_SCRS)
    r.write("data/actions/1.1.yaml", action_yaml("1.1", target_date="2018-01-01"))
    r.write("data/actions/1.2.yaml", action_yaml("1.2", target_date="2018-01-01"))
    r.commit("January plan", "2017-01-10")
    r.branch("health")
    r.write("data/actions/1.1.yaml", action_yaml("1.1", target_date="2018-01-01", status="in-progress",
                                                 progress="\n- date: 2017-02-05\n  text: Started."))
    r.commit("Health's update", "2017-02-05")
    r.checkout("main")
    r.write("data/actions/1.2.yaml", action_yaml("1.2", target_date="2018-01-01", status="withdrawn",
                                                 withdrawn_reason="Merged into 1.1."))
    r.commit("Withdraw 1.2", "2017-02-10")
    r.merge("health", "2017-03-03")
    timeline = read_timeline(r.data, dt.date(2017, 3, 31))
    assert [(m.day.isoformat(), m.counts) for m in timeline.months] == [
        ("2017-01-31", (2, 0, 0, 0, 0)),
        ("2017-02-28", (1, 0, 0, 0, 1)),      # the branch is not on main yet
        ("2017-03-31", (0, 1, 0, 0, 1)),
    ]
    subjects = [s.commit.subject for s in timeline.histories["1.1"]]
    assert subjects == ["January plan", "Health's update"]       # the merge changed nothing of its own
    assert [c.kind for c in timeline.histories["1.1"][1].changes] == ["progress", "status"]


def test_no_html_is_built_in_python():
    """Every HTML tag cap writes is in a template (cap/templates/); Markdown's `<br>` aside."""
    tag = re.compile(r"""["'][^"'\n]*<(/?)(html|body|table|tr|td|th|div|span|p|a|svg|rect|text|section|h[1-6]"""
                     r"""|li|ul|dl|dt|dd|script|style|title|desc|g|path|line|circle|caption)\b""")
    found = [f"{path.relative_to(DATA.parent)}:{n}" for path in sorted((DATA.parent / "cap").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if tag.search(line)]
    assert found == []
    assert tag.search('    out = f"<td>{text}</td>"')           # the check can fail


def test_a_shallow_clone_says_where_its_history_starts(repo, tmp_path):
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "2", repo.root.as_uri(), str(clone))
    build(clone / "data", tmp_path / "site", as_of="2017-06-30")
    trends = (tmp_path / "site" / "trends.html").read_text(encoding="utf-8")
    assert "shallow clone" in trends and "fetch-depth: 0" in trends
    assert "from May 2017" in trends
    build(repo.data, tmp_path / "full")
    assert "shallow clone" not in (tmp_path / "full" / "trends.html").read_text(encoding="utf-8")
