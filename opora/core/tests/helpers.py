"""Checks shared by the export tests of every app: formula-looking user text stays text, file
names are Russian, documents are A4."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import unquote

from django.http import HttpResponse
from openpyxl import load_workbook

# What an attacker types into a school name, an activity or a questionnaire title (OWASP «CSV
# injection»): each would run as a formula in Excel or LibreOffice if written as it is.
ATTACKS = (
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\t=1",
)


def download_name(response: HttpResponse) -> str:
    """The file name a browser saves the response under (RFC 6266, UTF-8 or plain)."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment"), header
    encoded = re.search(r"filename\*=utf-8''([^;]+)", header)
    if encoded:
        return unquote(encoded.group(1))
    plain = re.search(r'filename="([^"]*)"', header)
    assert plain, header
    return plain.group(1)


def assert_xlsx_keeps_as_text(data: bytes, texts: tuple[str, ...] = ATTACKS) -> None:
    """Every cell that begins with one of `texts` is a plain string with Excel's quote prefix
    (it stays text when opened and when edited), and each of `texts` is in the file."""
    book = load_workbook(io.BytesIO(data))
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str):
                    continue
                for text in texts:
                    if cell.value.startswith(text):
                        found.add(text)
                        assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    assert found == set(texts), set(texts) - found


def assert_csv_keeps_as_text(data: bytes, texts: tuple[str, ...] = ATTACKS) -> None:
    """Each of `texts` is in the CSV behind an apostrophe, and no cell begins with one bare."""
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    for text in texts:
        assert any(cell.startswith("'" + text) for cell in cells), text
        assert not any(cell.startswith(text) for cell in cells), text


def assert_docx_a4(data: bytes, *, landscape: bool) -> None:
    """Every section of the .docx is A4 in the orientation given, with the official margins."""
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document(io.BytesIO(data))
    for section in document.sections:
        width, height = section.page_width, section.page_height
        assert width is not None and height is not None
        size = (round(width.mm), round(height.mm))
        assert size == ((297, 210) if landscape else (210, 297)), size
        expected = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        assert section.orientation == expected
        margins = [
            round(m.mm) if m is not None else None
            for m in (
                section.left_margin,
                section.right_margin,
                section.top_margin,
                section.bottom_margin,
            )
        ]
        assert margins == ([20, 20, 30, 10] if landscape else [30, 10, 20, 20]), margins
