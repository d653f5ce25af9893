"""The HTML report in a real headless Chromium (Debian's `chromium`; `.ci/run` installs it).

Each test skips when there is no chromium, except in CI (`CI=true`), where that fails.
The control tests prove the checks can fail: a page whose script runs, or that logs to
the console, is caught by the same helpers that pass the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cap.reports.html import STATUS_COLOURS
from tests import chromium
from tests.conftest import ROOT, Cap, action_yaml, write_files

# End to end (a browser, real processes, generated plans): `pytest -m 'not slow'` leaves them out.
pytestmark = pytest.mark.slow

PICTURE = ROOT / "docs" / "report.png"
SIZE = (1400, 1100)
PICTURE_SIZE = (1400, 1640)


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium.require()


@pytest.fixture
def profile(tmp_path) -> Path:
    folder = tmp_path / "profile"
    folder.mkdir()
    return folder


def write_report(cap: Cap, path: Path, *args: str) -> Path:
    result = cap("report", "--as-of", "2017-07-01", *args, "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


# ------------------------------------------------------------------ the report of the real data


def test_report_loads_with_every_theme_and_ref(browser, cap, tmp_path, profile):
    page = write_report(cap, tmp_path / "report.html")
    dom, console = chromium.dump_dom(browser, page, profile)
    assert console == []
    parsed = chromium.Page(dom)
    assert parsed.texts("h2") == [
        "Summary", "1. Professional curiosity", "2. Fora for discussion and information-sharing",
        "3. Collaborative working, decision-making and planning", "4. Ownership and accountability: management grip",
    ]
    refs = [f"1.{i}" for i in range(1, 5)] + [f"2.{i}" for i in range(1, 5)] + [f"3.{i}" for i in range(1, 4)] \
        + [f"4.{i}" for i in range(1, 12)]
    assert parsed.texts("td", "ref") == refs                       # the first cell of each action's row
    assert "11 of 22 actions overdue as of 01/07/2017." in parsed.text
    assert parsed.tags("svg") and parsed.tags("script") == []


def test_chart_is_visible_in_a_screenshot(browser, cap, tmp_path, profile, request):
    page = write_report(cap, tmp_path / "report.html")
    png = tmp_path / "report.png"
    assert chromium.screenshot(browser, page, png, profile, SIZE) == []
    width, height, rows = chromium.read_png(png)
    assert (width, height) == SIZE
    in_progress = chromium.count_colour(rows, STATUS_COLOURS["in-progress"][0])
    complete = chromium.count_colour(rows, STATUS_COLOURS["complete"][0])
    # 21 in-progress actions drawn as bars: thousands of pixels; 2.4, the one complete action, a segment.
    assert in_progress > 5000 and complete > 300
    assert chromium.count_colour(rows, STATUS_COLOURS["closed"][0]) < in_progress  # only the legend swatch
    if request.config.getoption("--update-golden"):     # the README's picture: taller, to show a theme too
        PICTURE.parent.mkdir(exist_ok=True)
        chromium.screenshot(browser, page, PICTURE, profile, PICTURE_SIZE)


def test_prints_on_a4_landscape(browser, cap, tmp_path, profile):
    page = write_report(cap, tmp_path / "report.html")
    pdf = tmp_path / "report.pdf"
    chromium.print_pdf(browser, page, pdf, profile)
    import re

    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert boxes, "no page sizes found in the PDF"
    for width, height in boxes:
        assert abs(float(width) - 841.9) < 2 and abs(float(height) - 595.3) < 2   # A4 landscape, in points


# ------------------------------------------------------------------ hostile text


HOSTILE = ("<script>alert(1)</script><script>document.body.setAttribute('data-pwned','1');"
           "console.error('script ran')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','2')\">")


def test_hostile_text_shows_as_text_and_no_script_runs(browser, small_data, tmp_path, profile):
    quoted = HOSTILE.replace("'", "''")
    write_files(small_data.parent, {
        "data/actions/1.1.yaml": action_yaml(
            action=f"'{quoted}'", lead=f"['{quoted}']",
            progress=f"\n- date: 2017-01-01\n  text: '{quoted}'\n  author: '<b onmouseover=alert(3)>x</b>'"),
    })
    page = write_report(Cap(small_data), tmp_path / "hostile.html", "--title", "<script>alert(4)</script>")
    dom, console = chromium.dump_dom(browser, page, profile)
    assert console == []                                   # nothing ran, nothing was blocked, nothing failed
    parsed = chromium.Page(dom)
    assert parsed.tags("script") == [] and parsed.tags("img") == [] and parsed.tags("b") == []
    assert not [a for _tag, attrs in parsed.elements for a in attrs if a.startswith("on") or a == "data-pwned"]
    assert "<script>alert(1)</script>" in parsed.text                  # shown as written
    assert parsed.text.count(HOSTILE) >= 3                              # action, lead, progress (+ summary)
    assert parsed.texts("title")[0] == "<script>alert(4)</script> - as of 01/07/2017"   # the page title


# ------------------------------------------------------------------ controls: the checks can fail


def test_control_a_running_script_is_detected(browser, tmp_path, profile):
    page = tmp_path / "bad.html"
    runs = HOSTILE.replace("<script>alert(1)</script>", "")     # an alert would block the headless page
    page.write_text(f"<!DOCTYPE html><html><head><title>t</title></head><body><p>x</p>{runs}</body></html>",
                    encoding="utf-8")
    dom, console = chromium.dump_dom(browser, page, profile)
    parsed = chromium.Page(dom)
    assert parsed.tags("script") and parsed.tags("body")[0].get("data-pwned")
    assert any("script ran" in message for message in console)


def test_control_an_invisible_chart_is_detected(browser, tmp_path, profile):
    colour = STATUS_COLOURS["in-progress"][0]
    page = tmp_path / "hidden.html"
    page.write_text(f'<!DOCTYPE html><html><body><svg width="400" height="100" style="display:none">'
                    f'<rect width="400" height="100" fill="{colour}"/></svg></body></html>', encoding="utf-8")
    png = tmp_path / "hidden.png"
    chromium.screenshot(browser, page, png, profile, (800, 200))
    assert chromium.count_colour(chromium.read_png(png)[2], colour) == 0


def test_missing_browser_skips_here_but_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CAP_CHROMIUM", "/no/such/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium.require()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        chromium.require()


# ------------------------------------------------------------------ the papers (issue 14)


def test_annual_and_signoff_papers_load_cleanly(browser, tmp_path, profile):
    from tests.reviewsfixture import write_plan

    cap = Cap(write_plan(tmp_path / "data"))
    for kind, extra in (("annual", ["--year", "2017-18"]), ("signoff", ["--since", "2017-01-01"])):
        page = tmp_path / f"{kind}.html"
        result = cap("report", "--kind", kind, *extra, "--as-of", "2018-06-30", "-o", str(page))
        assert result.exit_code == 0, result.output
        dom, console = chromium.dump_dom(browser, page, profile)
        assert console == []
        parsed = chromium.Page(dom)
        assert parsed.tags("script") == []
        if kind == "annual":
            assert parsed.tags("svg") and "By lead agency" in parsed.texts("h2")
        else:
            assert parsed.texts("h3") == ["1.1 (NSCB)"] and "Decision: signed off" in parsed.text
