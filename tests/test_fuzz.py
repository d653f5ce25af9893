"""Issue 11 items 4 and 5, kept in the suite: no input reaches an internal error (exit 70),
and what cap writes, cap reads back and `cap validate` finds no error in.

Three hunts, each with hypothesis: every command's arguments (found from the CLI itself,
so a new command or option is fuzzed too), every field of an action file, and runs of the
write commands checked against `cap validate` after each step.
CAP_FUZZ_EXAMPLES=500 for a longer hunt than a normal run's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cap.cli import app
from cap.loader import load_plan
from tests.conftest import DATA

EXAMPLES = int(os.environ.get("CAP_FUZZ_EXAMPLES", "8"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
#: One example is one command run; the file fuzz draws its field, value and command at once.
FUZZ_FILES = settings(max_examples=EXAMPLES * 5, deadline=None, suppress_health_check=list(HealthCheck))

#: A small copy of the real plan: an open, an in-progress, a complete action and 4.10.
ACTIONS = ["1.1", "1.4", "2.4", "4.4", "4.10"]

HOSTILE = [
    "", " ", "-", "--", "4.4", "4.10", "2.4", "1.1", "0.0", "4", "4.4.4", "99999999999999999999.1", "1." + "9" * 5000,
    "../themes", "/etc/passwd", "../../../evil", "4.4/../4.4", "\x1b[2J", "a\x00b", "\x9b", "\ud800", "\udcff",
    "01/01/0001", "31/12/9999", "9999-12-31", "2017-02-30", "1/1/1", "01/06/17", "2017-07-01", "ongoing", "ONGOING",
    "1 June 2017", "June", "-1", "0", "999999999999999999999", "1e9", "nan", "open", "Complete", "in-progress",
    "closed", "withdrawn", "curiosity", "acc", "Q", "all", "NSCB", "x" * 5000, "%s", "{}", "=1+1", "'", '"',
    "json", "csv", "md", "html", "table", "text", "github", "action", "plan", "CAP214", "HEAD", "HEAD~1", "@{-1}",
    "line\nbreak", "tab\there", "\u202eevil", "🎉",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
#: Paths the fuzzer may give: inside the scratch folder only (never a system file to write).
PATHS = ["out.csv", "out.html", "out.md", "sub/out.json", "new-plan", "a.yaml", "b.yaml", "c.yaml", "plan.csv",
         "missing.csv", ".", "data", "data/actions/4.4.yaml", "/dev/null", ""]
PATH_PARAMS = {("report", "output"), ("merge-driver", "base"), ("merge-driver", "ours"), ("merge-driver", "theirs"),
               ("init", "directory"), ("import", "file")}


def commands() -> dict:
    return typer.main.get_command(app).commands


@contextlib.contextmanager
def scratch():
    """A folder with a small copy of the plan (data/) and a few files for path arguments."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "data" / "actions").mkdir(parents=True)
        for name in ("themes.yaml", "scrs.yaml"):
            shutil.copy(DATA / name, root / "data" / name)
        for ref in ACTIONS:
            shutil.copy(DATA / "actions" / f"{ref}.yaml", root / "data" / "actions" / f"{ref}.yaml")
        shutil.copy(DATA / "actions" / "4.4.yaml", root / "a.yaml")
        (root / "b.yaml").write_text("ref: [unclosed\n")
        (root / "c.yaml").write_text((DATA / "actions" / "4.4.yaml").read_text().replace(
            "target_date: 2017-03-01", "target_date: " + "9" * 5000))
        (root / "plan.csv").write_text("Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress\n"
                                       "curiosity,1.9,D,=1+1,NSCB,01/06/17,\x1b[2J\n")
        cwd = os.getcwd()
        os.chdir(root)
        try:
            yield root
        finally:
            os.chdir(cwd)


def invoke(root: Path, args: list[str]):
    result = CliRunner().invoke(app, ["--data", str(root / "data"), *args], catch_exceptions=True)
    return result


def assert_no_internal_error(result, args) -> None:
    """What the console script would turn into exit 70: any exception but SystemExit (an
    OSError is one line, exit 1, by design of cap/cli/main.py)."""
    exc = result.exception
    assert exc is None or isinstance(exc, (SystemExit, OSError)), (args, repr(exc))
    assert result.exit_code != 70, args


@st.composite
def arguments(draw, name: str) -> list[str]:
    command = commands()[name]
    positional: list[str] = []
    options: list[list[str]] = []
    for param in command.params:
        pool = st.sampled_from(PATHS) if (name, param.name) in PATH_PARAMS else values
        if param.param_type_name == "argument":
            positional.append(draw(pool))
        elif getattr(param, "is_flag", False):
            if draw(st.booleans()):
                options.append([param.opts[0]])
        else:
            for _ in range(draw(st.integers(0, 2 if param.multiple else 1))):
                options.append([draw(st.sampled_from(param.opts)), draw(pool)])
    options = draw(st.permutations(options))
    flat = [item for pair in options for item in pair]
    dashed = draw(st.booleans())
    return [name, *flat, *(["--"] if dashed else []), *positional]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(commands()))
def test_no_arguments_reach_an_internal_error(name):
    @FUZZ
    @given(arguments(name))
    def hunt(args):
        with scratch() as root:
            assert_no_internal_error(invoke(root, args), args)

    hunt()


# ------------------------------------------------------------------ every field of an action file

FIELDS = [
    ("ref",), ("theme",), ("scrs",), ("scrs", 0), ("all_scrs",), ("action",), ("lead",), ("lead", 0), ("target_date",),
    ("status",), ("owner",), ("outcome",), ("review_date",), ("evidence",), ("withdrawn_reason",), ("signed_off",),
    ("signed_off", "date"), ("signed_off", "by"), ("target_history",), ("target_history", 0, "date"),
    ("target_history", 0, "from"), ("target_history", 0, "to"), ("target_history", 0, "reason"), ("progress",),
    ("progress", 0, "date"), ("progress", 0, "text"), ("progress", 0, "author"), ("unknown_key",),
]
SCALARS = [
    "9" * 5000, "-" + "9" * 5000, "1e999", "-.inf", ".nan", "0x1F", "0o17", "4.10", "4.4", "2017-02-30",
    "2017-01-31 10:00:00", "2017-01-31T10:00:00Z", "0001-01-01", "9999-12-31", "~", "null", "''", "yes", "no", "on",
    "[]", "{}", "[1, [2, [3]]]", "{a: 1}", "!!binary aGk=", "!!python/object:os.system x", "&a x", "*a", '"\\e[2J"',
    '"\\x85"', '"\\u202e"', '"\\0"', '"a\\nb"', "'", '"', "|\n  block", ">-\n  folded", "- [a]", "? complex",
    "'" + "x" * 2000 + "'", "ongoing", "ONGOING", "closed", "A", "[A, A]", "[Z]", "[0]",
]
FULL = """\
ref: '4.4'
theme: accountability
scrs:
- N
all_scrs: false
action: Review.
lead:
- MASH
target_date: ongoing
status: closed
owner: MEO
outcome: Fewer CPIs missed.
review_date: 2017-06-01
evidence:
- Audit report.
signed_off:
  date: 2017-06-01
  by: SCR Review Group
target_history:
- date: 2017-02-01
  from: 2017-03-01
  to: ongoing
  reason: Annual.
progress:
- date: 2017-01-31
  text: Begun.
  author: MEO
"""


def with_field(loc: tuple, value: str) -> str:
    """The FULL action with the value at `loc` replaced by a raw YAML text."""
    import yaml

    data = yaml.safe_load(FULL)
    marker = "__FUZZ__"
    node = data
    for step in loc[:-1]:
        node = node[step]
    node[loc[-1]] = marker
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    indent = next(line for line in text.splitlines() if marker in line).index(marker)
    value = value.replace("\n", "\n" + " " * (indent + 2))
    return text.replace(marker, value, 1)


COMMANDS_ON_A_FILE = [["validate"], ["list"], ["show", "4.4"], ["show", "4.4", "-f", "json"], ["fmt", "--check"],
                      ["fmt"], ["report", "-f", "csv"], ["report", "-f", "html"], ["stats"],
                      ["progress", "4.4", "x"], ["reopen", "4.4", "--reason", "r"], ["retarget", "4.4", "ongoing", "--reason", "r"]]


@pytest.mark.slow
@FUZZ_FILES
@given(st.sampled_from(FIELDS), st.one_of(st.sampled_from(SCALARS), st.text(max_size=20).map(lambda t: repr(t)[1:-1])),
       st.sampled_from(COMMANDS_ON_A_FILE))
def test_no_field_of_an_action_file_reaches_an_internal_error(loc, value, args):
    with scratch() as root:
        (root / "data" / "actions" / "4.4.yaml").write_text(with_field(loc, value), encoding="utf-8")
        assert_no_internal_error(invoke(root, args), args)


@pytest.mark.parametrize("loc", FIELDS, ids=lambda loc: ".".join(map(str, loc)))
def test_a_5000_digit_number_in_any_field_is_located(loc):
    with scratch() as root:
        (root / "data" / "actions" / "4.4.yaml").write_text(with_field(loc, "9" * 5000), encoding="utf-8")
        for args in (["validate"], ["list"], ["progress", "4.4", "x"]):
            result = invoke(root, args)
            assert_no_internal_error(result, args)
            assert result.exit_code == 1
            assert "data/actions/4.4.yaml:" in result.output and "5,000 digits" in result.output


# ------------------------------------------------------------------ the writes against validate

TODAY = dt.date(2017, 7, 1)
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(2018, 12, 31)).map(dt.date.isoformat),
                  st.sampled_from(["01/01/0001", "31/12/1989", "01/01/1990", "2017-07-02", "30/06/17"]))
refs = st.sampled_from(ACTIONS + ["4.12", "../themes"])


def opt(name: str, value: str | None) -> list[str]:
    return [] if value is None else [name, value]


writes = st.one_of(
    st.builds(lambda r, t, d, a, s: ["progress", r, *opt("--date", d), *opt("--author", a), *opt("--status", s), "--", t],
              refs, texts, dates, st.none() | texts, st.none() | st.sampled_from(["open", "in-progress", "complete", "closed"])),
    st.builds(lambda r, t, why, d, a: ["retarget", r, *opt("--reason", why), *opt("--date", d), *opt("--author", a), "--", t],
              refs, st.one_of(dates.filter(bool), st.just("ongoing")), st.none() | texts, dates, st.none() | texts),
    st.builds(lambda r, by, d: ["close", r, *opt("--by", by), *opt("--date", d)], refs, st.none() | texts, dates),
    st.builds(lambda c, r, why, d: [c, r, *opt("--reason", why), *opt("--date", d)],
              st.sampled_from(["withdraw", "reopen"]), refs, st.none() | texts, dates),
    st.builds(lambda t, a, lead, target, owner, outcome: ["add", "-t", t, "-a", a, "--lead", lead,
                                                          *opt("--target-date", target), *opt("--owner", owner),
                                                          *opt("--outcome", outcome)],
              st.sampled_from(["curiosity", "accountability", "x"]), texts, texts,
              st.one_of(dates, st.just("ongoing")), st.none() | texts, st.none() | texts),
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(writes, min_size=1, max_size=6))
def test_what_the_write_commands_write_validate_accepts(steps):
    import cap.dates

    saved = cap.dates.today
    cap.dates.today = lambda: TODAY
    try:
        with scratch() as root:
            data = root / "data"
            for args in steps:
                before = snapshot(data)
                result = invoke(root, args)
                assert_no_internal_error(result, args)
                if result.exit_code != 0:
                    assert result.exit_code in (1, 2), (args, result.output)
                    assert len(result.stderr.splitlines()) >= 1
                    assert snapshot(data) == before, args  # a refusal changes nothing
                    continue
                check = invoke(root, ["validate", "--as-of", TODAY.isoformat()])
                assert check.exit_code == 0, (args, check.output)
                plan, problems = load_plan(data)
                assert problems == []
    finally:
        cap.dates.today = saved


# ------------------------------------------------------------------ files to import, themes and SCRs

HEADERS = ["Theme,Ref,SCR Ref,Action,Lead agency,Target date,Progress",
           "Theme,Ref,SCR Ref,Action,Lead agency,Target date,Status,BRAG,Progress date,Progress,Signed off,"
           "Withdrawn reason,Target history,Progress authors",
           "Ref,Action", ""]
cells = st.one_of(st.sampled_from(HOSTILE + ["curiosity", "1.1", "1.2", "4.10", "D", "All", "M (and All)", "01/06/17",
                                             "2017-01-31: Begun.\n  more", "1: MEO", "2017-03-01 by SCR Review Group",
                                             "2017-02-01: 2017-01-01 -> 2017-06-01: Later.", '"', '""', "a,b"]),
                  st.text(max_size=10))


@pytest.mark.slow
@FUZZ_FILES
@given(st.sampled_from(HEADERS), st.lists(st.lists(cells, min_size=1, max_size=14), max_size=4),
       st.sampled_from([",", ";", "\t"]), st.sampled_from([["--dry-run"], [], ["--update"], ["--add-themes", "--dry-run"]]))
def test_no_file_to_import_reaches_an_internal_error(header, rows, separator, flags):
    with scratch() as root:
        lines = [header.replace(",", separator)] + [
            separator.join('"' + c.replace('"', '""') + '"' if separator in c or "\n" in c or '"' in c else c for c in row)
            for row in rows]
        (root / "plan.csv").write_bytes(("\n".join(lines) + "\n").encode("utf-8", "replace"))
        args = ["import", "plan.csv", "--progress-date", "2017-03-31", *flags]
        before = snapshot(root / "data")
        result = invoke(root, args)
        assert_no_internal_error(result, args)
        if result.exit_code != 0:
            assert snapshot(root / "data") == before
        else:
            assert invoke(root, ["validate", "--as-of", "2017-07-01"]).exit_code == 0


REFERENCE_FIELDS = [("themes.yaml", ("themes", 0, key)) for key in ("id", "number", "title", "aliases")] + [
    ("scrs.yaml", ("scrs", 0, key)) for key in ("id", "title", "note")]


@pytest.mark.slow
@FUZZ_FILES
@given(st.sampled_from(REFERENCE_FIELDS), st.sampled_from(SCALARS), st.sampled_from(COMMANDS_ON_A_FILE[:6]))
def test_no_field_of_themes_or_scrs_reaches_an_internal_error(where, value, args):
    import yaml

    name, loc = where
    with scratch() as root:
        path = root / "data" / name
        data = yaml.safe_load(path.read_text())
        data[loc[0]][loc[1]][loc[2]] = "__FUZZ__"
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        indent = next(line for line in text.splitlines() if "__FUZZ__" in line).index("__FUZZ__")
        path.write_text(text.replace("__FUZZ__", value.replace("\n", "\n" + " " * (indent + 2)), 1), encoding="utf-8")
        assert_no_internal_error(invoke(root, args), args)


# ------------------------------------------------------------------ workbook parts and Word tables (issue 21)

XML_TEXT = st.one_of(st.sampled_from(HOSTILE[:40] + ["&amp;", "&lt;", "]]>", "<", "&#0;", "&#x1F600;"]),
                     st.text(max_size=12))
COORDS = st.one_of(st.sampled_from(["A1", "B2", "XFD1048576", "A0", "ZZZZ1", "A99999999", "", "1A", "$C$15", "a3"]),
                   st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "C", "G", "SF", "SG", "XFD"]),
                             st.integers(0, 2_000_000)))


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF))


@st.composite
def sheet_cells(draw) -> str:
    kind = draw(st.sampled_from(["s", "inlineStr", "n", "b", "e", "str", "d", "", "garbage"]))
    value = draw(st.one_of(XML_TEXT, st.integers(-5, 10 ** 20).map(str), st.floats(allow_nan=True).map(str)))
    formula = draw(st.sampled_from(["", "<f>1+1</f>", '<f t="shared" si="0"/>', "<f>SUM(A1:XFD1048576)</f>"]))
    body = (f"<is><t>{_escape(value)}</t></is>" if kind == "inlineStr"
            else draw(st.sampled_from(["", f"<v>{_escape(value)}</v>", "<v></v>"])))
    t = f' t="{kind}"' if kind else ""
    return f'<c r="{draw(COORDS)}"{t}>{formula}{body}</c>'


@st.composite
def sheet_xml(draw) -> bytes:
    rows = draw(st.lists(st.tuples(st.one_of(st.integers(0, 2_000_000).map(str), st.just("x")),
                                   st.lists(sheet_cells(), max_size=5)), max_size=6))
    merges = draw(st.lists(st.builds(lambda a, b: f"{a}:{b}", COORDS, COORDS), max_size=4))
    dimension = draw(COORDS)
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for i, h in enumerate(["Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress"]))
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in rows)
    merged = f'<mergeCells>{"".join(f"<mergeCell ref={chr(34)}{m}{chr(34)}/>" for m in merges)}</mergeCells>' \
        if merges else ""
    return (f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:{dimension}"/><sheetData><row r="1">{head}</row>{body}</sheetData>{merged}'
            "</worksheet>").encode()


def _workbook(sheet: bytes, strings: bytes | None = None) -> bytes:
    """A workbook made by openpyxl, its first sheet's XML (and its shared strings) replaced."""
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    raw = io.BytesIO()
    wb.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet
            elif info.filename == "xl/sharedStrings.xml" and strings is not None:
                data = strings
            zf.writestr(info.filename, data)
        if strings is not None and "xl/sharedStrings.xml" not in src.namelist():
            zf.writestr("xl/sharedStrings.xml", strings)
    return out.getvalue()


STRINGS = st.one_of(st.none(), st.builds(
    lambda texts: ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   + "".join(f"<si><t>{_escape(t)}</t></si>" for t in texts) + "</sst>").encode(),
    st.lists(XML_TEXT, max_size=5)), st.sampled_from([b"", b"<sst", b"not xml", b'<!DOCTYPE x [<!ENTITY a "b">]><sst/>']))


@pytest.mark.slow
@FUZZ_FILES
@given(sheet_xml(), STRINGS, st.integers(0, 400), st.binary(max_size=3))
def test_no_workbook_part_reaches_an_internal_error(sheet, strings, cut, junk):
    """cap.intake reads a workbook (or refuses it, IntakeError) whatever its parts hold,
    and `cap import` of it is never an internal error."""
    from cap.intake import IntakeError, open_workbook

    raw = _workbook(sheet, strings)
    for candidate in (raw, raw[:len(raw) - cut] + junk):
        try:
            book = open_workbook(candidate, "plan.xlsx")
            for title in book.sheetnames:
                book.sheet(title)
        except IntakeError as exc:
            assert "\n" not in str(exc)
    with scratch() as root:
        (root / "plan.xlsx").write_bytes(raw)
        args = ["import", "plan.xlsx", "--progress-date", "2017-03-31", "--dry-run"]
        assert_no_internal_error(invoke(root, args), args)


@st.composite
def word_tables(draw) -> bytes:
    import io

    import docx

    document = docx.Document()
    for _ in range(draw(st.integers(0, 3))):
        rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 5))
        table = document.add_table(rows=rows, cols=cols)
        for r in range(rows):
            for c in range(cols):
                table.cell(r, c).text = _escape(draw(st.one_of(
                    st.sampled_from(["Ref", "Action", "Lead agency", "Target date", "Progress", "1.1", "01/06/17"]),
                    XML_TEXT)))
        if draw(st.booleans()) and rows > 1:
            table.cell(0, 0).merge(table.cell(rows - 1, 0))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
@FUZZ_FILES
@given(word_tables(), st.sampled_from([None, b"", b"<w:document", b'<!DOCTYPE d [<!ENTITY a "b">]><d/>',
                                       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                                       b'2006/main"><w:body><w:tbl><w:tc/><w:tr><w:tr/></w:tr></w:tbl></w:body>'
                                       b"</w:document>"]))
def test_no_word_table_reaches_an_internal_error(raw, document_xml):
    """cap.intake opens a Word document (or refuses it) whatever its tables hold, and
    `cap import` of it is never an internal error."""
    import io
    import zipfile

    from cap.intake import IntakeError, open_document

    if document_xml is not None:
        src = zipfile.ZipFile(io.BytesIO(raw))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for info in src.infolist():
                zf.writestr(info.filename, document_xml if info.filename == "word/document.xml" else src.read(info))
        raw = out.getvalue()
    try:
        document = open_document(raw, "plan.docx")
        _ = [[cell.text for row in table.rows for cell in row.cells] for table in document.tables]
    except IntakeError as exc:
        assert "\n" not in str(exc)
    with scratch() as root:
        (root / "plan.docx").write_bytes(raw)
        args = ["import", "plan.docx", "--progress-date", "2017-03-31", "--dry-run"]
        assert_no_internal_error(invoke(root, args), args)
