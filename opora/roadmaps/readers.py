"""Word, Excel and text files → a stream of paragraphs and table rows, in document order.

The recognizer (`recognize.py`) reads the stream; it does not care where it came from.
Merged cells are kept on the grid: a cell repeated across a row is written once and the
rest of its span is blank, the way a text export of a Word table looks.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from opora.core.imports.limits import (
    MB,
    ReadLimits,
    TableFileError,
    check_size,
    check_zip,
    corrupt,
    number_ru,
)
from opora.core.imports.readers import OLE_MAGIC, cell_text, decode_text
from opora.core.imports.xlsx import XlsxBook

# python-docx builds the whole XML tree of a part in memory (about ten times its size); a
# roadmap's document.xml is a few megabytes even with hundreds of activities.
DOCX_XML_MAX = 30 * MB


class ReadError(ValueError):
    """The file cannot be read at all; the message is for the user, in Russian."""


@dataclass
class Paragraph:
    text: str
    bold: bool = False


@dataclass
class Row:
    cells: list[str]
    where: str
    bold: bool = False
    table: int = 0
    # How many grid columns the cell at each position spans (0 in the rest of its span): a
    # section title merged across the table spans them all. Empty when the source cannot say.
    spans: list[int] = field(default_factory=list)

    def span(self, index: int) -> int:
        return self.spans[index] if index < len(self.spans) else 1


@dataclass
class Document:
    blocks: list[Paragraph | Row] = field(default_factory=list)
    name: str = ""

    @property
    def rows(self) -> list[Row]:
        return [b for b in self.blocks if isinstance(b, Row)]


def read_document(data: bytes, name: str, *, limits: ReadLimits | None = None) -> Document:
    """Read a .docx, .xlsx or .txt roadmap; anything else gets a message that says why not.

    Bounded like every import (`opora.core.imports.limits`): the size first, then a ZIP
    container's directory, then rows, columns and time while reading."""
    limits = limits or ReadLimits.from_settings()
    try:
        check_size(len(data), name, limits)
    except TableFileError as exc:
        raise ReadError(str(exc)) from None
    suffix = Path(name).suffix.lower()
    if data.startswith(b"%PDF"):
        raise ReadError(
            _(
                "Файл «%(name)s» — PDF. Из PDF (особенно из скана) таблицу надёжно не прочитать: "
                "загрузите исходный документ Word (.docx) или книгу Excel (.xlsx)."
            )
            % {"name": name}
        )
    if data.startswith(OLE_MAGIC):
        raise ReadError(
            _(
                "Файл «%(name)s» защищён паролем или сохранён в старом формате (.doc, .xls). "
                "Снимите пароль и сохраните его как документ Word (.docx) или книгу Excel (.xlsx)."
            )
            % {"name": name}
        )
    try:
        if suffix == ".docx":
            check_zip(io.BytesIO(data), name, limits, kind="docx", max_xml_member=DOCX_XML_MAX)
            return _read_docx(data, name, limits)
        if suffix == ".xlsx":
            check_zip(io.BytesIO(data), name, limits)
            return _read_xlsx(data, name, limits)
    except TableFileError as exc:
        raise ReadError(str(exc)) from None
    if suffix in (".txt", ".tsv"):
        return read_text(_decode(data, name), name)
    raise ReadError(
        _("Файл «%(name)s»: поддерживаются документы Word (.docx), Excel (.xlsx) и текст (.txt).")
        % {"name": name}
    )


def _decode(data: bytes, name: str) -> str:
    try:
        return decode_text(data, name)
    except TableFileError as exc:
        raise ReadError(str(exc)) from exc


def _read_docx(data: bytes, name: str, limits: ReadLimits) -> Document:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    deadline = limits.deadline(name)
    try:
        source = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises assorted errors (lxml, zipfile, KeyError…)
        raise ReadError(str(corrupt(name, "docx"))) from None
    document = Document(name=name)
    table_number = 0
    for item in source.iter_inner_content():
        deadline.check(len(document.blocks))
        if isinstance(item, DocxParagraph):
            text = item.text.strip()
            if text:
                document.blocks.append(Paragraph(text, bold=_all_bold(item)))
        elif isinstance(item, Table):
            table_number += 1
            for index, row in enumerate(item.rows, start=1):
                cells: list[str] = []
                spans: list[int] = []
                bold = True
                seen: object = None
                start = 0
                for cell in row.cells:
                    # A horizontally merged cell comes back once per grid column it spans.
                    if cell._tc is seen:
                        cells.append("")
                        spans.append(0)
                        spans[start] += 1
                        continue
                    seen = cell._tc
                    start = len(spans)
                    spans.append(1)
                    cells.append("\n".join(p.text for p in cell.paragraphs).strip())
                    texts = [p for p in cell.paragraphs if p.text.strip()]
                    bold = bold and all(_all_bold(p) for p in texts)
                where = _("таблица %(t)s, строка %(r)s") % {"t": table_number, "r": index}
                if any(cells):
                    row_block = Row(cells, where, bold=bold, table=table_number, spans=spans)
                    document.blocks.append(row_block)
    return document


def _all_bold(paragraph: object) -> bool:
    runs = [r for r in getattr(paragraph, "runs", []) if r.text.strip()]
    return bool(runs) and all(r.bold for r in runs)


def _read_xlsx(data: bytes, name: str, limits: ReadLimits) -> Document:
    book = XlsxBook(io.BytesIO(data), name, limits, limits.deadline(name))
    document = Document(name=name)
    rows = 0
    try:
        for number, sheet in enumerate(book.sheets, start=1):
            sheet_blocks: list[tuple[int, Row]] = []
            with closing(book.rows(sheet, bold=True)) as sheet_rows:
                for row in sheet_rows:
                    cells = [_cell_text(v) for v in row.values]
                    while cells and not cells[-1]:
                        cells.pop()
                    if not any(cells):
                        continue
                    rows += 1
                    if rows > limits.max_rows:
                        raise ReadError(
                            _("В файле «%(name)s» больше %(n)s строк.")
                            % {"name": name, "n": number_ru(limits.max_rows)}
                        )
                    filled = [flag for flag, text in zip(row.bold, cells, strict=False) if text]
                    where = _("лист «%(s)s», строка %(r)s") % {"s": sheet.title, "r": row.number}
                    if len(book.sheets) == 1:
                        where = _("строка %(r)s") % {"r": row.number}
                    block = Row(cells, where, bold=all(filled), table=number)
                    sheet_blocks.append((row.number, block))
            # The sheet names its merged ranges after its rows: spans are known only now.
            merged = book.merged.get(sheet.path, {})
            for row_number, block in sheet_blocks:
                block.spans = [
                    merged.get((row_number, column), 1) for column in range(1, len(block.cells) + 1)
                ]
                document.blocks.append(block)
    finally:
        book.close()
    return document


def _cell_text(value: object) -> str:
    # Dates the Russian way: the schedule parser reads «15.03.2025», as roadmaps write them.
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return cell_text(value)


# Up to three digits: a lone «2020» is a year of the header, not activity 2020.
NUMBER_CELL_RE = re.compile(r"^\t\s*\.?\d{1,3}(\.\d+)*\.?\s*$")
# A section cell: «Раздел 2», «Направление № 1», «II. Методическое…», «Б. Работа с…» (a
# capital and a word, not the initials «А. С.» of a name).
SECTION_CELL_RE = re.compile(
    r"^\t\s*((?i:направление|раздел)\b|[IVXІХ]{1,7}[.)]\s*[А-ЯЁ«\"]|[А-ЯЁ][.)]\s+[А-ЯЁ«\"][а-яё])"
)


def read_text(text: str, name: str = "") -> Document:
    """A Word document saved as text: tab-separated rows, paragraphs between them.

    Some exports write every cell on its own line starting with a tab, with a cell's own
    line breaks as lines without a tab; those are put back together into rows first.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    document = Document(name=name)
    tabbed = [line for line in lines if "\t" in line]
    single = [line for line in tabbed if line.startswith("\t") and line.count("\t") == 1]
    if tabbed and len(single) / len(tabbed) > 0.8:
        document.blocks.extend(_cell_per_line(lines))
        return document
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            if any(cells):
                where = _("строка %(r)s") % {"r": number}
                document.blocks.append(Row(cells, where, bold="<b>" in line))
        elif line.strip():
            stripped = line.strip()
            bold = stripped.startswith("**")
            document.blocks.append(Paragraph(stripped.strip("*").strip(), bold=bold))
    return document


def _cell_per_line(lines: list[str]) -> Iterator[Paragraph | Row]:
    """Rows of a cell-per-line export: a row starts at a number or section cell, or at a
    tab line after a blank one once the row is as wide as the widest row so far."""
    row: list[str] = []
    start = 0
    widest = 0
    blank_before = False
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() and "\t" not in raw:
            blank_before = True
            continue
        line = raw.lstrip(" ")
        if line.startswith("\t"):
            begins = (
                NUMBER_CELL_RE.match(line)
                or SECTION_CELL_RE.match(line)
                or (blank_before and row and len(row) >= widest)
            )
            if begins and row:
                widest = max(widest, len(row))
                yield Row(row, _("строка %(r)s") % {"r": start})
                row = []
            if not row:
                start = number
            row.append(line[1:].strip())
        elif row:
            row[-1] = f"{row[-1]}\n{raw.strip()}".strip()
        else:
            yield Paragraph(raw.strip())
        blank_before = False
    if row:
        yield Row(row, _("строка %(r)s") % {"r": start})
