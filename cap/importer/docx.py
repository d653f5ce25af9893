"""Reading a Word document's tables (python-docx): rows as `SourceRow`s, headings between them.

- Every table whose header row (within its first rows) names the fields is read; a table
  without one (a document-control table, a key) is left out and named in a note. `--table N`
  reads table N alone (counted from 1 in the document, every table counted).
- A cell merged down over several rows fills each of them; a cell merged across columns
  stays in its first column (a row that is one cell across the table is a heading row).
- A cell's paragraphs are joined with line breaks: a text field keeps them, a list field
  (leads) splits on them.
- The headings between tables (a Heading or Title style, or a short line all in bold) are
  rows of their own, before the table's: a theme, a recommendation or a review for the
  rows that follow (cap.importer.tracker decides). Other prose is not read: a note counts it.

Every row knows its table and its row in it (`table 2, row 5, column C` in a message).
The document is opened in one place, `open_document`, through cap.intake's bounds.
"""

from __future__ import annotations

from cap.importer.rows import LINE_BREAK, Located, SourceRow

#: How far down a table its header row is looked for.
HEADER_SEARCH_ROWS = 5
#: A bold line longer than this is prose, not a heading.
HEADING_MAX_CHARS = 200


class DocumentError(ValueError):
    """Not a Word document cap can read; the message is one line."""


def open_document(raw: bytes, shown: str = "the document"):
    """The python-docx Document of `raw`, every bound checked before it is unpacked
    (cap.intake: size, parts, tables, rows, cells; encrypted, .doc and DOCTYPE refused);
    DocumentError (one line) if refused or unreadable. The one place a Word document is opened."""
    from cap.intake import IntakeError
    from cap.intake import open_document as open_bounded

    try:
        return open_bounded(raw, shown)
    except IntakeError as exc:
        raise DocumentError(exc.refusal.where + exc.refusal.message) from None


def _paragraph_text(paragraphs) -> str:
    return "\n".join(LINE_BREAK.sub("\n", p.text).strip() for p in paragraphs if p.text.strip())


def cell_text(cell) -> str:
    """A cell's paragraphs, one a line (nested tables' text after them)."""
    text = _paragraph_text(cell.paragraphs)
    for inner in cell.tables:
        for row in inner.rows:
            line = " | ".join(c.text.strip() for c in row.cells if c.text.strip())
            if line:
                text = f"{text}\n{line}" if text else line
    return text


def _is_heading(paragraph) -> bool:
    text = paragraph.text.strip()
    if not text or len(text) > HEADING_MAX_CHARS:
        return False
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("heading", "title", "subtitle")):
        return True
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def table_rows(table, number: int) -> list[SourceRow]:
    """A table's rows; merged cells as the module's docstring says."""
    out: list[SourceRow] = []
    for index, row in enumerate(table.rows, start=1):
        cells = row.cells
        texts: list[str] = []
        previous = None
        for cell in cells:
            same = previous is not None and cell._tc is previous._tc
            texts.append("" if same else cell_text(cell))
            previous = cell
        while texts and not texts[-1].strip():
            texts.pop()
        out.append(SourceRow(index, index, texts, table=number))
    return out


def read_document(raw: bytes, loc: Located, *, table: int | None = None, header_test=None) -> list[SourceRow]:
    """The rows to import: each table with a header row, the headings before it.

    Problems (no such table, no table with a header) go to `loc`; DocumentError if unreadable."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = open_document(raw, loc.shown)
    body = document.element.body
    pending: list[SourceRow] = []
    out: list[SourceRow] = []
    count = 0
    left_out: list[int] = []
    prose: list[str] = []
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = " ".join(paragraph.text.split())
            if _is_heading(paragraph):
                pending.append(SourceRow(0, 0, [text], tabbed=False, label=f"the heading {text[:40]!r}"))
            elif text:
                prose.append(text)
            continue
        if tag != "tbl":
            continue
        count += 1
        rows = table_rows(Table(child, document), count)
        if table is not None and count != table:
            pending = []
            continue
        if header_test is not None and not any(header_test([c.strip() for c in r.cells])
                                               for r in rows[:HEADER_SEARCH_ROWS]):
            left_out.append(count)
            pending = []
            continue
        for row in pending:
            row.label = f"{row.label} (before table {count})"
        out.extend(pending)
        out.extend(rows)
        pending = []
    if table is not None and table > count:
        loc.add(None, "CAP803", f"--table {table}: the document has {count} table{'s' if count != 1 else ''}")
        return []
    if not any(r.table is not None for r in out):
        if count == 0:
            loc.add(None, "CAP803", "the document has no table: a plan is read from its tables")
        else:
            loc.add(None, "CAP803", f"no table has a header row naming its columns (looked at {count}): the "
                    "table must start with a row such as Ref, Action, Lead agency, Target date")
        return []
    loc.notes.extend(f"table {n}: no header row naming the fields; not read (--table {n} reads it)"
                     for n in left_out)
    if prose:  # nothing the source says is dropped unsaid
        first = prose[0] if len(prose[0]) <= 60 else prose[0][:59] + "…"
        loc.notes.append(f"{len(prose)} paragraph{'s' if len(prose) != 1 else ''} of text outside the tables "
                         f"not read (the first: {first!r}); only headings name a theme or a recommendation")
    return out
