"""Files Opora writes for users: workbooks (XLSX), CSV and their file names.

Every XLSX goes out through `workbook_bytes` and every CSV through `csv_bytes`: they are
the one place where user text is kept from turning into a live formula (OWASP «CSV
injection»). A school name, an activity text or an imported cell that begins with `=`, `+`,
`-`, `@`, a tab or a carriage return would otherwise run as a formula (`=HYPERLINK(…)`,
`=cmd|' /C calc'!A0`) when the file is opened. In XLSX such text is stored as a string cell
with Excel's «quote prefix» (shown exactly as typed, read back unchanged by openpyxl and by
Opora's importers, and still text when the cell is edited); in CSV it gets a leading
apostrophe, which is how spreadsheet programs mark text. A test (`core/tests/test_exports.py`)
fails if a module outside `core` writes a workbook, a CSV or a download response itself.

Rows go into a sheet through `sheet_append` (or `sheet_header`): it drops the control
characters an XLSX cannot hold (a vertical tab pasted from Word would otherwise stop the
export with an error). Word and PDF documents are in `opora.core.documents`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX and DOCX) cannot hold; a vertical tab or a form feed is a
# line or page break pasted from Word and becomes a line break, the rest is dropped.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
# Text that is a plain number («-5», «+7,5») is a value, not a formula: it stays as it is.
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?%?$")
# Characters no file system or browser accepts in a file name.
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_FILENAME_CHARS = 120
# Linux and macOS allow 255 bytes per name; Cyrillic takes two bytes in UTF-8 and «—», «№»
# three, and a browser may add « (2)»: the name is cut by bytes, with room to spare.
MAX_FILENAME_BYTES = 200


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would read `text` as a formula."""
    return text.startswith(FORMULA_PREFIXES) and not _NUMBER.match(text)


def csv_safe(value: Any) -> Any:
    """A value for a CSV cell: formula-looking text gets a leading apostrophe."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xml_text(text: str) -> str:
    """`text` without the control characters XML files cannot hold (line breaks kept)."""
    if _NOT_IN_XML.search(text) is None:  # nearly always: no copy made
        return text
    return _NOT_IN_XML.sub("", text.translate(_BREAKS))


def _neutralise(cell: Cell) -> None:
    value = cell.value
    if not isinstance(value, str):
        return
    # openpyxl turns any string starting with «=» into a formula cell (data type «f») and
    # «#N/A» and the like into error cells («e»); no export of Opora writes real formulas
    # or errors, so every such cell is user text.
    if cell.data_type in ("f", "e") or looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_new(title: str) -> tuple[Workbook, Worksheet]:
    """A new workbook and its first sheet, named `title` (cut to Excel's 31 characters)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    return book, sheet


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, no apostrophe at either end, at most 31
    characters."""
    cleaned = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split())[:31].strip(" '")
    return cleaned or "Лист"


def sheet_append(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text loses the control characters a workbook cannot hold."""
    sheet.append([_sheet_value(value) for value in values])


def _sheet_value(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, Promise):  # a lazy translation
        return xml_text(str(value))
    return value


def sheet_header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[float] = ()) -> None:
    """Append a bold, wrapped header row, freeze the rows above the data and set widths."""
    sheet_append(sheet, titles)
    row = sheet.max_row
    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{row + 1}"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an XLSX file, with every formula-looking text cell made plain text
    and every sheet printed on A4 (Excel's default is the printer's, often US Letter)."""
    if book.write_only:
        # Cells of a write-only sheet are gone once written: they cannot be checked here.
        raise TypeError("workbook_bytes needs a normal workbook (workbook_new), not write-only")
    for sheet in book.worksheets:
        if not sheet.page_setup.paperSize:
            sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        # The cells that exist, without iter_rows' filling of every gap with an empty cell
        # (which would also write those empty cells into the file).
        for cell in list(sheet._cells.values()):
            if isinstance(cell, Cell):
                _neutralise(cell)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        # A «;»-separated file is for Russian Excel, which reads «1,25» as a number.
        return str(value).replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    # Anything else (a lazy translation, a choice) is written as its text: checked as text.
    return csv_safe(str(value))


def csv_bytes(rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> bytes:
    """Rows as a CSV file for Russian Excel: UTF-8 with BOM, «;», decimal commas, and no
    formula-looking text."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def export_filename(*parts: Any, extension: str) -> str:
    """A Russian file name for a download: «Дорожная карта — МБОУ СОШ № 5.docx».

    The parts are joined with « — »; characters file systems refuse are replaced and the
    name is cut to a length every system accepts.
    """
    words = [" ".join(str(p).split()) for p in parts if p not in (None, "")]
    name = _UNSAFE_IN_FILENAME.sub(" ", " — ".join(words))
    name = " ".join(name.split()).strip(" .") or "Опора"
    suffix = "." + extension.lstrip(".")
    name = name[:MAX_FILENAME_CHARS]
    while len((name + suffix).encode()) > MAX_FILENAME_BYTES:
        name = name[:-1]
    return name.rstrip(" .—") + suffix
