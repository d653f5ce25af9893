"""The site in a real headless Chromium, driven through the DevTools protocol (tests/cdp.py).

Every page loads with no console message and no failed or refused request; a crawl
from the home page reaches every page with no broken link; the filter box hides the
rows that do not match; with JavaScript off everything is still there; the trend
tables in the browser hold the numbers worked out by hand; and axe-core (from npm, run
inside the page) finds no accessibility violation.

Each test skips when there is no chromium, except in CI (`CI=true`), where that fails.
The accessibility test also needs axe-core: `$CAP_AXE` (the path of axe.min.js), else a
copy installed once with npm into ~/.cache/cap-tests/axe; without npm or the network it skips.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests import cdp, chromium
from tests.conftest import Cap
from tests.gitrepo import git_env  # noqa: F401
from tests.test_site import AS_OF, EXPECTED, EXPECTED_REVISIONS, history_repo, uk

# End to end (a browser, real processes, generated plans): `pytest -m 'not slow'` leaves them out.
pytestmark = pytest.mark.slow

VISIBLE_ROWS = "Array.from(document.querySelectorAll('#all-actions tbody tr')).filter(r => !r.hidden).map(r => r.cells[0].textContent)"


@pytest.fixture(scope="module")
def exe() -> str:
    return chromium.require()


@pytest.fixture
def site(tmp_path) -> Path:
    repo = history_repo(tmp_path / "plan")
    out = tmp_path / "site"
    result = Cap(repo.data)("site", "-o", str(out), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def browser(exe, tmp_path):
    profile = tmp_path / "profile"
    profile.mkdir()
    with cdp.Browser(exe, profile) as b:
        yield b


def local_path(url: str) -> Path:
    return Path(unquote(urlparse(url).path))


def test_crawl_from_home_reaches_every_page_each_loading_cleanly(site, browser):
    pages = {p.resolve() for p in site.rglob("*.html")}
    seen: set[Path] = set()
    todo = [(site / "index.html").resolve()]
    tab = None
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        if tab is None:
            tab = browser.open(page)
        else:
            tab.navigate(page.as_uri())
        assert tab.problems() == [], page
        state = tab.evaluate("({h1: document.querySelectorAll('h1').length,"
                             " css: getComputedStyle(document.querySelector('.skip')).position,"
                             " scripts: Array.from(document.scripts).map(s => s.src.split('/').pop()),"
                             " links: Array.from(document.links).map(a => a.href)})")
        assert state["h1"] == 1 and state["css"] == "absolute", page       # the shared stylesheet applies
        # The progress text `<script>alert(1)</script> started` and the theme `<grip>` stay text.
        assert state["scripts"] in ([], ["find.js"]), page
        for href in state["links"]:
            assert href.startswith("file://"), f"{page}: {href} leaves the site"
            target = local_path(href.split("#")[0])
            assert target.is_file(), f"{page}: broken link {href}"
            todo.append(target.resolve())
    assert seen == pages


def test_filter_box_hides_rows_that_do_not_match(site, browser):
    tab = browser.open(site / "index.html")
    assert tab.evaluate(VISIBLE_ROWS) == ["1.1", "1.2", "1.3", "4.1"]
    assert tab.evaluate("document.getElementById('find-form').hidden") is False
    tab.type("#find", "children")
    assert tab.evaluate(VISIBLE_ROWS) == ["4.1"]
    assert tab.evaluate("document.getElementById('find-count').textContent") == "1 of 4 actions shown"
    tab.type("#find", " zzz")
    assert tab.evaluate(VISIBLE_ROWS) == []
    tab.evaluate("(() => { const b = document.getElementById('find'); b.value = 'withdrawn';"
                 " b.dispatchEvent(new Event('input')); })()")
    assert tab.evaluate(VISIBLE_ROWS) == ["1.3"]
    assert tab.problems() == []


def test_with_javascript_off_every_row_shows_and_the_box_stays_hidden(site, browser):
    tab = browser.open(site / "index.html")
    tab.send("Emulation.setScriptExecutionDisabled", {"value": True})
    tab.navigate((site / "index.html").resolve().as_uri())
    assert tab.evaluate("document.getElementById('find-form').hidden") is True
    assert tab.evaluate("document.querySelectorAll('#all-actions tbody tr').length") == 4


def test_trend_numbers_in_the_browser_equal_the_hand_computed_ones(site, browser):
    tab = browser.open(site / "trends.html")
    tables = tab.evaluate(
        "Array.from(document.querySelectorAll('table')).map(t => [t.caption.textContent,"
        " Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent))])")
    found = dict((caption, rows) for caption, rows in tables)
    status = found["Actions by status at each month end"]
    assert [[r[0], *map(int, r[1:7])] for r in status] == [[uk(e[0]), *e[1:7]] for e in EXPECTED]
    themes = found["Overdue actions by theme at each month end"]
    assert [[r[0], int(r[1]), int(r[2])] for r in themes] == [[uk(e[0]), e[7], e[8]] for e in EXPECTED]
    assert [(r[0], int(r[1])) for r in found["Target dates revised in each month"]] == [
        (dt.datetime.strptime(m, "%Y-%m").strftime("%B %Y"), n) for m, n in EXPECTED_REVISIONS]
    # Each line is labelled at its end with its name and last value (readable without colour).
    labels = tab.evaluate("Array.from(document.querySelectorAll('#main svg .series-label')).map(t => t.textContent)")
    assert "Withdrawn: 1" in labels and "Overdue: 0" in labels and "Closed: 1" in labels
    assert tab.problems() == []


def test_every_page_prints_on_a4(site, exe, tmp_path):
    profile = tmp_path / "print-profile"
    profile.mkdir()
    import re

    for page in ("index.html", "trends.html", "actions/1.2.html"):
        pdf = tmp_path / (page.replace("/", "-") + ".pdf")
        chromium.print_pdf(exe, site / page, pdf, profile)
        boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
        assert boxes
        assert all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in boxes), page


# ------------------------------------------------------------------ accessibility: axe-core


def find_axe() -> Path | None:
    """axe.min.js: $CAP_AXE, else ~/.cache/cap-tests/axe (installed there with npm the first time)."""
    if os.environ.get("CAP_AXE"):
        wanted = Path(os.environ["CAP_AXE"])
        return wanted if wanted.is_file() else None
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cap-tests" / "axe"
    script = cache / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file() and shutil.which("npm"):
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([shutil.which("npm"), "install", "--no-audit", "--no-fund", "--prefix", str(cache),
                            "axe-core@4"], capture_output=True, timeout=300, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
    return script if script.is_file() else None


@pytest.fixture(scope="module")
def axe() -> str:
    script = find_axe()
    if script is None:
        pytest.skip("axe-core is not available (set CAP_AXE to axe.min.js, or install npm)")
    return script.read_text(encoding="utf-8")


AXE_RUN = ("axe.run(document, {preload: false, runOnly: {type: 'tag', values: "
           "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
           ".then(r => r.violations.map(v => [v.id, v.help, v.nodes.slice(0, 3).map(n => n.target.join(' '))]))")


def violations(tab: cdp.Tab, axe: str) -> list:
    tab.evaluate(axe)
    return tab.evaluate(AXE_RUN)


def test_every_kind_of_page_passes_axe(site, browser, axe):
    pages = ["index.html", "trends.html", "themes.html", "cases.html", "agencies.html",
             "actions/1.2.html", "actions/1.1.html", "themes/curiosity.html", "cases/A.html",
             "agencies/childrens-services.html"]
    tab = browser.open(site / pages[0])
    for page in pages:
        tab.navigate((site / page).resolve().as_uri())
        assert tab.problems() == [], page
        assert violations(tab, axe) == [], page


def test_control_axe_and_the_checks_catch_a_bad_page(browser, axe, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'">'
        '<title>bad</title><link rel="stylesheet" href="missing.css"></head><body><main>'
        '<h1>x</h1><h4>skipped levels</h4><p style="color:#bbb;background:#fff">faint</p>'
        '<table><tr><td>no header</td></tr></table><a href="x.html"></a></main>'
        "<script>console.error('boom')</script></body></html>", encoding="utf-8")
    tab = browser.open(page)
    assert any("Content Security Policy" in p for p in tab.problems())
    found = {v[0] for v in violations(tab, axe)}
    assert {"heading-order", "link-name"} <= found
