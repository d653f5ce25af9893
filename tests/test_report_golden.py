"""Golden files: each report format for the real data at fixed as-of dates.

The files in tests/golden/ are the exact bytes `cap report -o FILE` writes. They change
only when someone means them to: `pytest --update-golden` rewrites them, and the diff is
reviewed like any other change.

HTML is compared with its whitespace normalised (runs of whitespace are one space, and
whitespace between two tags is dropped): the page comes from Jinja2 templates, and how
the template lays out its lines is not the report's content. Every other format is
compared byte for byte.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"

CASES = {
    "report-2017-07-01.md": ["--as-of", "2017-07-01"],
    "report-2017-07-01.html": ["--as-of", "2017-07-01"],
    "report-2017-07-01.csv": ["--as-of", "2017-07-01"],
    "report-2017-07-01.json": ["--as-of", "2017-07-01"],
    "report-2017-07-01-full.csv": ["--as-of", "2017-07-01", "--full"],
    "exceptions-2026-11-26.md": ["--as-of", "2026-11-26", "--kind", "exceptions"],
    "exceptions-2026-11-26.html": ["--as-of", "2026-11-26", "--kind", "exceptions"],
    "agency-health-2017-03-01.md": ["--as-of", "2017-03-01", "--kind", "agency", "--lead", "Health"],
    "agency-health-2017-03-01.json": ["--as-of", "2017-03-01", "--kind", "agency", "--lead", "Health"],
}


def comparable(name: str, data: bytes) -> bytes | str:
    """What must be equal: the bytes, or for HTML the text with its whitespace normalised."""
    if not name.endswith(".html"):
        return data
    text = re.sub(r">\s+<", "><", data.decode("utf-8"))
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_matches_its_golden_file(cap, tmp_path, name, update_golden):
    out = tmp_path / name
    result = cap("report", *CASES[name], "-o", str(out))
    assert result.exit_code == 0, result.output
    got = out.read_bytes()
    golden = GOLDEN / name
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(got)
        return
    assert golden.is_file(), f"no golden file {golden.name}: run `pytest --update-golden` and review the diff"
    assert comparable(name, got) == comparable(name, golden.read_bytes()), (
        f"{name} differs from tests/golden/{name}; if the change is meant, run `pytest --update-golden` "
        "and review the diff"
    )


def test_every_format_has_a_golden_file():
    assert {name.rsplit(".", 1)[1] for name in CASES} == {"md", "html", "csv", "json"}


@pytest.mark.slow
def test_same_data_and_date_give_the_same_bytes(cap, tmp_path):
    for fmt in ("md", "html", "csv", "json"):
        first = cap("report", "--as-of", "2017-07-01", "--format", fmt).stdout_bytes
        again = cap("report", "--as-of", "2017-07-01", "--format", fmt).stdout_bytes
        assert first == again and first


def test_golden_files_carry_no_timestamp():
    import json

    paths = sorted(GOLDEN.iterdir())
    assert len(paths) == len(CASES)
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
        assert "Produced on" not in text, path.name
        if path.suffix == ".json":
            assert json.loads(text)["produced_on"] is None


def test_html_comparison_ignores_only_whitespace():
    page = b'<p class="a">x  y</p>\n<p>z</p>'
    assert comparable("r.html", page) == comparable("r.html", b'<p class="a">x y</p><p>z</p>')
    assert comparable("r.html", page) != comparable("r.html", b'<p class="a">x y</p><p>Z</p>')
    assert comparable("r.md", b"a  b") != comparable("r.md", b"a b")
