"""cap.intake: every file from outside read within bounds (issue 21).

The hostile files are made here: workbooks with openpyxl, or by writing their XML into
a zip; peak memory is measured in a child process (ru_maxrss, under an address-space
limit so that a regression fails instead of eating the machine), never by timing.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cap.intake import (
    MAX_CELL_CHARS, MAX_MERGED, MAX_ROWS, IntakeError, open_document, open_workbook, read_bytes, save_as, sniff,
)
from tests.conftest import Cap

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["Theme", "Ref", "SCR Ref", "Action", "Lead agency", "Target date", "Progress"]


def base_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws.append(HEADER)
    ws.append(["Professional curiosity", "1.1", "D", "Do the thing.", "NSCB", "2017-06-01", "Started."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_sheet(sheet_xml, *, level: int = 6, extra: dict[str, bytes] | None = None) -> bytes:
    """The base workbook with its sheet's XML replaced: `sheet_xml` bytes, or an iterable
    of byte chunks (streamed into the zip: a huge sheet is never held whole)."""
    src = zipfile.ZipFile(io.BytesIO(base_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                member = zipfile.ZipInfo(info.filename)
                member.compress_type = zipfile.ZIP_DEFLATED
                member._compresslevel = level   # (Python < 3.13's name for it)
                with zf.open(member, "w", force_zip64=True) as fh:
                    for chunk in ([sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml):
                        fh.write(chunk)
            else:
                zf.writestr(info, src.read(info.filename))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def sheet(rows: str, *, after: str = "", dimension: str = "A1:G2") -> bytes:
    head = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><dimension ref="{dimension}"/>'
            f'<sheetData><row r="1">{head}</row>{rows}</sheetData>{after}</worksheet>').encode()


def refusal(raw: bytes, shown: str = "plan.xlsx") -> str:
    with pytest.raises(IntakeError) as caught:
        book = open_workbook(raw, shown)
        for title in book.sheetnames:
            book.sheet(title)
    return str(caught.value)


# ------------------------------------------------------------------ bounds, refused in one line


def test_a_value_at_xfd1048576_is_refused_naming_the_bound():
    raw = sheet('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
                dimension="A1:XFD1048576")
    assert len(with_sheet(raw)) < 10_000
    line = refusal(with_sheet(raw))
    assert line.startswith("plan.xlsx, sheet 'Action Plan', XFD1048576: holds a value past row 20,000 (MAX_ROWS)")


def test_a_value_past_the_last_column_is_refused():
    line = refusal(with_sheet(sheet('<row r="2"><c r="XFD2"><v>1</v></c></row>')))
    assert "XFD2: holds a value past column SF (500, MAX_COLUMNS)" in line


def test_a_dimension_claiming_every_cell_allocates_nothing():
    book = open_workbook(with_sheet(sheet("", dimension="A1:XFD1048576")), "plan.xlsx")
    s = book.sheet("Action Plan")
    assert (s.max_row, s.max_column) == (1, 7)


def test_empty_styled_cells_far_away_are_not_values():
    far = '<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    s = open_workbook(with_sheet(sheet(far)), "plan.xlsx").sheet("Action Plan")
    assert s.max_row == 1


def test_a_merged_range_to_the_end_of_the_sheet_is_clipped_to_the_values():
    s = open_workbook(with_sheet(sheet("", after='<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')),
                      "plan.xlsx").sheet("Action Plan")
    assert s.merged == []   # below the last value: nothing to fill
    s = open_workbook(with_sheet(sheet('<row r="5"><c r="A5"><v>1</v></c></row>',
                                       after='<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>')),
                      "plan.xlsx").sheet("Action Plan")
    assert s.merged == [(3, 1, 5, 7)]


def test_two_thousand_merged_columns_are_read_and_one_more_refused():
    def merges(n):
        cells = "".join(f'<mergeCell ref="{openpyxl.utils.get_column_letter(c)}2:'
                        f'{openpyxl.utils.get_column_letter(c)}1048576"/>' for c in range(1, n + 1))
        return f'<mergeCells count="{n}">{cells}</mergeCells>'

    s = open_workbook(with_sheet(sheet("", after=merges(MAX_MERGED))), "plan.xlsx").sheet("Action Plan")
    assert s.max_row == 1
    assert "more than 2,000 merged ranges (MAX_MERGED)" in refusal(with_sheet(sheet("", after=merges(MAX_MERGED + 1))))


def test_rows_past_the_bound_are_refused_at_the_first_one():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(2, MAX_ROWS + 3))
    assert f"A{MAX_ROWS + 1}: holds a value past row 20,000 (MAX_ROWS)" in refusal(with_sheet(sheet(rows)))


def test_a_cell_longer_than_excel_holds_is_refused_at_its_cell():
    long = "x" * (MAX_CELL_CHARS + 1)
    line = refusal(with_sheet(sheet(f'<row r="2"><c r="C2" t="inlineStr"><is><t>{long}</t></is></c></row>')))
    assert "sheet 'Action Plan', C2: a text of 32,768 characters, longer than a cell holds (32,767" in line


def test_a_highly_compressed_whitespace_sheet_is_a_zip_bomb():
    spaces = (b" " * 1_000_000 for _ in range(20))
    raw = with_sheet(iter([sheet("")[:-len(b"</worksheet>")], *spaces, b"</worksheet>"]), level=9)
    assert len(raw) < 100_000
    assert "compressed" in refusal(raw) and "(limit 100 to 1, MAX_RATIO)" in refusal(raw)


@pytest.mark.slow
def test_a_500_mb_cell_is_refused_before_unpacking():
    head = sheet("")[:-len(b"</sheetData></worksheet>")] + b'<row r="2"><c r="C2" t="inlineStr"><is><t>'
    body = (b"x" * 10_000_000 for _ in range(50))
    raw = with_sheet(iter([head, *body, b"</t></is></c></row></sheetData></worksheet>"]), level=9)
    assert len(raw) < 2_000_000
    assert "bytes unpacked (limit 32,000,000, MAX_MEMBER_BYTES)" in refusal(raw)


def test_too_many_parts_are_refused():
    raw = with_sheet(sheet(""), extra={f"xl/junk/{i}.bin": b"" for i in range(1_001)})
    assert "parts (limit 1,000, MAX_MEMBERS)" in refusal(raw)


def test_a_doctype_is_refused_in_any_part():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
            '</sheetData></worksheet>').encode()
    assert "declares a DOCTYPE" in refusal(with_sheet(bomb))


# ------------------------------------------------------------------ formulas


def test_a_formula_with_no_saved_value_is_a_problem_at_its_cell():
    s = open_workbook(with_sheet(sheet('<row r="15"><c r="C15"><f>1+1</f><v></v></c></row>')),
                      "plan.xlsx").sheet("Action Plan")
    assert [str(p) for p in s.problems] == [
        "plan.xlsx, sheet 'Action Plan', C15: holds a formula with no saved value (a script wrote it, or Excel "
        "never calculated it): open the file in Excel, save it, and send it again"]
    assert s.cell(15, 3) is None


def test_a_formula_with_a_saved_value_gives_the_value_and_says_it_was_a_formula():
    s = open_workbook(with_sheet(sheet('<row r="2"><c r="C2"><f>1+1</f><v>2</v></c>'
                                       '<c r="D2" t="str"><f>IF(1,"","")</f><v></v></c></row>')),
                      "plan.xlsx").sheet("Action Plan")
    assert s.problems == []
    assert (s.cell(2, 3).value, s.cell(2, 3).formula, s.formula_count, s.formulas) == (2, True, 1, ["C2"])


def test_cap_import_refuses_a_formula_with_no_value_at_its_cell(tmp_path):
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Action Plan"
    ws.append(HEADER)
    ws.append(["Professional curiosity", "1.1", "D", "Do the thing.", "NSCB", "=DATE(2017,6,1)", "=\"Started.\""])
    wb.save(tmp_path / "plan.xlsx")
    result = Cap(tmp_path / "repo" / "data")("import", str(tmp_path / "plan.xlsx"), "--progress-date", "2017-01-31")
    assert result.exit_code == 1
    assert f"{tmp_path / 'plan.xlsx'}:2:6: error: CAP804 sheet 'Action Plan', F2: holds a formula with no saved value" \
        in result.stderr
    assert "G2: holds a formula with no saved value" in result.stderr
    assert not list((tmp_path / "repo" / "data" / "actions").glob("*.yaml"))


# ------------------------------------------------------------------ what a file is


def encrypted_looking() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 1000


def test_an_encrypted_workbook_is_refused_in_words(tmp_path):
    assert sniff(encrypted_looking()) == "encrypted"
    line = refusal(encrypted_looking())
    assert line.startswith("plan.xlsx: is password-protected (encrypted): remove the password in Excel")
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    (tmp_path / "plan.xlsx").write_bytes(encrypted_looking())
    result = Cap(tmp_path / "repo" / "data")("import", str(tmp_path / "plan.xlsx"), "--progress-date", "2017-01-31")
    assert result.exit_code == 1
    assert "is password-protected (encrypted)" in result.stderr and "BadZipFile" not in result.stderr


def test_other_kinds_say_what_to_save_as():
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000
    assert "Excel 97-2003 workbook (.xls): open it in Excel and save it as Excel Workbook (.xlsx)" in refusal(xls)
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    assert sniff(ods.getvalue()) == "ods" and "save it as Excel Workbook (.xlsx)" in refusal(ods.getvalue())
    assert save_as("xlsm") == "is a macro-enabled workbook (.xlsm): save it as Excel Workbook (.xlsx), without macros"
    assert save_as("xlsx") is None and save_as("text", "csv") is None
    assert "save it as Excel Workbook" in save_as("text", "xlsx")


# ------------------------------------------------------------------ Word


def word(rows: int, cols: int, text: str = "x") -> bytes:
    import docx

    d = docx.Document()
    t = d.add_table(rows=rows, cols=cols)
    t.cell(0, 0).text = text
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_word_table_is_read_and_its_bounds_hold():
    doc = open_document(word(2, 3, "Ref"), "tracker.docx")
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows][0] == ["Ref", "", ""]
    with pytest.raises(IntakeError, match=r"tracker.docx: table 1, row 1 has more than 64 cells \(MAX_ROW_CELLS\)"):
        open_document(word(1, 65), "tracker.docx")
    with pytest.raises(IntakeError, match=r"more than 100,000 characters \(MAX_CELL_CHARS\)"):
        open_document(word(1, 1, "y" * 100_001), "tracker.docx")
    with pytest.raises(IntakeError, match=r"is an Excel workbook, not a Word Document \(.docx\)"):
        open_document(base_workbook(), "tracker.docx")
    with pytest.raises(IntakeError, match="password-protected"):
        open_document(encrypted_looking(), "tracker.docx")


# ------------------------------------------------------------------ size first, memory bounded


def test_a_huge_file_is_refused_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 ** 3)     # sparse: 20 GB that take no disk
    calls = []

    class Spy(io.FileIO):
        def read(self, *args):
            calls.append(args)
            return super().read(*args)

    monkeypatch.setattr("cap.intake.files.open", lambda path, mode: Spy(path, mode), raising=False)
    with pytest.raises(IntakeError, match=r"file is 21,474,836,480 bytes; a plan is far smaller"):
        read_bytes(big)
    assert calls == []
    (tmp_path / "small.csv").write_bytes(b"a" * 20)
    assert read_bytes(tmp_path / "small.csv", limit=100) == b"a" * 20
    assert calls == [(101,)]   # never more than the limit and one byte


PEAK = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))
    from typer.testing import CliRunner
    from cap.cli import app
    result = CliRunner().invoke(app, ["--data", sys.argv[1], "import", sys.argv[2], "--progress-date", "2017-01-31"])
    # VmHWM: this process's own peak (ru_maxrss keeps the parent's across exec on Linux)
    hwm = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")]
    peak = int(hwm[0]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"exit": result.exit_code, "err": result.stderr[-600:], "peak_mb": peak / 1024}))
""")


def peak(tmp_path, name: str, raw: bytes | None = None) -> dict:
    """`cap import` of the file in a child process: its exit, its error, its peak memory in MB."""
    data = tmp_path / "repo" / "data"
    if not data.exists():
        assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    path = tmp_path / name
    if raw is not None:
        path.write_bytes(raw)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", PEAK, str(data), str(path)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


HOSTILE = {
    "cell-at-XFD1048576": lambda: with_sheet(sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                                                   dimension="A1:XFD1048576")),
    "merged-to-the-end": lambda: with_sheet(sheet('<row r="2"><c r="A2"><v>1</v></c></row>', dimension="A1:XFD1048576",
                                                  after='<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/>'
                                                        '</mergeCells>')),
    "2000-merged-columns": lambda: with_sheet(sheet("", after='<mergeCells count="2000">' + "".join(
        f'<mergeCell ref="{openpyxl.utils.get_column_letter(c)}1:{openpyxl.utils.get_column_letter(c)}1048576"/>'
        for c in range(1, 2001)) + "</mergeCells>")),
    "whitespace-bomb": lambda: with_sheet(iter([sheet("")[:-12], *(b" " * 1_000_000 for _ in range(30)),
                                                b"</worksheet>"]), level=9),
    "950000-rows": lambda: with_sheet(iter([sheet("")[:-len(b"</sheetData></worksheet>")],
                                            *("".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
                                                      for r in range(start, start + 50_000)).encode()
                                              for start in range(2, 950_002, 50_000)),
                                            b"</sheetData></worksheet>"]), level=9),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.posix
def test_hostile_workbooks_are_refused_or_read_in_little_memory(tmp_path, name):
    got = peak(tmp_path, "plan.xlsx", HOSTILE[name]())
    assert got["exit"] in (0, 1), got
    assert "Traceback" not in got["err"]
    assert got["peak_mb"] < 200, got


@pytest.mark.slow
@pytest.mark.posix
def test_a_csv_of_blank_lines_is_read_in_little_memory(tmp_path):
    got = peak(tmp_path, "plan.csv", b"Ref,Action\n" + b"\n" * 9_900_000)
    assert got["exit"] == 1 and "CAP802" in got["err"] or "CAP8" in got["err"], got
    assert got["peak_mb"] < 200, got


@pytest.mark.slow
@pytest.mark.posix
def test_a_20_gb_file_is_refused_in_little_memory(tmp_path):
    with open(tmp_path / "plan.csv", "wb") as fh:
        fh.truncate(20 * 1024 ** 3)
    got = peak(tmp_path, "plan.csv")
    assert got["exit"] == 1 and "a plan is far smaller" in got["err"], got
    assert got["peak_mb"] < 200, got


def test_cap_import_of_an_ods_or_an_encrypted_file_of_any_name_says_what_to_do(tmp_path):
    assert Cap()("init", str(tmp_path / "repo")).exit_code == 0
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    for name, raw, said in (("plan.ods", ods.getvalue(), "save it as Excel Workbook (.xlsx)"),
                            ("plan.csv", encrypted_looking(), "is password-protected (encrypted)")):
        (tmp_path / name).write_bytes(raw)
        result = Cap(tmp_path / "repo" / "data")("import", str(tmp_path / name), "--progress-date", "2017-01-31")
        assert result.exit_code == 1 and said in result.stderr, result.output


def test_a_large_styles_part_is_refused_before_it_is_parsed():
    """A 1.6 MB workbook whose styles.xml unpacks to 30 MB of varied XML made openpyxl
    use 620 MB parsing it whole; now refused from the zip's listing (MAX_WHOLE_PART_BYTES)."""
    import random

    src = zipfile.ZipFile(io.BytesIO(base_workbook()))
    styles = src.read("xl/styles.xml").decode()
    rnd = random.Random(1)
    xfs = "".join(f'<xf numFmtId="{rnd.randint(0, 49)}" fontId="0"><alignment indent="{rnd.randint(0, 99999)}"/></xf>'
                  for _ in range(150_000))
    big = styles[:styles.index("<cellXfs")] + f"<cellXfs>{xfs}" + styles[styles.index("</cellXfs>"):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, big if info.filename == "xl/styles.xml" else src.read(info.filename))
    assert "part 'xl/styles.xml' is" in refusal(out.getvalue()) and "(limit 5,000,000" in refusal(out.getvalue())
