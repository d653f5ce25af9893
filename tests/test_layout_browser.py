"""The HTML report and the site on a phone (390 px) and a desktop (1280 px), in headless
Chromium: no table runs off the screen (a wide one scrolls inside its own box, its first
column kept), no word is broken in the middle, and the trend charts' labels are never
clipped nor overlap. Skips without chromium, except in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import cdp, chromium
from tests.conftest import Cap
from tests.gitrepo import git_env  # noqa: F401
from tests.test_site import AS_OF, history_repo

pytestmark = pytest.mark.slow

WIDTHS = (390, 1280)

#: What runs off the viewport, outside any box that scrolls; and the text a style would break mid-word.
OFF_SCREEN = """(() => {
  const vw = document.documentElement.clientWidth;
  const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    const x = getComputedStyle(a).overflowX; if (x === 'auto' || x === 'scroll') return true; } return false; };
  return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > vw + 1 && !scrolls(e))
    .map(e => e.tagName + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''));
})()"""
BREAKS_WORDS = """[...document.querySelectorAll('body *')].filter(e => { const s = getComputedStyle(e);
  return s.wordBreak === 'break-all' || s.overflowWrap === 'anywhere' || s.hyphens === 'auto'; }).length"""
WIDE_TABLES = """[...document.querySelectorAll('table')].filter(t => t.scrollWidth > t.clientWidth + 1).map(t => {
  const first = t.querySelector('tbody tr > :first-child');
  return [getComputedStyle(t).overflowX, first ? getComputedStyle(first).position : 'none'];
})"""
#: Every cell holds its text without overflowing (a word wider than its column would).
OVERFULL_CELLS = """[...document.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1)
  .map(c => c.textContent.slice(0, 40))"""
#: Each chart's texts, in its own units: [x, y, width, height] and the chart's size.
CHART_TEXTS = """[...document.querySelectorAll('svg.trend')].map(svg => {
  const box = svg.viewBox.baseVal;
  return [box.width, box.height, [...svg.querySelectorAll('text')].map(t => { const b = t.getBBox();
    return [b.x, b.y, b.width, b.height, t.textContent]; })];
})"""


@pytest.fixture(scope="module")
def exe() -> str:
    return chromium.require()


@pytest.fixture
def pages(tmp_path) -> list[Path]:
    repo = history_repo(tmp_path / "plan")
    cap = Cap(repo.data)
    out = tmp_path / "site"
    assert cap("site", "-o", str(out), "--as-of", AS_OF).exit_code == 0
    report = tmp_path / "report.html"
    assert cap("report", "--as-of", AS_OF, "-o", str(report)).exit_code == 0
    exceptions = tmp_path / "exceptions.html"
    assert cap("report", "-k", "exceptions", "--as-of", AS_OF, "-o", str(exceptions)).exit_code == 0
    return [report, exceptions, out / "index.html", out / "trends.html", out / "themes" / "accountability.html",
            out / "actions" / "4.4.html", out / "agencies" / "childrens-services.html"]


def at_width(browser: cdp.Browser, page: Path, width: int) -> cdp.Tab:
    tab = browser.open(page)
    tab.send("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 700})
    tab.navigate(page.resolve().as_uri())
    return tab


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] - 0.5 and b[0] < a[0] + a[2] - 0.5 and a[1] < b[1] + b[3] - 0.5 and b[1] < a[1] + a[3] - 0.5


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_runs_off_the_screen_and_no_word_is_broken(exe, pages, tmp_path, width):
    with cdp.Browser(exe, size=(width, 900)) as browser:
        for page in pages:
            tab = at_width(browser, page, width)
            name = f"{page.parent.name}/{page.name} at {width}px"
            assert tab.evaluate("document.documentElement.scrollWidth") <= width, name
            assert tab.evaluate(OFF_SCREEN) == [], name
            assert tab.evaluate(BREAKS_WORDS) == 0, name
            assert tab.evaluate(OVERFULL_CELLS) == [], name
            for overflow, first in tab.evaluate(WIDE_TABLES):   # scrolls in its own box, the first column kept
                assert overflow in ("auto", "scroll") and first == "sticky", name
            if width == 390 and page.name == "report.html":
                assert tab.evaluate(WIDE_TABLES), "at 390 px the actions tables scroll in their own box"


@pytest.mark.parametrize("width", WIDTHS)
def test_trend_labels_are_never_clipped_nor_overlap(exe, pages, width):
    trends = next(p for p in pages if p.name == "trends.html")
    with cdp.Browser(exe, size=(width, 900)) as browser:
        charts = at_width(browser, trends, width).evaluate(CHART_TEXTS)
    assert len(charts) == 3
    for chart_width, chart_height, texts in charts:
        for x, y, w, h, text in texts:
            assert x >= -0.5 and y >= -0.5 and x + w <= chart_width + 0.5 and y + h <= chart_height + 0.5, text
        for i, a in enumerate(texts):
            for b in texts[i + 1:]:
                assert not overlap(a, b), (a[4], b[4])


def test_the_checks_can_fail(exe, tmp_path):
    """A table that runs off a phone's screen, and a style that breaks words, are caught."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body>'
                    '<table><tr><td style="overflow-wrap:anywhere">' + "word " * 10 + '</td><td>'
                    + "x" * 200 + "</td></tr></table></body></html>", encoding="utf-8")
    with cdp.Browser(exe, size=(390, 900)) as browser:
        tab = at_width(browser, page, 390)
        assert tab.evaluate(OFF_SCREEN) and tab.evaluate(BREAKS_WORDS) == 1
    assert overlap((0, 0, 10, 10), (5, 5, 10, 10)) and not overlap((0, 0, 10, 10), (10, 0, 10, 10))
